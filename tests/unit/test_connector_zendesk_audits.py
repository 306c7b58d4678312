"""Zendesk ticket audits (the support conversation), fetched per ticket updated during the day, against a local HTTP
server replaying real recorded responses (../shared/samples/zendesk_api):
- the incremental ticket export, incremental_tickets_cursor_start0.json (87 tickets; the day's updated tickets are
  read from it);
- GET /api/v2/tickets/{ticket_id}/audits.json, answered with the recorded audits list
  (ticket_audits_page_size100.json: 91 audits of 86 tickets, 88 comments) filtered by ``ticket_id``, in the list's
  own envelope: exactly what the per-ticket endpoint returns for that ticket (same audits, same shape, same
  cursor pagination);
and the recorded list itself as an inbox export."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, date, datetime

import pytest
from werkzeug import Request, Response

from pipelines.defs.ingestion.zendesk.api import (
    TICKETS_EXPORT_PATH,
    ZendeskApi,
    fetch_ticket_audits,
    updated_in,
)
from pipelines.defs.ingestion.zendesk.feeds import FEEDS
from tests.unit import connector_support as support

Z_AUDITS = next(feed for feed in FEEDS if feed.feed == "ticket_audits")
SAMPLE = "ticket_audits_page_size100.json"
EXPORT = "incremental_tickets_cursor_start0.json"
EMAIL, TOKEN = "agent@example.com", "test-token"
BASIC = base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()
AUDITS_OF_A_TICKET = re.compile(r"^/api/v2/tickets/(\d+)/audits\.json$")
LAST_DAY = date(2024, 2, 7)  # the export's last day: tickets 1, 4044 and 4045 were updated on it
DAY_TICKETS = [1, 4044, 4045]
DAY_AUDITS, DAY_COMMENTS = 8, 5  # their whole histories: ticket 1's six audits (from 2023-09-09 on), one each
AUDITS, COMMENTS = 91, 88  # the whole recorded list
AGENT, REQUESTER = 6130907993114, 6130869168922  # ticket 1's assignee and requester


@pytest.fixture
def api(httpserver) -> ZendeskApi:
    return support.local_api(ZendeskApi, httpserver, email=EMAIL, api_token=TOKEN)


def recorded(samples) -> dict:
    return json.loads(support.read_sample(samples, "zendesk_api", SAMPLE))


def epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def serve_export(httpserver, samples, day: date, text: str | None = None) -> None:
    """The recorded export (its ``end_of_stream`` is true: one page), asked with the day's ``start_time`` only."""
    support.respond(httpserver.expect_request(TICKETS_EXPORT_PATH, query_string={"start_time": str(epoch(day))},
                                              headers={"Authorization": f"Basic {BASIC}"}),
                    text if text is not None else support.read_sample(samples, "zendesk_api", EXPORT))


def serve_audits_by_ticket(httpserver, body: dict, *, two_pages: frozenset[int] = frozenset(),
                           answers: dict[int, Response] | None = None) -> None:
    """The per-ticket endpoint: the recorded audits of the asked ticket in the list's envelope; a ticket of
    ``two_pages`` answers in two cursor pages (all its audits but the last two, then those two); ``answers``
    overrides a ticket's answer."""

    def audits_of_ticket(request: Request) -> Response:
        ticket_id = int(AUDITS_OF_A_TICKET.match(request.path).group(1))
        if ticket_id in (answers or {}):
            return answers[ticket_id]
        audits = [audit for audit in body["audits"] if audit["ticket_id"] == ticket_id]
        if ticket_id in two_pages and request.args.get("page[after]") != "c1":
            next_url = httpserver.url_for(request.path) + "?page%5Bafter%5D=c1&page%5Bsize%5D=100"
            return support.json_response({"audits": audits[:-2], "links": {"next": next_url, "prev": None},
                                          "meta": {"has_more": True, "after_cursor": "c1", "before_cursor": None}})
        return support.json_response({**body, "audits": audits[-2:] if ticket_id in two_pages else audits})

    httpserver.expect_request(AUDITS_OF_A_TICKET, headers={"Authorization": f"Basic {BASIC}"}) \
        .respond_with_handler(audits_of_ticket)


def audit_requests(httpserver) -> list[tuple[int, dict]]:
    """The audits requests the server received, in order: (ticket id, query)."""
    return [(int(match.group(1)), dict(request.args)) for request, _ in httpserver.log
            if (match := AUDITS_OF_A_TICKET.match(request.path))]


def comments_of_ticket_1(con) -> list[tuple]:
    return support.rows(con, "select author_id, is_public, created_at from zendesk.ticket_comments "
                             "where ticket_id = 1 order by created_at")


def test_the_tickets_updated_in_the_day_land_their_whole_audit_history(httpserver, api, samples, warehouse_con,
                                                                       no_inbox):
    serve_export(httpserver, samples, LAST_DAY)
    serve_audits_by_ticket(httpserver, recorded(samples))
    fetched = support.fetch_pages(api, fetch_ticket_audits, LAST_DAY)
    httpserver.check_assertions()
    # the other 84 tickets of the export page were not updated that day: never asked for
    assert audit_requests(httpserver) == [(ticket_id, {"page[size]": "100"}) for ticket_id in DAY_TICKETS]
    assert fetched.requests_made == 1 + len(DAY_TICKETS)
    assert [page.number for page in fetched.pages] == [1, 2, 3]
    ingested = support.land_and_ingest(warehouse_con, Z_AUDITS, LAST_DAY, fetched.pages, no_inbox)
    assert ingested.landed == 3  # the audits pages only: the export page is the tickets feed's to land
    assert ingested["ticket_audits"] == (DAY_AUDITS, DAY_AUDITS, 0)
    assert ingested["ticket_comments"] == (DAY_COMMENTS, DAY_COMMENTS, 0)
    # ticket 1: the requester's message (its creation, months before), the agent's public reply, then the agent's
    # internal note
    assert comments_of_ticket_1(warehouse_con) == [
        (REQUESTER, True, datetime(2023, 9, 9, 23, 52, 5, tzinfo=UTC)),
        (AGENT, True, datetime(2024, 2, 7, 0, 9, 24, tzinfo=UTC)),
        (AGENT, False, datetime(2024, 2, 7, 0, 11, 18, tzinfo=UTC)),
    ]
    for table in Z_AUDITS.tables:
        assert support.balanced(warehouse_con, Z_AUDITS, LAST_DAY, table)


def test_a_ticket_with_two_audit_pages_is_followed_to_its_last(httpserver, api, samples, warehouse_con, no_inbox):
    serve_export(httpserver, samples, LAST_DAY)
    serve_audits_by_ticket(httpserver, recorded(samples), two_pages=frozenset({1}))
    fetched = support.fetch_pages(api, fetch_ticket_audits, LAST_DAY)
    assert audit_requests(httpserver) == [(1, {"page[size]": "100"}), (1, {"page[after]": "c1", "page[size]": "100"}),
                                          (4044, {"page[size]": "100"}), (4045, {"page[size]": "100"})]
    assert [page.number for page in fetched.pages] == [1, 2, 3, 4]  # one batch, numbered across the tickets
    ingested = support.land_and_ingest(warehouse_con, Z_AUDITS, LAST_DAY, fetched.pages, no_inbox)
    assert ingested["ticket_audits"] == (DAY_AUDITS, DAY_AUDITS, 0)
    assert ingested["ticket_comments"] == (DAY_COMMENTS, DAY_COMMENTS, 0)


@pytest.mark.parametrize(("day", "tickets"), [
    # 4034 was updated that day too, but is deleted since (status "deleted", subject "SCRUBBED"): the recorded
    # list holds no audit of it, nothing to ask for
    (date(2023, 10, 24), [4035]),
    # created that day: 4030..4033, and 4034, updated (then deleted) the next day: read on that day, if at all
    (date(2023, 10, 23), [4030, 4031, 4032, 4033]),
    # ticket 1 was created that day but updated since: it is read on its last update's day
    (date(2023, 9, 9), []),
])
def test_only_the_tickets_updated_in_the_day_are_asked_for(httpserver, api, samples, day, tickets):
    serve_export(httpserver, samples, day)
    serve_audits_by_ticket(httpserver, recorded(samples))
    fetched = support.fetch_pages(api, fetch_ticket_audits, day)
    assert [ticket_id for ticket_id, _ in audit_requests(httpserver)] == tickets
    assert len(fetched.pages) == len(tickets)


def test_the_export_is_followed_and_a_ticket_on_two_of_its_pages_is_asked_for_once(httpserver, api, samples):
    """A ticket changed again while the export is walked shows on a later page too."""
    first = json.loads(support.read_sample(samples, "zendesk_api", EXPORT))
    ticket_1 = next(ticket for ticket in first["tickets"] if ticket["id"] == 1)
    first.update(end_of_stream=False, after_url=httpserver.url_for(TICKETS_EXPORT_PATH) + "?cursor=c1")
    support.respond(httpserver.expect_ordered_request(TICKETS_EXPORT_PATH,
                                                      query_string={"start_time": str(epoch(LAST_DAY))}), first)
    support.respond(httpserver.expect_ordered_request(TICKETS_EXPORT_PATH, query_string={"cursor": "c1"}),
                    {"tickets": [{**ticket_1, "generated_timestamp": ticket_1["generated_timestamp"] + 60}],
                     "after_url": None, "end_of_stream": True})
    serve_audits_by_ticket(httpserver, recorded(samples))
    fetched = support.fetch_pages(api, fetch_ticket_audits, LAST_DAY)
    assert [ticket_id for ticket_id, _ in audit_requests(httpserver)] == DAY_TICKETS
    assert fetched.requests_made == 2 + len(DAY_TICKETS)


def test_the_day_is_half_open_and_a_deleted_ticket_has_no_audits_to_read(samples):
    ticket = json.loads(support.read_sample(samples, "zendesk_api", EXPORT))["tickets"][0]
    start, end = epoch(LAST_DAY), epoch(LAST_DAY) + 86400

    def updated(at: str, status: str = "open") -> bool:
        return updated_in({**ticket, "updated_at": at, "status": status}, start, end)

    assert updated("2024-02-07T00:00:00Z") and updated("2024-02-07T23:59:59Z")
    assert not updated("2024-02-06T23:59:59Z") and not updated("2024-02-08T00:00:00Z")
    assert not updated("2024-02-07T10:00:00Z", status="deleted")
    assert not updated("not a time")


def test_a_ticket_deleted_since_the_export_was_read_is_skipped(httpserver, api, samples, warehouse_con, no_inbox):
    serve_export(httpserver, samples, LAST_DAY)
    serve_audits_by_ticket(httpserver, recorded(samples), answers={4044: support.json_response(
        {"error": "RecordNotFound", "description": "Not found"}, status=404)})
    fetched = support.fetch_pages(api, fetch_ticket_audits, LAST_DAY)
    assert [ticket_id for ticket_id, _ in audit_requests(httpserver)] == DAY_TICKETS  # a 404 is not retried
    ingested = support.land_and_ingest(warehouse_con, Z_AUDITS, LAST_DAY, fetched.pages, no_inbox)
    assert ingested["ticket_audits"] == (DAY_AUDITS - 1, DAY_AUDITS - 1, 0)
    assert support.rows(warehouse_con, "select count(*) from zendesk.ticket_audits where ticket_id = 4044") == [(0,)]


def test_an_unreadable_export_page_fails_the_fetch(httpserver, api, samples):
    serve_export(httpserver, samples, LAST_DAY, support.read_sample(samples, "zendesk_api", EXPORT)[:4000])
    serve_audits_by_ticket(httpserver, recorded(samples))
    with pytest.raises(ValueError, match="unreadable ticket export page"):
        support.fetch_pages(api, fetch_ticket_audits, LAST_DAY)
    assert audit_requests(httpserver) == []


def test_a_truncated_audits_page_is_landed_and_quarantined_whole(httpserver, api, samples, warehouse_con,
                                                                  no_inbox):
    body = recorded(samples)
    whole = json.dumps({**body, "audits": [audit for audit in body["audits"] if audit["ticket_id"] == 4044]})
    serve_export(httpserver, samples, LAST_DAY)
    serve_audits_by_ticket(httpserver, body, answers={4044: support.json_response(whole[:500])})
    pages = support.fetch_pages(api, fetch_ticket_audits, LAST_DAY).pages
    assert len(pages) == 3  # unreadable: kept, to be quarantined
    ingested = support.land_and_ingest(warehouse_con, Z_AUDITS, LAST_DAY, pages, no_inbox)
    # the truncated page counts as one record in, quarantined, in both tables
    assert ingested == {"ticket_audits": (DAY_AUDITS - 1 + 1, DAY_AUDITS - 1, 1),
                        "ticket_comments": (DAY_COMMENTS - 1 + 1, DAY_COMMENTS - 1, 1)}
    assert set(support.quarantine_reasons(warehouse_con)) == {"page is not valid JSON (truncated or corrupt body)"}
    for table in Z_AUDITS.tables:
        assert support.balanced(warehouse_con, Z_AUDITS, LAST_DAY, table)


def test_the_recorded_list_in_the_inbox_loads_every_audit_and_comment(samples, warehouse_con, tmp_path):
    inbox = tmp_path / "inbox"
    support.put_in_inbox(inbox, Z_AUDITS, LAST_DAY, samples / "zendesk_api" / SAMPLE)
    assert Z_AUDITS.file_for(inbox, LAST_DAY) == inbox / "zendesk" / "ticket_audits" / "2024-02-07.json"
    ingested = support.ingest(warehouse_con, Z_AUDITS, LAST_DAY, inbox)
    # the Create / Change events are no comments
    assert ingested == {"ticket_audits": (AUDITS, AUDITS, 0), "ticket_comments": (COMMENTS, COMMENTS, 0)}
    assert support.rows(warehouse_con, "select count(distinct ticket_id) from zendesk.ticket_audits") == [(86,)]
    assert comments_of_ticket_1(warehouse_con)[1] == (AGENT, True, datetime(2024, 2, 7, 0, 9, 24, tzinfo=UTC))
    # a comment's audit is the audit it sits in
    assert support.rows(warehouse_con, "select count(*) from zendesk.ticket_comments c join zendesk.ticket_audits a "
                                       "using (audit_id) where c.ticket_id <> a.ticket_id "
                                       "or c.created_at <> a.created_at") == [(0,)]
    for table in Z_AUDITS.tables:
        assert support.balanced(warehouse_con, Z_AUDITS, LAST_DAY, table)


def test_malformed_audits_and_comments_are_quarantined_with_the_reason(samples, warehouse_con, tmp_path):
    body = recorded(samples)
    audits = body["audits"]
    del audits[0]["ticket_id"]  # ticket 1's creation: the audit, and its comment (no ticket to belong to)
    _, second, third, *_ = (e for audit in audits for e in audit["events"] if e["type"] == "Comment")
    del second["author_id"]
    third["public"] = "maybe"
    export = tmp_path / "audits.json"
    export.write_text(json.dumps(body))
    inbox = tmp_path / "inbox"
    support.put_in_inbox(inbox, Z_AUDITS, LAST_DAY, export)
    ingested = support.ingest(warehouse_con, Z_AUDITS, LAST_DAY, inbox)
    assert ingested == {"ticket_audits": (AUDITS, AUDITS - 1, 1), "ticket_comments": (COMMENTS, COMMENTS - 3, 3)}
    assert sorted(support.quarantine_reasons(warehouse_con)) == [
        "invalid or missing _audit.ticket_id: absent",
        "invalid or missing author_id: absent",
        'invalid or missing public: "maybe"',
        "invalid or missing ticket_id: absent",
    ]
    for table in Z_AUDITS.tables:
        assert support.balanced(warehouse_con, Z_AUDITS, LAST_DAY, table)


def test_dagster_materializes_the_audits_from_the_api(httpserver, api, samples, tmp_path):
    # the partitions start in 2025: the recorded last day moved to a day of the partitions, in both samples
    day = date(2026, 6, 1)
    export = support.read_sample(samples, "zendesk_api", EXPORT).replace('"2024-02-07T', '"2026-06-01T')
    serve_export(httpserver, samples, day, export)
    serve_audits_by_ticket(httpserver, json.loads(support.read_sample(samples, "zendesk_api", SAMPLE)
                                                  .replace('"2024-02-07T', '"2026-06-01T')))
    result = support.materialize_feed(Z_AUDITS, day, "zendesk_api", api, tmp_path)
    assert result.success
    assert [ticket_id for ticket_id, _ in audit_requests(httpserver)] == DAY_TICKETS
    by_table = support.materialized(result, "zendesk__ticket_audits")
    assert by_table["ticket_audits"]["records_loaded"] == DAY_AUDITS
    assert by_table["ticket_comments"]["records_loaded"] == DAY_COMMENTS
    assert all(support.checks_passed(result))
