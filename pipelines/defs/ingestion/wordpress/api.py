"""WordPress REST API connector (``/wp-json/wp/v2``): the posts changed in a UTC day and the comments written in
it, on any WordPress site (self-hosted or WordPress.com with the REST API on).

Pagination is ``page``/``per_page`` (at most 100). Every answer carries ``X-WP-Total`` (records matching the
query) and ``X-WP-TotalPages``: reading stops at the last page; a page past the last answers ``400
rest_post_invalid_page_number`` (``rest_comment_invalid_page_number`` for comments on some versions), which ends
the pagination rather than failing the run. The records read are compared with ``X-WP-Total`` (a difference means
the site changed during the read, or a plugin filters the collection; it is logged, not fatal). Results are
ordered by id, ascending, so a record published during the read does not shift the pages already read.

Day windows: posts by ``modified_after``/``modified_before`` (a new post counts as modified when published, an
edit brings the post back with its latest state), comments by ``after``/``before`` (comments have no modified
date). WordPress compares these bounds exclusively, so the window starts one second before the day to keep a
record stamped exactly at midnight. WordPress may compare them to the site's local times: a record near midnight
can then land in the neighbouring day's partition, never in none (staging keeps one row per record).

Authentication is optional (public posts and approved comments need none): an Application Password (WordPress
5.6+, Users > Profile > Application Passwords) is sent as HTTP basic auth, never stored with the pages."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx

from pipelines.lib.connectors import ApiSource, day_window, env_vars, iso_z
from pipelines.lib.http import ApiClient, ApiPage

RESOURCE_KEY = "wordpress_api"
API_PREFIX = "/wp-json/wp/v2"
MAX_PER_PAGE = 100
log = logging.getLogger(__name__)


class WordPressApi(ApiSource):
    """``WORDPRESS_BASE_URL`` (the site, e.g. ``https://blog.example.org``; ``.../wp-json`` works too) and,
    optionally, ``WORDPRESS_USERNAME`` with ``WORDPRESS_APP_PASSWORD`` (an Application Password)."""

    base_url: str = ""
    username: str | None = None
    app_password: str | None = None
    per_page: int = MAX_PER_PAGE
    embed: bool = False  # `_embed`: authors and terms inline (`_embedded`), larger pages

    def is_configured(self) -> bool:
        return bool(self.base_url)

    def auth_headers(self) -> dict[str, str]:
        if not (self.username and self.app_password):
            return {}
        token = base64.b64encode(f"{self.username}:{self.app_password}".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    def api_path(self, path: str) -> str:
        """``/wp-json/wp/v2`` + path, less what the base URL already ends with."""
        base = self.base_url.rstrip("/")
        if base.endswith(API_PREFIX):
            return path
        if base.endswith("/wp-json"):
            return "/wp/v2" + path
        return API_PREFIX + path


@dataclass
class WpCounts:
    """What WordPress said of a collection (``X-WP-Total``, ``X-WP-TotalPages``, from its first page) and how
    many records the pages read hold."""

    total: int | None = None
    total_pages: int | None = None
    records: int = 0

    @property
    def complete(self) -> bool:
        return self.total is None or self.total == self.records


def header_int(response: httpx.Response, name: str) -> int | None:
    value = response.headers.get(name, "").strip()
    return int(value) if value.isdigit() else None


def is_past_last_page(response: httpx.Response) -> bool:
    """WordPress's answer to a page number beyond the last: 400 ``rest_*_invalid_page_number``."""
    if response.status_code != 400:
        return False
    try:
        code = response.json().get("code", "")
    except (ValueError, AttributeError):
        return False
    return isinstance(code, str) and code.endswith("_invalid_page_number")


def paginate_wp(client: ApiClient, path: str, params: dict[str, Any], *, per_page: int,
                counts: WpCounts | None = None, max_pages: int = 10_000) -> Iterator[ApiPage]:
    """Pages 1, 2, ... until ``X-WP-TotalPages``, an empty page, or the 400 past the last page."""
    counts = counts if counts is not None else WpCounts()
    for number in range(1, max_pages + 1):
        try:
            response = client.get(path, {**params, "per_page": per_page, "page": number})
        except httpx.HTTPStatusError as exc:
            if is_past_last_page(exc.response):
                return
            raise
        if number == 1:
            counts.total = header_int(response, "X-WP-Total")
            counts.total_pages = header_int(response, "X-WP-TotalPages")
        page = ApiPage(url=str(response.request.url), text=response.text, status=response.status_code,
                       number=number)
        body = page.json_or_none()
        counts.records += len(body) if isinstance(body, list) else 0
        yield page
        if not isinstance(body, list) or not body:
            return  # the last page, or an unreadable one (it lands and is quarantined)
        total_pages = header_int(response, "X-WP-TotalPages")
        if total_pages is not None and number >= total_pages:
            return


def day_bounds(day: date) -> dict[str, str]:
    start, end = day_window(day)
    return {"after": iso_z(start - timedelta(seconds=1)), "before": iso_z(end)}


def fetch_collection(api: WordPressApi, client: ApiClient, path: str,
                     params: dict[str, Any]) -> tuple[list[ApiPage], WpCounts]:
    """All the pages of one query, and the counts to check them against."""
    query = {**params, "orderby": "id", "order": "asc", **({"_embed": "1"} if api.embed else {})}
    counts = WpCounts()
    per_page = max(1, min(api.per_page, MAX_PER_PAGE))
    pages = list(paginate_wp(client, api.api_path(path), query, per_page=per_page, counts=counts))
    if not counts.complete:
        log.warning("wordpress %s: %s records read, X-WP-Total said %s", path, counts.records, counts.total)
    return pages, counts


def fetch_posts(api: WordPressApi, client: ApiClient, day: date) -> list[ApiPage]:
    """GET /wp/v2/posts modified in the day (published ones; all statuses the credentials may read are not
    asked for)."""
    bounds = day_bounds(day)
    return fetch_collection(api, client, "/posts", {"modified_after": bounds["after"],
                                                    "modified_before": bounds["before"]})[0]


def fetch_comments(api: WordPressApi, client: ApiClient, day: date) -> list[ApiPage]:
    """GET /wp/v2/comments written in the day (approved ones, unless the credentials may read others)."""
    return fetch_collection(api, client, "/comments", day_bounds(day))[0]


def api_resources() -> dict[str, WordPressApi]:
    """Settings from the environment only; without a base URL the connector stays idle."""
    env = env_vars("WORDPRESS_BASE_URL", "WORDPRESS_USERNAME", "WORDPRESS_APP_PASSWORD")
    return {RESOURCE_KEY: WordPressApi(base_url=env["WORDPRESS_BASE_URL"] or "", username=env["WORDPRESS_USERNAME"],
                                       app_password=env["WORDPRESS_APP_PASSWORD"])}
