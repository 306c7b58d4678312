"""Facebook Page connector (Graph API): the page feed, the comments on the day's posts, and the page
insights, one UTC day at a time (``since``/``until`` in epoch seconds), following ``paging.next``.

The feed of a day is the posts created in the ``post_refresh_days`` days up to the day's end, not the day's
alone: their counters and lifetime insights keep growing after publication, and each day's fetch is a snapshot
of them (``stg_facebook__post_snapshots``, differenced by ``int_content_counters_differenced``).

Retired insights metrics (post insights requested inline on the feed, page insights) fall back to their
successors instead of failing the request: see :mod:`pipelines.defs.ingestion.facebook.graph`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pipelines.defs.ingestion.facebook.graph import (
    PAGE_METRIC_SUCCESSORS,
    POST_METRIC_SUCCESSORS,
    GraphApiSource,
    as_batch,
    epoch_window,
    fetch_insights,
    fetch_with_metric_fallback,
    graph_next_within,
    landed,
    list_records,
    probe,
    split_metrics,
)
from pipelines.lib.connectors import env_vars, refresh_window
from pipelines.lib.http import ApiClient, ApiPage, graph_next, paginate_next_url

RESOURCE_KEY = "facebook_api"

# What the POSTS table reads (pipelines/defs/ingestion/facebook/feeds.py), requested explicitly.
POST_METRICS = ("post_impressions", "post_impressions_unique", "post_clicks")
POST_FIELDS = ("id,created_time,message,permalink_url,status_type,from,shares,"
               "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)")
COMMENT_FIELDS = "id,created_time,message,from,parent,like_count,comment_count,permalink_url"
# Page metrics served in 2026 (period=day). A retired one in a user's list falls back to its successor.
DEFAULT_PAGE_METRICS = ("page_media_view,page_total_media_view_unique,page_post_engagements,page_follows,"
                        "page_daily_follows_unique,page_daily_unfollows_unique,page_views_total")


def post_fields(metrics: Sequence[str]) -> str:
    return POST_FIELDS + (f",insights.metric({','.join(metrics)})" if metrics else "")


class FacebookApi(GraphApiSource):
    """``FACEBOOK_PAGE_ID`` and ``FACEBOOK_PAGE_ACCESS_TOKEN`` (a Page access token with
    ``pages_read_engagement`` and ``read_insights``; comment authors are only returned with a Page token)."""

    page_id: str | None = None
    page_metrics: str = DEFAULT_PAGE_METRICS  # comma-separated
    # Meta's lifetime post insights keep growing for about 28 days after publication: the feed re-reads the
    # posts of the last 28 days every day, one snapshot of their counters a day.
    post_refresh_days: int = 28

    def is_configured(self) -> bool:
        return bool(self.page_id and self.access_token)


def fetch_posts(api: FacebookApi, client: ApiClient, day: date) -> list[ApiPage]:
    """The posts created in the ``post_refresh_days`` days up to the day's end, their counters as of now."""
    since, until = (int(moment.timestamp()) for moment in refresh_window(day, api.post_refresh_days))
    path = api.path(api.page_id, "feed")
    params = {"since": since, "until": until, "limit": api.limit}

    def request(metrics: list[str]) -> list[ApiPage]:
        return list(paginate_next_url(client, path, {**params, "fields": post_fields(metrics)}, graph_next))

    # a retired post metric fails the whole /feed request: probe each inline, on one post
    return fetch_with_metric_fallback(
        client, "posts", POST_METRICS, request,
        lambda metric: probe(client, path, {**params, "limit": 1, "fields": post_fields([metric])}),
        POST_METRIC_SUCCESSORS, where=path)


def fetch_comments(api: FacebookApi, client: ApiClient, day: date) -> list[ApiPage]:
    """Comments and replies (``filter=stream``) on the posts published that day."""
    since, until = epoch_window(day)
    posts = list_records(client, api.path(api.page_id, "feed"),
                     {"since": since, "until": until, "limit": api.limit, "fields": "id"}, graph_next)
    return as_batch(*(
        landed(paginate_next_url(client, api.path(post["id"], "comments"),
                                 {"fields": COMMENT_FIELDS, "filter": "stream", "limit": api.limit}, graph_next))
        for post in posts
    ))


def fetch_page_insights(api: FacebookApi, client: ApiClient, day: date) -> list[ApiPage]:
    since, until = epoch_window(day)
    return fetch_insights(client, api.path(api.page_id, "insights"),
                          {"period": "day", "since": since, "until": until}, split_metrics(api.page_metrics),
                          successors=PAGE_METRIC_SUCCESSORS, next_url=graph_next_within(until))


def api_resources() -> dict[str, FacebookApi]:
    """Credentials from the environment only; without them the connector stays idle."""
    env = env_vars("FACEBOOK_PAGE_ID", "FACEBOOK_PAGE_ACCESS_TOKEN")
    return {RESOURCE_KEY: FacebookApi(page_id=env["FACEBOOK_PAGE_ID"], access_token=env["FACEBOOK_PAGE_ACCESS_TOKEN"])}
