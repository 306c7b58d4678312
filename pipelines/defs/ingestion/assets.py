"""All ingestion assets, one multi-asset per feed (see registry.py for the sources)."""

import dagster as dg

from pipelines.defs.ingestion.factory import build_feed_assets
from pipelines.defs.ingestion.registry import ALL_FEEDS, formats_feeding
from pipelines.defs.resources import WAREHOUSE_POOL

INGESTION_ASSETS = [build_feed_assets(feed, pool=WAREHOUSE_POOL, export_formats=formats_feeding(feed))
                    for feed in ALL_FEEDS]


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=INGESTION_ASSETS)
