"""The sources. A new source is a folder (``feeds.py``, plus ``api.py`` when it has a platform connector) and
one entry in ``SOURCES``."""

import importlib

from pipelines.defs.ingestion.blog import feeds as blog
from pipelines.defs.ingestion.facebook import feeds as facebook
from pipelines.defs.ingestion.x import feeds as x
from pipelines.defs.ingestion.zendesk import feeds as zendesk

SOURCES = (facebook, x, blog, zendesk)
ALL_FEEDS = tuple(feed for source in SOURCES for feed in source.FEEDS)


def api_resources() -> dict:
    """The resource of every source that has a connector (``<source>/api.py``), credentials read from the
    environment: idle without them."""
    resources = {}
    for source in SOURCES:
        package = source.__name__.rsplit(".", 1)[0]
        try:
            connector = importlib.import_module(f"{package}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.api":
                raise
            continue
        resources.update(connector.api_resources())
    return resources
