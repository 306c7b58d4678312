"""Every label the dashboards show, in English and French (no Streamlit, no DuckDB).

``t(key, lang, **values)`` returns the string of ``key`` in ``lang`` ('en' | 'fr'), with ``str.format`` values.
The language a session starts in comes from ``ANIMATEUR_DASHBOARD_LANGUAGE``, else from the published strategy
(``organisation.default_language``), else English: see ``default_language``. Numbers and dates are formatted per
language by ``dashboards.formatting``.
"""

from __future__ import annotations

import os

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
LANGUAGE_ENV = "ANIMATEUR_DASHBOARD_LANGUAGE"

# key -> (English, French)
STRINGS: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ app shell
    "app.tagline": ("Community management analytics", "Pilotage du community management"),
    "app.language": ("Language", "Langue"),
    "app.data_published": ("Data published", "Données publiées"),
    "app.data_through": ("Data through", "Données jusqu'au"),
    "app.publication_unavailable": (
        "Publication details unavailable.",
        "Détails de publication indisponibles.",
    ),
    "app.no_published_data": (
        (
            "**No published data yet.** The dashboards read a published copy of the warehouse at `{path}`, "
            "which does not exist yet.\n\nRun `make demo` to generate demo data, run the pipeline and "
            "publish the copy, then reload this page."
        ),
        (
            "**Aucune donnée publiée pour l'instant.** Les tableaux de bord lisent une copie publiée de "
            "l'entrepôt, `{path}`, qui n'existe pas encore.\n\nLancez `make demo` pour générer les données "
            "de démonstration, exécuter le pipeline et publier la copie, puis rechargez cette page."
        ),
    ),
    "app.signed_in_as": ("Signed in as {who} ({role})", "Connecté·e : {who} ({role})"),
    "app.log_in": ("Log in", "Se connecter"),
    "app.log_out": ("Log out", "Se déconnecter"),
    "app.login_required": (
        "**Sign in to open the dashboards.** Access is restricted to the organisation's accounts.",
        (
            "**Connectez-vous pour ouvrir les tableaux de bord.** L'accès est réservé aux comptes de "
            "l'organisation."
        ),
    ),
    "app.no_role": (
        "Your account ({who}) has no role in the dashboards' configuration. Ask an administrator to add it.",
        (
            "Votre compte ({who}) n'a pas de rôle dans la configuration des tableaux de bord. Demandez à "
            "un administrateur de l'ajouter."
        ),
    ),
    "app.member_level_denied": (
        "This page shows member-level data: it is open to analysts and community managers only.",
        (
            "Cette page montre des données par membre : elle est réservée aux analystes et aux community "
            "managers."
        ),
    ),
    "role.executive": ("executive", "direction"),
    "role.analyst": ("analyst", "analyste"),
    "role.community_manager": ("community manager", "community manager"),
    "page.weekly": ("Weekly", "Hebdomadaire"),
    "page.monthly": ("Monthly", "Mensuel"),
    "page.strategic": ("Strategic", "Stratégique"),
    "page.explore": ("Explore", "Explorer"),
    "page.members": ("Members", "Membres"),
    "page.health": ("Data health", "Santé des données"),
    "download.csv": ("CSV", "CSV"),
    "download.excel": ("Excel", "Excel"),
    "download.help": ("Download this table", "Télécharger ce tableau"),
    "missing_table": (
        "Table `{table}` is not in the published copy yet: the pipeline that builds it has not run.",
        (
            "La table `{table}` n'est pas encore dans la copie publiée : le pipeline qui la construit n'a "
            "pas tourné."
        ),
    ),
    "no_rows": ("No rows for this selection.", "Aucune ligne pour cette sélection."),
    "filter.channel": ("Channel", "Canal"),
    "filter.period": ("Period", "Période"),
    "filter.month": ("Month", "Mois"),
    "filter.job": ("Job", "Métier"),
    "filter.grain": ("Horizon", "Horizon"),
    "filter.from": ("From", "Du"),
    "filter.to": ("To", "Au"),
    "filter.search": ("Text contains", "Le texte contient"),
    "filter.entity": ("Brand or competitor", "Marque ou concurrent"),
    "filter.sentiment": ("Sentiment", "Tonalité"),
    "filter.status": ("Status", "Statut"),
    "filter.level": ("Level", "Niveau"),
    "filter.any": ("Any", "Tous"),
    "filter.waiting_only": ("Waiting for an answer only", "Seulement en attente de réponse"),
    "filter.ambassadors_only": ("Ambassadors only", "Ambassadeurs seulement"),
    "all_channels": ("All channels", "Tous les canaux"),
    "week": ("Week", "Semaine"),
    "partial": ("partial", "partiel"),
    "grain.quarter": ("Quarter", "Trimestre"),
    "grain.year": ("Year", "Année"),
    # ------------------------------------------------------------------ KPI cards (weekly)
    "group.publishing": ("Publishing", "Publication"),
    "group.conversations": ("Conversations", "Conversations"),
    "kpi.contents_published": ("Contents published", "Contenus publiés"),
    "kpi.interactions": ("Interactions", "Interactions"),
    "kpi.engagement_rate_by_reach": ("Engagement rate by reach", "Taux d'engagement sur la portée"),
    "kpi.conversations": ("Conversations", "Conversations"),
    "kpi.response_rate": ("Response rate", "Taux de réponse"),
    "kpi.median_first_response_minutes": ("Median first response time", "Délai médian de première réponse"),
    "kpi_help.contents_published": (
        (
            "**Count** of brand contents published in the week (Facebook posts, original X tweets, blog "
            "posts).\n\nDenominator: none (a count)."
        ),
        (
            "**Nombre** de contenus de la marque publiés dans la semaine (publications Facebook, tweets "
            "originaux, articles de blog).\n\nDénominateur : aucun (un compte)."
        ),
    ),
    "kpi_help.interactions": (
        (
            "**Sum of interactions** (reactions + comments + shares; lifetime counters as last reported) "
            "of the contents published in the week.\n\nDenominator: none (a count). Blog posts report no "
            "interactions."
        ),
        (
            "**Somme des interactions** (réactions + commentaires + partages ; compteurs à vie, dernière "
            "valeur connue) des contenus publiés dans la semaine.\n\nDénominateur : aucun (un compte). Les "
            "articles de blog ne rapportent pas d'interactions."
        ),
    ),
    "kpi_help.engagement_rate_by_reach": (
        (
            "**Sum of interactions ÷ sum of reach**, over the contents published in the week that report a "
            "reach > 0.\n\nDenominator: the reach of those contents (— when it is 0). Delta in percentage "
            "points (pp)."
        ),
        (
            "**Somme des interactions ÷ somme de la portée**, sur les contenus publiés dans la semaine "
            "dont la portée est > 0.\n\nDénominateur : la portée de ces contenus (— quand elle est nulle). "
            "Écart en points de pourcentage (pt)."
        ),
    ),
    "kpi_help.conversations": (
        (
            "**Count** of inbound messages that expect a brand answer, started in the week: top-level "
            "member comments on Facebook posts, member mentions on X, helpdesk tickets.\n\nDenominator: "
            "none (a count). It is the denominator of the response rate."
        ),
        (
            "**Nombre** de messages entrants qui attendent une réponse de la marque, commencés dans la "
            "semaine : commentaires de premier niveau sur Facebook, mentions sur X, tickets du "
            "support.\n\nDénominateur : aucun (un compte). C'est le dénominateur du taux de réponse."
        ),
    ),
    "kpi_help.response_rate": (
        (
            "**Conversations answered ÷ conversations started** in the week (top-level member comments on "
            "Facebook, member mentions on X, helpdesk tickets).\n\nDenominator: conversations started in "
            "the week (— when none). Delta in percentage points (pp)."
        ),
        (
            "**Conversations répondues ÷ conversations commencées** dans la semaine (commentaires de "
            "premier niveau sur Facebook, mentions sur X, tickets du support).\n\nDénominateur : les "
            "conversations commencées dans la semaine (— s'il n'y en a aucune). Écart en points de "
            "pourcentage (pt)."
        ),
    ),
    "kpi_help.median_first_response_minutes": (
        (
            "**Median of the first-response time** (calendar time) over the conversations started in the "
            "week that were answered.\n\nDenominator: answered conversations (— when none). Lower is "
            "better."
        ),
        (
            "**Médiane du délai de première réponse** (temps calendaire) sur les conversations commencées "
            "dans la semaine qui ont reçu une réponse.\n\nDénominateur : les conversations répondues (— "
            "s'il n'y en a aucune). Plus bas, c'est mieux."
        ),
    ),
    "kpi_help.all_channels_note": (
        (
            "\n\n*All channels* applies the same formula to all channels pooled together (not an average "
            "of channel rates)."
        ),
        (
            "\n\n*Tous les canaux* applique la même formule à l'ensemble des canaux réunis (et non une "
            "moyenne des taux par canal)."
        ),
    ),
    # ------------------------------------------------------------------ weekly
    "weekly.title": ("Weekly performance", "Performance de la semaine"),
    "weekly.no_full_week": (
        (
            "The published data does not cover a full week (Monday to Sunday) yet. Come back once the "
            "pipeline has loaded at least one complete week."
        ),
        (
            "Les données publiées ne couvrent pas encore une semaine complète (du lundi au dimanche). "
            "Revenez quand le pipeline aura chargé au moins une semaine entière."
        ),
    ),
    "weekly.compared_with": (
        "Last full week (Monday–Sunday, UTC), compared with {previous}.",
        "Dernière semaine complète (lundi–dimanche, UTC), comparée à {previous}.",
    ),
    "weekly.vs": ("vs {week}", "vs {week}"),
    "weekly.best_contents": ("Best contents of the week", "Meilleurs contenus de la semaine"),
    "weekly.best_contents_caption": (
        "Contents published in the week, by interactions (lifetime counters as last reported).",
        "Contenus publiés dans la semaine, par interactions (compteurs à vie, dernière valeur connue).",
    ),
    "weekly.sla": ("First response time against the SLA", "Délai de première réponse face au SLA"),
    "weekly.sla_caption": (
        (
            "Conversations started in the week, per channel: first response in business hours against the "
            "channel's response SLA from the strategy."
        ),
        (
            "Conversations commencées dans la semaine, par canal : première réponse en heures ouvrées face "
            "au SLA de réponse du canal fixé par la stratégie."
        ),
    ),
    "weekly.waiting": (
        "Conversations still waiting for an answer",
        "Conversations toujours en attente de réponse",
    ),
    "weekly.waiting_caption": (
        "{count} conversations have no answer at the end of the data ({horizon}); the oldest first.",
        (
            "{count} conversations sont sans réponse à la fin des données ({horizon}) ; les plus anciennes "
            "d'abord."
        ),
    ),
    "weekly.alerts": ("Alerts of the week", "Alertes de la semaine"),
    "weekly.no_alerts": ("No alert was raised this week.", "Aucune alerte levée cette semaine."),
    "weekly.alerts_file_missing": (
        (
            "No alert has been raised yet: the alerts file `{path}` does not exist (the alert sensor "
            "creates it)."
        ),
        (
            "Aucune alerte n'a encore été levée : le fichier d'alertes `{path}` n'existe pas (le capteur "
            "d'alertes le crée)."
        ),
    ),
    "weekly.trends": ("Last {weeks} weeks by channel", "Les {weeks} dernières semaines par canal"),
    "weekly.trends_caption": (
        (
            "Bars: interactions on the contents published that week (contents published, for channels that "
            "report no interactions). Line: conversations started that week. The dark bar is the week "
            "above. Full weeks only."
        ),
        (
            "Barres : interactions sur les contenus publiés dans la semaine (contenus publiés, pour les "
            "canaux sans interactions). Ligne : conversations commencées dans la semaine. La barre foncée "
            "est la semaine ci-dessus. Semaines complètes seulement."
        ),
    ),
    "weekly.no_activity": (
        "No activity recorded in these weeks.",
        "Aucune activité enregistrée sur ces semaines.",
    ),
    # ------------------------------------------------------------------ monthly
    "monthly.title": ("Monthly review", "Bilan mensuel"),
    "monthly.caption": (
        "{month}, with the 13 months that end with it. Values come from `kpi_values` (monthly grain).",
        "{month}, avec les 13 mois qui s'achèvent avec lui. Valeurs issues de `kpi_values` (grain mensuel).",
    ),
    "monthly.trends": ("13-month trends", "Tendances sur 13 mois"),
    "monthly.indicator": ("Indicator", "Indicateur"),
    "monthly.audience": ("Audience growth", "Croissance de l'audience"),
    "monthly.no_audience": (
        "No audience indicator (followers, subscribers) is in the indicator catalog yet.",
        "Aucun indicateur d'audience (abonnés) n'est encore dans le catalogue d'indicateurs.",
    ),
    "monthly.formats": ("Best formats of the month", "Meilleurs formats du mois"),
    "monthly.best_format": (
        "Best format: **{format}** on {channel}, {per_content} interactions per content.",
        "Meilleur format : **{format}** sur {channel}, {per_content} interactions par contenu.",
    ),
    "monthly.sentiment": ("Sentiment and listening", "Tonalité et écoute"),
    "monthly.keywords": ("Top keywords", "Mots-clés principaux"),
    "monthly.levels": ("Moves between community levels", "Mouvements entre niveaux de la communauté"),
    "monthly.levels_caption": (
        "Members per move in each month (promotions, demotions, arrivals), from `member_levels_monthly`.",
        (
            "Membres par mouvement chaque mois (promotions, rétrogradations, arrivées), d'après "
            "`member_levels_monthly`."
        ),
    ),
    "monthly.leads": ("Leads", "Prospects"),
    # ------------------------------------------------------------------ strategic
    "strategic.title": ("Strategic view", "Vue stratégique"),
    "strategic.caption": (
        (
            "{period}: objectives against targets, the ten-principle barometer, share of voice and the "
            "community."
        ),
        "{period} : objectifs face aux cibles, baromètre des dix principes, part de voix et communauté.",
    ),
    "strategic.impact": ("Impact in numbers", "L'impact en chiffres"),
    "strategic.impact_caption": ("Compared with {previous}.", "Comparé à {previous}."),
    "strategic.scorecard": ("Objectives against targets", "Objectifs face aux cibles"),
    "strategic.scorecard_caption": (
        (
            "Monthly status of every objective's indicator (all channels) from `kpi_attainment`: green "
            "reached, amber close, red off target, grey no data."
        ),
        (
            "Statut mensuel de chaque indicateur d'objectif (tous canaux) d'après `kpi_attainment` : vert "
            "atteint, orange proche, rouge hors cible, gris sans donnée."
        ),
    ),
    "strategic.barometer": ("The ten-principle barometer", "Le baromètre des dix principes"),
    "strategic.barometer_caption": (
        (
            "Score of each principle from 0 to 100 (`kpi_barometer`, all channels); a year averages its "
            "quarters."
        ),
        (
            "Score de chaque principe de 0 à 100 (`kpi_barometer`, tous canaux) ; une année fait la "
            "moyenne de ses trimestres."
        ),
    ),
    "strategic.share_of_voice": ("Share of voice against competitors", "Part de voix face aux concurrents"),
    "strategic.members": ("Members and ambassadors", "Membres et ambassadeurs"),
    "status.green": ("on target", "atteint"),
    "status.amber": ("close", "proche"),
    "status.red": ("off target", "hors cible"),
    "status.no_data": ("no data", "sans donnée"),
    "impact.contents_published": ("Contents published", "Contenus publiés"),
    "impact.interactions": ("Interactions", "Interactions"),
    "impact.conversations_answered": ("Conversations answered", "Conversations répondues"),
    "impact.response_rate": ("Response rate", "Taux de réponse"),
    "impact.brand_mentions": ("Brand mentions", "Mentions de la marque"),
    "impact.share_of_voice": ("Share of voice", "Part de voix"),
    "impact.leads": ("Leads", "Prospects"),
    "impact.social_leads": ("Social leads", "Prospects issus des réseaux"),
    "impact.active_members": ("Active members", "Membres actifs"),
    "impact.ambassadors": ("Ambassadors", "Ambassadeurs"),
    # ------------------------------------------------------------------ explore
    "explore.title": ("Explore", "Explorer"),
    "explore.caption": (
        "Drill into contents, conversations and mentions; every table can be downloaded.",
        "Parcourez contenus, conversations et mentions ; chaque tableau se télécharge.",
    ),
    "explore.contents": ("Contents", "Contenus"),
    "explore.conversations": ("Conversations", "Conversations"),
    "explore.mentions": ("Mentions", "Mentions"),
    "explore.last_days": ("Last {days} days", "{days} derniers jours"),
    "explore.rows": ("{count} rows", "{count} lignes"),
    # ------------------------------------------------------------------ members
    "members.title": ("Members", "Membres"),
    "members.caption": (
        "Pseudonymous members (`member_key`): levels, activity and ambassadors. Member-level data.",
        "Membres pseudonymisés (`member_key`) : niveaux, activité et ambassadeurs. Données par membre.",
    ),
    "members.history": ("Level history of a member", "Historique des niveaux d'un membre"),
    "members.member": ("Member", "Membre"),
    # ------------------------------------------------------------------ data health
    "health.title": ("Data health", "Santé des données"),
    "health.caption": (
        "Freshness of each source against the data horizon ({horizon}), records loaded and quarantined.",
        (
            "Fraîcheur de chaque source par rapport à l'horizon des données ({horizon}), enregistrements "
            "chargés et mis en quarantaine."
        ),
    ),
    "health.freshness": ("Freshness per source", "Fraîcheur par source"),
    "health.quarantine": ("Quarantine", "Quarantaine"),
    "health.quarantine_caption": (
        "Records set aside by the loaders, by reason (they never reach the marts).",
        "Enregistrements écartés au chargement, par motif (ils n'atteignent jamais les marts).",
    ),
    "health.checks": ("Check results", "Résultats des contrôles"),
    "health.no_quarantine": ("No record was quarantined.", "Aucun enregistrement mis en quarantaine."),
    "health.records_loaded": ("Records loaded", "Enregistrements chargés"),
    "health.records_quarantined": ("Records quarantined", "Enregistrements en quarantaine"),
    "health.stale_sources": ("Sources behind", "Sources en retard"),
    # ------------------------------------------------------------------ column headers
    "col.channel": ("Channel", "Canal"),
    "col.published_at": ("Published", "Publié le"),
    "col.text": ("Text", "Texte"),
    "col.format": ("Format", "Format"),
    "col.reach": ("Reach", "Portée"),
    "col.interactions": ("Interactions", "Interactions"),
    "col.engagement_rate": ("Engagement rate", "Taux d'engagement"),
    "col.contents": ("Contents", "Contenus"),
    "col.interactions_per_content": ("Interactions per content", "Interactions par contenu"),
    "col.url": ("Link", "Lien"),
    "col.conversations": ("Conversations", "Conversations"),
    "col.answered": ("Answered", "Répondues"),
    "col.sla": ("Response SLA", "SLA de réponse"),
    "col.median_business": (
        "Median first response (business hours)",
        "Première réponse médiane (heures ouvrées)",
    ),
    "col.breaches": ("SLA breaches", "Dépassements du SLA"),
    "col.breach_rate": ("Breach rate", "Taux de dépassement"),
    "col.started_at": ("Started", "Commencée le"),
    "col.waiting": ("Waiting for", "En attente depuis"),
    "col.sla_breached": ("SLA breached", "SLA dépassé"),
    "col.conversation": ("Conversation", "Conversation"),
    "col.first_response": ("First response", "Première réponse"),
    "col.resolved": ("Resolved", "Résolue"),
    "col.rule": ("Rule", "Règle"),
    "col.severity": ("Severity", "Gravité"),
    "col.message": ("Message", "Message"),
    "col.raised_at": ("Raised", "Levée le"),
    "col.delivery": ("Delivery", "Envoi"),
    "col.observed": ("Observed", "Observé"),
    "col.threshold": ("Threshold", "Seuil"),
    "col.indicator": ("Indicator", "Indicateur"),
    "col.objective": ("Objective", "Objectif"),
    "col.value": ("Value", "Valeur"),
    "col.target": ("Target", "Cible"),
    "col.status": ("Status", "Statut"),
    "col.month": ("Month", "Mois"),
    "col.entity": ("Brand or competitor", "Marque ou concurrent"),
    "col.mentions": ("Mentions", "Mentions"),
    "col.share_of_voice": ("Share of voice", "Part de voix"),
    "col.net_sentiment": ("Net sentiment", "Tonalité nette"),
    "col.positive": ("Positive", "Positives"),
    "col.neutral": ("Neutral", "Neutres"),
    "col.negative": ("Negative", "Négatives"),
    "col.keyword": ("Keyword", "Mot-clé"),
    "col.rank": ("Rank", "Rang"),
    "col.move": ("Move", "Mouvement"),
    "col.members": ("Members", "Membres"),
    "col.leads": ("Leads", "Prospects"),
    "col.converted": ("Converted", "Convertis"),
    "col.principle": ("Principle", "Principe"),
    "col.score": ("Score", "Score"),
    "col.source": ("Source", "Source"),
    "col.entity_table": ("Table", "Table"),
    "col.last_partition": ("Latest day loaded", "Dernier jour chargé"),
    "col.days_behind": ("Days behind", "Jours de retard"),
    "col.last_loaded_at": ("Last load", "Dernier chargement"),
    "col.records_in": ("Records read", "Enregistrements lus"),
    "col.records_loaded": ("Loaded", "Chargés"),
    "col.records_quarantined": ("Quarantined", "En quarantaine"),
    "col.reason": ("Reason", "Motif"),
    "col.files": ("Files", "Fichiers"),
    "col.check": ("Check", "Contrôle"),
    "col.result": ("Result", "Résultat"),
    "col.detail": ("Detail", "Détail"),
    "col.mentioned_at": ("Mentioned", "Mentionné le"),
    "col.language": ("Language", "Langue"),
    "col.sentiment": ("Sentiment", "Tonalité"),
    "col.member": ("Member", "Membre"),
    "col.level": ("Level", "Niveau"),
    "col.previous_level": ("Previous level", "Niveau précédent"),
    "col.first_seen": ("First seen", "Première activité"),
    "col.last_active": ("Last active", "Dernière activité"),
    "col.channels": ("Channels", "Canaux"),
    "col.ambassador": ("Ambassador", "Ambassadeur"),
    "col.activity_score": ("Activity score", "Score d'activité"),
    "col.lifecycle": ("Lifecycle", "Cycle de vie"),
    "col.tier": ("Tier", "Cercle"),
    "col.active_members": ("Active members", "Membres actifs"),
    "col.new_members": ("New members", "Nouveaux membres"),
    "col.ambassadors": ("Ambassadors", "Ambassadeurs"),
    "col.returning_members": ("Returning members", "Membres de retour"),
    "col.core_members": ("Core members", "Membres du noyau"),
    "col.activities": ("Activities", "Activités"),
    "col.peer_support_ratio": ("Peer support ratio", "Taux d'entraide"),
    "check.quarantine_share": (
        "Share of records quarantined below 5%",
        "Part des enregistrements en quarantaine sous 5 %",
    ),
    "check.fresh_sources": (
        "Every source loaded up to the data horizon",
        "Chaque source chargée jusqu'à l'horizon",
    ),
    "check.kpi_attainment_coverage": (
        "Every objective has a value for the latest month",
        "Chaque objectif a une valeur pour le dernier mois",
    ),
    "check.pass": ("pass", "réussi"),
    "check.warn": ("warn", "à surveiller"),
    "health.pipeline_checks": ("Pipeline checks", "Contrôles du pipeline"),
    "health.pipeline_checks_caption": (
        (
            "The latest result of every check the pipeline runs (dbt tests, expectation suites, loaders' "
            "checks), as of the publication."
        ),
        (
            "Le dernier résultat de chaque contrôle que le pipeline exécute (tests dbt, suites d'attentes, "
            "contrôles des chargements), à la date de la publication."
        ),
    ),
    "health.dashboard_checks": ("Checks on the published data", "Contrôles des données publiées"),
    "check_status.failed": ("failed", "en échec"),
    "check_status.warned": ("warning", "avertissement"),
    "check_status.running": ("running", "en cours"),
    "check_status.not_run": ("not run", "non exécuté"),
    "check_status.passed": ("passed", "réussi"),
    "col.asset": ("Asset", "Actif"),
    "col.description": ("Description", "Description"),
    "col.evaluated_at": ("Evaluated", "Évalué le"),
}


def has(key: str) -> bool:
    return key in STRINGS


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The string of ``key`` in ``lang`` (English when ``lang`` is unknown), formatted with ``values``."""
    english, french = STRINGS[key]
    text = french if lang == "fr" else english
    return text.format(**values) if values else text


def normalise_language(code: str | None) -> str | None:
    """'fr', 'fr-CA', 'FR_fr' -> 'fr'; a language the dashboards do not speak -> None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def default_language(strategy_language: str | None = None) -> str:
    """``ANIMATEUR_DASHBOARD_LANGUAGE``, else the strategy's ``organisation.default_language``, else English."""
    return (
        normalise_language(os.environ.get(LANGUAGE_ENV))
        or normalise_language(strategy_language)
        or DEFAULT_LANGUAGE
    )
