"""Turns a FeedSpec into a Dagster multi-asset: one asset per typed table, keyed ``<source>/<table>`` like
the dbt source it feeds, so dbt lineage joins without hand-wiring."""


from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg

from pipelines.defs.partitions import DAILY_PARTITIONS
from pipelines.defs.resources import FeedsInbox, Warehouse
from pipelines.lib.imports import import_drops
from pipelines.lib.inbox import export_drops
from pipelines.lib.ingest import FeedSpec, ingest_feed, land_api_pages, reconcile

INGESTION_GROUP = "ingestion"
RAW_RECONCILES_CHECK = "raw_equals_loaded_plus_quarantined"


def days_to_fetch(feed: FeedSpec, days: list[date], landed_days: set[date], today: date) -> list[date]:
    """The days whose pages the connector fetches: all, except, for a feed of lifetime counters
    (``refetch_max_age_days``), the days older than that which already hold a fetch (FeedSpec)."""
    if feed.refetch_max_age_days is None:
        return days
    stale_before = today - timedelta(days=feed.refetch_max_age_days)
    return [day for day in days if day >= stale_before or day not in landed_days]


def landed_api_days(warehouse: Warehouse, feed: FeedSpec, days: list[date]) -> set[date]:
    """The days that already hold pages fetched from the API (not inbox files) for this feed."""
    with warehouse.connect() as con:
        rows = con.execute(
            "select distinct partition_date from raw.pages where source = ? and feed = ? "
            "and partition_date in (select unnest(?::date[])) and source_file like 'http%'",
            [feed.source, feed.feed, days],
        ).fetchall() if con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = 'pages'"
        ).fetchone()[0] else []
    return {row[0] for row in rows}


def fetch_from_api(context: dg.AssetExecutionContext, feed: FeedSpec, days: list[date]) -> dict[date, list]:
    """When the feed's connector has credentials, the pages of each day (fetched before the warehouse is opened:
    network time and rate-limit waits must not hold DuckDB's single write lock)."""
    if not feed.api_resource:
        return {}
    api = getattr(context.resources, feed.api_resource)
    if not api.is_configured():
        context.log.debug(f"{feed.api_resource}: no credentials, reading inbox files only")
        return {}
    if feed.refetch_max_age_days is not None:
        wanted = days
        days = days_to_fetch(feed, days, landed_api_days(context.resources.warehouse, feed, days),
                             datetime.now(UTC).date())
        if len(days) < len(wanted):
            context.log.info(f"{feed.source}/{feed.feed}: {len(wanted) - len(days)} day(s) older than "
                             f"{feed.refetch_max_age_days} days keep their earlier fetch (today's counters are not "
                             "theirs)")
    with api.client() as client:
        pages = {day: list(feed.fetch(api, client, day)) for day in days}
        context.log.info(f"{feed.source}/{feed.feed}: {client.requests_made} requests, "
                         f"{sum(len(p) for p in pages.values())} pages")
    return pages


def import_dropped_exports(context: dg.AssetExecutionContext, con, feed: FeedSpec, formats: tuple,
                           inbox: Path, day: date) -> int:
    """Exports dropped in ``<inbox>/<source>/`` that feed this feed, imported into ``day`` (the run's last)."""
    results = import_drops(con, formats, feed, export_drops(inbox / feed.source), day)
    for result in results:
        context.log.info("\n".join(result.summary_lines()))
    return len(results)


def build_feed_assets(feed: FeedSpec, *, pool: str, export_formats: tuple = ()) -> dg.AssetsDefinition:
    specs = [
        dg.AssetSpec(
            key=[feed.source, table.name],
            group_name=INGESTION_GROUP,
            description=table.description,
            kinds={"duckdb", feed.source},
            partitions_def=DAILY_PARTITIONS,
            metadata={"dagster/table_name": f"{feed.source}.{table.name}", "natural_key": table.natural_key},
        )
        for table in feed.tables
    ]
    check_specs = [
        dg.AssetCheckSpec(
            RAW_RECONCILES_CHECK,
            asset=[feed.source, table.name],
            blocking=True,
            description="Every record of the raw pages is either loaded or quarantined, none lost.",
        )
        for table in feed.tables
    ]

    @dg.multi_asset(
        name=f"{feed.source}__{feed.feed}",
        specs=specs,
        check_specs=check_specs,
        partitions_def=DAILY_PARTITIONS,
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=pool,
        # resources by key, since the connector's key varies per feed
        required_resource_keys={"warehouse", "inbox", *([feed.api_resource] if feed.api_resource else [])},
        description=f"{feed.description}: land {feed.source}/{feed.feed} pages (API and inbox files) in raw.pages "
        "and parse them.",
    )
    def _ingest(context: dg.AssetExecutionContext):
        warehouse: Warehouse = context.resources.warehouse
        inbox: FeedsInbox = context.resources.inbox
        days = [date.fromisoformat(key) for key in context.partition_keys]
        fetched_pages = fetch_from_api(context, feed, days)
        with warehouse.connect() as con:
            # each day's fetch lands as one batch (nothing new when the API returned the same pages again)
            fetched = sum(land_api_pages(con, feed, day, pages) for day, pages in fetched_pages.items())
            imported = (import_dropped_exports(context, con, feed, export_formats, Path(inbox.path), days[-1])
                        if export_formats else 0)
            result = ingest_feed(con, feed, Path(inbox.path), days)
            balances = {t.name: reconcile(con, feed, t, days) for t in feed.tables}
        feed_folder = Path(inbox.path) / feed.source / feed.feed
        if result.missing_days:
            # A missing day in a feed's inbox folder is worth a warning; a feed without any folder (served by
            # its API, or not used) is not.
            log = context.log.warning if feed_folder.is_dir() else context.log.info
            log(
                f"{feed.source}/{feed.feed}: no file for {len(result.missing_days)} of {len(days)} days "
                f"(first: {result.missing_days[0]}) in {inbox.path}"
            )
        for table in feed.tables:
            stats = result.tables[table.name]
            if stats.quarantined:
                context.log.warning(f"{feed.source}.{table.name}: {stats.quarantined} record(s) quarantined: "
                                    f"{stats.reasons}")
            yield dg.MaterializeResult(
                asset_key=[feed.source, table.name],
                metadata={
                    "records_in": stats.records_in,
                    "records_loaded": stats.loaded,
                    "records_quarantined": stats.quarantined,
                    "quarantine_reasons": dg.MetadataValue.json(stats.reasons),
                    "pages_fetched_from_api": fetched,
                    "exports_imported": imported,
                    "pages_found": result.pages_found,
                    "pages_newly_landed": result.pages_new,
                    "days_without_file": len(result.missing_days),
                },
            )
            balance = balances[table.name]
            yield dg.AssetCheckResult(
                asset_key=[feed.source, table.name],
                check_name=RAW_RECONCILES_CHECK,
                passed=bool(balance["balanced"]),
                metadata={k: v for k, v in balance.items() if k != "balanced"},
                description=None if balance["balanced"] else
                f"{balance['records_in']} records in raw pages but {balance['loaded']} loaded + "
                f"{balance['quarantined']} quarantined",
            )

    return _ingest
