"""Instagram connector (Instagram Graph API on graph.facebook.com, a professional account linked to a Page):
the account's recent media, their comments and their insights, and the account insights, one UTC day at a time,
following ``paging.next``.

The media of a day, and their insights, are those published in the ``media_refresh_days`` days up to the day's
end, not the day's alone: their like and comment counters and lifetime insights keep growing after publication,
and each day's fetch is a snapshot of them (``stg_instagram__media_snapshots``, differenced by
``int_content_counters_differenced``), as for the Facebook page's posts.

The comments of a day are those of the media published in the ``comment_refresh_days`` days up to the day's
end, with their replies, not the day's media alone: members keep commenting a media for days, and the brand's
answers come after the comments they answer (``int_conversations_responded``).

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
from pipelines.lib.connectors import env_vars, refresh_window
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
    # A brand answers a comment within its response time (hours, or after a weekend or a holiday), and most
    # comments come in a media's first days: a week of media re-read daily lands nearly every late answer, for
    # a request per media and per top-level comment a day (they count against Meta's rate limits).
    comment_refresh_days: int = 7
    # Lifetime media insights keep growing for weeks, as Meta's post insights do (FacebookApi.post_refresh_days):
    # the media list and the media insights re-read the media of the last 28 days every day, one snapshot of
    # their counters a day (a request per media a day for the insights).
    media_refresh_days: int = 28

    def is_configured(self) -> bool:
        return bool(self.ig_user_id and self.access_token)


def refresh_epochs(day: date, days: int) -> tuple[int, int]:
    """[since, until) in epoch seconds: the ``days`` days up to the day's end (``refresh_window``)."""
    since, until = refresh_window(day, days)
    return int(since.timestamp()), int(until.timestamp())


def fetch_media(api: InstagramApi, client: ApiClient, day: date) -> list[ApiPage]:
    """The media published in the ``media_refresh_days`` days up to the day's end, counters as of now."""
    since, until = refresh_epochs(day, api.media_refresh_days)
    return landed(paginate_next_url(client, api.path(api.ig_user_id, "media"),
                                    {"fields": MEDIA_FIELDS, "since": since, "until": until, "limit": api.limit},
                                    graph_next_newer_than(since)))


def media_published(api: InstagramApi, client: ApiClient, since: int, until: int) -> list[dict]:
    """The account's media published in [since, until) (epoch seconds): id, timestamp, product type."""
    return list_records(client, api.path(api.ig_user_id, "media"),
                    {"fields": "id,timestamp,media_product_type", "since": since, "until": until, "limit": api.limit},
                    graph_next_newer_than(since), since=since, until=until, timestamp_field="timestamp")


def top_level_comment_ids(pages: list[ApiPage]) -> list[str]:
    """Ids of the comments without a parent in comments pages, in order, once each. An unreadable page gives
    none: it is landed and quarantined whole, which shows the gap."""
    ids: dict[str, None] = {}
    for page in pages:
        body = page.json_or_none()
        records = body.get("data") if isinstance(body, dict) else None
        for comment in records if isinstance(records, list) else []:
            if isinstance(comment, dict) and comment.get("id") and not comment.get("parent_id"):
                ids.setdefault(str(comment["id"]))
    return list(ids)


def fetch_comments(api: InstagramApi, client: ApiClient, day: date) -> list[ApiPage]:
    """Comments and replies on the media published in the ``comment_refresh_days`` days up to the day's end, as
    of now, one batch. GET /{ig-media-id}/comments lists a media's top-level comments only: the replies (the
    brand's answers among them) come from GET /{ig-comment-id}/replies, one request per top-level comment,
    pages of comments of the same ``data[*]`` shape (each names its ``parent_id`` and ``media``). Cost a day:
    one request per page of the media list, per media of the window and per top-level comment of those media
    (more when a list runs over ``limit``)."""
    since, until = refresh_epochs(day, api.comment_refresh_days)
    params = {"fields": COMMENT_FIELDS, "limit": api.limit}
    pages: list[ApiPage] = []
    for media in media_published(api, client, since, until):
        comments = list(paginate_next_url(client, api.path(media["id"], "comments"), params, graph_next))
        pages.extend(comments)
        for comment_id in top_level_comment_ids(comments):
            pages.extend(paginate_next_url(client, api.path(comment_id, "replies"), params, graph_next))
    return landed(pages)


def fetch_media_insights(api: InstagramApi, client: ApiClient, day: date) -> list[ApiPage]:
    """Lifetime insights of the media published in the ``media_refresh_days`` days up to the day's end, as of
    the fetch: one request per media a day, a daily snapshot of its insights beside that of its counters."""
    fetches = []
    for media in media_published(api, client, *refresh_epochs(day, api.media_refresh_days)):
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
