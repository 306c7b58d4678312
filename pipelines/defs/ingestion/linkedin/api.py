"""LinkedIn Community Management API connector (versioned REST, ``https://api.linkedin.com/rest``): the brand
organization page's posts, the lifetime statistics of each recent post (a daily snapshot), the page's daily
share statistics, and its follower count (a daily snapshot).

Every call carries ``Authorization: Bearer``, ``LinkedIn-Version: YYYYMM`` and ``X-Restli-Protocol-Version:
2.0.0``. Under Rest.li 2.0 the URNs in a query are percent-encoded (``urn%3Ali%3Aorganization%3A123``) while the
``List(...)`` and ``(timeRange:(start:...,end:...))`` syntax stays literal, so queries are written out here
rather than left to the HTTP library's encoder.

Pagination of ``/posts?q=author`` is ``start``/``count`` with ``paging.total``. LinkedIn often returns fewer
elements than ``count`` and its ``next`` link then moves ``start`` by the number returned (a real page at
``start=10`` held 8 posts and linked to ``start=18``), so the next ``start`` is taken from that link, else ``start`` + elements returned; reading stops on an
empty page, at ``paging.total``, or when a page has no ``next`` link and is not full.

Day windows:
- Posts are listed newest *modified* first (``sortBy=LAST_MODIFIED``). A post created in the day was modified at
  or after its creation, so reading until the first page whose oldest ``lastModifiedAt`` is before the day's start
  sees every post created in the day; leading pages whose posts were all created after the day are skipped (not
  landed). The pages kept may hold posts of neighbouring days (staging keeps one row per post).
- Post statistics and the follower count are lifetime figures *as of now*: a fetch is attributed to a day only if
  that day is at most ``snapshot_max_age_days`` old, so backfilling does not copy today's numbers into the past.
  The posts whose statistics are fetched are the organization's published posts created in the
  ``statistics_lookback_days`` before the day's end (LinkedIn keeps share statistics for 12 months).
- The page's daily share statistics are asked for the day itself (``timeIntervals`` with DAY granularity);
  LinkedIn answers for the last 12 months only, older days are not asked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from pipelines.lib.connectors import ApiSource, day_window, env_vars
from pipelines.lib.http import ApiClient, ApiPage

RESOURCE_KEY = "linkedin_api"
BASE_URL = "https://api.linkedin.com/rest"
DEFAULT_API_VERSION = "202511"  # LinkedIn keeps about 12 monthly versions live; set LINKEDIN_API_VERSION to move
MAX_POSTS_COUNT = 100  # the most /posts?q=author returns per page
STATISTICS_WINDOW_DAYS = 365  # organizationalEntityShareStatistics covers a rolling 12 months


class LinkedInApi(ApiSource):
    """``LINKEDIN_ACCESS_TOKEN`` (a member token with ``r_organization_social`` and ``rw_organization_admin``,
    the member an ADMINISTRATOR of the page), ``LINKEDIN_ORGANIZATION_ID`` (the page's numeric id, or its
    ``urn:li:organization:...``) and optionally ``LINKEDIN_API_VERSION`` (``YYYYMM``)."""

    base_url: str = BASE_URL
    access_token: str | None = None
    organization_id: str | None = None
    api_version: str = DEFAULT_API_VERSION
    page_size: int = 50
    statistics_batch_size: int = 20  # post URNs per statistics call (the URL carries them all)
    statistics_lookback_days: int = 90
    snapshot_max_age_days: int = 2
    max_pages: int = 200  # safety bound on one posts listing

    def is_configured(self) -> bool:
        return bool(self.access_token and self.organization_id)

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}", "LinkedIn-Version": self.api_version or
                DEFAULT_API_VERSION, "X-Restli-Protocol-Version": "2.0.0"}

    def organization_urn(self) -> str:
        value = (self.organization_id or "").strip()
        return value if value.startswith("urn:li:") else f"urn:li:organization:{value}"


def encode_urn(urn: str) -> str:
    """A URN as a Rest.li 2.0 query value: every reserved character percent-encoded."""
    return quote(urn, safe="")


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _body(page: ApiPage) -> Any:
    return page.json_or_none()


def elements_of(body: Any) -> list[dict]:
    elements = body.get("elements") if isinstance(body, dict) else None
    return [e for e in elements if isinstance(e, dict)] if isinstance(elements, list) else []


def _millis(elements: list[dict], field: str) -> list[int]:
    return [e[field] for e in elements if isinstance(e.get(field), int)]


def next_start(body: Any, start: int, count: int) -> int | None:
    """Where the next page starts, or None when this one is the last (see the module docstring)."""
    elements = elements_of(body)
    if not elements:
        return None
    paging = body.get("paging") if isinstance(body.get("paging"), dict) else {}
    linked = None
    for link in paging.get("links") or []:
        if isinstance(link, dict) and link.get("rel") == "next" and link.get("href"):
            values = parse_qs(urlsplit(link["href"]).query).get("start")
            if values and values[0].isdigit():
                linked = int(values[0])
    following = linked if linked is not None else start + len(elements)
    total = paging.get("total")
    if isinstance(total, int) and following >= total:
        return None
    if linked is None and len(elements) < count and not isinstance(total, int):
        return None
    return following if following > start else None


def paginate_posts(api: LinkedInApi, client: ApiClient) -> Iterator[ApiPage]:
    """The organization's posts, newest modified first, page after page (``GET /posts?q=author``)."""
    count = max(1, min(api.page_size, MAX_POSTS_COUNT))
    author = encode_urn(api.organization_urn())
    start: int | None = 0
    for number in range(1, api.max_pages + 1):
        response = client.get(f"/posts?q=author&author={author}&sortBy=LAST_MODIFIED&count={count}&start={start}")
        page = ApiPage(url=str(response.request.url), text=response.text, status=response.status_code,
                       number=number)
        yield page
        body = _body(page)
        start = next_start(body, start, count) if body is not None else None
        if start is None:
            return


def posts_around(pages: Iterator[ApiPage], day: date) -> list[ApiPage]:
    """The pages of a newest-modified-first listing that can hold the posts created in ``day``: leading pages
    whose posts were all created after the day are skipped; reading stops after the first page reaching a post
    last modified before the day's start."""
    start, end = (epoch_ms(moment) for moment in day_window(day))
    kept: list[ApiPage] = []
    last: ApiPage | None = None
    for page in pages:
        last = page
        body = _body(page)
        elements = elements_of(body)
        created = _millis(elements, "createdAt")
        if kept or body is None or not created or min(created) < end:
            kept.append(page)
        modified = _millis(elements, "lastModifiedAt") or created
        if modified and min(modified) < start:
            break
    if not kept and last is not None:
        # the listing ended with posts newer than the day only: the day had none. Its last page lands all the
        # same, so that re-running the day replaces what an earlier fetch loaded for it.
        kept = [last]
    return [replace(page, number=i) for i, page in enumerate(kept, start=1)]


def fetch_posts(api: LinkedInApi, client: ApiClient, day: date) -> list[ApiPage]:
    """GET /posts?q=author for the organization: the pages around the day."""
    return posts_around(paginate_posts(api, client), day)


def _is_snapshot_day(api: LinkedInApi, day: date) -> bool:
    return day >= datetime.now(UTC).date() - timedelta(days=api.snapshot_max_age_days)


def recent_post_urns(api: LinkedInApi, client: ApiClient, day: date) -> list[str]:
    """The organization's published posts created in the ``statistics_lookback_days`` before the day's end,
    newest first (the listing itself is not landed)."""
    _, end = day_window(day)
    cutoff = epoch_ms(end - timedelta(days=api.statistics_lookback_days))
    urns: list[str] = []
    for page in paginate_posts(api, client):
        elements = elements_of(_body(page))
        for post in elements:
            created = post.get("createdAt")
            if (isinstance(created, int) and cutoff <= created < epoch_ms(end) and post.get("id")
                    and post.get("lifecycleState", "PUBLISHED") == "PUBLISHED" and post["id"] not in urns):
                urns.append(post["id"])
        modified = _millis(elements, "lastModifiedAt") or _millis(elements, "createdAt")
        if modified and min(modified) < cutoff:
            break
    return urns


def statistics_query(api: LinkedInApi, extra: str) -> str:
    org = encode_urn(api.organization_urn())
    return f"/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity={org}&{extra}"


def fetch_share_statistics(api: LinkedInApi, client: ApiClient, day: date) -> list[ApiPage]:
    """Lifetime statistics of each recent post, as of now (``shares=List(...)`` for ``urn:li:share``,
    ``ugcPosts=List(...)`` for ``urn:li:ugcPost``, by batches)."""
    if not _is_snapshot_day(api, day):
        return []  # too old: today's lifetime counters are not that day's
    urns = recent_post_urns(api, client, day)
    batches: list[tuple[str, list[str]]] = []
    size = max(1, api.statistics_batch_size)
    for param, prefix in (("shares", "urn:li:share:"), ("ugcPosts", "urn:li:ugcPost:")):
        kind = [urn for urn in urns if urn.startswith(prefix)]
        batches += [(param, kind[i:i + size]) for i in range(0, len(kind), size)]
    pages = []
    for number, (param, batch) in enumerate(batches, start=1):
        listed = ",".join(encode_urn(urn) for urn in batch)
        response = client.get(statistics_query(api, f"{param}=List({listed})"))
        pages.append(ApiPage(url=str(response.request.url), text=response.text, status=response.status_code,
                             number=number))
    return pages


def fetch_daily_share_statistics(api: LinkedInApi, client: ApiClient, day: date) -> list[ApiPage]:
    """The organization's share statistics of the day (time-bound, DAY granularity): one element per day."""
    if day < datetime.now(UTC).date() - timedelta(days=STATISTICS_WINDOW_DAYS):
        return []
    start, end = (epoch_ms(moment) for moment in day_window(day))
    interval = f"timeIntervals=(timeRange:(start:{start},end:{end}),timeGranularityType:DAY)"
    response = client.get(statistics_query(api, interval))
    return [ApiPage(url=str(response.request.url), text=response.text, status=response.status_code, number=1)]


def fetch_follower_count(api: LinkedInApi, client: ApiClient, day: date) -> list[ApiPage]:
    """The page's lifetime follower count as of now (``GET /networkSizes/{organization URN}``)."""
    if not _is_snapshot_day(api, day):
        return []
    org = encode_urn(api.organization_urn())
    response = client.get(f"/networkSizes/{org}?edgeType=COMPANY_FOLLOWED_BY_MEMBER")
    return [ApiPage(url=str(response.request.url), text=response.text, status=response.status_code, number=1)]


def api_resources() -> dict[str, LinkedInApi]:
    """Credentials from the environment only; without them the connector stays idle."""
    env = env_vars("LINKEDIN_ACCESS_TOKEN", "LINKEDIN_ORGANIZATION_ID", "LINKEDIN_API_VERSION")
    settings = {"api_version": env["LINKEDIN_API_VERSION"]} if env["LINKEDIN_API_VERSION"] else {}
    return {RESOURCE_KEY: LinkedInApi(access_token=env["LINKEDIN_ACCESS_TOKEN"],
                                      organization_id=env["LINKEDIN_ORGANIZATION_ID"], **settings)}
