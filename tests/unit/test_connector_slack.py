"""Slack Web API connector against a local HTTP server replaying real Slack responses (../shared/samples/slack_web_api)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

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
from pipelines.lib.ingest import land_api_pages
from tests.unit import connector_support as support

S_MESSAGES, S_USERS = FEEDS
DAY = date(2026, 6, 1)
CHANNEL = "C011DUKE8"  # the channel of the recorded history (slack_info.json)
DAY_START = int(datetime(2026, 6, 1, tzinfo=UTC).timestamp())
WINDOW = {"oldest": f"{DAY_START - 1}.999999", "latest": f"{DAY_START + 86400}.000000"}


def slack_api(httpserver, channels: str = CHANNEL) -> SlackApi:
    return support.local_api(SlackApi, httpserver, bot_token="xoxb-test", channel_ids=channels)


@pytest.fixture
def api(httpserver) -> SlackApi:
    return slack_api(httpserver)


def sample(samples, name: str) -> str:
    return support.read_sample(samples, "slack_web_api", name)


def serve_history(httpserver, channel: str, answer, headers: dict | None = None, **query: str) -> None:
    """The next request must ask the channel's history within the day's window (and ``query``): it gets
    ``answer``."""
    expected = httpserver.expect_ordered_request(
        HISTORY_PATH, query_string={"channel": channel, **WINDOW, "limit": "200", **query}, headers=headers)
    support.respond(expected, answer)


def test_history_without_cursor_pages_by_latest_as_recorded(httpserver, api, samples, warehouse_con,
                                                            no_inbox):
    """The recorded history says has_more without a next_cursor: the next page is asked with ``latest`` =
    the oldest ts seen, and the recorded second page indeed echoes that ``latest``."""
    page1, page2 = sample(samples, "slack_history.json"), sample(samples, "slack_history_next.json")
    serve_history(httpserver, CHANNEL, page1, headers={"Authorization": "Bearer xoxb-test"})
    oldest_seen = min(m["ts"] for m in json.loads(page1)["messages"])
    assert oldest_seen == json.loads(page2)["latest"]
    serve_history(httpserver, CHANNEL, page2, latest=oldest_seen)
    pages = support.fetch_pages(api, fetch_messages, DAY).pages
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2]
    ingested = support.land_and_ingest(warehouse_con, S_MESSAGES, DAY, pages, no_inbox)
    assert ingested["messages"] == (9, 9, 0)
    loaded = dict(support.rows(warehouse_con, "select ts, (channel_id, user_id, bot_id, subtype, posted_at) "
                                              "from slack.messages"))
    assert loaded["1486969200.000136"] == (CHANNEL, None, "B0001", "bot_message",
                                           datetime(2017, 2, 13, 7, 0, 0, 136, tzinfo=UTC))
    assert loaded["1427135634.000066"][:2] == (CHANNEL, "U0001")
    assert loaded["1486999900.000000"][1] == "U0003"  # a legacy file_comment: its author is comment.user
    assert support.balanced(warehouse_con, S_MESSAGES, DAY)


def test_history_follows_next_cursor_to_the_empty_page_for_each_channel(httpserver, samples, warehouse_con,
                                                                        no_inbox):
    api = slack_api(httpserver, f"{CHANNEL}, C0QUIET")
    page1 = json.loads(sample(samples, "slack_history.json"))
    page1["response_metadata"] = {"next_cursor": "bmV4dF90czoxNDI3MTM1NzMz"}
    empty = {"ok": True, "messages": [], "has_more": False, "pin_count": 0, "response_metadata": {"next_cursor": ""}}
    serve_history(httpserver, CHANNEL, page1)
    serve_history(httpserver, CHANNEL, empty, cursor="bmV4dF90czoxNDI3MTM1NzMz")
    serve_history(httpserver, "C0QUIET", empty)
    pages = support.fetch_pages(api, fetch_messages, DAY).pages
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2, 3]
    ingested = support.land_and_ingest(warehouse_con, S_MESSAGES, DAY, pages, no_inbox)
    assert ingested["messages"] == (7, 7, 0)


def test_ok_false_page_is_quarantined_whole_with_slacks_error(httpserver, samples, warehouse_con, no_inbox):
    api = slack_api(httpserver, f"C0GONE,{CHANNEL}")
    serve_history(httpserver, "C0GONE", {"ok": False, "error": "channel_not_found"})  # HTTP 200
    page = json.loads(sample(samples, "slack_history_next.json"))
    serve_history(httpserver, CHANNEL, page)
    pages = support.fetch_pages(api, fetch_messages, DAY).pages
    httpserver.check_assertions()  # the error ends that channel only
    ingested = support.land_and_ingest(warehouse_con, S_MESSAGES, DAY, pages, no_inbox)
    assert ingested["messages"] == (3, 2, 1)
    assert support.rows(warehouse_con, "select reason, record_index, source_file like '%channel=C0GONE%' "
                                       "from raw.quarantine") == [
        ("API error response: channel_not_found", None, True)]
    assert support.balanced(warehouse_con, S_MESSAGES, DAY)


def test_users_list_follows_next_cursor_to_the_last_page(httpserver, api, samples, warehouse_con, no_inbox):
    user = json.loads(sample(samples, "slack_user_U0001.json"))["user"]
    cursor = json.loads(sample(samples, "slack_members1.json"))["response_metadata"]["next_cursor"]
    bot = {**user, "id": "B0001U", "name": "eventbot", "real_name": None, "is_bot": True, "deleted": True, "tz": None,
           "profile": {"real_name": "Event Bot", "display_name": "events"}}
    support.respond(httpserver.expect_ordered_request(USERS_PATH, query_string={"limit": "200"}),
                    {"ok": True, "members": [user], "response_metadata": {"next_cursor": cursor}})
    support.respond(httpserver.expect_ordered_request(USERS_PATH,
                                                      query_string={"limit": "200", "cursor": cursor}),
                    {"ok": True, "members": [bot], "response_metadata": {"next_cursor": ""}})
    pages = support.fetch_pages(api, fetch_users, DAY).pages
    httpserver.check_assertions()
    assert support.land_and_ingest(warehouse_con, S_USERS, DAY, pages, no_inbox)["users"] == (2, 2, 0)
    assert support.rows(warehouse_con, "select user_id, name, real_name, display_name, is_bot, deleted, tz "
                                       "from slack.users order by user_id desc") == [
        ("U0001", "acs", "Alvaro del Castillo", None, False, False, "Europe/Amsterdam"),
        ("B0001U", "eventbot", "Event Bot", "events", True, True, None)]


def test_429_with_retry_after_then_success(httpserver, api, samples):
    support.serve_in_order(httpserver, HISTORY_PATH,
                           Response('{"ok": false, "error": "ratelimited"}', status=429,
                                    headers={"Retry-After": "30"}),
                           sample(samples, "slack_history_next.json"))
    fetched = support.fetch_pages(api, fetch_messages, DAY)
    assert fetched.requests_made == 2
    assert len(fetched.pages) == 1 and fetched.pages[0].status == 200
    assert fetched.waits == [30.0]


def test_a_run_of_503s_then_success(httpserver, api, samples):
    support.serve_in_order(httpserver, USERS_PATH, *support.busy(3), {"ok": True, "members": []})
    fetched = support.fetch_pages(api, fetch_users, DAY)
    assert len(fetched.pages) == 1 and len(fetched.waits) == 3
    assert fetched.waits == sorted(fetched.waits)


def test_truncated_body_is_landed_and_quarantined_whole(httpserver, api, samples, warehouse_con, no_inbox):
    text = sample(samples, "slack_history.json")
    support.respond(httpserver.expect_request(HISTORY_PATH), text[:700])
    pages = support.fetch_pages(api, fetch_messages, DAY).pages
    assert len(pages) == 1
    assert support.land_and_ingest(warehouse_con, S_MESSAGES, DAY, pages, no_inbox)["messages"] == (1, 0, 1)
    assert support.quarantine_reasons(warehouse_con)[0].startswith("page is not valid JSON")


def test_the_same_page_delivered_twice_loads_each_message_once(httpserver, api, samples, warehouse_con,
                                                               no_inbox):
    page = json.loads(sample(samples, "slack_history_next.json"))
    again = {**page, "has_more": True, "response_metadata": {"next_cursor": "again"}}
    support.serve_in_order(httpserver, HISTORY_PATH, again, page)
    pages = support.fetch_pages(api, fetch_messages, DAY).pages
    assert support.land_and_ingest(warehouse_con, S_MESSAGES, DAY, pages, no_inbox)["messages"] == (4, 2, 2)
    reasons = sorted(support.quarantine_reasons(warehouse_con))
    assert reasons[0] == f"duplicate message_id {CHANNEL}:1427135634.000066 (already loaded from record 2 of page 1)"
    assert land_api_pages(warehouse_con, S_MESSAGES, DAY, pages) == 0


def test_dagster_materializes_messages_from_the_api(httpserver, api, samples, tmp_path):
    support.respond(httpserver.expect_request(HISTORY_PATH), sample(samples, "slack_history_next.json"))
    result = support.materialize_feed(S_MESSAGES, DAY, "slack_api", api, tmp_path)
    assert result.success
    metadata = support.materialized(result, "slack__messages")["messages"]
    assert metadata["pages_fetched_from_api"] == 1
    assert metadata["records_loaded"] == 2
    assert support.checks_passed(result) == [True]


def test_without_credentials_the_connector_stays_idle(monkeypatch):
    for name in ("SLACK_BOT_TOKEN", "SLACK_CHANNEL_IDS"):
        monkeypatch.delenv(name, raising=False)
    assert not api_resources()["slack_api"].is_configured()
    assert SlackApi(bot_token="xoxb-1").is_configured()
    assert SlackApi(bot_token="xoxb-1", channel_ids=" C1, ,C2 ").channels() == ["C1", "C2"]
