"""Slack Web API connector against a local HTTP server replaying real Slack responses (../shared/samples/slack_web_api)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import dagster as dg
import pytest
from werkzeug import Response

from pipelines.defs.ingestion.slack.api import (
    HISTORY_PATH,
    USERS_PATH,
    SlackApi,
    api_resources,
    fetch_messages,
    fetch_users,
)
from pipelines.defs.ingestion.slack.feeds import FEEDS
from pipelines.lib.ingest import connect, ingest_feed, land_api_pages, reconcile

S_MESSAGES, S_USERS = FEEDS
DAY = date(2026, 6, 1)
CHANNEL = "C011DUKE8"  # the channel of the recorded history (slack_info.json)
DAY_START = int(datetime(2026, 6, 1, tzinfo=UTC).timestamp())
WINDOW = {"oldest": f"{DAY_START - 1}.999999", "latest": f"{DAY_START + 86400}.000000"}


def slack_api(httpserver, channels: str = CHANNEL) -> SlackApi:
    return SlackApi(base_url=httpserver.url_for(""), bot_token="xoxb-test", channel_ids=channels,
                    backoff_initial_seconds=0.01, max_attempts=5)


@pytest.fixture
def api(httpserver) -> SlackApi:
    return slack_api(httpserver)


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


@pytest.fixture
def no_inbox(tmp_path):
    return tmp_path / "no-inbox"


def sample(samples, name: str) -> str:
    return (samples / "slack_web_api" / name).read_text()


def test_history_without_cursor_pages_by_latest_as_recorded(httpserver, api, samples, con, no_inbox):
    """The recorded history says has_more without a next_cursor: the next page is asked with ``latest`` =
    the oldest ts seen, and the recorded second page indeed echoes that ``latest``."""
    page1, page2 = sample(samples, "slack_history.json"), sample(samples, "slack_history_next.json")
    httpserver.expect_ordered_request(HISTORY_PATH, query_string={"channel": CHANNEL, **WINDOW, "limit": "200"},
                                      headers={"Authorization": "Bearer xoxb-test"}).respond_with_data(
        page1, content_type="application/json")
    oldest_seen = min(m["ts"] for m in json.loads(page1)["messages"])
    assert oldest_seen == json.loads(page2)["latest"]
    httpserver.expect_ordered_request(HISTORY_PATH, query_string={
        "channel": CHANNEL, "oldest": WINDOW["oldest"], "latest": oldest_seen, "limit": "200"}).respond_with_data(
        page2, content_type="application/json")
    with api.client() as client:
        pages = fetch_messages(api, client, DAY)
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2]
    land_api_pages(con, S_MESSAGES, DAY, pages)
    stats = ingest_feed(con, S_MESSAGES, no_inbox, [DAY]).tables["messages"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (9, 9, 0)
    rows = dict(con.execute("select ts, (channel_id, user_id, bot_id, subtype, posted_at) from slack.messages").fetchall())
    assert rows["1486969200.000136"] == (CHANNEL, None, "B0001", "bot_message",
                                         datetime(2017, 2, 13, 7, 0, 0, 136, tzinfo=UTC))
    assert rows["1427135634.000066"][:2] == (CHANNEL, "U0001")
    assert rows["1486999900.000000"][1] == "U0003"  # a legacy file_comment: its author is comment.user
    assert reconcile(con, S_MESSAGES, S_MESSAGES.tables[0], [DAY])["balanced"]


def test_history_follows_next_cursor_to_the_empty_page_for_each_channel(httpserver, samples, con, no_inbox):
    api = slack_api(httpserver, f"{CHANNEL}, C0QUIET")
    page1 = json.loads(sample(samples, "slack_history.json"))
    page1["response_metadata"] = {"next_cursor": "bmV4dF90czoxNDI3MTM1NzMz"}
    empty = {"ok": True, "messages": [], "has_more": False, "pin_count": 0, "response_metadata": {"next_cursor": ""}}
    httpserver.expect_ordered_request(HISTORY_PATH, query_string={"channel": CHANNEL, **WINDOW, "limit": "200"}
                                      ).respond_with_json(page1)
    httpserver.expect_ordered_request(HISTORY_PATH, query_string={
        "channel": CHANNEL, **WINDOW, "limit": "200", "cursor": "bmV4dF90czoxNDI3MTM1NzMz"}).respond_with_json(empty)
    httpserver.expect_ordered_request(HISTORY_PATH, query_string={"channel": "C0QUIET", **WINDOW, "limit": "200"}
                                      ).respond_with_json(empty)
    with api.client() as client:
        pages = fetch_messages(api, client, DAY)
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2, 3]
    land_api_pages(con, S_MESSAGES, DAY, pages)
    stats = ingest_feed(con, S_MESSAGES, no_inbox, [DAY]).tables["messages"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (7, 7, 0)


def test_ok_false_page_is_quarantined_whole_with_slacks_error(httpserver, samples, con, no_inbox):
    api = slack_api(httpserver, f"C0GONE,{CHANNEL}")
    httpserver.expect_ordered_request(HISTORY_PATH, query_string={"channel": "C0GONE", **WINDOW, "limit": "200"}
                                      ).respond_with_json({"ok": False, "error": "channel_not_found"})  # HTTP 200
    page = json.loads(sample(samples, "slack_history_next.json"))
    httpserver.expect_ordered_request(HISTORY_PATH, query_string={"channel": CHANNEL, **WINDOW, "limit": "200"}
                                      ).respond_with_json(page)
    with api.client() as client:
        pages = fetch_messages(api, client, DAY)
    httpserver.check_assertions()  # the error ends that channel only
    land_api_pages(con, S_MESSAGES, DAY, pages)
    stats = ingest_feed(con, S_MESSAGES, no_inbox, [DAY]).tables["messages"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (3, 2, 1)
    assert con.execute("select reason, record_index, source_file like '%channel=C0GONE%' from raw.quarantine"
                       ).fetchall() == [("API error response: channel_not_found", None, True)]
    assert reconcile(con, S_MESSAGES, S_MESSAGES.tables[0], [DAY])["balanced"]


def test_users_list_follows_next_cursor_to_the_last_page(httpserver, api, samples, con, no_inbox):
    user = json.loads(sample(samples, "slack_user_U0001.json"))["user"]
    cursor = json.loads(sample(samples, "slack_members1.json"))["response_metadata"]["next_cursor"]
    bot = {**user, "id": "B0001U", "name": "eventbot", "real_name": None, "is_bot": True, "deleted": True, "tz": None,
           "profile": {"real_name": "Event Bot", "display_name": "events"}}
    httpserver.expect_ordered_request(USERS_PATH, query_string={"limit": "200"}).respond_with_json(
        {"ok": True, "members": [user], "response_metadata": {"next_cursor": cursor}})
    httpserver.expect_ordered_request(USERS_PATH, query_string={"limit": "200", "cursor": cursor}).respond_with_json(
        {"ok": True, "members": [bot], "response_metadata": {"next_cursor": ""}})
    with api.client() as client:
        pages = fetch_users(api, client, DAY)
    httpserver.check_assertions()
    land_api_pages(con, S_USERS, DAY, pages)
    stats = ingest_feed(con, S_USERS, no_inbox, [DAY]).tables["users"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (2, 2, 0)
    assert con.execute("select user_id, name, real_name, display_name, is_bot, deleted, tz from slack.users "
                       "order by user_id desc").fetchall() == [
        ("U0001", "acs", "Alvaro del Castillo", None, False, False, "Europe/Amsterdam"),
        ("B0001U", "eventbot", "Event Bot", "events", True, True, None)]


def test_429_with_retry_after_then_success(httpserver, api, samples):
    httpserver.expect_ordered_request(HISTORY_PATH).respond_with_response(
        Response('{"ok": false, "error": "ratelimited"}', status=429, headers={"Retry-After": "30"}))
    httpserver.expect_ordered_request(HISTORY_PATH).respond_with_data(
        sample(samples, "slack_history_next.json"), content_type="application/json")
    waits = []
    with api.client() as client:
        client.sleep = waits.append
        pages = fetch_messages(api, client, DAY)
        assert client.requests_made == 2
    assert len(pages) == 1 and pages[0].status == 200
    assert waits == [30.0]


def test_a_run_of_503s_then_success(httpserver, api, samples):
    for _ in range(3):
        httpserver.expect_ordered_request(USERS_PATH).respond_with_data("busy", status=503)
    httpserver.expect_ordered_request(USERS_PATH).respond_with_json({"ok": True, "members": []})
    waits = []
    with api.client() as client:
        client.sleep = waits.append
        pages = fetch_users(api, client, DAY)
    assert len(pages) == 1 and len(waits) == 3
    assert waits == sorted(waits)


def test_truncated_body_is_landed_and_quarantined_whole(httpserver, api, samples, con, no_inbox):
    text = sample(samples, "slack_history.json")
    httpserver.expect_request(HISTORY_PATH).respond_with_data(text[:700], content_type="application/json")
    with api.client() as client:
        pages = fetch_messages(api, client, DAY)
    assert len(pages) == 1
    land_api_pages(con, S_MESSAGES, DAY, pages)
    stats = ingest_feed(con, S_MESSAGES, no_inbox, [DAY]).tables["messages"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (1, 0, 1)
    assert con.execute("select reason from raw.quarantine").fetchone()[0].startswith("page is not valid JSON")


def test_the_same_page_delivered_twice_loads_each_message_once(httpserver, api, samples, con, no_inbox):
    page = json.loads(sample(samples, "slack_history_next.json"))
    httpserver.expect_ordered_request(HISTORY_PATH).respond_with_json(
        {**page, "has_more": True, "response_metadata": {"next_cursor": "again"}})
    httpserver.expect_ordered_request(HISTORY_PATH).respond_with_json(page)
    with api.client() as client:
        pages = fetch_messages(api, client, DAY)
    land_api_pages(con, S_MESSAGES, DAY, pages)
    stats = ingest_feed(con, S_MESSAGES, no_inbox, [DAY]).tables["messages"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (4, 2, 2)
    reasons = sorted(r[0] for r in con.execute("select reason from raw.quarantine").fetchall())
    assert reasons[0] == f"duplicate message_id {CHANNEL}:1427135634.000066 (already loaded from record 2 of page 1)"
    assert land_api_pages(con, S_MESSAGES, DAY, pages) == 0


def test_dagster_materializes_messages_from_the_api(httpserver, api, samples, tmp_path):
    from pipelines.defs.ingestion.factory import build_feed_assets
    from pipelines.defs.resources import FeedsInbox, Warehouse

    httpserver.expect_request(HISTORY_PATH).respond_with_data(
        sample(samples, "slack_history_next.json"), content_type="application/json")
    asset = build_feed_assets(S_MESSAGES, pool="duckdb_warehouse")
    result = dg.materialize(
        [asset],
        partition_key=DAY.isoformat(),
        resources={"warehouse": Warehouse(path=str(tmp_path / "w.duckdb")),
                   "inbox": FeedsInbox(path=str(tmp_path / "inbox")), "slack_api": api},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    materialization = result.asset_materializations_for_node("slack__messages")[0]
    assert materialization.metadata["pages_fetched_from_api"].value == 1
    assert materialization.metadata["records_loaded"].value == 2
    assert [c.passed for c in result.get_asset_check_evaluations()] == [True]


def test_without_credentials_the_connector_stays_idle(monkeypatch):
    for name in ("SLACK_BOT_TOKEN", "SLACK_CHANNEL_IDS"):
        monkeypatch.delenv(name, raising=False)
    assert not api_resources()["slack_api"].is_configured()
    assert SlackApi(bot_token="xoxb-1").is_configured()
    assert SlackApi(bot_token="xoxb-1", channel_ids=" C1, ,C2 ").channels() == ["C1", "C2"]
