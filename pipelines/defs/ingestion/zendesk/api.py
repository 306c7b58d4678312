"""Zendesk Support API connector: the incremental ticket export (with ``metric_sets``), the satisfaction
ratings and the audits of the tickets updated (the conversation), one UTC day at a time.

The incremental export returns the tickets *updated* since ``start_time``, oldest change first (ordered by
``generated_timestamp``), and runs until now. For a day's partition we start at the day's first second and
follow ``after_url`` until ``end_of_stream`` (``zendesk_next``) or until a page reaches tickets updated after
the day's end, whichever comes first: that last page lands as received (its later tickets included, in
their current state), so the day's batch holds every ticket changed that day, some changed later too.
Staging keeps each ticket's latest landed state (``keep_latest_record``).

The ticket audits (the conversation: every comment, public or internal, with its author) are fetched per ticket
updated during the day, so a day's cost follows the day's activity, not the account's history:
1. the incremental export above is walked the same way (from the day's first second to the first page reaching
   past its end; without ``metric_sets``, only the ids are read), and the tickets whose ``updated_at`` falls in
   the day are kept (a deleted ticket has no audits left to read). These export pages are not landed again here:
   the tickets feed lands them;
2. for each such ticket, GET /api/v2/tickets/{ticket_id}/audits.json with cursor pagination (``page[size]``
   up to 100; ``meta.has_more`` + ``links.next``). Its pages land as received: the ticket's whole history,
   earlier days' audits included (audits never change; staging keeps one copy of each comment).
Request cost of a day: the export walk (1 request per 1,000 tickets changed during the day, plus the page
reaching past it; Zendesk allows 10 a minute) + 1 request per updated ticket and per 100 of its audits; a 429
waits for its ``Retry-After``. The account-wide audits list (GET /api/v2/ticket_audits.json) has no time
filter: a day's fetch would walk it from its oldest audit, a cost growing with the account's history, and it
leaves archived tickets out; the per-ticket endpoint serves them. Two limits, said plainly: in a backfill, a ticket
updated again after the day is read on its last update's day instead (its whole history lands then: nothing is
lost, it lands later); and a ticket whose place in the export a later system update (``generated_timestamp``:
archiving, say) moved past the walk's last page is not read for the day, rare for the daily run (its last page
reaches the run's time unless 1,000 tickets changed since midnight), likelier in the backfill of an old day.
Zendesk advises its incremental ticket event export (/api/v2/incremental/ticket_events.json?include=
comment_events) for change capture; its records are another shape (``ticket_events`` with ``child_events``)
that no recorded sample lets us test, so it is not used yet."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import httpx

from pipelines.lib.connectors import ApiSource, day_window, env_vars
from pipelines.lib.http import ApiClient, ApiPage, paginate_next_url, zendesk_next

RESOURCE_KEY = "zendesk_api"
TICKETS_EXPORT_PATH = "/api/v2/incremental/tickets/cursor.json"
SATISFACTION_RATINGS_PATH = "/api/v2/satisfaction_ratings"
TICKET_AUDITS_PATH = "/api/v2/tickets/{ticket_id}/audits.json"


class ZendeskApi(ApiSource):
    """``ZENDESK_SUBDOMAIN`` (``acme`` for acme.zendesk.com), ``ZENDESK_EMAIL`` (an agent or admin) and
    ``ZENDESK_API_TOKEN`` (Admin Center > Apps and integrations > Zendesk API): basic auth
    ``{email}/token:{api_token}``."""

    base_url: str = ""  # derived from the subdomain unless given (a proxy, the tests' local server)
    subdomain: str | None = None
    email: str | None = None
    api_token: str | None = None
    ratings_page_size: int = 100
    audits_page_size: int = 100  # a ticket's audits per page: the endpoint's maximum

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
    return _updated_at(ticket)


def _updated_at(ticket: dict) -> float | None:
    """A ticket's ``updated_at`` in epoch seconds (moved only by updates that make an audit), None if unreadable."""
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


def updated_in(ticket: Any, start_epoch: float, end_epoch: float) -> bool:
    """Whether an export ticket was updated in [start, end) (``updated_at``) and still exists: a deleted
    ticket's audits went with it."""
    if not isinstance(ticket, dict) or not isinstance(ticket.get("id"), int) or ticket.get("status") == "deleted":
        return False
    updated = _updated_at(ticket)
    return updated is not None and start_epoch <= updated < end_epoch


def tickets_updated_in(body: Any, start_epoch: float, end_epoch: float) -> list[int]:
    """Ids of an export page's tickets updated in [start, end) (``updated_in``)."""
    tickets = body.get("tickets") if isinstance(body, dict) else None
    if not isinstance(tickets, list):
        return []
    return [ticket["id"] for ticket in tickets if updated_in(ticket, start_epoch, end_epoch)]


def tickets_updated_during(client: ApiClient, day: date) -> list[int]:
    """The tickets updated during the day, each once (a ticket changed while the export is walked can appear
    on two pages), from the export walked as ``fetch_tickets`` walks it (module docstring)."""
    start, end = day_window(day)
    ticket_ids: list[int] = []
    for page in paginate_next_url(client, TICKETS_EXPORT_PATH, {"start_time": int(start.timestamp())},
                                  next_url=export_next_until(end.timestamp())):
        body = page.json_or_none()
        if body is None:  # not landed here: failing the run beats silently missing the day's conversations
            raise ValueError(f"unreadable ticket export page {page.url}: the tickets updated on {day} are unknown")
        ticket_ids += tickets_updated_in(body, start.timestamp(), end.timestamp())
    return list(dict.fromkeys(ticket_ids))


def audit_pages_of(api: ZendeskApi, client: ApiClient, ticket_id: int) -> list[ApiPage]:
    """Every audit page of one ticket; none for a ticket deleted since the export was read (404)."""
    try:
        return list(paginate_next_url(client, TICKET_AUDITS_PATH.format(ticket_id=ticket_id),
                                      {"page[size]": api.audits_page_size}, next_url=zendesk_next))
    except httpx.HTTPStatusError as error:
        if error.response.status_code == 404:
            return []
        raise


def fetch_ticket_audits(api: ZendeskApi, client: ApiClient, day: date) -> list[ApiPage]:
    """The audit pages of each ticket updated during the day (module docstring), numbered in the order fetched:
    one batch of pages for the day."""
    pages = [page for ticket_id in tickets_updated_during(client, day)
             for page in audit_pages_of(api, client, ticket_id)]
    return [replace(page, number=number) for number, page in enumerate(pages, start=1)]


def api_resources() -> dict[str, ZendeskApi]:
    """Credentials from the environment only; without them the connector stays idle."""
    env = env_vars("ZENDESK_SUBDOMAIN", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN")
    return {RESOURCE_KEY: ZendeskApi(subdomain=env["ZENDESK_SUBDOMAIN"], email=env["ZENDESK_EMAIL"],
                                     api_token=env["ZENDESK_API_TOKEN"])}
