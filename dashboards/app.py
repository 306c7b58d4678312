"""Animateur dashboards — router.

Run from the repository root:  streamlit run dashboards/app.py
Reads only the published DuckDB copy (env ANIMATEUR_PUBLISHED), never the warehouse.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Streamlit puts this script's folder on sys.path; the pages import `dashboards.*`.
_REPO_ROOT = str(Path(__file__).resolve().parents[1])
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

import streamlit as st

from dashboards import data
from dashboards.formatting import format_date, format_timestamp

st.set_page_config(page_title="Animateur", layout="wide")

weekly = st.Page(
    "app_pages/weekly.py",
    title="Weekly",
    url_path="weekly",
)


def _landing() -> None:
    """The app root redirects to the Weekly page.

    Streamlit serves a `default=True` page only at the root URL (its url_path then answers
    "Page not found"), so the default page is this hidden redirect and Weekly keeps a
    shareable /weekly URL.
    """
    st.switch_page(weekly)


page = st.navigation(
    [st.Page(_landing, title="Animateur", url_path="home", default=True, visibility="hidden"), weekly]
)

with st.sidebar:
    st.markdown("### Animateur")
    st.caption("Community management analytics")

published = data.require_published()

with st.sidebar:
    pub = data.publication(published)
    if pub is None:
        st.caption("Publication details unavailable.")
    else:
        st.markdown(
            f"**Data published**  \n{format_timestamp(pub.published_at)}  \n"
            f"**Data through**  \n{format_date(pub.warehouse_max_date)}"
        )

page.run()
