"""Alert feeds of monitoring tools (Google Alerts, Talkwalker Alerts, a listening tool's RSS output): each
configured feed URL is read once a day, a snapshot of its latest items.

An alert feed only shows what it holds now (Google Alerts keeps about twenty items), so only the latest
partitions fetch it: a backfill of older days reads what was landed then, it cannot ask the past."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from pipelines.lib.connectors import ApiSource, env_vars
from pipelines.lib.http import ApiClient, ApiPage

RESOURCE_KEY = "listening_alert_feeds"
FRESH_DAYS = 2  # yesterday's partition (the usual run) and today's


class AlertFeeds(ApiSource):
    """``LISTENING_ALERT_FEED_URLS``: comma-separated RSS/Atom URLs (in Google Alerts: *Deliver to: RSS feed*,
    then the feed icon's link). Public URLs: no credentials."""

    base_url: str = ""
    feed_urls: str | None = None

    def is_configured(self) -> bool:
        return bool(self.urls())

    def urls(self) -> list[str]:
        return [u.strip() for u in (self.feed_urls or "").split(",") if u.strip()]


def fetch_alerts(api: AlertFeeds, client: ApiClient, day: date) -> list[ApiPage]:
    if (datetime.now(UTC).date() - day) > timedelta(days=FRESH_DAYS - 1):
        return []
    pages = []
    for number, url in enumerate(api.urls(), start=1):
        response = client.get(url)
        pages.append(ApiPage(url=str(response.request.url), text=response.text, status=response.status_code,
                             number=number))
    return pages


def api_resources() -> dict[str, AlertFeeds]:
    env = env_vars("LISTENING_ALERT_FEED_URLS")
    return {RESOURCE_KEY: AlertFeeds(feed_urls=env["LISTENING_ALERT_FEED_URLS"])}
