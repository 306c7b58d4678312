"""Mastodon REST API connector: the brand account's own statuses, the replies below them (status context),
and its notifications (mentions, reblogs, favourites, follows, statuses of followed accounts), one UTC day at
a time, following the RFC 8288 ``Link: <...>; rel="next"`` header.

Day windows:
- Statuses: Mastodon status ids are snowflakes, ``id = unix_ms << 16`` + 16 sequence bits, so a UTC day is the
  id range ``(day_start_ms << 16) - 1 < id < day_end_ms << 16``: ``since_id``/``max_id`` select it exactly
  (to the millisecond: an id is taken when the status is created, within a few ms of ``created_at``; statuses
  imported from before snowflake ids, Mastodon < 2.0, have small ids and fall outside every day). The
  server drops ``since_id`` from its ``next`` links, so it is added back to each one: pagination then ends on
  the day's oldest status instead of walking the account's whole history.
- Notifications: their ids are a plain sequence (not snowflakes), so there is no id window. They are read
  newest first; pages entirely newer than the day are skipped (not landed) and reading stops at the first page
  reaching before the day. The pages kept may hold a few notifications of the neighbouring days, which land in
  the day's partition too (staging keeps one row per notification).
- Replies: the context of each of the day's statuses that has replies, as fetched (re-running a recent day
  picks up later replies).

Rate limits (300 requests / 5 min per token by default) come back as 429 with ``X-RateLimit-Reset`` (an ISO
8601 time) and no ``Retry-After``: the client waits until that reset, up to ``max_wait_seconds``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
from tenacity import RetryCallState

from pipelines.lib.connectors import ApiSource, day_window, env_vars
from pipelines.lib.http import ApiClient, ApiPage, RetryableHTTPError, link_header_next, paginate_next_url

RESOURCE_KEY = "mastodon_api"
NOTIFICATION_TYPES = ("mention", "status", "reblog", "favourite", "follow")
STATUSES_LIMIT = 40  # the maximum Mastodon serves per page of statuses
NOTIFICATIONS_LIMIT = 80  # and per page of notifications


def parse_instant(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def snowflake_floor(moment: datetime) -> int:
    """The smallest status id Mastodon can give at ``moment`` (ids are ``unix_ms << 16`` + a sequence)."""
    return int(moment.timestamp() * 1000) << 16


def status_id_window(day: date) -> tuple[str, str]:
    """``since_id`` and ``max_id`` (both exclusive) selecting the statuses created in the UTC day."""
    start, end = day_window(day)
    return str(snowflake_floor(start) - 1), str(snowflake_floor(end))


class MastodonClient(ApiClient):
    """ApiClient that also honours Mastodon's ``X-RateLimit-Reset`` on a 429."""

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RetryableHTTPError) and exc.response.status_code == 429 \
                and "retry-after" not in exc.response.headers:
            reset = parse_instant(exc.response.headers.get("x-ratelimit-reset"))
            if reset is not None:
                return min(max(0.0, (reset - datetime.now(UTC)).total_seconds()), self.max_wait_seconds)
        return super()._wait(state)


class MastodonApi(ApiSource):
    """``MASTODON_BASE_URL`` (the instance, e.g. ``https://mastodon.social``), ``MASTODON_ACCESS_TOKEN`` (an
    application token with ``read:statuses read:notifications``) and ``MASTODON_ACCOUNT_ID`` (the brand
    account's numeric id on that instance, from GET /api/v1/accounts/lookup?acct=<name>)."""

    base_url: str = ""
    access_token: str | None = None
    account_id: str | None = None

    def is_configured(self) -> bool:
        return bool(self.base_url and self.access_token and self.account_id)

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    def client(self) -> MastodonClient:
        return MastodonClient(base_url=self.base_url, headers={"User-Agent": "animateur", **self.auth_headers()},
                              params=self.auth_params(), max_attempts=self.max_attempts,
                              max_wait_seconds=self.max_wait_seconds,
                              backoff_initial_seconds=self.backoff_initial_seconds)


def _records(body: Any) -> list[dict]:
    return [r for r in body if isinstance(r, dict)] if isinstance(body, list) else []


def link_next_within(since_id: str) -> Callable[[Any, httpx.Response], str | None]:
    """The ``next`` link, with ``since_id`` put back (Mastodon drops it): stops on an empty page."""

    def next_url(body: Any, response: httpx.Response) -> str | None:
        url = link_header_next(body, response)
        if not url or not _records(body):
            return None
        return str(httpx.URL(url).copy_set_param("since_id", since_id))

    return next_url


def fetch_statuses(api: MastodonApi, client: ApiClient, day: date) -> list[ApiPage]:
    """GET /api/v1/accounts/:id/statuses: the account's statuses (posts, replies, reblogs) of the day."""
    since_id, max_id = status_id_window(day)
    params = {"limit": STATUSES_LIMIT, "since_id": since_id, "max_id": max_id}
    return list(paginate_next_url(client, f"/api/v1/accounts/{api.account_id}/statuses", params,
                                  link_next_within(since_id)))


def fetch_status_replies(api: MastodonApi, client: ApiClient, day: date) -> list[ApiPage]:
    """GET /api/v1/statuses/:id/context for each status of the day that has replies: the whole thread below it
    (``descendants``: members' replies, and the brand's answers). The day's statuses are listed again to find
    them; that listing is not landed here (the statuses feed lands it)."""
    with_replies = [s["id"] for page in fetch_statuses(api, client, day) for s in _records(page.json_or_none())
                    if s.get("id") and s.get("reblog") is None and (s.get("replies_count") or 0) > 0]
    pages = []
    for status_id in dict.fromkeys(with_replies):  # once each, in listing order
        try:
            response = client.get(f"/api/v1/statuses/{status_id}/context")
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code == 404:  # deleted since it was listed
                continue
            raise
        pages.append(ApiPage(url=str(response.request.url), text=response.text, status=response.status_code,
                             number=len(pages) + 1))
    return pages


def _oldest(body: Any) -> datetime | None:
    times = [t for t in (parse_instant(r.get("created_at")) for r in _records(body)) if t is not None]
    return min(times) if times else None


def link_next_until(day: date) -> Callable[[Any, httpx.Response], str | None]:
    """The ``next`` link of a newest-first listing, until a page reaches before the day."""
    start, _ = day_window(day)

    def next_url(body: Any, response: httpx.Response) -> str | None:
        oldest = _oldest(body)
        return None if oldest is None or oldest < start else link_header_next(body, response)

    return next_url


def newest_first_window(pages: Iterator[ApiPage], day: date) -> list[ApiPage]:
    """The pages of a newest-first listing from the first one not entirely after the day (earlier ones are
    fetched only to get there, not landed)."""
    _, end = day_window(day)
    kept: list[ApiPage] = []
    for page in pages:
        body = page.json_or_none()
        oldest = _oldest(body)
        if kept or oldest is None or oldest < end:
            kept.append(page)
    return kept


def fetch_notifications(api: MastodonApi, client: ApiClient, day: date) -> list[ApiPage]:
    """GET /api/v1/notifications (the token's account): mentions, statuses, reblogs, favourites, follows."""
    params = {"limit": NOTIFICATIONS_LIMIT, "types[]": list(NOTIFICATION_TYPES)}
    return newest_first_window(paginate_next_url(client, "/api/v1/notifications", params, link_next_until(day)),
                               day)


def api_resources() -> dict[str, MastodonApi]:
    """Credentials from the environment only; without them the connector stays idle."""
    env = env_vars("MASTODON_BASE_URL", "MASTODON_ACCESS_TOKEN", "MASTODON_ACCOUNT_ID")
    return {RESOURCE_KEY: MastodonApi(base_url=env["MASTODON_BASE_URL"] or "",
                                      access_token=env["MASTODON_ACCESS_TOKEN"],
                                      account_id=env["MASTODON_ACCOUNT_ID"])}
