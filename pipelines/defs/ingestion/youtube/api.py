"""YouTube Data API v3 connector: the brand channel's statistics (an audience snapshot), its videos published
in a UTC day with their statistics, and the comment threads and replies on its videos.

The API key goes in the ``key`` query parameter; it is removed from the page URLs kept in ``raw.pages``.
Pagination is ``nextPageToken`` -> ``pageToken``. Quota (10,000 units a day by default): every call used here
costs 1 unit (``search.list``, 100 units, is deliberately not used).

Day windows: only ``videos`` can be listed exactly (the uploads playlist is read until the day is reached and
the ids published in the day are then fetched). The comment threads of a day are those started in the
``comment_refresh_days`` days up to the day's end, read again with their replies every day, so that an answer
posted days after the comment lands. ``commentThreads`` has no date filter: it is read newest first, the pages
entirely newer than the window are skipped, and reading stops at the first page that reaches before it. The
pages kept may therefore hold a few threads of the neighbouring days, which land in the day's partition too
(staging keeps one row per comment, its latest fetch).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from pipelines.lib.connectors import ApiSource, day_window, env_vars, refresh_window
from pipelines.lib.http import ApiClient, ApiPage, paginate_token, youtube_next_token

RESOURCE_KEY = "youtube_api"
VIDEO_PARTS = "snippet,statistics,contentDetails"
IDS_PER_VIDEOS_CALL = 50  # videos.list accepts at most 50 ids


class YouTubeApi(ApiSource):
    """``YOUTUBE_API_KEY`` (a Google Cloud API key with the YouTube Data API v3 enabled) and
    ``YOUTUBE_CHANNEL_ID`` (the brand channel, ``UC...``)."""

    base_url: str = "https://www.googleapis.com/youtube/v3"
    api_key: str | None = None
    channel_id: str | None = None
    max_results: int = 50  # per page; 50 is the maximum of every list endpoint used except commentThreads (100)
    # The channel statistics are the audience *now*: a fetch is attributed to a day only if that day is at most
    # this many days old, so backfilling old days does not copy today's numbers into the past.
    snapshot_max_age_days: int = 2
    # A brand answers a comment within hours or after a weekend or a holiday: the threads of the last 7 days are
    # read again every day with their replies, so a late answer lands. Quota a day: a unit per page of 100
    # threads of the window (both comment feeds read them) and a unit per thread with replies, of 10,000.
    comment_refresh_days: int = 7

    def is_configured(self) -> bool:
        return bool(self.api_key and self.channel_id)

    def auth_params(self) -> dict[str, str]:
        return {"key": self.api_key} if self.api_key else {}


def redact_key(page: ApiPage) -> ApiPage:
    """The page without the API key in its URL (the URL is stored in ``raw.pages.source_file``)."""
    return replace(page, url=str(httpx.URL(page.url).copy_remove_param("key")))


def parse_instant(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _items_of(body: Any) -> list[dict]:
    items = body.get("items") if isinstance(body, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _items(page: ApiPage) -> list[dict]:
    return _items_of(page.json_or_none())


def newest_first_window(pages: Iterator[ApiPage], window: tuple[datetime, datetime],
                        published: Callable[[dict], datetime | None]) -> list[ApiPage]:
    """Read a newest-first listing for ``window`` [start, end): skip the leading pages whose records are all
    after it, keep the others, and stop after the first page reaching before it (the next pages are older)."""
    start, end = window
    kept: list[ApiPage] = []
    for page in pages:
        times = [t for t in map(published, _items(page)) if t is not None]
        if kept or page.json_or_none() is None or not times or min(times) < end:
            kept.append(page)
        if times and min(times) < start:
            break
    return kept


def _thread_published(thread: dict) -> datetime | None:
    return parse_instant(((thread.get("snippet") or {}).get("topLevelComment") or {}).get("snippet", {})
                         .get("publishedAt"))


def _stop_before(start: datetime, published: Callable[[dict], datetime | None]) -> Callable[[Any], str | None]:
    """``nextPageToken`` of a newest-first listing, until a page reaches before ``start``."""

    def token_of(body: Any) -> str | None:
        times = [t for t in map(published, _items_of(body)) if t is not None]
        if times and min(times) < start:
            return None
        return youtube_next_token(body)

    return token_of


def fetch_channel_statistics(api: YouTubeApi, client: ApiClient, day: date) -> list[ApiPage]:
    """GET /channels (one page): the channel's subscriber, view and video counts as of now."""
    if day < datetime.now(UTC).date() - timedelta(days=api.snapshot_max_age_days):
        return []  # too old: today's audience is not that day's (the day keeps its earlier snapshot, if any)
    params = {"part": "snippet,statistics,contentDetails", "id": api.channel_id}
    return [redact_key(p) for p in paginate_token(client, "/channels", params, token_param="pageToken",
                                                  token_of=youtube_next_token)]


def uploads_playlist_id(api: YouTubeApi, client: ApiClient) -> str:
    body = client.get("/channels", {"part": "contentDetails", "id": api.channel_id}).json()
    for channel in body.get("items") or []:
        uploads = ((channel.get("contentDetails") or {}).get("relatedPlaylists") or {}).get("uploads")
        if uploads:
            return uploads
    raise ValueError(f"YouTube channel {api.channel_id!r} not found or without an uploads playlist")


def _video_published(item: dict) -> datetime | None:
    """Publication of the video of an uploads playlist item (``snippet.publishedAt`` is when it was added)."""
    return parse_instant((item.get("contentDetails") or {}).get("videoPublishedAt")
                         or (item.get("snippet") or {}).get("publishedAt"))


def _video_id(item: dict) -> str | None:
    return ((item.get("contentDetails") or {}).get("videoId")
            or ((item.get("snippet") or {}).get("resourceId") or {}).get("videoId"))


def video_ids_published(api: YouTubeApi, client: ApiClient, day: date) -> list[str]:
    """Ids of the channel's uploads published in the day, from its uploads playlist (newest first)."""
    start, end = day_window(day)
    params = {"part": "snippet,contentDetails", "playlistId": uploads_playlist_id(api, client),
              "maxResults": api.max_results}
    ids: list[str] = []
    for page in paginate_token(client, "/playlistItems", params, token_param="pageToken",
                               token_of=_stop_before(start, _video_published)):
        for item in _items(page):
            published, video_id = _video_published(item), _video_id(item)
            if video_id and published and start <= published < end and video_id not in ids:
                ids.append(video_id)
    return ids


def fetch_videos(api: YouTubeApi, client: ApiClient, day: date) -> list[ApiPage]:
    """GET /videos for the uploads published in the day, by 50 ids: snippet, statistics, contentDetails."""
    ids = video_ids_published(api, client, day)
    pages = []
    for number, first in enumerate(range(0, len(ids), IDS_PER_VIDEOS_CALL), start=1):
        chunk = ids[first:first + IDS_PER_VIDEOS_CALL]
        response = client.get("/videos", {"part": VIDEO_PARTS, "id": ",".join(chunk),
                                          "maxResults": IDS_PER_VIDEOS_CALL})
        pages.append(redact_key(ApiPage(url=str(response.request.url), text=response.text,
                                        status=response.status_code, number=number)))
    return pages


def _thread_pages_of_window(api: YouTubeApi, client: ApiClient, window: tuple[datetime, datetime]) -> list[ApiPage]:
    """The pages of the channel's comment threads (newest first) that hold the threads started in ``window``."""
    params = {"part": "snippet", "allThreadsRelatedToChannelId": api.channel_id, "order": "time",
              "maxResults": 100, "textFormat": "plainText"}
    pages = paginate_token(client, "/commentThreads", params, token_param="pageToken",
                           token_of=_stop_before(window[0], _thread_published))
    return newest_first_window(pages, window, _thread_published)


def fetch_comment_threads(api: YouTubeApi, client: ApiClient, day: date) -> list[ApiPage]:
    """GET /commentThreads on every video of the channel, newest first: the pages of the threads started in the
    ``comment_refresh_days`` days up to the day's end, as of now (reply counts, likes)."""
    window = refresh_window(day, api.comment_refresh_days)
    return [redact_key(p) for p in _thread_pages_of_window(api, client, window)]


def fetch_comment_replies(api: YouTubeApi, client: ApiClient, day: date) -> list[ApiPage]:
    """GET /comments?parentId= for each thread started in the ``comment_refresh_days`` days up to the day's end
    that has replies (a thread embeds at most a few of its replies; comments.list returns them all), as of now:
    an answer posted days after the comment lands. The thread listing itself is not landed again."""
    start, end = window = refresh_window(day, api.comment_refresh_days)
    parents: list[str] = []
    for page in _thread_pages_of_window(api, client, window):
        for thread in _items(page):
            published = _thread_published(thread)
            replies = (thread.get("snippet") or {}).get("totalReplyCount") or 0
            if published and start <= published < end and replies and thread.get("id") not in parents:
                parents.append(thread["id"])
    pages: list[ApiPage] = []
    for parent in parents:
        params = {"part": "snippet", "parentId": parent, "maxResults": 100, "textFormat": "plainText"}
        for page in paginate_token(client, "/comments", params, token_param="pageToken", token_of=youtube_next_token):
            pages.append(redact_key(replace(page, number=len(pages) + 1)))
    return pages


def api_resources() -> dict[str, YouTubeApi]:
    """Credentials from the environment only; without them the connector stays idle."""
    env = env_vars("YOUTUBE_API_KEY", "YOUTUBE_CHANNEL_ID")
    return {RESOURCE_KEY: YouTubeApi(api_key=env["YOUTUBE_API_KEY"], channel_id=env["YOUTUBE_CHANNEL_ID"])}
