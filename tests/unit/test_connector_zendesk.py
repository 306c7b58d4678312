"""Zendesk connector against a local HTTP server replaying real Zendesk responses (../shared/samples/zendesk_api):
the incremental ticket export (cursor-based), and the satisfaction ratings."""

from __future__ import annotations

import base64
import json
import shutil
from datetime import UTC, date, datetime

import dagster as dg
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
from pipelines.lib.ingest import connect, ingest_feed, land_api_pages, reconcile

Z_TICKETS, Z_RATINGS = FEEDS
DAY = date(2026, 6, 1)
EMAIL, TOKEN = "agent@example.com", "test-token"


def epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


@pytest.fixture
def api(httpserver) -> ZendeskApi:
    return ZendeskApi(base_url=httpserver.url_for(""), email=EMAIL, api_token=TOKEN, backoff_initial_seconds=0.01,
                      max_attempts=5)


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


@pytest.fixture
def no_inbox(tmp_path):
    return tmp_path / "no-inbox"


def sample(samples, name: str) -> str:
    return (samples / "zendesk_api" / name).read_text()


def cursor_page(samples, httpserver, *, end_of_stream: bool) -> dict:
    """The real cursor export page; when not the end of the stream, its after_url points at the local server."""
    page = json.loads(sample(samples, "incremental_tickets_cursor_start0.json"))
    page["end_of_stream"] = end_of_stream
    page["after_url"] = httpserver.url_for(TICKETS_EXPORT_PATH) + f"?cursor={page['after_cursor']}"
    return page


def test_ticket_export_follows_after_url_to_the_empty_end_of_stream(httpserver, api, samples, con, no_inbox):
    day = date(2024, 2, 7)  # the sample's last ticket changed this day: no page reaches past the day's end
    first = cursor_page(samples, httpserver, end_of_stream=False)
    basic = base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()
    httpserver.expect_ordered_request(
        TICKETS_EXPORT_PATH, query_string={"start_time": str(epoch(day)), "include": "metric_sets"},
        headers={"Authorization": f"Basic {basic}"}).respond_with_json(first)
    httpserver.expect_ordered_request(
        TICKETS_EXPORT_PATH, query_string={"cursor": first["after_cursor"]}).respond_with_json(
        {"tickets": [], "after_url": None, "after_cursor": None, "before_url": None, "before_cursor": None,
         "end_of_stream": True})
    with api.client() as client:
        pages = fetch_tickets(api, client, day)
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2]
    assert land_api_pages(con, Z_TICKETS, day, pages) == 2
    result = ingest_feed(con, Z_TICKETS, no_inbox, [day])
    n = len(first["tickets"])
    tickets, metrics = result.tables["tickets"], result.tables["ticket_metrics"]
    assert (tickets.records_in, tickets.loaded, tickets.quarantined) == (n, n, 0)
    # the recorded export was made without include=metric_sets: no metrics, and nothing lost either
    assert (metrics.records_in, metrics.loaded, metrics.quarantined) == (0, 0, 0)
    assert con.execute("select count(distinct ticket_id), max(updated_at) from zendesk.tickets").fetchone() == (
        n, datetime(2024, 2, 7, 2, 9, 1, tzinfo=UTC))
    for table in Z_TICKETS.tables:
        assert reconcile(con, Z_TICKETS, table, [day])["balanced"]


def test_ticket_export_stops_at_the_first_page_reaching_past_the_day(httpserver, api, samples):
    day = date(2023, 9, 18)  # the page also holds tickets changed in October and later
    httpserver.expect_ordered_request(TICKETS_EXPORT_PATH).respond_with_json(
        cursor_page(samples, httpserver, end_of_stream=False))
    with api.client() as client:
        pages = fetch_tickets(api, client, day)
        assert client.requests_made == 1  # the after_url is not followed
    assert len(pages) == 1
    httpserver.check_assertions()


def test_time_based_export_file_loads_exactly_its_count(samples, con, tmp_path):
    """The inbox takes the time-based export as is: records in = the export's own ``count``."""
    inbox = tmp_path / "inbox"
    body = json.loads(sample(samples, "incremental_tickets_start0.json"))
    target = Z_TICKETS.file_for(inbox, DAY)
    target.parent.mkdir(parents=True)
    shutil.copyfile(samples / "zendesk_api" / "incremental_tickets_start0.json", target)
    stats = ingest_feed(con, Z_TICKETS, inbox, [DAY]).tables["tickets"]
    assert body["count"] == 87
    assert (stats.records_in, stats.loaded, stats.quarantined) == (body["count"], body["count"], 0)


def rating(rating_id: int, ticket_id: int, score: str, comment: str | None) -> dict:
    """A satisfaction rating in the shape documented by Zendesk (no recorded sample exists in the samples)."""
    return {"url": f"https://example.zendesk.com/api/v2/satisfaction_ratings/{rating_id}.json", "id": rating_id,
            "assignee_id": 6130907993114, "group_id": 6130852536346, "requester_id": 6130869168922,
            "ticket_id": ticket_id, "score": score, "comment": comment, "reason": None, "reason_id": None,
            "created_at": "2026-06-01T10:15:00Z", "updated_at": "2026-06-01T10:20:00Z"}


def test_satisfaction_ratings_follow_links_next_to_the_last_page(httpserver, api, con, no_inbox):
    first = {"satisfaction_ratings": [rating(11, 28, "good", "Thanks!"), rating(12, 29, "bad", None)],
             "meta": {"has_more": True, "after_cursor": "eyJvIjoiaWQiLCJ2IjoiYVE0QUFBQUFBQUFBIn0=",
                      "before_cursor": None},
             "links": {"next": httpserver.url_for(SATISFACTION_RATINGS_PATH) + "?page%5Bafter%5D=abc&page%5Bsize%5D=100",
                       "prev": None}}
    last = {"satisfaction_ratings": [rating(13, 30, "offered", None)],
            "meta": {"has_more": False, "after_cursor": None, "before_cursor": None}, "links": {"next": None}}
    httpserver.expect_ordered_request(SATISFACTION_RATINGS_PATH, query_string={
        "start_time": str(epoch(DAY)), "end_time": str(epoch(DAY) + 86400), "page[size]": "100"}).respond_with_json(first)
    httpserver.expect_ordered_request(SATISFACTION_RATINGS_PATH, query_string={
        "page[after]": "abc", "page[size]": "100"}).respond_with_json(last)
    with api.client() as client:
        pages = fetch_satisfaction_ratings(api, client, DAY)
    httpserver.check_assertions()
    land_api_pages(con, Z_RATINGS, DAY, pages)
    stats = ingest_feed(con, Z_RATINGS, no_inbox, [DAY]).tables["satisfaction_ratings"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (3, 3, 0)
    rows = con.execute("select satisfaction_rating_id, ticket_id, score, comment, created_at "
                       "from zendesk.satisfaction_ratings order by 1").fetchall()
    assert rows[0] == (11, 28, "good", "Thanks!", datetime(2026, 6, 1, 10, 15, tzinfo=UTC))
    assert [r[2] for r in rows] == ["good", "bad", "offered"]


def test_429_with_retry_after_then_success(httpserver, api, samples):
    httpserver.expect_ordered_request(TICKETS_EXPORT_PATH).respond_with_response(
        Response("Too Many Requests", status=429, headers={"Retry-After": "7"}))
    httpserver.expect_ordered_request(TICKETS_EXPORT_PATH).respond_with_data(
        sample(samples, "incremental_tickets_cursor_start0.json"), content_type="application/json")
    waits = []
    with api.client() as client:
        client.sleep = waits.append
        pages = fetch_tickets(api, client, DAY)
        assert client.requests_made == 2
    assert len(pages) == 1 and pages[0].status == 200
    assert waits == [7.0]  # Zendesk's Retry-After, not our own backoff


def test_a_run_of_503s_then_success(httpserver, api, samples):
    for _ in range(3):
        httpserver.expect_ordered_request(SATISFACTION_RATINGS_PATH).respond_with_data("busy", status=503)
    httpserver.expect_ordered_request(SATISFACTION_RATINGS_PATH).respond_with_json(
        {"satisfaction_ratings": [], "meta": {"has_more": False}, "links": {"next": None}})
    waits = []
    with api.client() as client:
        client.sleep = waits.append
        pages = fetch_satisfaction_ratings(api, client, DAY)
    assert len(pages) == 1 and len(waits) == 3
    assert waits == sorted(waits)


def test_a_client_error_is_raised_not_landed(httpserver, api):
    httpserver.expect_request(TICKETS_EXPORT_PATH).respond_with_json({"error": "Couldn't authenticate you"},
                                                                     status=401)
    with api.client() as client, pytest.raises(Exception, match="401"):
        fetch_tickets(api, client, DAY)


def test_truncated_body_is_landed_and_quarantined_whole(httpserver, api, samples, con, no_inbox):
    text = sample(samples, "incremental_tickets_cursor_start0.json")
    httpserver.expect_request(TICKETS_EXPORT_PATH).respond_with_data(text[:4000], content_type="application/json")
    with api.client() as client:
        pages = fetch_tickets(api, client, DAY)
    assert len(pages) == 1
    land_api_pages(con, Z_TICKETS, DAY, pages)
    result = ingest_feed(con, Z_TICKETS, no_inbox, [DAY])
    for table in ("tickets", "ticket_metrics"):  # the page is lost to both tables, and said so in both
        stats = result.tables[table]
        assert (stats.records_in, stats.loaded, stats.quarantined) == (1, 0, 1)
    reasons = {r[0] for r in con.execute("select reason from raw.quarantine").fetchall()}
    assert reasons == {"page is not valid JSON (truncated or corrupt body)"}


def test_the_same_page_delivered_twice_loads_each_ticket_once(httpserver, api, samples, con, no_inbox):
    httpserver.expect_ordered_request(TICKETS_EXPORT_PATH).respond_with_json(
        cursor_page(samples, httpserver, end_of_stream=False))
    httpserver.expect_ordered_request(TICKETS_EXPORT_PATH).respond_with_json(
        cursor_page(samples, httpserver, end_of_stream=True))
    with api.client() as client:
        pages = fetch_tickets(api, client, DAY)
    land_api_pages(con, Z_TICKETS, DAY, pages)
    stats = ingest_feed(con, Z_TICKETS, no_inbox, [DAY]).tables["tickets"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (174, 87, 87)
    reasons = [r[0] for r in con.execute("select reason from raw.quarantine").fetchall()]
    assert all(r.startswith("duplicate ticket_id") and r.endswith("of page 1)") for r in reasons)
    assert land_api_pages(con, Z_TICKETS, DAY, pages) == 0


def test_dagster_materializes_tickets_from_the_api(httpserver, api, samples, tmp_path):
    from pipelines.defs.ingestion.factory import build_feed_assets
    from pipelines.defs.resources import FeedsInbox, Warehouse

    httpserver.expect_request(TICKETS_EXPORT_PATH).respond_with_data(
        sample(samples, "incremental_tickets_cursor_start0.json"), content_type="application/json")
    asset = build_feed_assets(Z_TICKETS, pool="duckdb_warehouse")
    result = dg.materialize(
        [asset],
        partition_key=DAY.isoformat(),
        resources={"warehouse": Warehouse(path=str(tmp_path / "w.duckdb")),
                   "inbox": FeedsInbox(path=str(tmp_path / "inbox")), "zendesk_api": api},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    tickets = result.asset_materializations_for_node("zendesk__tickets")
    by_table = {m.asset_key.path[-1]: m.metadata for m in tickets}
    assert by_table["tickets"]["pages_fetched_from_api"].value == 1
    assert by_table["tickets"]["records_loaded"].value == 87
    assert by_table["ticket_metrics"]["records_loaded"].value == 0
    assert [c.passed for c in result.get_asset_check_evaluations()] == [True, True]


def test_without_credentials_the_connector_stays_idle(monkeypatch):
    for name in ("ZENDESK_SUBDOMAIN", "ZENDESK_EMAIL", "ZENDESK_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert not api_resources()["zendesk_api"].is_configured()
    assert not ZendeskApi(subdomain="acme", email=EMAIL).is_configured()
    configured = ZendeskApi(subdomain="acme", email=EMAIL, api_token=TOKEN)
    assert configured.is_configured()
    assert configured.root_url() == "https://acme.zendesk.com"
    assert ZendeskApi(subdomain="support.acme.com").root_url() == "https://support.acme.com"
