"""Mastodon REST connector against a local HTTP server replaying real Mastodon responses
(../shared/samples/mastodon_api)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from werkzeug import Response

from pipelines.defs.ingestion.mastodon import api as mastodon_api
from pipelines.defs.ingestion.mastodon.api import (
    NOTIFICATION_TYPES,
    MastodonApi,
    fetch_notifications,
    fetch_status_replies,
    fetch_statuses,
    status_id_window,
)
from pipelines.defs.ingestion.mastodon.feeds import FEEDS
from pipelines.lib.ingest import land_api_pages
from tests.unit import connector_support as support

STATUSES, REPLIES, NOTIFICATIONS = FEEDS
ACCOUNT = "117020565693913441"
DAY = date(2026, 8, 1)  # the day the samples were recorded
STATUSES_PATH = f"/api/v1/accounts/{ACCOUNT}/statuses"
NOTIFICATIONS_PATH = "/api/v1/notifications"


@pytest.fixture
def api(httpserver) -> MastodonApi:
    return support.local_api(MastodonApi, httpserver, access_token="test-token", account_id=ACCOUNT)


def sample(samples, name: str) -> str:
    return support.read_sample(samples, "mastodon_api", name)


def timeline(samples) -> str:
    return sample(samples, "test_public_tl__v1_timelines_public__2.json")


def notifications(samples) -> str:
    return sample(samples, "test_notifications__v1_notifications__1.json")


def link(httpserver, path: str, **query) -> dict[str, str]:
    """A Mastodon Link header: next (older) and prev (newer) pages, absolute URLs."""
    older = httpx.URL(httpserver.url_for(path), params={"limit": query.get("limit", 40), "max_id": query["max_id"]})
    newer = httpx.URL(httpserver.url_for(path), params={"limit": query.get("limit", 40), "min_id": query["min_id"]})
    return {"Link": f'<{older}>; rel="next", <{newer}>; rel="prev"'}


def test_status_ids_encode_their_creation_time_so_a_day_is_an_id_range(samples):
    statuses = json.loads(timeline(samples))
    since_id, max_id = (int(i) for i in status_id_window(DAY))
    for status in statuses:
        created = datetime.fromisoformat(status["created_at"])
        from_id = datetime.fromtimestamp((int(status["id"]) >> 16) / 1000, UTC)
        assert abs(created - from_id) < timedelta(milliseconds=10)  # id = unix_ms << 16 + sequence
        assert since_id < int(status["id"]) < max_id
    for other_day in (DAY - timedelta(days=1), DAY + timedelta(days=1)):
        since_other, max_other = (int(i) for i in status_id_window(other_day))
        assert not any(since_other < int(s["id"]) < max_other for s in statuses)
    # the boundaries: the first id of the day is in, the first id of the next day is out
    assert since_id + 1 == int(datetime(2026, 8, 1, tzinfo=UTC).timestamp() * 1000) << 16
    assert max_id == int(datetime(2026, 8, 2, tzinfo=UTC).timestamp() * 1000) << 16


def test_statuses_follow_the_link_header_to_the_empty_last_page(httpserver, api, samples, warehouse_con,
                                                                no_inbox):
    page1 = timeline(samples)
    statuses = json.loads(page1)
    since_id, max_id = status_id_window(DAY)
    httpserver.expect_ordered_request(
        STATUSES_PATH, query_string={"limit": "40", "since_id": since_id, "max_id": max_id},
        headers={"Authorization": "Bearer test-token"},
    ).respond_with_data(page1, content_type="application/json",
                        headers=link(httpserver, STATUSES_PATH, max_id=statuses[-1]["id"], min_id=statuses[0]["id"]))
    # Mastodon's next link drops since_id: the connector puts it back, so the last page is the day's end.
    httpserver.expect_ordered_request(
        STATUSES_PATH, query_string={"limit": "40", "max_id": statuses[-1]["id"], "since_id": since_id},
        headers={"Authorization": "Bearer test-token"},
    ).respond_with_json([], headers=link(httpserver, STATUSES_PATH, max_id="1", min_id="2"))  # empty: the end
    pages = support.fetch_pages(api, fetch_statuses, DAY).pages
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2]
    ingested = support.land_and_ingest(warehouse_con, STATUSES, DAY, pages, no_inbox)
    assert ingested.landed == 2
    assert ingested["statuses"] == (len(statuses), len(statuses), 0)
    assert support.balanced(warehouse_con, STATUSES, DAY)
    first = statuses[0]
    row = warehouse_con.execute(
        "select created_at, account_id, account_acct, content, language, visibility, replies_count, "
        "reblogs_count, favourites_count, url, in_reply_to_id, reblog_of_id "
        "from mastodon.statuses where status_id = ?", [first["id"]]).fetchone()
    assert row == (datetime(2026, 8, 1, 13, 55, 50, 338000, tzinfo=UTC), first["account"]["id"],
                   first["account"]["acct"], first["content"], first["language"], first["visibility"],
                   first["replies_count"], first["reblogs_count"], first["favourites_count"], first["url"], None, None)


def test_replies_come_from_the_context_of_the_statuses_that_have_some(httpserver, api, samples, warehouse_con,
                                                                     no_inbox):
    statuses = json.loads(timeline(samples))
    with_replies, empty_thread, deleted = statuses[2], statuses[4], statuses[5]
    for status, count in ((with_replies, 2), (empty_thread, 1), (deleted, 1)):
        status["replies_count"] = count
    support.serve_in_order(httpserver, STATUSES_PATH, statuses)
    # Real statuses as the thread below `with_replies`; the other context is the recorded (empty) one.
    descendants = [{**s, "in_reply_to_id": with_replies["id"], "in_reply_to_account_id": with_replies["account"]["id"]}
                   for s in json.loads(sample(samples, "test_hashtag_tl__v1_timelines_tag_hoot__2.json")) + statuses[:1]]
    context = f"/api/v1/statuses/{with_replies['id']}/context"
    support.serve_in_order(httpserver, context, {"ancestors": [], "descendants": descendants})
    recorded_context = sample(samples, "test_status_context__v1_statuses_117020585487094447_context__1.json")
    support.serve_in_order(httpserver, f"/api/v1/statuses/{empty_thread['id']}/context", recorded_context)
    httpserver.expect_ordered_request(f"/api/v1/statuses/{deleted['id']}/context").respond_with_json(
        {"error": "Record not found"}, status=404)  # deleted since it was listed: skipped
    pages = support.fetch_pages(api, fetch_status_replies, DAY).pages
    httpserver.check_assertions()
    assert [(p.number, httpx.URL(p.url).path) for p in pages] == [(1, context), (2, context.replace(
        with_replies["id"], empty_thread["id"]))]
    assert support.land_and_ingest(warehouse_con, REPLIES, DAY, pages, no_inbox)["replies"] == (2, 2, 0)
    assert support.balanced(warehouse_con, REPLIES, DAY)
    assert support.rows(warehouse_con, "select distinct in_reply_to_id from mastodon.replies") == [
        (with_replies["id"],)]


def test_notifications_follow_the_link_until_the_day_is_passed(httpserver, api, samples):
    page1 = notifications(samples)  # one mention, 2026-08-01T13:51:39Z
    httpserver.expect_ordered_request(NOTIFICATIONS_PATH).respond_with_data(
        page1, content_type="application/json",
        headers=link(httpserver, NOTIFICATIONS_PATH, limit=80, max_id="20", min_id="20"))
    support.respond(httpserver.expect_ordered_request(NOTIFICATIONS_PATH,
                                                      query_string={"limit": "80", "max_id": "20"}), [])
    pages = support.fetch_pages(api, fetch_notifications, DAY).pages
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2]
    first_request = httpserver.log[0][0]
    assert first_request.args.getlist("types[]") == list(NOTIFICATION_TYPES)
    assert first_request.args["limit"] == "80"
    assert first_request.headers["Authorization"] == "Bearer test-token"


def test_notifications_stop_at_the_first_page_reaching_before_the_day(httpserver, api, samples):
    httpserver.expect_request(NOTIFICATIONS_PATH).respond_with_data(
        notifications(samples), content_type="application/json",
        headers=link(httpserver, NOTIFICATIONS_PATH, limit=80, max_id="20", min_id="20"))
    fetched = support.fetch_pages(api, fetch_notifications, DAY + timedelta(days=1))
    assert fetched.requests_made == 1  # the link is there, but everything after it is older than the day
    assert len(fetched.pages) == 1


def test_notification_pages_newer_than_the_day_are_skipped(httpserver, api, samples):
    # Notification ids are a plain sequence ("20"), not snowflakes: no id window, the listing is read
    # newest first; a page entirely after the day is only a way to reach it and does not land.
    httpserver.expect_ordered_request(NOTIFICATIONS_PATH).respond_with_data(
        notifications(samples), content_type="application/json",
        headers=link(httpserver, NOTIFICATIONS_PATH, limit=80, max_id="20", min_id="20"))
    support.serve_in_order(httpserver, NOTIFICATIONS_PATH, [])
    pages = support.fetch_pages(api, fetch_notifications, DAY - timedelta(days=1)).pages
    assert [p.number for p in pages] == [2] and pages[0].text.strip() == "[]"


def test_the_same_notification_delivered_twice_loads_once(httpserver, api, samples, warehouse_con, no_inbox):
    listing = json.loads(notifications(samples))
    # GET /api/v1/notifications/20, recorded separately, is the same notification: served as the next page.
    again = [json.loads(sample(samples, "test_notifications__v1_notifications_20__2.json"))]
    assert again == listing
    httpserver.expect_ordered_request(NOTIFICATIONS_PATH).respond_with_json(
        listing, headers=link(httpserver, NOTIFICATIONS_PATH, limit=80, max_id="21", min_id="20"))
    support.serve_in_order(httpserver, NOTIFICATIONS_PATH, again)
    pages = support.fetch_pages(api, fetch_notifications, DAY).pages
    ingested = support.land_and_ingest(warehouse_con, NOTIFICATIONS, DAY, pages, no_inbox)
    assert ingested["notifications"] == (2, 1, 1)
    assert support.quarantine_reasons(warehouse_con)[0] == (
        "duplicate notification_id 20 (already loaded from record 1 of page 1)")
    mention = listing[0]
    row = warehouse_con.execute("select type, created_at, account_id, account_acct, status_id, "
                                "status_in_reply_to_id, status_content "
                                "from mastodon.notifications").fetchone()
    assert row == ("mention", datetime(2026, 8, 1, 13, 51, 39, 668000, tzinfo=UTC), mention["account"]["id"],
                   "admin", mention["status"]["id"], None, mention["status"]["content"])
    assert land_api_pages(warehouse_con, NOTIFICATIONS, DAY, pages) == 0


def test_429_with_retry_after_then_success(httpserver, api, samples):
    support.serve_in_order(httpserver, STATUSES_PATH,
                           Response("rate limited", status=429, headers={"Retry-After": "0"}),
                           timeline(samples))
    fetched = support.fetch_pages(api, fetch_statuses, DAY)
    assert fetched.requests_made == 2
    assert len(fetched.pages) == 1 and fetched.pages[0].status == 200
    assert fetched.waits == [0.0]  # the server's Retry-After, not our own backoff


@pytest.mark.parametrize(("reset", "expected_wait"), [("2026-01-01T00:00:00.000000Z", 0.0),
                                                      ("2999-01-01T00:00:00.000000Z", 7.5)])
def test_429_waits_for_mastodons_rate_limit_reset(httpserver, api, samples, reset, expected_wait):
    # Mastodon's own 429 has no Retry-After but X-RateLimit-Reset, an ISO time (capped by max_wait_seconds)
    api = api.model_copy(update={"max_wait_seconds": 7.5})
    support.serve_in_order(httpserver, NOTIFICATIONS_PATH, Response(
        '{"error":"Too many requests"}', status=429,
        headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}),
        notifications(samples))
    assert support.fetch_pages(api, fetch_notifications, DAY).waits == [expected_wait]


def test_a_run_of_503s_then_success(httpserver, api, samples):
    support.serve_in_order(httpserver, STATUSES_PATH, *support.busy(3), timeline(samples))
    fetched = support.fetch_pages(api, fetch_statuses, DAY)
    assert len(fetched.pages) == 1 and len(fetched.waits) == 3
    assert fetched.waits == sorted(fetched.waits)  # exponential backoff grows


def test_too_many_failures_raise(httpserver, api):
    httpserver.expect_request(STATUSES_PATH).respond_with_data("busy", status=503)
    with api.client() as client, pytest.raises(Exception, match="503"):
        client.sleep = lambda _: None
        fetch_statuses(api, client, DAY)


def test_truncated_body_is_landed_and_quarantined_whole(httpserver, api, samples, warehouse_con, no_inbox):
    text = timeline(samples)
    httpserver.expect_request(STATUSES_PATH).respond_with_data(text[:900], content_type="application/json",
                                                               headers=link(httpserver, STATUSES_PATH, max_id="1",
                                                                            min_id="2"))
    pages = support.fetch_pages(api, fetch_statuses, DAY).pages
    assert len(pages) == 1  # an unreadable page ends the pagination, even with a next link
    assert support.land_and_ingest(warehouse_con, STATUSES, DAY, pages, no_inbox)["statuses"] == (1, 0, 1)
    assert support.quarantine_reasons(warehouse_con)[0].startswith("page is not valid JSON")


def test_dagster_materializes_statuses_from_the_api(httpserver, api, samples, tmp_path):
    partition = date(2026, 6, 1)
    since_id, max_id = status_id_window(partition)
    day_query = {"limit": "40", "since_id": since_id, "max_id": max_id}
    support.respond(httpserver.expect_request(STATUSES_PATH, query_string=day_query), timeline(samples))
    result = support.materialize_feed(STATUSES, partition, mastodon_api.RESOURCE_KEY, api, tmp_path)
    assert result.success
    metadata = support.materialized(result, "mastodon__statuses")["statuses"]
    assert metadata["pages_fetched_from_api"] == 1
    assert metadata["records_loaded"] == len(json.loads(timeline(samples)))
    assert support.checks_passed(result) == [True]


def test_without_credentials_the_connector_stays_idle(monkeypatch):
    assert not MastodonApi().is_configured()
    assert not MastodonApi(access_token="t", account_id="1").is_configured()  # no instance
    assert MastodonApi(base_url="https://mastodon.example", access_token="t", account_id="1").is_configured()
    for name in ("MASTODON_BASE_URL", "MASTODON_ACCESS_TOKEN", "MASTODON_ACCOUNT_ID"):
        monkeypatch.delenv(name, raising=False)
    assert not mastodon_api.api_resources()[mastodon_api.RESOURCE_KEY].is_configured()
    monkeypatch.setenv("MASTODON_BASE_URL", "https://mastodon.example")
    monkeypatch.setenv("MASTODON_ACCESS_TOKEN", "t")
    monkeypatch.setenv("MASTODON_ACCOUNT_ID", "1")
    assert mastodon_api.api_resources()[mastodon_api.RESOURCE_KEY].is_configured()
