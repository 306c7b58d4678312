"""The sources. A new source is a folder (``feeds.py``, plus ``api.py`` when it has a platform connector) and
one entry in ``SOURCES``."""

import importlib

from pipelines.defs.ingestion.blog import feeds as blog
from pipelines.defs.ingestion.discourse import feeds as discourse
from pipelines.defs.ingestion.facebook import feeds as facebook
from pipelines.defs.ingestion.instagram import feeds as instagram
from pipelines.defs.ingestion.mastodon import feeds as mastodon
from pipelines.defs.ingestion.mattermost import feeds as mattermost
from pipelines.defs.ingestion.slack import feeds as slack
from pipelines.defs.ingestion.x import feeds as x
from pipelines.defs.ingestion.youtube import feeds as youtube
from pipelines.defs.ingestion.zendesk import feeds as zendesk

SOURCES = (facebook, instagram, x, youtube, mastodon, blog, zendesk, slack, discourse, mattermost)
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
