"""All ingestion assets. A new source is a folder with its ``feeds.py`` and one entry in ``SOURCES``."""

import dagster as dg

from pipelines.defs.ingestion.blog import feeds as blog
from pipelines.defs.ingestion.facebook import feeds as facebook
from pipelines.defs.ingestion.factory import build_feed_assets
from pipelines.defs.ingestion.x import feeds as x
from pipelines.defs.ingestion.zendesk import feeds as zendesk
from pipelines.defs.resources import WAREHOUSE_POOL

SOURCES = (facebook, x, blog, zendesk)
ALL_FEEDS = tuple(feed for source in SOURCES for feed in source.FEEDS)
INGESTION_ASSETS = [build_feed_assets(feed, pool=WAREHOUSE_POOL) for feed in ALL_FEEDS]


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=INGESTION_ASSETS)
