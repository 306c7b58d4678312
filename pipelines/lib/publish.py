"""Publishing a read-only copy of the marts for dashboards.

The copy is written to a temporary file and moved over the old one with ``os.replace`` (atomic on POSIX): a
dashboard that still holds the old file keeps reading a consistent snapshot, new connections see the new one,
and neither side ever waits on the other's DuckDB lock."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

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
    "load_summary": "quality.load_summary",
}
# Seeds published as they are (reference data, upstream of the marts above).
PUBLISHED_SEEDS = {"indicator_catalog": "marts.indicator_catalog", "barometer_method": "marts.barometer_method"}
# Columns that name people stay in the warehouse: dashboards read aggregates and texts, not who wrote them.
UNPUBLISHED_COLUMNS = {"fct_mentions": ("author_id", "author_handle")}


def publish(con: duckdb.DuckDBPyConnection, target: Path) -> dict[str, int]:
    """Copy PUBLISHED_TABLES from the warehouse connection into ``target``. Returns row counts."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con.execute("attach ? as published_tmp", [str(tmp)])
    try:
        counts = {}
        for name, relation in {**PUBLISHED_TABLES, **PUBLISHED_SEEDS}.items():
            excluded = UNPUBLISHED_COLUMNS.get(name)
            columns = f"* exclude ({', '.join(excluded)})" if excluded else "*"
            con.execute(f"create table published_tmp.main.{name} as select {columns} from {relation}")
            counts[name] = con.execute(f"select count(*) from published_tmp.main.{name}").fetchone()[0]
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
