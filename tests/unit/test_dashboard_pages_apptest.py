"""Every page of the dashboards, in English and French, rendered with Streamlit's AppTest on a hand-made
published copy (tests/unit/test_dashboard_data.py); the filters kept in the URL; login and roles (an executive
cannot open a member-level page); the cache cleared when the copy is republished."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboards import data

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = REPO_ROOT / "dashboards" / "app.py"
NNBSP = "\u202f"
PAGES = {  # page file -> title (en, fr)
    "weekly": ("Weekly performance", "Performance de la semaine"),
    "monthly": ("Monthly review", "Bilan mensuel"),
    "strategic": ("Strategic view", "Vue stratégique"),
    "explore": ("Explore", "Explorer"),
    "members": ("Members", "Membres"),
    "health": ("Data health", "Santé des données"),
}
AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-cookie-secret",
        "client_id": "animateur",
        "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    },
    "animateur": {
        "roles": {
            "ceo@maison.example": "executive",
            "analyst@maison.example": "analyst",
            "groups=community": "community_manager",
        }
    },
}


def _load_sibling(name: str):
    spec = importlib.util.spec_from_file_location(f"_animateur_{name}", Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fixtures = _load_sibling("test_dashboard_data")


@pytest.fixture
def published(tmp_path: Path, monkeypatch) -> Path:
    path = fixtures.write_published(tmp_path / "published" / "animateur.duckdb", default_language="fr")
    monkeypatch.setenv("ANIMATEUR_PUBLISHED", str(path))
    monkeypatch.setenv("ANIMATEUR_ALERTS", str(tmp_path / "alerts" / "alerts.duckdb"))
    monkeypatch.delenv("ANIMATEUR_DASHBOARD_LANGUAGE", raising=False)
    return path


def _app(lang: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    return at


def _open(page: str, lang: str | None = None, at: AppTest | None = None, **query) -> AppTest:
    at = at or _app(lang, **query)
    at.run()
    if page != "weekly":
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.subheader]
    parts += [m.label + " " + m.value for m in at.metric]
    for frame in at.dataframe:
        value = frame.value
        parts.append(" ".join(map(str, value.columns)) + " " + value.astype(str).to_string())
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_in_both_languages(published, page, lang):
    at = _open(page, lang)
    assert at.title[0].value == PAGES[page][lang == "fr"]
    assert not at.warning, [w.value for w in at.warning]  # every table is published: no "missing table" notice
    assert at.get("download_button"), "every table comes with its downloads"
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert ("Données publiées" if lang == "fr" else "Data published") in sidebar


def test_default_language_from_the_strategy_then_the_environment(published, monkeypatch):
    at = _open("weekly")
    assert at.title[0].value == "Performance de la semaine"  # organisation.default_language = fr
    assert at.metric[0].value == "12"
    monkeypatch.setenv("ANIMATEUR_DASHBOARD_LANGUAGE", "en")
    assert _open("weekly").title[0].value == "Weekly performance"


def test_language_switch_is_kept_in_the_url(published):
    at = _open("weekly", "en")
    assert at.query_params["lang"] == "en"  # not the default (fr): kept in the URL
    at.button_group(key="language").set_value("fr").run()
    assert at.title[0].value == "Performance de la semaine"
    assert "lang" not in at.query_params  # back to the default


def test_weekly_values_in_french(published):
    at = _open("weekly", "fr")
    cards = {m.label: (m.value, m.delta) for m in at.metric}
    assert cards["Interactions"] == (f"1{NNBSP}480", "-22")
    assert cards["Taux de réponse"] == (f"87,5{NNBSP}%", "-3,1 pt")
    assert cards["Délai médian de première réponse"] == ("1 h 25 min", "-12 min")
    text = _text(at)
    assert "### Semaine 26 · 22–28 juin 2026" in text
    assert "Meilleurs contenus de la semaine" in text and "Hello" in text
    # SLA table: zendesk breached its 8 h SLA (600 business minutes > 480)
    sla = next(f.value for f in at.dataframe if "SLA de réponse" in f.value.columns)
    zendesk = sla[sla["Canal"] == "Helpdesk"].iloc[0]
    assert (zendesk["SLA de réponse"], zendesk["Dépassements du SLA"]) == ("8 h", "1")
    # the unanswered X conversation waits
    waiting = next(f.value for f in at.dataframe if "En attente depuis" in f.value.columns)
    assert waiting["Conversation"].tolist() == ["x:9"]
    assert "Aucune alerte n'a encore été levée" in text


def test_weekly_shows_the_weeks_alerts(published, tmp_path):
    import duckdb

    alerts = tmp_path / "alerts" / "alerts.duckdb"
    alerts.parent.mkdir(parents=True)
    con = duckdb.connect(str(alerts))
    con.execute(
        """
        create table alerts as select * from (values
            ('a1', 'sla_breach', 'sla_breach_rate', 'zendesk', 'day', date '2026-06-24', 0.5, 0.26, 'warning',
             'SLA breach on the helpdesk', timestamptz '2026-06-24 19:00:00+00', timestamptz '2026-06-24 19:00:01+00',
             'delivered'),
            ('a0', 'kpi_status', 'interactions', 'all', 'week', date '2026-06-08', 10.0, 20.0, 'critical',
             'An older alert', timestamptz '2026-06-09 07:00:00+00', null, 'failed')
        ) as t(alert_id, rule, indicator_id, channel_id, grain, period_start, observed_value, threshold, severity,
               message, raised_at, delivered_at, delivery_status)
        """
    )
    con.close()
    at = _open("weekly", "en")
    table = next(f.value for f in at.dataframe if "Message" in f.value.columns)
    assert table["Message"].tolist() == ["SLA breach on the helpdesk"]
    assert table["Channel"].tolist() == ["Helpdesk"]


def test_filters_are_read_from_and_written_to_the_url(published):
    at = _open("weekly", "en", channel="facebook")
    assert at.selectbox(key="weekly_channel").value == "facebook"
    assert at.metric[0].value == "5"  # Facebook's contents published, not all channels' 12
    at.selectbox(key="weekly_channel").select("blog").run()
    assert at.query_params["channel"] == "blog"
    at.selectbox(key="weekly_channel").select("all").run()
    assert "channel" not in at.query_params  # the default is left out of the URL

    at = _open("strategic", "en", horizon="quarter", period="2026-04-01")
    assert at.selectbox(key="strategic_quarter").value == date(2026, 4, 1)
    at = _open("monthly", "fr", month="2026-05-01", job="business_development")
    assert at.selectbox(key="monthly_month").value == date(2026, 5, 1)
    assert at.selectbox(key="monthly_job").value == "business_development"
    assert at.selectbox(key="monthly_indicator").value == "leads"


def test_monthly_page(published):
    at = _open("monthly", "en", month="2026-05-01")
    text = _text(at)
    assert "### May 2026" in text
    assert len(at.get("plotly_chart")) == 2  # the indicator's trend and the level moves
    sentiment = next(f.value for f in at.dataframe if "Net sentiment" in f.value.columns)
    assert sentiment["Brand or competitor"].tolist() == ["Maison Lumière", "Bougies Céleste"]
    assert sentiment["Share of voice"].tolist() == ["60.0%", "40.0%"]
    moves = next(f.value for f in at.dataframe if "Move" in f.value.columns)
    assert set(moves["Move"]) == {"new"}  # June's moves come after the month shown
    leads = next(f.value for f in at.dataframe if "Social leads" in f.value.columns)
    assert leads.iloc[0][["Leads", "Social leads"]].tolist() == ["12", "5"]


def test_strategic_page(published):
    at = _open("strategic", "fr", period="2026-04-01")
    cards = {m.label: (m.value, m.delta) for m in at.metric}
    assert cards["Contenus publiés"] == ("84", "+24")
    assert cards["Taux de réponse"][0] == f"82,7{NNBSP}%"
    assert cards["Part de voix"][0] == f"58,9{NNBSP}%"
    assert cards["Membres actifs"] == ("2", None) or cards["Membres actifs"][0] == "2"
    assert cards["Ambassadeurs"][0] == "1"
    scorecard = next(f.value for f in at.dataframe if "Objectif" in f.value.columns)
    assert scorecard.loc[scorecard["Objectif"] == "engage", ["mai 2026", "juin 2026"]].iloc[0].tolist() == [
        "atteint", "hors cible"]
    assert scorecard.loc[scorecard["Objectif"] == "answer", "juin 2026"].iloc[0] == "proche"
    assert len(at.get("plotly_chart")) == 2  # the barometer radar and share of voice
    barometer = next(f.value for f in at.dataframe if "Principe" in getattr(f.value, "columns", []))
    assert "Écoute" in barometer["Principe"].tolist()


def test_explore_and_health_pages(published):
    at = _open("explore", "en")
    text = _text(at)
    assert "Hello" in text and "J'adore Maison Lumière" in text and "x:9" in text
    at = _open("explore", "en", entity="Bougies Céleste")
    mentions = next(f.value for f in at.dataframe if "Brand or competitor" in f.value.columns)
    assert mentions["Brand or competitor"].tolist() == ["Bougies Céleste"]

    at = _open("health", "en")
    cards = {m.label: m.value for m in at.metric}
    assert cards == {"Records loaded": "29", "Records quarantined": "1", "Sources behind": "1",
                     # the pipeline's checks (check_results) counted by status
                     "failed": "0", "warning": "1", "running": "0", "not run": "1", "passed": "1"}
    assert "invalid or missing created_time" in _text(at)
    checks = next(f.value for f in at.dataframe if "Asset" in f.value.columns)
    assert checks["Status"].tolist() == ["warning", "not run", "passed"]
    assert checks["Check"].tolist()[0] == "kpi_weekly_expectations"


def test_missing_table_is_said_on_screen(tmp_path, monkeypatch):
    path = fixtures.write_published(tmp_path / "p.duckdb")  # no listening nor member tables
    import duckdb

    con = duckdb.connect(str(path))
    con.execute("drop table listening_share_of_voice")
    con.close()
    monkeypatch.setenv("ANIMATEUR_PUBLISHED", str(path))
    at = _open("strategic", "en")
    assert any("listening_share_of_voice" in w.value for w in at.warning)


# --------------------------------------------------------------------------- login and roles
def _logged_in(email: str, **claims) -> AppTest:
    at = _app("en")
    at.secrets = AUTH
    at.user = {"is_logged_in": True, "email": email, **claims}
    return at


def test_login_required_when_auth_is_configured(published):
    at = _app("en")
    at.secrets = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert "Sign in" in at.info[0].value
    assert at.button[0].label == "Log in"
    assert not at.title and not at.metric  # no data before login


def test_executive_cannot_open_a_member_level_page(published):
    at = _logged_in("CEO@maison.example")
    at.run()
    assert not at.exception
    assert at.session_state["animateur_role"] == "executive"
    assert at.title[0].value == "Weekly performance"  # aggregates are open
    # the member-level page is not registered for an executive: no URL, no menu entry reaches it
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/members.py")
    assert "m_00aa11bb22cc33dd" not in _text(at)


def test_member_page_locks_itself_for_an_executive(published):
    # even if the navigation listed it, the page stops before reading a member
    at = _logged_in("ceo@maison.example")
    at.run()
    at.session_state["animateur_role"] = "executive"
    script = AppTest.from_file(str(REPO_ROOT / "dashboards" / "app_pages" / "members.py"), default_timeout=60)
    script.session_state["animateur_role"] = "executive"
    script.run()
    assert "analysts and community managers" in script.error[0].value
    assert not script.dataframe


@pytest.mark.parametrize(
    ("email", "claims", "role"),
    [("analyst@maison.example", {}, "analyst"), ("someone@else.example", {"groups": ["community"]},
                                                 "community_manager")],
)
def test_analysts_and_community_managers_see_members(published, email, claims, role):
    at = _logged_in(email, **claims)
    at.run()
    assert at.session_state["animateur_role"] == role
    at.switch_page("app_pages/members.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "Members"
    members = at.dataframe[0].value
    assert members["Member"].tolist() == ["m_00aa11bb22cc33dd", "m_44ee55ff66aa77bb"]  # no teammate


def test_unknown_account_has_no_access(published):
    at = _logged_in("stranger@elsewhere.example")
    at.run()
    assert "no role" in at.error[0].value
    assert not at.metric


def test_role_rules():
    from dashboards.access import RoleConfigError, auth_enabled, can_see_member_level, role_for

    assert not auth_enabled({}) and auth_enabled(AUTH)
    assert role_for({"email": "Analyst@Maison.example"}, AUTH) == "analyst"
    assert role_for({"email": "x@y.example", "groups": "community"}, AUTH) == "community_manager"
    assert role_for({"email": "x@y.example"}, AUTH) is None
    domain = {"animateur": {"roles": {"@maison.example": "analyst"}, "default_role": "executive"}}
    assert role_for({"email": "new@maison.example"}, domain) == "analyst"
    assert role_for({"email": "new@other.example"}, domain) == "executive"
    with pytest.raises(RoleConfigError):
        role_for({"email": "a@b.c"}, {"animateur": {"roles": {"a@b.c": "admin"}}})
    assert not can_see_member_level("executive") and can_see_member_level("analyst")


# --------------------------------------------------------------------------- cache
def test_cache_is_cleared_when_the_copy_is_republished(published, monkeypatch):
    calls = []
    real_query = data._query

    def counting_query(path, sql, params=()):
        calls.append(sql)
        return real_query(path, sql, params)

    monkeypatch.setattr(data, "_query", counting_query)
    data.refresh_cache_if_republished(published)
    old_version = data.published_version(published)
    assert data.kpis(fixtures.LAST_FULL_WEEK, "all", published)["contents_published"] == 12
    data._kpis(str(published), old_version, fixtures.LAST_FULL_WEEK, "all")
    assert len(calls) == 1  # served from the cache
    assert data.refresh_cache_if_republished(published) is False  # same version: nothing cleared

    fixtures.write_published(published, all_contents_last_week=15, default_language="fr")
    assert data.refresh_cache_if_republished(published) is True
    # the old version's entry is gone from memory: asking for it queries the file again
    data._kpis(str(published), old_version, fixtures.LAST_FULL_WEEK, "all")
    assert len(calls) == 2
    assert data.kpis(fixtures.LAST_FULL_WEEK, "all", published)["contents_published"] == 15
