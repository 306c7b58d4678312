"""Zendesk Support API connector: the incremental ticket export (with ``metric_sets``) and the satisfaction
ratings, one UTC day at a time.

The incremental export returns the tickets *updated* since ``start_time``, oldest change first (ordered by
``generated_timestamp``), and runs until now. For a day's partition we start at the day's first second and
follow ``after_url`` until ``end_of_stream`` (``zendesk_next``) or until a page reaches tickets updated after
the day's end, whichever comes first: that last page lands as received (its later tickets included, in
their current state), so the day's batch holds every ticket changed that day, some changed later too.
Staging keeps each ticket's latest landed state (``keep_latest_record``)."""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Any

import httpx

from pipelines.lib.connectors import ApiSource, day_window, env_vars
from pipelines.lib.http import ApiClient, ApiPage, paginate_next_url, zendesk_next

RESOURCE_KEY = "zendesk_api"
TICKETS_EXPORT_PATH = "/api/v2/incremental/tickets/cursor.json"
SATISFACTION_RATINGS_PATH = "/api/v2/satisfaction_ratings"


class ZendeskApi(ApiSource):
    """``ZENDESK_SUBDOMAIN`` (``acme`` for acme.zendesk.com), ``ZENDESK_EMAIL`` (an agent or admin) and
    ``ZENDESK_API_TOKEN`` (Admin Center > Apps and integrations > Zendesk API): basic auth
    ``{email}/token:{api_token}``."""

    base_url: str = ""  # derived from the subdomain unless given (a proxy, the tests' local server)
    subdomain: str | None = None
    email: str | None = None
    api_token: str | None = None
    ratings_page_size: int = 100

    def is_configured(self) -> bool:
        return bool((self.subdomain or self.base_url) and self.email and self.api_token)

    def root_url(self) -> str:
        if self.base_url:
            return self.base_url
        host = self.subdomain or ""
        return f"https://{host if '.' in host else f'{host}.zendesk.com'}"

    def auth_headers(self) -> dict[str, str]:
        credentials = base64.b64encode(f"{self.email}/token:{self.api_token}".encode()).decode()
        return {"Authorization": f"Basic {credentials}"}

    def client(self) -> ApiClient:
        return ApiClient(base_url=self.root_url(), headers={"User-Agent": "animateur", **self.auth_headers()},
                         max_attempts=self.max_attempts, max_wait_seconds=self.max_wait_seconds,
                         backoff_initial_seconds=self.backoff_initial_seconds)


def _changed_at(ticket: Any) -> float | None:
    """When a ticket last changed in the export's order: ``generated_timestamp`` (epoch seconds, also moved
    by system updates), else ``updated_at``."""
    if not isinstance(ticket, dict):
        return None
    generated = ticket.get("generated_timestamp")
    if isinstance(generated, int | float):
        return float(generated)
    try:
        return datetime.fromisoformat(str(ticket.get("updated_at"))).timestamp()
    except ValueError:
        return None


def export_next_until(end_epoch: float):
    """``zendesk_next``, but ending the day's pagination on the first page that reaches past ``end_epoch``."""

    def next_url(body: Any, response: httpx.Response) -> str | None:
        tickets = body.get("tickets") if isinstance(body, dict) else None
        changed = [t for t in map(_changed_at, tickets or []) if t is not None]
        if changed and max(changed) >= end_epoch:
            return None
        return zendesk_next(body, response)

    return next_url


def fetch_tickets(api: ZendeskApi, client: ApiClient, day: date) -> list[ApiPage]:
    start, end = day_window(day)
    return list(paginate_next_url(client, TICKETS_EXPORT_PATH,
                                  {"start_time": int(start.timestamp()), "include": "metric_sets"},
                                  next_url=export_next_until(end.timestamp())))


def fetch_satisfaction_ratings(api: ZendeskApi, client: ApiClient, day: date) -> list[ApiPage]:
    """Ratings created during the day (``start_time``/``end_time``, epoch seconds), cursor pagination
    (``meta.has_more`` + ``links.next``)."""
    start, end = day_window(day)
    return list(paginate_next_url(client, SATISFACTION_RATINGS_PATH,
                                  {"start_time": int(start.timestamp()), "end_time": int(end.timestamp()),
                                   "page[size]": api.ratings_page_size},
                                  next_url=zendesk_next))


def api_resources() -> dict[str, ZendeskApi]:
    """Credentials from the environment only; without them the connector stays idle."""
    env = env_vars("ZENDESK_SUBDOMAIN", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN")
    return {RESOURCE_KEY: ZendeskApi(subdomain=env["ZENDESK_SUBDOMAIN"], email=env["ZENDESK_EMAIL"],
                                     api_token=env["ZENDESK_API_TOKEN"])}
