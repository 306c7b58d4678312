"""Animateur dashboards — router.

Run from the repository root:  streamlit run dashboards/app.py
Reads only the published DuckDB copy (env ANIMATEUR_PUBLISHED), never the warehouse, plus the alert sensor's
own file (ANIMATEUR_ALERTS). Every run: clear the cache when the copy was republished, pick the language
(sidebar switch, kept in the URL as ?lang=), check the login and the role when login is configured
(.streamlit/secrets.toml [auth], roles in [animateur.roles]), then run the page.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Streamlit puts this script's folder on sys.path; the pages import `dashboards.*`.
_REPO_ROOT = str(Path(__file__).resolve().parents[1])
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

import streamlit as st

from dashboards import access, data, ui
from dashboards.formatting import format_date, format_timestamp
from dashboards.i18n import LANGUAGE_NAMES, LANGUAGES, default_language, t

st.set_page_config(page_title="Animateur", layout="wide")

published = data.published_path()
organisation = None
if data.published_exists(published):
    data.refresh_cache_if_republished(published)
    organisation = data.organisation(published)

# --------------------------------------------------------------------------- language
default_lang = default_language(organisation.get("default_language") if organisation else None)
if ui.LANG_STATE not in st.session_state:
    requested = st.query_params.get(ui.LANG_PARAM)
    st.session_state[ui.LANG_STATE] = requested if requested in LANGUAGES else default_lang
with st.sidebar:
    st.markdown("### Animateur")
    st.caption(t("app.tagline", ui.lang()))
    st.segmented_control(
        t("app.language", ui.lang()),
        LANGUAGES,
        key=ui.LANG_STATE,
        format_func=LANGUAGE_NAMES.get,
        required=True,
    )
lang = ui.lang()
ui._sync_param(ui.LANG_PARAM, None if lang == default_lang else lang)


# --------------------------------------------------------------------------- access
def _secrets() -> dict:
    """The secrets as a dict; empty when there is no secrets file (then login is off)."""
    return st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}


secrets = _secrets()
if access.auth_enabled(secrets):
    if not st.user.is_logged_in:
        st.info(t("app.login_required", lang))
        st.button(t("app.log_in", lang), on_click=st.login, type="primary")
        st.stop()
    user = st.user.to_dict()
    who = user.get("email") or user.get("name") or "?"
    role = access.role_for(user, secrets)
    if role is None:
        st.error(t("app.no_role", lang, who=who))
        st.button(t("app.log_out", lang), on_click=st.logout)
        st.stop()
    with st.sidebar:
        st.caption(t("app.signed_in_as", lang, who=who, role=t(f"role.{role}", lang)))
        st.button(t("app.log_out", lang), on_click=st.logout, key="logout")
else:
    role = access.OPEN_ACCESS_ROLE
st.session_state[ui.ROLE_STATE] = role

# --------------------------------------------------------------------------- pages
weekly = st.Page("app_pages/weekly.py", title=t("page.weekly", lang), url_path="weekly")
pages = [
    weekly,
    st.Page("app_pages/monthly.py", title=t("page.monthly", lang), url_path="monthly"),
    st.Page("app_pages/strategic.py", title=t("page.strategic", lang), url_path="strategic"),
    st.Page("app_pages/explore.py", title=t("page.explore", lang), url_path="explore"),
]
if access.can_see_member_level(role):  # member-level pages: analysts and community managers only
    pages.append(st.Page("app_pages/members.py", title=t("page.members", lang), url_path="members"))
pages.append(st.Page("app_pages/health.py", title=t("page.health", lang), url_path="data-health"))


def _landing() -> None:
    """The app root redirects to the Weekly page.

    Streamlit serves a `default=True` page only at the root URL (its url_path then answers
    "Page not found"), so the default page is this hidden redirect and Weekly keeps a
    shareable /weekly URL.
    """
    st.switch_page(weekly, query_params=st.query_params.to_dict())  # a shared link keeps its filters


page = st.navigation(
    [st.Page(_landing, title="Animateur", url_path="home", default=True, visibility="hidden"), *pages]
)

data.require_published(published, lang)

with st.sidebar:
    pub = data.publication(published)
    if pub is None:
        st.caption(t("app.publication_unavailable", lang))
    else:
        st.markdown(
            f"**{t('app.data_published', lang)}**  \n{format_timestamp(pub.published_at, lang)}  \n"
            f"**{t('app.data_through', lang)}**  \n{format_date(pub.warehouse_max_date, lang)}"
        )

page.run()
