"""Instagram connector (Instagram Graph API on graph.facebook.com, a professional account linked to a Page):
the account's media, the comments and insights of the day's media, and the account insights, one UTC day
at a time, following ``paging.next``.

Insights come in two shapes: the historical ``values[]`` (one value per ``end_time``) and, since v18, the
``total_value`` of ``metric_type=total_value`` requests (one value for the window, with breakdowns); both land
in the same tables with ``response_shape``. Retired metrics fall back to their successors (e.g. impressions ->
views, Apr 2025): see :mod:`pipelines.defs.ingestion.facebook.graph`."""

from __future__ import annotations

import logging
from datetime import date

import httpx

from pipelines.defs.ingestion.facebook.graph import (
    INSTAGRAM_METRIC_SUCCESSORS,
    GraphApiSource,
    as_batch,
    epoch_window,
    fetch_insights,
    graph_error,
    graph_next_newer_than,
    graph_next_within,
    landed,
    list_records,
    split_metrics,
)
from pipelines.lib.connectors import env_vars
from pipelines.lib.http import ApiClient, ApiPage, graph_next, paginate_next_url

log = logging.getLogger(__name__)

RESOURCE_KEY = "instagram_api"
MEDIA_FIELDS = "id,caption,media_type,media_product_type,permalink,timestamp,like_count,comments_count,username"
COMMENT_FIELDS = "id,text,timestamp,username,like_count,parent_id,from,media"
# Metrics served in 2026 (v22+: 'views' replaced impressions and plays); a retired one in a user's list falls
# back to its successor.
DEFAULT_MEDIA_METRICS = "views,reach,saved,likes,comments,shares,total_interactions"
DEFAULT_ACCOUNT_METRICS = "reach,follower_count"  # time series: values[] per day
DEFAULT_ACCOUNT_TOTAL_VALUE_METRICS = ("views,accounts_engaged,total_interactions,likes,comments,shares,saves,"
                                       "replies,profile_links_taps")  # metric_type=total_value
NOT_ENOUGH_VIEWERS = 10  # "(#10) Not enough viewers for the media to show insights"


class InstagramApi(GraphApiSource):
    """``INSTAGRAM_USER_ID`` (the IG professional account id, not the @handle) and ``INSTAGRAM_ACCESS_TOKEN``
    (instagram_basic, instagram_manage_comments, instagram_manage_insights)."""

    ig_user_id: str | None = None
    media_metrics: str = DEFAULT_MEDIA_METRICS
    account_metrics: str = DEFAULT_ACCOUNT_METRICS
    account_total_value_metrics: str = DEFAULT_ACCOUNT_TOTAL_VALUE_METRICS

    def is_configured(self) -> bool:
        return bool(self.ig_user_id and self.access_token)


def fetch_media(api: InstagramApi, client: ApiClient, day: date) -> list[ApiPage]:
    since, until = epoch_window(day)
    return landed(paginate_next_url(client, api.path(api.ig_user_id, "media"),
                                    {"fields": MEDIA_FIELDS, "since": since, "until": until, "limit": api.limit},
                                    graph_next_newer_than(since)))


def media_of_day(api: InstagramApi, client: ApiClient, day: date) -> list[dict]:
    since, until = epoch_window(day)
    return list_records(client, api.path(api.ig_user_id, "media"),
                    {"fields": "id,timestamp,media_product_type", "since": since, "until": until, "limit": api.limit},
                    graph_next_newer_than(since), since=since, until=until, timestamp_field="timestamp")


def fetch_comments(api: InstagramApi, client: ApiClient, day: date) -> list[ApiPage]:
    """Top-level comments on the media published that day."""
    return as_batch(*(
        landed(paginate_next_url(client, api.path(media["id"], "comments"),
                                 {"fields": COMMENT_FIELDS, "limit": api.limit}, graph_next))
        for media in media_of_day(api, client, day)
    ))


def fetch_media_insights(api: InstagramApi, client: ApiClient, day: date) -> list[ApiPage]:
    """Lifetime insights of the media published that day, as of the fetch."""
    fetches = []
    for media in media_of_day(api, client, day):
        try:
            fetches.append(fetch_insights(
                client, api.path(media["id"], "insights"), {}, split_metrics(api.media_metrics),
                successors=INSTAGRAM_METRIC_SUCCESSORS, next_url=graph_next,
                # valid metrics depend on the product type (FEED, REELS, STORY): one plan per type
                plan_key=f"media:{media.get('media_product_type') or 'FEED'}"))
        except httpx.HTTPStatusError as exc:
            if graph_error(exc).get("code") != NOT_ENOUGH_VIEWERS:
                raise
            log.info("instagram media %s: %s", media["id"], graph_error(exc).get("message"))
    return as_batch(*fetches)


def fetch_account_insights(api: InstagramApi, client: ApiClient, day: date) -> list[ApiPage]:
    """Account insights of the day: the time series (values[]) and the totals (total_value), one batch."""
    since, until = epoch_window(day)
    path = api.path(api.ig_user_id, "insights")
    window = {"period": "day", "since": since, "until": until}
    series = fetch_insights(client, path, window, split_metrics(api.account_metrics),
                            successors=INSTAGRAM_METRIC_SUCCESSORS, next_url=graph_next_within(until),
                            plan_key="account:time_series")
    totals = fetch_insights(client, path, {**window, "metric_type": "total_value"},
                            split_metrics(api.account_total_value_metrics), successors=INSTAGRAM_METRIC_SUCCESSORS,
                            next_url=graph_next_within(until), plan_key="account:total_value")
    return as_batch(series, totals)


def api_resources() -> dict[str, InstagramApi]:
    """Credentials from the environment only; without them the connector stays idle."""
    env = env_vars("INSTAGRAM_USER_ID", "INSTAGRAM_ACCESS_TOKEN")
    return {RESOURCE_KEY: InstagramApi(ig_user_id=env["INSTAGRAM_USER_ID"], access_token=env["INSTAGRAM_ACCESS_TOKEN"])}
