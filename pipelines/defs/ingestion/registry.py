"""The sources. A new source is a folder (``feeds.py``, and ``api.py`` when it has a connector) and one entry
in ``SOURCES``."""

from pipelines.defs.ingestion.blog import feeds as blog
from pipelines.defs.ingestion.facebook import feeds as facebook
from pipelines.defs.ingestion.x import api as x_api
from pipelines.defs.ingestion.x import feeds as x
from pipelines.defs.ingestion.zendesk import feeds as zendesk

SOURCES = (facebook, x, blog, zendesk)
ALL_FEEDS = tuple(feed for source in SOURCES for feed in source.FEEDS)
CONNECTORS = (x_api,)


def api_resources() -> dict:
    """Every connector's resource, credentials read from the environment."""
    return {key: resource for connector in CONNECTORS for key, resource in connector.api_resources().items()}
