"""Zendesk connector against a local HTTP server replaying real Zendesk responses (../shared/samples/zendesk_api):
the incremental ticket export (cursor-based), and the satisfaction ratings."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime

import pytest
from werkzeug import Response

from pipelines.defs.ingestion.zendesk.api import (
    SATISFACTION_RATINGS_PATH,
    TICKETS_EXPORT_PATH,
    ZendeskApi,
    api_resources,
    fetch_satisfaction_ratings,
    fetch_tickets,
)
from pipelines.defs.ingestion.zendesk.feeds import FEEDS
from pipelines.lib.ingest import land_api_pages
from tests.unit import connector_support as support

Z_TICKETS, Z_RATINGS, *_ = FEEDS
DAY = date(2026, 6, 1)
EMAIL, TOKEN = "agent@example.com", "test-token"


def epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


@pytest.fixture
def api(httpserver) -> ZendeskApi:
    return support.local_api(ZendeskApi, httpserver, email=EMAIL, api_token=TOKEN)


def sample(samples, name: str) -> str:
    return support.read_sample(samples, "zendesk_api", name)


def cursor_page(samples, httpserver, *, end_of_stream: bool) -> dict:
    """The real cursor export page; when not the end of the stream, its after_url points at the local server."""
    page = json.loads(sample(samples, "incremental_tickets_cursor_start0.json"))
    page["end_of_stream"] = end_of_stream
    page["after_url"] = httpserver.url_for(TICKETS_EXPORT_PATH) + f"?cursor={page['after_cursor']}"
    return page


def test_ticket_export_follows_after_url_to_the_empty_end_of_stream(httpserver, api, samples, warehouse_con,
                                                                   no_inbox):
    day = date(2024, 2, 7)  # the sample's last ticket changed this day: no page reaches past the day's end
    first = cursor_page(samples, httpserver, end_of_stream=False)
    basic = base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()
    support.respond(httpserver.expect_ordered_request(
        TICKETS_EXPORT_PATH, query_string={"start_time": str(epoch(day)), "include": "metric_sets"},
        headers={"Authorization": f"Basic {basic}"}), first)
    support.respond(httpserver.expect_ordered_request(TICKETS_EXPORT_PATH,
                                                      query_string={"cursor": first["after_cursor"]}),
                    {"tickets": [], "after_url": None, "after_cursor": None, "before_url": None,
                     "before_cursor": None, "end_of_stream": True})
    pages = support.fetch_pages(api, fetch_tickets, day).pages
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2]
    ingested = support.land_and_ingest(warehouse_con, Z_TICKETS, day, pages, no_inbox)
    assert ingested.landed == 2
    n = len(first["tickets"])
    assert ingested["tickets"] == (n, n, 0)
    # the recorded export was made without include=metric_sets: no metrics, and nothing lost either
    assert ingested["ticket_metrics"] == (0, 0, 0)
    latest = support.rows(warehouse_con, "select count(distinct ticket_id), max(updated_at) "
                                         "from zendesk.tickets")
    assert latest[0] == (n, datetime(2024, 2, 7, 2, 9, 1, tzinfo=UTC))
    for table in Z_TICKETS.tables:
        assert support.balanced(warehouse_con, Z_TICKETS, day, table)


def test_ticket_export_stops_at_the_first_page_reaching_past_the_day(httpserver, api, samples):
    day = date(2023, 9, 18)  # the page also holds tickets changed in October and later
    support.serve_in_order(httpserver, TICKETS_EXPORT_PATH,
                           cursor_page(samples, httpserver, end_of_stream=False))
    fetched = support.fetch_pages(api, fetch_tickets, day)
    assert fetched.requests_made == 1  # the after_url is not followed
    assert len(fetched.pages) == 1
    httpserver.check_assertions()


def test_time_based_export_file_loads_exactly_its_count(samples, warehouse_con, tmp_path):
    """The inbox takes the time-based export as is: records in = the export's own ``count``."""
    inbox = tmp_path / "inbox"
    body = json.loads(sample(samples, "incremental_tickets_start0.json"))
    support.put_in_inbox(inbox, Z_TICKETS, DAY, samples / "zendesk_api" / "incremental_tickets_start0.json")
    stats = support.ingest(warehouse_con, Z_TICKETS, DAY, inbox)["tickets"]
    assert body["count"] == 87
    assert stats == (body["count"], body["count"], 0)


def rating(rating_id: int, ticket_id: int, score: str, comment: str | None) -> dict:
    """A satisfaction rating in the shape documented by Zendesk (no recorded sample exists in the samples)."""
    return {"url": f"https://example.zendesk.com/api/v2/satisfaction_ratings/{rating_id}.json", "id": rating_id,
            "assignee_id": 6130907993114, "group_id": 6130852536346, "requester_id": 6130869168922,
            "ticket_id": ticket_id, "score": score, "comment": comment, "reason": None, "reason_id": None,
            "created_at": "2026-06-01T10:15:00Z", "updated_at": "2026-06-01T10:20:00Z"}


def test_satisfaction_ratings_follow_links_next_to_the_last_page(httpserver, api, warehouse_con, no_inbox):
    first = {"satisfaction_ratings": [rating(11, 28, "good", "Thanks!"), rating(12, 29, "bad", None)],
             "meta": {"has_more": True, "after_cursor": "eyJvIjoiaWQiLCJ2IjoiYVE0QUFBQUFBQUFBIn0=",
                      "before_cursor": None},
             "links": {"next": httpserver.url_for(SATISFACTION_RATINGS_PATH) + "?page%5Bafter%5D=abc&page%5Bsize%5D=100",
                       "prev": None}}
    last = {"satisfaction_ratings": [rating(13, 30, "offered", None)],
            "meta": {"has_more": False, "after_cursor": None, "before_cursor": None}, "links": {"next": None}}
    support.respond(httpserver.expect_ordered_request(SATISFACTION_RATINGS_PATH, query_string={
        "start_time": str(epoch(DAY)), "end_time": str(epoch(DAY) + 86400), "page[size]": "100"}), first)
    support.respond(httpserver.expect_ordered_request(SATISFACTION_RATINGS_PATH, query_string={
        "page[after]": "abc", "page[size]": "100"}), last)
    pages = support.fetch_pages(api, fetch_satisfaction_ratings, DAY).pages
    httpserver.check_assertions()
    ingested = support.land_and_ingest(warehouse_con, Z_RATINGS, DAY, pages, no_inbox)
    assert ingested["satisfaction_ratings"] == (3, 3, 0)
    loaded = support.rows(warehouse_con, "select satisfaction_rating_id, ticket_id, score, comment, "
                                         "created_at from zendesk.satisfaction_ratings order by 1")
    assert loaded[0] == (11, 28, "good", "Thanks!", datetime(2026, 6, 1, 10, 15, tzinfo=UTC))
    assert [r[2] for r in loaded] == ["good", "bad", "offered"]


def test_429_with_retry_after_then_success(httpserver, api, samples):
    support.serve_in_order(httpserver, TICKETS_EXPORT_PATH,
                           Response("Too Many Requests", status=429, headers={"Retry-After": "7"}),
                           sample(samples, "incremental_tickets_cursor_start0.json"))
    fetched = support.fetch_pages(api, fetch_tickets, DAY)
    assert fetched.requests_made == 2
    assert len(fetched.pages) == 1 and fetched.pages[0].status == 200
    assert fetched.waits == [7.0]  # Zendesk's Retry-After, not our own backoff


def test_a_run_of_503s_then_success(httpserver, api, samples):
    support.serve_in_order(httpserver, SATISFACTION_RATINGS_PATH, *support.busy(3),
                           {"satisfaction_ratings": [], "meta": {"has_more": False}, "links": {"next": None}})
    fetched = support.fetch_pages(api, fetch_satisfaction_ratings, DAY)
    assert len(fetched.pages) == 1 and len(fetched.waits) == 3
    assert fetched.waits == sorted(fetched.waits)


def test_a_client_error_is_raised_not_landed(httpserver, api):
    httpserver.expect_request(TICKETS_EXPORT_PATH).respond_with_json({"error": "Couldn't authenticate you"},
                                                                     status=401)
    with api.client() as client, pytest.raises(Exception, match="401"):
        fetch_tickets(api, client, DAY)


def test_truncated_body_is_landed_and_quarantined_whole(httpserver, api, samples, warehouse_con, no_inbox):
    text = sample(samples, "incremental_tickets_cursor_start0.json")
    support.respond(httpserver.expect_request(TICKETS_EXPORT_PATH), text[:4000])
    pages = support.fetch_pages(api, fetch_tickets, DAY).pages
    assert len(pages) == 1
    ingested = support.land_and_ingest(warehouse_con, Z_TICKETS, DAY, pages, no_inbox)
    for table in ("tickets", "ticket_metrics"):  # the page is lost to both tables, and said so in both
        assert ingested[table] == (1, 0, 1)
    reasons = set(support.quarantine_reasons(warehouse_con))
    assert reasons == {"page is not valid JSON (truncated or corrupt body)"}


def test_the_same_page_delivered_twice_loads_each_ticket_once(httpserver, api, samples, warehouse_con,
                                                              no_inbox):
    support.serve_in_order(httpserver, TICKETS_EXPORT_PATH,
                           cursor_page(samples, httpserver, end_of_stream=False),
                           cursor_page(samples, httpserver, end_of_stream=True))
    pages = support.fetch_pages(api, fetch_tickets, DAY).pages
    assert support.land_and_ingest(warehouse_con, Z_TICKETS, DAY, pages, no_inbox)["tickets"] == (174, 87, 87)
    reasons = support.quarantine_reasons(warehouse_con)
    assert all(r.startswith("duplicate ticket_id") and r.endswith("of page 1)") for r in reasons)
    assert land_api_pages(warehouse_con, Z_TICKETS, DAY, pages) == 0


def test_dagster_materializes_tickets_from_the_api(httpserver, api, samples, tmp_path):
    support.respond(httpserver.expect_request(TICKETS_EXPORT_PATH),
                    sample(samples, "incremental_tickets_cursor_start0.json"))
    result = support.materialize_feed(Z_TICKETS, DAY, "zendesk_api", api, tmp_path)
    assert result.success
    by_table = support.materialized(result, "zendesk__tickets")
    assert by_table["tickets"]["pages_fetched_from_api"] == 1
    assert by_table["tickets"]["records_loaded"] == 87
    assert by_table["ticket_metrics"]["records_loaded"] == 0
    assert support.checks_passed(result) == [True, True]


def test_without_credentials_the_connector_stays_idle(monkeypatch):
    for name in ("ZENDESK_SUBDOMAIN", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert not api_resources()["zendesk_api"].is_configured()
    assert not ZendeskApi(subdomain="acme", email=EMAIL).is_configured()
    configured = ZendeskApi(subdomain="acme", email=EMAIL, api_token=TOKEN)
    assert configured.is_configured()
    assert configured.root_url() == "https://acme.zendesk.com"
    assert ZendeskApi(subdomain="support.acme.com").root_url() == "https://support.acme.com"
