"""Discourse API connector: the forum's latest topics and the posts of every topic active during the day,
fetched together as one batch per UTC day.

``/latest.json?page=N`` lists topics by last activity (``bumped_at``, newest first, pinned topics on top).
Pages are read from 0 until one is empty or has no topic bumped since the day's start; every topic bumped
since then (the day's and later activity) is then read whole: ``/t/{id}.json`` gives the first 20 posts and
``post_stream.stream``, the ids of all its posts, and the others come by ``/t/{id}/posts.json?post_ids[]=...``
in chunks. Topic pages therefore also refresh the reads, scores and reply counts of older posts of an active
topic. A topic deleted or made private between the list and its read (403/404/410) is skipped."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

import httpx

from pipelines.lib.connectors import ApiSource, day_window, env_vars
from pipelines.lib.http import ApiClient, ApiPage, paginate_page_number

RESOURCE_KEY = "discourse_api"
LATEST_PATH = "/latest.json"
GONE_STATUS = {403, 404, 410}


class DiscourseApi(ApiSource):
    """``DISCOURSE_BASE_URL`` (e.g. ``https://forum.example.org``), ``DISCOURSE_API_KEY`` (Admin > API, a
    read-only key is enough) and ``DISCOURSE_API_USERNAME`` (the user the key acts as, e.g. ``system``)."""

    base_url: str = ""
    api_key: str | None = None
    api_username: str | None = None
    post_ids_chunk: int = 20  # Discourse's own chunk size for a topic's posts

    def is_configured(self) -> bool:
        return bool(self.base_url and self.api_key and self.api_username)

    def auth_headers(self) -> dict[str, str]:
        return {"Api-Key": str(self.api_key), "Api-Username": str(self.api_username), "Accept": "application/json"}


def _instant(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _topics(body: Any) -> list[dict]:
    topics = (body.get("topic_list") or {}).get("topics") if isinstance(body, dict) else None
    return [t for t in topics or [] if isinstance(t, dict)]


def active_topic_ids(body: Any, since: datetime) -> list[int]:
    """Ids of the topics of a latest page bumped at or after ``since``."""
    ids = []
    for topic in _topics(body):
        bumped = _instant(topic.get("bumped_at"))
        if isinstance(topic.get("id"), int) and bumped is not None and bumped >= since:
            ids.append(topic["id"])
    return ids


def fetch_latest(client: ApiClient, since: datetime) -> list[ApiPage]:
    """Latest pages until an empty one or one without any topic bumped since ``since``."""
    return list(paginate_page_number(client, LATEST_PATH, None, page_param="page",
                                     has_records=lambda body: bool(active_topic_ids(body, since))))


def _get(client: ApiClient, path: str, params: dict | None = None) -> ApiPage | None:
    try:
        response = client.get(path, params)
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code in GONE_STATUS:
            return None
        raise
    return ApiPage(url=str(response.request.url), text=response.text, status=response.status_code, number=0)


def fetch_topic(client: ApiClient, topic_id: int, chunk: int = 20) -> list[ApiPage]:
    """A topic's page, then its posts beyond the first chunk (``post_stream.stream`` minus those returned)."""
    first = _get(client, f"/t/{topic_id}.json")
    if first is None:
        return []
    pages = [first]
    body = first.json_or_none()
    stream = (body.get("post_stream") or {}) if isinstance(body, dict) else {}
    have = {p.get("id") for p in stream.get("posts") or [] if isinstance(p, dict)}
    missing = [i for i in stream.get("stream") or [] if i not in have]
    for at in range(0, len(missing), chunk):
        page = _get(client, f"/t/{topic_id}/posts.json", {"post_ids[]": missing[at:at + chunk]})
        if page is not None:
            pages.append(page)
    return pages


def fetch_forum(api: DiscourseApi, client: ApiClient, day: date) -> list[ApiPage]:
    since, _ = day_window(day)
    pages = fetch_latest(client, since)
    seen: set[int] = set()
    for page in list(pages):
        for topic_id in active_topic_ids(page.json_or_none(), since):
            if topic_id not in seen:
                seen.add(topic_id)
                pages.extend(fetch_topic(client, topic_id, api.post_ids_chunk))
    return [replace(page, number=i) for i, page in enumerate(pages, start=1)]


def api_resources() -> dict[str, DiscourseApi]:
    """Credentials from the environment only; without them the connector stays idle."""
    env = env_vars("DISCOURSE_BASE_URL", "DISCOURSE_API_KEY", "DISCOURSE_API_USERNAME")
    return {RESOURCE_KEY: DiscourseApi(base_url=env["DISCOURSE_BASE_URL"] or "", api_key=env["DISCOURSE_API_KEY"],
                                       api_username=env["DISCOURSE_API_USERNAME"])}
