"""Words and number formats of the reports, in French and English.

Every figure a report prints goes through ``Formatter``, so a test computes the expected text from the published
tables with the very same functions."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

LANGUAGES = ("fr", "en")
DASH = "—"
# Ratios of the catalog that are not shares but amounts per content (Kaushik's rates): printed as numbers.
PER_CONTENT_RATES = frozenset({"amplification_rate", "conversation_rate", "applause_rate"})

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
}

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "weekly_title": "Weekly report", "monthly_title": "Monthly report", "quarterly_title": "Quarterly report",
        "week_of": "Week of {range}", "quarter": "Q{q} {year}",
        "generated": "Data up to {horizon}; published {published}.",
        "vs_previous_week": "vs previous week", "vs_previous_month": "vs previous month",
        "vs_previous_quarter": "vs previous quarter", "same_month_last_year": "same month last year",
        "headline": "The week in figures", "indicator": "Indicator", "this_week": "This week",
        "previous_week": "Previous week", "change": "Change", "channel": "Channel", "all_channels": "All channels",
        "contents_section": "Contents published and the best of them", "content": "Content", "format": "Format",
        "published_on": "Published", "no_contents": "No content published this week.",
        "service_section": "Inbound messages, answers and SLA", "inbound": "Inbound messages",
        "answered": "Answered", "response_rate": "Response rate", "median_first_response": "First response, median",
        "median_business": "First response in business hours, median", "sla": "SLA", "breaches": "SLA breaches",
        "breach_rate": "Breach rate", "no_sla": "no SLA",
        "waiting_section": "Conversations waiting for an answer", "waiting": "Waiting",
        "waiting_this_week": "Of which started this week", "oldest_waiting": "Oldest waiting since",
        "no_waiting": "No conversation is waiting for an answer.",
        "alerts_section": "Alerts of the week", "no_alerts": "No alert this week.", "severity": "Severity",
        "rule": "Rule", "message": "Message", "period": "Period",
        "trend_12_weeks": "Interactions and inbound messages, last 12 weeks",
        "trends_section": "13-month trends per channel", "jobs_section": "Indicators per job",
        "audience_section": "Audience", "formats_section": "Best formats", "contents": "Contents",
        "interactions_per_content": "Interactions per content", "engagement_by_reach": "Engagement by reach",
        "listening_section": "Sentiment and share of voice", "entity": "Who", "mentions": "Mentions",
        "share_of_voice": "Share of voice", "positive": "Positive", "neutral": "Neutral", "negative": "Negative",
        "net_sentiment": "Net sentiment", "unscored": "Not scored", "no_mentions": "No mention in this period.",
        "community_section": "Community levels", "no_community": "Community levels are not published yet.",
        "value": "Value", "scorecard_section": "Objectives against targets", "objective": "Objective",
        "target": "Target", "status": "Status", "periods_by_status": "Periods green / amber / red",
        "grain": "Grain", "barometer_section": "The 10-principle barometer", "principle": "Principle",
        "score": "Score", "members_section": "Members", "no_members": "Member indicators are not published yet.",
        "impact_section": "Impact of the community work", "no_data": "no data",
        "green": "green", "amber": "amber", "red": "red",
        "job_marketing": "Marketing", "job_public_relations": "Public relations",
        "job_customer_service": "Customer service", "job_business_development": "Business development",
        "job_internal_communication": "Internal communication",
        "week": "week", "month": "month",
        "impact_line": "{label}: {value} ({delta} {versus})",
        "impact_line_new": "{label}: {value}",
    },
    "fr": {
        "weekly_title": "Rapport hebdomadaire", "monthly_title": "Rapport mensuel",
        "quarterly_title": "Rapport trimestriel",
        "week_of": "Semaine du {range}", "quarter": "T{q} {year}",
        "generated": "Données jusqu'au {horizon} ; publiées le {published}.",
        "vs_previous_week": "par rapport à la semaine précédente",
        "vs_previous_month": "par rapport au mois précédent",
        "vs_previous_quarter": "par rapport au trimestre précédent", "same_month_last_year": "même mois l'an dernier",
        "headline": "La semaine en chiffres", "indicator": "Indicateur", "this_week": "Cette semaine",
        "previous_week": "Semaine précédente", "change": "Évolution", "channel": "Canal",
        "all_channels": "Tous les canaux",
        "contents_section": "Contenus publiés et les meilleurs", "content": "Contenu", "format": "Format",
        "published_on": "Publié le", "no_contents": "Aucun contenu publié cette semaine.",
        "service_section": "Messages entrants, réponses et SLA", "inbound": "Messages entrants",
        "answered": "Répondus", "response_rate": "Taux de réponse",
        "median_first_response": "Première réponse, médiane",
        "median_business": "Première réponse en heures ouvrées, médiane", "sla": "SLA",
        "breaches": "Dépassements du SLA", "breach_rate": "Taux de dépassement", "no_sla": "pas de SLA",
        "waiting_section": "Conversations en attente de réponse", "waiting": "En attente",
        "waiting_this_week": "Dont ouvertes cette semaine", "oldest_waiting": "La plus ancienne depuis le",
        "no_waiting": "Aucune conversation n'attend de réponse.",
        "alerts_section": "Alertes de la semaine", "no_alerts": "Aucune alerte cette semaine.",
        "severity": "Gravité", "rule": "Règle", "message": "Message", "period": "Période",
        "trend_12_weeks": "Interactions et messages entrants, 12 dernières semaines",
        "trends_section": "Tendances sur 13 mois par canal", "jobs_section": "Indicateurs par métier",
        "audience_section": "Audience", "formats_section": "Meilleurs formats", "contents": "Contenus",
        "interactions_per_content": "Interactions par contenu", "engagement_by_reach": "Engagement sur la portée",
        "listening_section": "Tonalité et part de voix", "entity": "Qui", "mentions": "Mentions",
        "share_of_voice": "Part de voix", "positive": "Positives", "neutral": "Neutres", "negative": "Négatives",
        "net_sentiment": "Tonalité nette", "unscored": "Non notées", "no_mentions": "Aucune mention sur la période.",
        "community_section": "Niveaux de la communauté",
        "no_community": "Les niveaux de la communauté ne sont pas encore publiés.",
        "value": "Valeur", "scorecard_section": "Objectifs et cibles", "objective": "Objectif",
        "target": "Cible", "status": "Statut", "periods_by_status": "Périodes vert / orange / rouge",
        "grain": "Période", "barometer_section": "Le baromètre des 10 principes", "principle": "Principe",
        "score": "Score", "members_section": "Membres",
        "no_members": "Les indicateurs des membres ne sont pas encore publiés.",
        "impact_section": "L'impact du travail communautaire", "no_data": "pas de données",
        "green": "vert", "amber": "orange", "red": "rouge",
        "job_marketing": "Marketing", "job_public_relations": "Relations publiques",
        "job_customer_service": "Service client", "job_business_development": "Développement commercial",
        "job_internal_communication": "Communication interne",
        "week": "semaine", "month": "mois",
        "impact_line": "{label} : {value} ({delta} {versus})",
        "impact_line_new": "{label} : {value}",
    },
}

def language_of(code: str | None) -> str:
    """``fr``, ``fr-CA`` -> ``fr``; anything else -> ``en``."""
    return "fr" if (code or "").lower().startswith("fr") else "en"


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(value)
    except TypeError:
        return False


def _half_up(value: float, ndigits: int = 0) -> float:
    """Deterministic rounding (Python's round() rounds half to even)."""
    factor = 10**ndigits
    return math.floor(abs(value) * factor + 0.5) / factor * (1 if value >= 0 else -1)


@dataclass(frozen=True)
class Formatter:
    """Numbers, durations and dates as a report prints them in ``language`` (fr or en)."""

    language: str = "en"
    principle_labels: Mapping[str, str] = field(default_factory=dict)

    def text(self, key: str, **values: Any) -> str:
        template = TEXTS[self.language].get(key) or TEXTS["en"].get(key, key)
        return template.format(**values) if values else template

    def _group(self, integer: int) -> str:
        grouped = f"{abs(integer):,}"
        if self.language == "fr":
            grouped = grouped.replace(",", " ")
        return ("-" if integer < 0 else "") + grouped

    def _decimal(self, value: float, decimals: int) -> str:
        rounded = _half_up(value, decimals)
        whole = int(abs(rounded))
        text = self._group(whole if rounded >= 0 else -whole)
        if rounded < 0 and whole == 0:
            text = "-0"
        if decimals:
            fraction = f"{abs(rounded):.{decimals}f}".split(".")[1]
            text += ("," if self.language == "fr" else ".") + fraction
        return text

    def count(self, value: Any) -> str:
        """1234 -> '1,234' (en), '1 234' (fr)."""
        return DASH if _missing(value) else self._group(int(_half_up(float(value))))

    def number(self, value: Any, decimals: int = 1) -> str:
        return DASH if _missing(value) else self._decimal(float(value), decimals)

    def percent(self, rate: Any, decimals: int = 1) -> str:
        """0.0423 -> '4.2%' (en), '4,2 %' (fr)."""
        if _missing(rate):
            return DASH
        text = self._decimal(float(rate) * 100, decimals)
        return f"{text} %" if self.language == "fr" else f"{text}%"

    def duration(self, minutes: Any) -> str:
        """42.4 -> '42 min'; 85 -> '1 h 25 min'; 1565 -> '1 d 2 h' ('1 j 2 h' in French)."""
        if _missing(minutes):
            return DASH
        minutes = float(minutes)
        if minutes < 0:
            return "-" + self.duration(-minutes)
        total = int(_half_up(minutes))
        if total == 0:
            return "0 min" if minutes == 0 else "< 1 min"
        if total < 60:
            return f"{total} min"
        if total < 1440:
            hours, mins = divmod(total, 60)
            return f"{hours} h" if mins == 0 else f"{hours} h {mins} min"
        days, rest = divmod(total, 1440)
        day = "j" if self.language == "fr" else "d"
        return f"{days} {day}" if rest // 60 == 0 else f"{days} {day} {rest // 60} h"

    def value(self, value: Any, unit: str) -> str:
        """An indicator's value in its catalog unit (count, ratio, minutes, or a score)."""
        if unit == "per_content":
            return self.number(value)
        if unit == "count":
            return self.count(value)
        if unit == "ratio":
            return self.percent(value)
        if unit == "minutes":
            return self.duration(value)
        return self.number(value)

    def delta(self, current: Any, previous: Any, unit: str) -> str:
        """Change from ``previous``: '+12' for counts, '+1.2 pp' for ratios, '-5 min' for durations; '—'."""
        if _missing(current) or _missing(previous):
            return DASH
        diff = float(current) - float(previous)
        if unit == "ratio":
            points = self._decimal(diff * 100, 1)
            return f"{'+' if _half_up(diff * 100, 1) > 0 else ''}{points} pp"
        if unit == "minutes":
            text = self.duration(abs(diff))
            return "0 min" if text in ("0 min", "< 1 min") else ("+" if diff > 0 else "-") + text
        if unit == "per_content":
            return f"{'+' if _half_up(diff, 1) > 0 else ''}{self._decimal(diff, 1)}"
        if unit == "count":
            rounded = int(_half_up(diff))
            return f"{'+' if rounded > 0 else ''}{self._group(rounded)}"
        return f"{'+' if _half_up(diff, 1) > 0 else ''}{self._decimal(diff, 1)}"

    def relative(self, current: Any, previous: Any) -> str:
        """Relative change: '+8.1%' ('+8,1 %'); '—' when the previous value is missing or 0."""
        if _missing(current) or _missing(previous) or float(previous) == 0:
            return DASH
        change = float(current) / float(previous) - 1
        return ("+" if _half_up(change * 100, 1) > 0 else "") + self.percent(change)

    def day(self, value: date | None) -> str:
        """'28 June 2026' / '28 juin 2026'."""
        if value is None:
            return DASH
        return f"{value.day} {MONTHS[self.language][value.month - 1]} {value.year}"

    def day_range(self, start: date, end: date) -> str:
        """'22–28 June 2026' / '22 au 28 juin 2026'; months and years spelt out when they differ."""
        months = MONTHS[self.language]
        joiner = " au " if self.language == "fr" else "–"
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}{joiner}{end.day} {months[end.month - 1]} {end.year}"
        joiner = " au " if self.language == "fr" else " – "
        if start.year == end.year:
            return f"{start.day} {months[start.month - 1]}{joiner}{self.day(end)}"
        return f"{self.day(start)}{joiner}{self.day(end)}"

    def month(self, value: date) -> str:
        name = MONTHS[self.language][value.month - 1]
        return f"{name.capitalize() if self.language == 'fr' else name} {value.year}"

    def month_short(self, value: date) -> str:
        return f"{MONTHS[self.language][value.month - 1][:3]} {value.year % 100:02d}"

    def quarter(self, value: date) -> str:
        return self.text("quarter", q=(value.month - 1) // 3 + 1, year=value.year)

    def indicator(self, indicator_id: str, catalog_label: str | None = None) -> str:
        """The catalog's label in the report's language (``data.catalog`` reads label or label_fr)."""
        return catalog_label or indicator_id.replace("_", " ").capitalize()

    def principle(self, principle: str) -> str:
        """The principle's name from the published ``principles`` seed, in the report's language."""
        return self.principle_labels.get(principle, principle.replace("_", " ").capitalize())

    def status(self, status: str | None) -> str:
        return self.text(status) if status in ("green", "amber", "red") else self.text("no_data")
