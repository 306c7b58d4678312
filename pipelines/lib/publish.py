"""Publishing a read-only copy of the marts for dashboards.

The copy is written to a temporary file and moved over the old one with ``os.replace`` (atomic on POSIX): a
dashboard that still holds the old file keeps reading a consistent snapshot, new connections see the new one,
and neither side ever waits on the other's DuckDB lock."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.lib.redaction import prepare_member_terms, redacted_select_sql

PUBLISHED_TABLES = {
    # published table -> warehouse relation
    "kpi_weekly": "marts.kpi_weekly",
    "dim_channels": "marts.dim_channels",
    "dim_dates": "marts.dim_dates",
    "fct_contents": "marts.fct_contents",
    "fct_conversations": "marts.fct_conversations",
    "fct_mentions": "marts.fct_mentions",
    "fct_leads": "marts.fct_leads",
    "kpi_values": "marts.kpi_values",
    "kpi_attainment": "marts.kpi_attainment",
    "kpi_barometer": "marts.kpi_barometer",
    # listening (aggregates per entity: no author column)
    "listening_share_of_voice": "marts.listening_share_of_voice",
    "listening_daily": "marts.listening_daily",
    "listening_keywords": "marts.listening_keywords",
    # members and community health (pseudonyms only: member_key, never a name, handle, e-mail or platform id)
    "dim_members": "marts.dim_members",
    "fct_member_activities": "marts.fct_member_activities",
    "member_levels_monthly": "marts.member_levels_monthly",
    "community_health_monthly": "marts.community_health_monthly",
    # audience: followers per channel and day (a count per channel, no person)
    "fct_audience_daily": "marts.fct_audience_daily",
    "load_summary": "quality.load_summary",
    # the strategy's organisation row: the dashboards' default language (organisation.default_language)
    "organisation": "strategy.organisation",
}
# Seeds published as they are (reference data, upstream of the marts above).
PUBLISHED_SEEDS = {"indicator_catalog": "marts.indicator_catalog", "barometer_method": "marts.barometer_method",
                   "principles": "marts.principles"}
# Columns that name people stay in the warehouse: dashboards read aggregates and texts, not who wrote them.
# fct_member_activities.activity_id is the platform's id of the act (a tweet id names its author on the platform):
# published, it would tie a member_key back to the person.
UNPUBLISHED_COLUMNS = {"fct_mentions": ("author_id", "author_handle"),
                       "fct_conversations": ("author_id",),
                       "fct_member_activities": ("activity_id",)}


def publish(con: duckdb.DuckDBPyConnection, target: Path,
            extra_tables: Mapping[str, pd.DataFrame] | None = None) -> dict[str, int]:
    """Copy PUBLISHED_TABLES from the warehouse connection into ``target``. Returns row counts.

    ``extra_tables``: tables that are not in the warehouse, published as they are (e.g. ``check_results``, the
    latest result of every Dagster asset check, from the published_warehouse asset)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    # Members' handles, names and e-mails quoted in texts are redacted (pipelines/lib/redaction.py, README
    # "Privacy"): each table is staged in memory (a temp table: its unredacted values never reach a file), then
    # copied redacted.
    redact = prepare_member_terms(con) > 0
    con.execute("attach ? as published_tmp", [str(tmp)])
    try:
        counts = {}
        for name, relation in {**PUBLISHED_TABLES, **PUBLISHED_SEEDS}.items():
            excluded = UNPUBLISHED_COLUMNS.get(name)
            columns = f"* exclude ({', '.join(excluded)})" if excluded else "*"
            if redact:
                con.execute(f"create or replace temp table _publishing as select {columns} from {relation}")
                con.execute(f"create table published_tmp.main.{name} as {redacted_select_sql(con, '_publishing')}")
                con.execute("drop table _publishing")
            else:
                con.execute(f"create table published_tmp.main.{name} as select {columns} from {relation}")
            counts[name] = con.execute(f"select count(*) from published_tmp.main.{name}").fetchall()[0][0]
        for name, extra_frame in (extra_tables or {}).items():
            con.register("_extra_frame", extra_frame)
            try:
                con.execute(f"create table published_tmp.main.{name} as select * from _extra_frame")
            finally:
                con.unregister("_extra_frame")
            counts[name] = len(extra_frame)
        con.execute(
            """
            create table published_tmp.main.publication as
            select now() as published_at, max(date_day) as warehouse_max_date from marts.dim_dates
            """
        )
    finally:
        con.execute("detach published_tmp")
    os.replace(tmp, target)
    return counts
