"""HTTP for the platform connectors: httpx for the requests, tenacity for the retries, and one paginator per
pagination style the platforms use. A connector is a few lines on top: a base URL, auth headers, a path, and
its paginator.

Every page is returned exactly as the server sent it (text), so it lands unchanged in ``raw.pages``; the
paginators only peek into it for the next cursor. A body that is not valid JSON ends the pagination with that
page (it will be quarantined whole, with the reason) rather than looping or crashing the run."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Self

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

RETRYABLE_STATUS = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class ApiPage:
    """One response body, with where it came from."""

    url: str
    text: str
    status: int
    number: int  # 1-based position in its pagination

    def json_or_none(self) -> Any:
        try:
            return json.loads(self.text)
        except ValueError:
            return None


class RetryableHTTPError(Exception):
    def __init__(self, response: httpx.Response):
        super().__init__(f"{response.status_code} from {response.request.url}")
        self.response = response


def retry_after_seconds(response: httpx.Response, *, now: float | None = None) -> float | None:
    """Seconds asked by a ``Retry-After`` header (delta-seconds or an HTTP date), or by X's
    ``x-rate-limit-reset`` (epoch seconds). None when the server does not say."""
    value = response.headers.get("retry-after")
    now = time.time() if now is None else now
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(value).timestamp() - now)
            except (TypeError, ValueError):
                return None
    reset = response.headers.get("x-rate-limit-reset")
    if reset and reset.isdigit():
        return max(0.0, float(reset) - now)
    return None


@dataclass
class ApiClient:
    """A JSON API: base URL, default headers/params, retries with exponential backoff on 5xx and 429
    (honouring ``Retry-After`` up to ``max_wait_seconds``)."""

    base_url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)
    max_attempts: int = 6
    max_wait_seconds: float = 120.0
    backoff_initial_seconds: float = 1.0
    timeout_seconds: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    transport: httpx.BaseTransport | None = None

    def __post_init__(self) -> None:
        self._http = httpx.Client(base_url=self.base_url, headers=dict(self.headers), timeout=self.timeout_seconds,
                                  transport=self.transport, follow_redirects=True)
        self.requests_made = 0

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RetryableHTTPError):
            asked = retry_after_seconds(exc.response)
            if asked is not None:
                return min(asked, self.max_wait_seconds)
        backoff = wait_exponential_jitter(multiplier=self.backoff_initial_seconds, max=self.max_wait_seconds,
                                          jitter=self.backoff_initial_seconds)
        return backoff(state)

    def get(self, url: str, params: Mapping[str, Any] | None = None) -> httpx.Response:
        """GET with retries; raises ``httpx.HTTPStatusError`` on a non-retryable error (401, 403, 404...)."""
        merged = {**self.params, **(params or {})} if not url.startswith("http") else dict(params or {})

        def attempt() -> httpx.Response:
            self.requests_made += 1
            try:
                response = self._http.get(url, params=merged or None)
            except httpx.TransportError as exc:  # connection reset, timeout: worth another try
                raise RetryableHTTPError(httpx.Response(599, request=httpx.Request("GET", url))) from exc
            if response.status_code in RETRYABLE_STATUS:
                raise RetryableHTTPError(response)
            response.raise_for_status()
            return response

        retrying = Retrying(
            retry=retry_if_exception(lambda e: isinstance(e, RetryableHTTPError)),
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            sleep=self.sleep,
            reraise=True,
        )
        return retrying(attempt)


# --- paginators: each yields ApiPage objects until the API says there is no more ------------------------------

def _page(response: httpx.Response, number: int) -> ApiPage:
    return ApiPage(url=str(response.request.url), text=response.text, status=response.status_code, number=number)


def paginate_next_url(client: ApiClient, path: str, params: Mapping[str, Any] | None,
                      next_url: Callable[[Any, httpx.Response], str | None], max_pages: int = 10_000) -> Iterator[ApiPage]:
    """Generic: follow a next-page URL found in the body (or headers) until there is none."""
    url, query = path, params
    for number in range(1, max_pages + 1):
        response = client.get(url, query)
        page = _page(response, number)
        yield page
        body = page.json_or_none()
        if body is None:
            return  # an unreadable page ends pagination; it lands and is quarantined
        url, query = next_url(body, response), None
        if not url:
            return


def graph_next(body: Any, _response: httpx.Response) -> str | None:
    """Facebook/Instagram Graph API: ``paging.next`` (absent on the last page)."""
    return body.get("paging", {}).get("next") if isinstance(body, dict) and body.get("data") else None


def link_header_next(_body: Any, response: httpx.Response) -> str | None:
    """RFC 8288 ``Link: <...>; rel="next"`` (Mastodon, WordPress, GitHub...)."""
    return response.links.get("next", {}).get("url")


def zendesk_next(body: Any, _response: httpx.Response) -> str | None:
    """Zendesk: cursor pagination (``meta.has_more`` + ``links.next``), incremental exports (``after_url`` or
    ``next_page`` until ``end_of_stream``), and offset pages (``next_page`` until null)."""
    if not isinstance(body, dict) or body.get("end_of_stream"):
        return None
    if "meta" in body:
        return (body.get("links") or {}).get("next") if body["meta"].get("has_more") else None
    return body.get("after_url") or body.get("next_page")


def paginate_token(client: ApiClient, path: str, params: Mapping[str, Any] | None, *, token_param: str,
                   token_of: Callable[[Any], str | None], max_pages: int = 10_000) -> Iterator[ApiPage]:
    """Cursor passed back as a query parameter: X ``meta.next_token`` -> ``pagination_token``,
    Slack ``response_metadata.next_cursor`` -> ``cursor``, YouTube ``nextPageToken`` -> ``pageToken``."""
    query = dict(params or {})
    for number in range(1, max_pages + 1):
        response = client.get(path, query)
        page = _page(response, number)
        yield page
        body = page.json_or_none()
        token = token_of(body) if body is not None else None
        if not token:
            return
        query = {**query, token_param: token}


def x_next_token(body: Any) -> str | None:
    return (body.get("meta") or {}).get("next_token") if isinstance(body, dict) else None


def slack_next_cursor(body: Any) -> str | None:
    return ((body.get("response_metadata") or {}).get("next_cursor") or None) if isinstance(body, dict) else None


def youtube_next_token(body: Any) -> str | None:
    return body.get("nextPageToken") if isinstance(body, dict) else None


def paginate_page_number(client: ApiClient, path: str, params: Mapping[str, Any] | None, *, page_param: str,
                         has_records: Callable[[Any], bool], first_page: int = 0,
                         max_pages: int = 10_000) -> Iterator[ApiPage]:
    """Offset-style ``page=N`` until a page comes back without records (Discourse, Mattermost)."""
    for offset in range(max_pages):
        response = client.get(path, {**(params or {}), page_param: first_page + offset})
        page = _page(response, offset + 1)
        yield page
        body = page.json_or_none()
        if body is None or not has_records(body):
            return
