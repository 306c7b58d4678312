"""The sources. A new source is a folder (``feeds.py``, plus ``api.py`` when it has a platform connector and
``exports.py`` when it has export files to import) and one entry in ``SOURCES``."""

import importlib

from pipelines.defs.ingestion.blog import feeds as blog
from pipelines.defs.ingestion.discourse import feeds as discourse
from pipelines.defs.ingestion.facebook import feeds as facebook
from pipelines.defs.ingestion.imported import feeds as imported
from pipelines.defs.ingestion.instagram import feeds as instagram
from pipelines.defs.ingestion.linkedin import feeds as linkedin
from pipelines.defs.ingestion.listening import feeds as listening
from pipelines.defs.ingestion.mastodon import feeds as mastodon
from pipelines.defs.ingestion.mattermost import feeds as mattermost
from pipelines.defs.ingestion.slack import feeds as slack
from pipelines.defs.ingestion.wordpress import feeds as wordpress
from pipelines.defs.ingestion.x import feeds as x
from pipelines.defs.ingestion.youtube import feeds as youtube
from pipelines.defs.ingestion.zendesk import feeds as zendesk

SOURCES = (facebook, instagram, x, youtube, mastodon, blog, zendesk, slack, discourse, mattermost, listening,
           linkedin, wordpress, imported)


def _companion(source, module: str):
    """``<source>/<module>.py`` of a source's folder, or None when the source has none."""
    package = source.__name__.rsplit(".", 1)[0]
    try:
        return importlib.import_module(f"{package}.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{package}.{module}":
            raise
        return None


EXPORT_FORMATS = tuple(fmt for source in SOURCES for fmt in getattr(_companion(source, "exports"), "EXPORT_FORMATS", ()))


def _unique_feeds(feeds):
    seen = {}
    for feed in feeds:
        seen.setdefault((feed.source, feed.feed), feed)
    return tuple(seen.values())


# export formats may share feeds (every generic mapping onto leads lands in the same feed)
ALL_FEEDS = _unique_feeds([feed for source in SOURCES for feed in source.FEEDS]
                          + [feed for fmt in EXPORT_FORMATS for feed in fmt.feeds])


def export_format(name: str):
    for fmt in EXPORT_FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(f"unknown export format {name!r}; known: {', '.join(f.name for f in EXPORT_FORMATS)}")


def formats_feeding(feed) -> tuple:
    """The export formats that land pages in ``feed``."""
    return tuple(fmt for fmt in EXPORT_FORMATS if any((f.source, f.feed) == (feed.source, feed.feed)
                                                      for f in fmt.feeds))


def api_resources() -> dict:
    """The resource of every source that has a connector (``<source>/api.py``), credentials read from the
    environment: idle without them."""
    resources = {}
    for source in SOURCES:
        connector = _companion(source, "api")
        if connector is not None:
            resources.update(connector.api_resources())
    return resources
