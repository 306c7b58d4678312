"""Mattermost API v4 connector: the posts of the configured channels, one UTC day at a time.

``GET /api/v4/channels/{id}/posts?page=N&per_page=200`` returns a channel's posts newest first, as
``{"order": [ids...], "posts": {id: post}}``. Pages are read from 0 until one is empty or reaches posts
created before the day's start (that page lands whole, older posts included). The ``since`` variant
(every post changed since a time, unpaginated) is not used: it has no upper bound on the response size."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from pipelines.lib.connectors import ApiSource, day_window, env_vars
from pipelines.lib.http import ApiClient, ApiPage, paginate_page_number

RESOURCE_KEY = "mattermost_api"
API_PREFIX = "/api/v4"


class MattermostApi(ApiSource):
    """``MATTERMOST_BASE_URL`` (the server, e.g. ``https://chat.example.org``), ``MATTERMOST_TOKEN`` (a
    personal access token or a bot account's token, member of the channels) and ``MATTERMOST_CHANNEL_IDS``
    (comma-separated channel ids, the 26-character ids shown in a channel's *View Info*)."""

    base_url: str = ""
    token: str | None = None
    channel_ids: str | None = None
    per_page: int = 200

    def is_configured(self) -> bool:
        return bool(self.base_url and self.token and self.channels())

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def channels(self) -> list[str]:
        return [c.strip() for c in (self.channel_ids or "").split(",") if c.strip()]

    def api_path(self, path: str) -> str:
        """``/api/v4`` + path, unless the base URL already ends with it."""
        return path if self.base_url.rstrip("/").endswith(API_PREFIX) else API_PREFIX + path


def _posts(body: Any) -> list[dict]:
    posts = body.get("posts") if isinstance(body, dict) else None
    return [p for p in (posts or {}).values() if isinstance(p, dict)] if isinstance(posts, dict) else []


def created_since(start_ms: int):
    """A page is worth following while it has posts and none older than the day's start."""

    def has_records(body: Any) -> bool:
        created = [p.get("create_at") for p in _posts(body)]
        created = [c for c in created if isinstance(c, int | float)]
        return bool(created) and min(created) >= start_ms

    return has_records


def fetch_posts(api: MattermostApi, client: ApiClient, day: date) -> list[ApiPage]:
    start, _ = day_window(day)
    start_ms = int(start.timestamp() * 1000)
    pages: list[ApiPage] = []
    for channel in api.channels():
        pages.extend(paginate_page_number(client, api.api_path(f"/channels/{channel}/posts"),
                                          {"per_page": api.per_page}, page_param="page",
                                          has_records=created_since(start_ms)))
    return [replace(page, number=i) for i, page in enumerate(pages, start=1)]


def api_resources() -> dict[str, MattermostApi]:
    """Credentials from the environment only; without them the connector stays idle."""
    env = env_vars("MATTERMOST_BASE_URL", "MATTERMOST_TOKEN", "MATTERMOST_CHANNEL_IDS")
    return {RESOURCE_KEY: MattermostApi(base_url=env["MATTERMOST_BASE_URL"] or "", token=env["MATTERMOST_TOKEN"],
                                        channel_ids=env["MATTERMOST_CHANNEL_IDS"])}
