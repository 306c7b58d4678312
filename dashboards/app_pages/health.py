"""Data health page: freshness per source (load_summary against the data horizon), quarantine counts by reason,
the latest result of every pipeline check (check_results: dbt tests, GX suites, loaders' checks) with counts by
status, and the checks the dashboards can run on the published copy.

UI only: queries in dashboards.data, strings in dashboards.i18n.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data, ui
from dashboards.formatting import format_count, format_date, format_percent

QUARANTINE_SHARE_LIMIT = 0.05
CHECK_COLOURS = {"pass": "#BBF7D0", "warn": "#FDE68A"}
STATUS_COLOURS = {"passed": "#BBF7D0", "warned": "#FDE68A", "failed": "#FECACA"}

lang = ui.lang()
tr = ui.tr
published = data.require_published(lang=lang)
_, horizon = data.data_horizon(published)

st.title(tr("health.title"))
st.caption(tr("health.caption", horizon=format_date(horizon, lang)))

freshness = data.freshness(published)
loaded = int(freshness["records_loaded"].sum()) if len(freshness) else 0
quarantined = int(freshness["records_quarantined"].sum()) if len(freshness) else 0
read = int(freshness["records_in"].sum()) if len(freshness) else 0
behind = int((freshness["days_behind"] > 0).sum()) if len(freshness) else 0
first, second, third = st.columns(3)
first.metric(tr("health.records_loaded"), format_count(loaded, lang), border=True)
second.metric(tr("health.records_quarantined"), format_count(quarantined, lang), border=True)
third.metric(tr("health.stale_sources"), format_count(behind, lang), border=True)

st.subheader(tr("health.freshness"))
ui.show_table(
    freshness,
    "freshness",
    headers={"source": "col.source", "entity": "col.entity_table", "last_partition": "col.last_partition",
             "days_behind": "col.days_behind", "last_loaded_at": "col.last_loaded_at", "files": "col.files",
             "records_in": "col.records_in", "records_loaded": "col.records_loaded",
             "records_quarantined": "col.records_quarantined"},
    formats={"last_partition": "date", "days_behind": "count", "last_loaded_at": "timestamp", "files": "count",
             "records_in": "count", "records_loaded": "count", "records_quarantined": "count"},
)

st.subheader(tr("health.quarantine"))
st.caption(tr("health.quarantine_caption"))
quarantine = data.quarantine(published)
if quarantine.empty:
    st.caption(tr("health.no_quarantine"))
else:
    ui.show_table(
        quarantine,
        "quarantine",
        headers={"source": "col.source", "entity": "col.entity_table", "reason": "col.reason",
                 "records_quarantined": "col.records_quarantined", "files": "col.files",
                 "last_partition": "col.last_partition"},
        formats={"records_quarantined": "count", "files": "count", "last_partition": "date"},
    )

st.subheader(tr("health.checks"))
if data.missing_tables("check_results", path=published):
    ui.require_tables("check_results")  # a copy published before check results existed
else:
    st.markdown(f"#### {tr('health.pipeline_checks')}")
    st.caption(tr("health.pipeline_checks_caption"))
    status_counts = data.check_status_counts(published)
    for box, (status, count) in zip(st.columns(len(status_counts)), status_counts.items(), strict=True):
        box.metric(tr(f"check_status.{status}"), format_count(count, lang), border=True)
    results = data.check_results(published)
    results = results.assign(status=[tr(f"check_status.{v}") for v in results["status"]])
    status_colour = {tr(f"check_status.{k}"): c for k, c in STATUS_COLOURS.items()}
    ui.show_table(
        results,
        "check_results",
        headers={"status": "col.status", "check_name": "col.check", "asset_key": "col.asset",
                 "severity": "col.severity", "description": "col.description", "evaluated_at": "col.evaluated_at"},
        formats={"evaluated_at": "timestamp"},
        height=360,
        style=lambda shown: shown.style.map(
            lambda v: f"background-color: {status_colour[v]}" if v in status_colour else ""),
    )
    st.markdown(f"#### {tr('health.dashboard_checks')}")
share = quarantined / read if read else 0.0
with_value, objectives = data.attainment_coverage(published)
checks = pd.DataFrame(
    [
        ("quarantine_share", "pass" if share < QUARANTINE_SHARE_LIMIT else "warn", format_percent(share, lang=lang)),
        ("fresh_sources", "pass" if behind == 0 else "warn",
         f"{format_count(len(freshness) - behind, lang)} / {format_count(len(freshness), lang)}"),
        ("kpi_attainment_coverage", "pass" if with_value == objectives else "warn",
         f"{format_count(with_value, lang)} / {format_count(objectives, lang)}"),
    ],
    columns=["check", "result", "detail"],
)
checks = checks.assign(check=[tr(f"check.{c}") for c in checks["check"]],
                       result=[tr(f"check.{r}") for r in checks["result"]])
colour_of = {tr(f"check.{r}"): c for r, c in CHECK_COLOURS.items()}
ui.show_table(checks, "checks", headers={"check": "col.check", "result": "col.result", "detail": "col.detail"},
              style=lambda shown: shown.style.map(
                  lambda v: f"background-color: {colour_of[v]}" if v in colour_of else ""))
