"""What every load brought in, per source, table and day: the data-health view of ingestion."""

import dagster as dg

from pipelines.defs.ingestion.registry import ALL_FEEDS
from pipelines.defs.resources import WAREHOUSE_POOL, Warehouse


@dg.asset(
    key=["quality", "load_summary"],
    group_name="quality",
    deps=[[feed.source, table.name] for feed in ALL_FEEDS for table in feed.tables],
    pool=WAREHOUSE_POOL,
    kinds={"duckdb"},
    description="Records in, loaded and quarantined per source table and day, with the quarantine reasons.",
)
def load_summary(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        con.execute("create schema if not exists quality")
        con.execute(
            """
            create or replace table quality.load_summary as
            with reasons as (
                select source, entity, partition_date,
                       string_agg(distinct regexp_replace(reason, ':.*$', ''), '; ') as quarantine_reasons
                from raw.quarantine group by all
            )
            select l.source, l.entity, l.partition_date, l.source_file, l.records_in, l.records_loaded,
                   l.records_quarantined, r.quarantine_reasons, l.loaded_at
            from raw.loads as l
            left join reasons as r using (source, entity, partition_date)
            order by l.source, l.entity, l.partition_date
            """
        )
        totals = con.execute(
            "select count(*), sum(records_in), sum(records_loaded), sum(records_quarantined) "
            "from quality.load_summary"
        ).fetchone()
    return dg.MaterializeResult(
        metadata={"loads": totals[0], "records_in": int(totals[1] or 0), "records_loaded": int(totals[2] or 0),
                  "records_quarantined": int(totals[3] or 0)}
    )
