"""Meta Graph API plumbing shared by the Facebook Page and Instagram connectors (both live on
graph.facebook.com): the resource base, the day window in epoch seconds, cursor pagination that stays inside
the window, the insights reshaping, and the fallback when Meta retires an insights metric.

Retired metrics. Meta removes insights metrics on a fixed date for every API version; from then on a request
naming one answers HTTP 400 with ``{"error": {"code": 100, "message": "(#100) The value must be a valid
insights metric", ...}}`` (Instagram: ``"(#100) metric[0] must be one of the following values: ..."``), and
the whole request fails, not just that metric. The message does not say which metric is invalid, so
:func:`fetch_insights` then probes each metric alone, drops the invalid ones and asks for their documented
successor instead (:data:`PAGE_METRIC_SUCCESSORS`, :data:`POST_METRIC_SUCCESSORS`,
:data:`INSTAGRAM_METRIC_SUCCESSORS`). A successor is not the same measure (Meta's "views" count differently
from "impressions"): the pages fetched that way carry ``#successors=<successor>:<retired>,...`` at the end of
their ``source_file`` URL (a fragment: never sent to the server), from which the typed tables set
``is_successor_metric`` and ``replaces_metric`` so the break in the series stays visible downstream.

Secrets. Graph API pages repeat the access token in their ``paging.next`` URLs, and the requests carry it as
``access_token``: both are replaced by ``REDACTED`` before landing (URL and text), so no token reaches
``raw.pages``. That is the only change made to a page.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from pipelines.lib.connectors import ApiSource, day_window
from pipelines.lib.http import ApiClient, ApiPage, graph_next, paginate_next_url
from pipelines.lib.ingest import Column

log = logging.getLogger(__name__)

GRAPH_INSIGHTS_FORMAT = "graph_insights"

# --- documented successors of retired metrics ---------------------------------------------------------------
# Sources: Pages API changelog (Nov 15, 2025) and "Deprecated Facebook Page Insights Metrics"
# (developers.facebook.com/docs/platforminsights/page/deprecated-metrics), Graph API changelogs v18.0, v21.0,
# v22.0 and v25.0. Order matters: the first successor the API accepts is used.
PAGE_METRIC_SUCCESSORS: dict[str, tuple[str, ...]] = {
    "page_impressions": ("page_media_view",),  # "impressions" replaced by "views" (Nov 15, 2025)
    "page_impressions_unique": ("page_total_media_view_unique",),
    "page_fans": ("page_follows",),  # Nov 15, 2025
    "page_fans_city": ("page_follows_city",),
    "page_fans_country": ("page_follows_country",),
    # Retired Mar 14, 2024 without an official alternative; page_post_engagements (engagements on the page's
    # posts, a count of actions, not of people) is the closest series still served.
    "page_engaged_users": ("page_post_engagements",),
}
POST_METRIC_SUCCESSORS: dict[str, tuple[str, ...]] = {
    "post_impressions": ("post_media_view",),  # Nov 15, 2025
    "post_impressions_unique": ("post_total_media_view_unique",),  # announced with v25.0
}
INSTAGRAM_METRIC_SUCCESSORS: dict[str, tuple[str, ...]] = {
    # v22.0 (all versions from Apr 21, 2025): impressions, plays, ig_reels_aggregated_all_plays_count -> views
    "impressions": ("views",),
    "plays": ("views",),
    "ig_reels_aggregated_all_plays_count": ("views",),
    "video_views": ("views",),  # v21.0
    # v18.0 (Dec 11, 2023): carousel_* and engagement folded into the generic metrics
    "carousel_album_impressions": ("views",),
    "carousel_album_reach": ("reach",),
    "carousel_album_saved": ("saved",),
    "carousel_album_engagement": ("total_interactions",),
    "engagement": ("total_interactions",),
}

# (#100) on /insights: "The value must be a valid insights metric" (Facebook), "metric[0] must be one of the
# following values: ..." (Instagram).
_INVALID_METRIC = re.compile(r"valid insights metric|must be one of the following values", re.IGNORECASE)
_TOKEN = re.compile(r"(access_token=)[^&\"'\s\\#]+")


# Graph API throttling comes as HTTP 400/403 with these codes, not as 429: application (4), user (17), page
# (32) and custom-level (613) request limits, and business-use-case limits (80001..80014, Pages/Instagram).
THROTTLING_CODES = frozenset({4, 17, 32, 613, *range(80001, 80015)})


def regain_access_seconds(response: httpx.Response) -> float | None:
    """``estimated_time_to_regain_access`` (minutes) of the ``X-Business-Use-Case-Usage`` header, in seconds."""
    try:
        usage = json.loads(response.headers.get("x-business-use-case-usage", ""))
        minutes = [u.get("estimated_time_to_regain_access") or 0 for uses in usage.values() for u in uses]
    except (ValueError, AttributeError, TypeError):
        return None
    return 60.0 * max(minutes) if minutes and max(minutes) else None


@dataclass
class GraphApiClient(ApiClient):
    """ApiClient that also retries the Graph API's throttling errors (HTTP 400/403 with a throttling code),
    waiting what Meta estimates (``X-Business-Use-Case-Usage``) else the exponential backoff, at most
    ``max_wait_seconds``, within the same ``max_attempts``."""

    def get(self, url: str, params: Mapping[str, Any] | None = None) -> httpx.Response:
        for attempt in range(1, self.max_attempts + 1):
            try:
                return super().get(url, params)
            except httpx.HTTPStatusError as exc:
                if attempt == self.max_attempts or graph_error(exc).get("code") not in THROTTLING_CODES:
                    raise
                backoff = self.backoff_initial_seconds * 2 ** (attempt - 1)
                self.sleep(min(self.max_wait_seconds, regain_access_seconds(exc.response) or backoff))
        raise AssertionError("unreachable")


class GraphApiSource(ApiSource):
    """A Graph API node read with an access token passed as the ``access_token`` query parameter."""

    base_url: str = "https://graph.facebook.com"
    api_version: str = "v21.0"
    access_token: str | None = None
    limit: int = 100

    def auth_params(self) -> dict[str, str]:
        return {"access_token": self.access_token} if self.access_token else {}

    def client(self) -> GraphApiClient:
        return GraphApiClient(base_url=self.base_url, headers={"User-Agent": "animateur", **self.auth_headers()},
                              params=self.auth_params(), max_attempts=self.max_attempts,
                              max_wait_seconds=self.max_wait_seconds,
                              backoff_initial_seconds=self.backoff_initial_seconds)

    def path(self, node: str, edge: str = "") -> str:
        return f"/{self.api_version}/{node}" + (f"/{edge}" if edge else "")


def epoch_window(day: date) -> tuple[int, int]:
    """``since``/``until`` of a UTC day in epoch seconds (the Graph API's time filters)."""
    start, end = day_window(day)
    return int(start.timestamp()), int(end.timestamp())


def split_metrics(text: str) -> list[str]:
    return [m.strip() for m in text.split(",") if m.strip()]


# --- pages as landed ------------------------------------------------------------------------------------------

def redact(text: str) -> str:
    return _TOKEN.sub(r"\1REDACTED", text)


def landed(pages: Iterable[ApiPage], successors: Mapping[str, str] | None = None) -> list[ApiPage]:
    """The pages of one fetch as they are landed: numbered 1..n across all the requests of the fetch (one
    batch), access tokens redacted, and the successor metrics noted in the URL fragment."""
    fragment = ("#successors=" + ",".join(f"{new}:{old}" for new, old in successors.items())) if successors else ""
    return [replace(p, url=redact(p.url) + fragment, text=redact(p.text), number=i)
            for i, p in enumerate(pages, start=1)]


def as_batch(*fetches: Iterable[ApiPage]) -> list[ApiPage]:
    """Several requests' pages (each already :func:`landed`) as one batch, numbered 1..n."""
    return [replace(p, number=i) for i, p in enumerate((p for pages in fetches for p in pages), start=1)]


# --- pagination -----------------------------------------------------------------------------------------------

def graph_next_within(until: int) -> Callable[[Any, httpx.Response], str | None]:
    """``paging.next``, unless it moves the time window past ``until``: on /insights the next page is the
    next window (``since`` = this ``until``), which belongs to the next day's partition."""

    def next_url(body: Any, response: httpx.Response) -> str | None:
        url = graph_next(body, response)
        since = parse_qs(urlsplit(url).query).get("since", [""])[0] if url else ""
        return None if since.isdigit() and int(since) >= until else url

    return next_url


def graph_next_newer_than(since: int, timestamp_field: str = "timestamp") -> Callable[[Any, httpx.Response], str | None]:
    """``paging.next`` of a newest-first list, until a page reaches records older than ``since`` (a safety
    net in case the edge ignores ``since``/``until`` and would page back through the whole history)."""

    def next_url(body: Any, response: httpx.Response) -> str | None:
        url = graph_next(body, response)
        if not url:
            return None
        stamps = [_epoch(r.get(timestamp_field)) for r in body.get("data", []) if isinstance(r, dict)]
        stamps = [s for s in stamps if s is not None]
        return None if stamps and min(stamps) < since else url

    return next_url


def _epoch(value: Any) -> float | None:
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z").timestamp()
    except (TypeError, ValueError):
        return None


class UnreadablePageError(ValueError):
    """A list page that is not readable JSON, while listing the parents of the records to fetch."""


def list_records(client: ApiClient, path: str, params: Mapping[str, Any], next_url, *, since: int | None = None,
             until: int | None = None, timestamp_field: str | None = None) -> list[dict]:
    """The records (id and the few fields asked) of a list edge, to fetch their children (comments,
    insights). Optionally only those whose ``timestamp_field`` falls in [since, until)."""
    records: list[dict] = []
    for page in paginate_next_url(client, path, params, next_url):
        body = page.json_or_none()
        if not isinstance(body, dict):
            # the children of an unreadable page cannot be listed: fail the run rather than skip them silently
            raise UnreadablePageError(f"unreadable page while listing {path}: {redact(page.text[:200])!r}")
        records.extend(r for r in body.get("data", []) if isinstance(r, dict) and r.get("id"))
    if timestamp_field is not None and since is not None and until is not None:
        records = [r for r in records if (t := _epoch(r.get(timestamp_field))) is None or since <= t < until]
    return records


# --- errors ---------------------------------------------------------------------------------------------------

def graph_error(exc: httpx.HTTPStatusError) -> dict:
    """The ``error`` object of a Graph API error response ({} when the body has none)."""
    try:
        body = exc.response.json()
    except ValueError:
        return {}
    return body.get("error") or {} if isinstance(body, dict) else {}


def is_invalid_metric(exc: BaseException) -> bool:
    if not isinstance(exc, httpx.HTTPStatusError):
        return False
    error = graph_error(exc)
    return error.get("code") == 100 and bool(_INVALID_METRIC.search(str(error.get("message", ""))))


# --- insights with the retired-metric fallback ----------------------------------------------------------------

@dataclass
class MetricPlan:
    """What to ask for: the metrics, the successors among them (successor -> the retired metric it stands in
    for), and the metrics dropped for want of a valid successor."""

    metrics: list[str]
    successors: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)


def _plans(client: ApiClient) -> dict:
    """Plans resolved during this run (one client = one run), so a backfill probes once, not once a day."""
    plans = getattr(client, "_graph_metric_plans", None)
    if plans is None:
        plans = {}
        client._graph_metric_plans = plans
    return plans


def resolve_metrics(valid: Callable[[str], bool], metrics: Sequence[str],
                    successors: Mapping[str, Sequence[str]], where: str) -> MetricPlan:
    """Probe each metric alone (``valid``: one request each); replace an invalid one by its first valid
    successor, or drop it when it has none."""
    status = {m: valid(m) for m in dict.fromkeys(metrics)}
    plan = MetricPlan(metrics=[])
    for metric, ok in status.items():
        if ok:
            plan.metrics.append(metric)
            continue
        for successor in successors.get(metric, ()):
            if status.get(successor) or successor in plan.metrics:
                break  # already asked for in its own right (or for another retired metric): not a stand-in
            if valid(successor):
                plan.metrics.append(successor)
                plan.successors[successor] = metric
                break
        else:
            plan.dropped.append(metric)
    log.warning("%s: retired insights metric(s) %s; successors used %s; dropped %s", where,
                [m for m, ok in status.items() if not ok], plan.successors, plan.dropped)
    return plan


def probe(client: ApiClient, path: str, params: Mapping[str, Any]) -> bool:
    """True when the API accepts the request, False when it rejects its metric as invalid."""
    try:
        client.get(path, params)
        return True
    except httpx.HTTPStatusError as exc:
        if is_invalid_metric(exc):
            return False
        raise


def fetch_with_metric_fallback(client: ApiClient, key: Any, metrics: Sequence[str],
                               request: Callable[[list[str]], list[ApiPage]], valid: Callable[[str], bool],
                               successors: Mapping[str, Sequence[str]], where: str) -> list[ApiPage]:
    """``request(metrics)``; when the API rejects the metric list as invalid, resolve a new list
    (:func:`resolve_metrics`) and request again. Returns the pages to land (:func:`landed`)."""
    plans = _plans(client)
    plan = plans.get((key, tuple(metrics))) or MetricPlan(metrics=list(metrics))
    for attempt in (1, 2):
        try:
            pages = request(plan.metrics)
        except httpx.HTTPStatusError as exc:
            if attempt == 2 or not is_invalid_metric(exc):
                raise
            plan = resolve_metrics(valid, metrics, successors, where)
            continue
        plans[(key, tuple(metrics))] = plan
        return landed(pages, plan.successors)
    raise AssertionError("unreachable")


def fetch_insights(client: ApiClient, path: str, params: Mapping[str, Any], metrics: Sequence[str], *,
                   successors: Mapping[str, Sequence[str]], next_url, plan_key: str = "") -> list[ApiPage]:
    """GET ``path`` (an /insights edge) for ``metrics`` (``metric=a,b,c``), following ``next_url``, with the
    retired-metric fallback. ``plan_key`` shares a resolved plan between paths (e.g. all reels)."""

    def request(chosen: list[str]) -> list[ApiPage]:
        if not chosen:
            log.warning("%s: no valid insights metric left among %s", path, list(metrics))
            return []
        return list(paginate_next_url(client, path, {**params, "metric": ",".join(chosen)}, next_url))

    return fetch_with_metric_fallback(
        client, plan_key or path, metrics, request,
        lambda metric: probe(client, path, {**params, "metric": metric}), successors, where=path)


# --- insights pages -> one record per metric x value --------------------------------------------------------

def graph_insights_to_json(text: str) -> str:
    """An insights page (``data[*]`` metrics, each with ``values[*]`` and/or ``total_value``; or a node with
    inline ``insights``/``video_insights``) to ``{"records": [...]}``, one record per metric and value:
    the metric's id, name, period, title and description, plus ``value``, ``end_time``, ``breakdowns`` and
    ``response_shape`` ('values' or 'total_value'; when a metric has both, total_value, the newer shape that
    also carries the breakdowns). Only reshapes: typing and validation stay in SQL. An error body passes
    through unchanged (it is then quarantined with the API's message)."""
    try:
        body = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"not valid JSON (truncated or corrupt body): {exc}") from None
    if not isinstance(body, dict):
        raise TypeError("not a Graph API object")
    if "error" in body:
        return text
    container = body
    if "data" not in body:
        container = next((body[k] for k in ("insights", "video_insights") if isinstance(body.get(k), dict)), {})
    records = []
    for metric in container.get("data") or []:
        if not isinstance(metric, dict):
            records.append({"value": metric})  # no id: quarantined with the reason, never dropped
            continue
        head = {k: metric.get(k) for k in ("id", "name", "period", "title", "description")}
        total = metric.get("total_value")
        if isinstance(total, dict):
            records.append({**head, "response_shape": "total_value", "value": total.get("value"), "end_time": None,
                            "breakdowns": total.get("breakdowns")})
            continue
        for value in metric.get("values") or []:
            value = value if isinstance(value, dict) else {"value": value}
            records.append({**head, "response_shape": "values", "value": value.get("value"),
                            "end_time": value.get("end_time"), "breakdowns": None})
    return json.dumps({"records": records, "paging": container.get("paging")})


# --- SQL over the page URL (``r.source_file``) ------------------------------------------------------------------

REQUEST_URL = "r.source_file"
_PAYLOAD_NAME = "json_extract_string(r.payload, '$.name')"


def from_request_path(pattern: str) -> str:
    """The first group of ``pattern`` matched on the URL the page came from (NULL for inbox files)."""
    return f"nullif(regexp_extract({REQUEST_URL}, '{pattern}', 1), '')"


# the retired metric a row's metric stands in for, from the '#successors=new:old,...' fragment
REPLACES_METRIC = (
    f"nullif(split_part(list_filter(string_split(regexp_extract({REQUEST_URL}, '#successors=(.*)$', 1), ','), "
    f"lambda s: split_part(s, ':', 1) = {_PAYLOAD_NAME})[1], ':', 2), '')"
)
# end of the request window (``until``), the period of a total_value row
_WINDOW_END = f"to_timestamp(try_cast({from_request_path('[?&]until=([0-9]+)')} as bigint))"
_END_TIME = (f"coalesce(try_cast(json_extract_string(r.payload, '$.end_time') as timestamptz), "
             f"case when json_extract_string(r.payload, '$.response_shape') = 'total_value' then {_WINDOW_END} end)")
_VALUE_TYPE = "json_type(r.payload, '$.value')"


def insight_columns(object_column: str) -> tuple[Column, ...]:
    """Columns of an insights table (records from :func:`graph_insights_to_json`), one row per metric x
    period x end_time. ``object_column`` names the object measured (page_id, media_id, ig_user_id)."""
    return (
        # '<object>/insights/<metric>/<period>@<shape>@<end>': the same value re-fetched keeps its key
        Column("insight_id", "varchar",
               f"json_extract_string(r.payload, '$.id') || '@' || json_extract_string(r.payload, '$.response_shape') "
               f"|| '@' || coalesce(strftime({_END_TIME}, '%Y-%m-%dT%H:%M:%SZ'), 'lifetime')",
               required=True, raw_field="id"),
        Column(object_column, "varchar", "nullif(split_part(json_extract_string(r.payload, '$.id'), '/', 1), '')"),
        Column("metric", "varchar", _PAYLOAD_NAME, required=True, raw_field="name"),
        Column("period", "varchar", "json_extract_string(r.payload, '$.period')"),
        Column("end_time", "timestamptz", _END_TIME),
        Column("value", "bigint",
               f"case when {_VALUE_TYPE} in ('BIGINT', 'UBIGINT') "
               "then try_cast(json_extract_string(r.payload, '$.value') as bigint) end"),
        Column("value_json", "json",
               f"case when {_VALUE_TYPE} not in ('BIGINT', 'UBIGINT', 'NULL') then json_extract(r.payload, '$.value') end"),
        Column("title", "varchar", "json_extract_string(r.payload, '$.title')"),
        Column("description", "varchar", "json_extract_string(r.payload, '$.description')"),
        Column("response_shape", "varchar", "json_extract_string(r.payload, '$.response_shape')"),
        Column("breakdowns", "json", "nullif(json_extract(r.payload, '$.breakdowns'), 'null'::json)"),
        Column("is_successor_metric", "boolean", f"{REPLACES_METRIC} is not null"),
        Column("replaces_metric", "varchar", REPLACES_METRIC),
    )
