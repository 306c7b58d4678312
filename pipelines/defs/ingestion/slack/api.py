"""Slack Web API connector: the messages of the configured channels (``conversations.history``) one UTC day
at a time, and the workspace's users (``users.list``).

Slack answers most errors with HTTP 200 and ``{"ok": false, "error": "channel_not_found"}``. Such a page
ends its pagination (it has no cursor) and lands as received; parsing then quarantines it whole with the
error as the reason (the engine's ``error``-key rule, pipelines/lib/ingest.py), so a wrong channel id or a
revoked token shows up in ``raw.quarantine`` instead of looking like a quiet day. Rate limits come as HTTP
429 with ``Retry-After``, which the client honours."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pipelines.lib.connectors import ApiSource, day_window, env_vars
from pipelines.lib.http import ApiClient, ApiPage, paginate_token, slack_next_cursor

RESOURCE_KEY = "slack_api"
HISTORY_PATH = "/conversations.history"
USERS_PATH = "/users.list"
ONE_MICROSECOND = Decimal("0.000001")


class SlackApi(ApiSource):
    """``SLACK_BOT_TOKEN`` (a bot token ``xoxb-...`` with channels:history, groups:history and users:read,
    the bot invited to the channels) and ``SLACK_CHANNEL_IDS`` (comma-separated, e.g. ``C0123,C0456``)."""

    base_url: str = "https://slack.com/api"
    bot_token: str | None = None
    channel_ids: str | None = None
    page_limit: int = 200  # Slack's recommended page size (max 999 for history)

    def is_configured(self) -> bool:
        return bool(self.bot_token)

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.bot_token}"}

    def channels(self) -> list[str]:
        return [c.strip() for c in (self.channel_ids or "").split(",") if c.strip()]


def _slack_ts(value: Decimal) -> str:
    return f"{value:.6f}"


def _older_than_page(body: Any) -> str | None:
    """Legacy history pagination: ``has_more`` without ``response_metadata.next_cursor`` (as in the sample
    recorded by Perceval): the next page is what is older than this page's oldest message (``latest`` is
    exclusive). None when there is nothing more, or the page is unreadable or an error."""
    if not isinstance(body, dict) or not body.get("ok") or not body.get("has_more"):
        return None
    stamps = []
    for message in body.get("messages") or []:
        try:
            stamps.append(Decimal(str(message.get("ts"))))
        except (InvalidOperation, AttributeError):
            continue
    return _slack_ts(min(stamps)) if stamps else None


def history_pages(client: ApiClient, channel: str, oldest: str, latest: str, limit: int,
                  max_rounds: int = 10_000) -> list[ApiPage]:
    """One channel's messages in (oldest, latest), following ``next_cursor``, else ``has_more`` by ``latest``."""
    query = {"channel": channel, "oldest": oldest, "latest": latest, "limit": limit}
    pages: list[ApiPage] = []
    for _ in range(max_rounds):
        chain = list(paginate_token(client, HISTORY_PATH, query, token_param="cursor", token_of=slack_next_cursor))
        pages.extend(chain)
        older = _older_than_page(chain[-1].json_or_none())
        if older is None or Decimal(older) >= Decimal(str(query["latest"])):
            break
        query = {**query, "latest": older}
    return pages


def _numbered(pages: list[ApiPage]) -> list[ApiPage]:
    """Pages of several channels (or pagination rounds) are one batch: number them 1..n in fetch order."""
    return [replace(page, number=i) for i, page in enumerate(pages, start=1)]


def fetch_messages(api: SlackApi, client: ApiClient, day: date) -> list[ApiPage]:
    """Each channel's messages posted during the day. ``oldest`` and ``latest`` are exclusive: oldest is
    set one microsecond before midnight, so the window is exactly [00:00, 24:00). Top-level messages and
    thread parents only (replies live in ``conversations.replies``, not fetched)."""
    start, end = day_window(day)
    oldest = _slack_ts(Decimal(int(start.timestamp())) - ONE_MICROSECOND)
    latest = _slack_ts(Decimal(int(end.timestamp())))
    pages: list[ApiPage] = []
    for channel in api.channels():
        pages.extend(history_pages(client, channel, oldest, latest, api.page_limit))
    return _numbered(pages)


def fetch_users(api: SlackApi, client: ApiClient, day: date) -> list[ApiPage]:
    """The workspace's members as of the fetch (a snapshot, whatever the day)."""
    return list(paginate_token(client, USERS_PATH, {"limit": api.page_limit}, token_param="cursor",
                               token_of=slack_next_cursor))


def api_resources() -> dict[str, SlackApi]:
    """Credentials from the environment only; without them the connector stays idle."""
    env = env_vars("SLACK_BOT_TOKEN", "SLACK_CHANNEL_IDS")
    return {RESOURCE_KEY: SlackApi(bot_token=env["SLACK_BOT_TOKEN"], channel_ids=env["SLACK_CHANNEL_IDS"])}
