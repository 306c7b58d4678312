"""Mattermost connector against a local HTTP server replaying real Mattermost responses
(../shared/samples/mattermost_api): pages of ``{"order": [...], "posts": {id: post}}``."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import dagster as dg
import pytest
from werkzeug import Response

from pipelines.defs.ingestion.mattermost.api import MattermostApi, api_resources, fetch_posts
from pipelines.defs.ingestion.mattermost.feeds import FEEDS, posts_map_to_array
from pipelines.lib.ingest import connect, ingest_feed, land_api_pages, reconcile

(M_POSTS,) = FEEDS
DAY = date(2026, 6, 1)
RECORDED_DAY = date(2018, 4, 12)  # every recorded post was created that day
CHANNEL = "cf6axeehstft9eq4nq5uk5jqby"
POSTS_PATH = f"/api/v4/channels/{CHANNEL}/posts"
EMPTY = {"order": [], "posts": {}, "next_post_id": "", "prev_post_id": ""}


@pytest.fixture
def api(httpserver) -> MattermostApi:
    return MattermostApi(base_url=httpserver.url_for(""), token="test-token", channel_ids=CHANNEL,
                         backoff_initial_seconds=0.01, max_attempts=5)


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


@pytest.fixture
def no_inbox(tmp_path):
    return tmp_path / "no-inbox"


def sample(samples, name: str) -> str:
    return (samples / "mattermost_api" / name).read_text()


def test_pages_to_the_empty_page_and_every_post_of_the_map_loads(httpserver, api, samples, con, no_inbox):
    first, second = sample(samples, "mattermost_posts.json"), sample(samples, "mattermost_posts_next.json")
    httpserver.expect_ordered_request(POSTS_PATH, query_string={"per_page": "200", "page": "0"},
                                      headers={"Authorization": "Bearer test-token"}).respond_with_data(
        first, content_type="application/json")
    httpserver.expect_ordered_request(POSTS_PATH, query_string={"per_page": "200", "page": "1"}).respond_with_data(
        second, content_type="application/json")
    httpserver.expect_ordered_request(POSTS_PATH, query_string={"per_page": "200", "page": "2"}).respond_with_json(EMPTY)
    with api.client() as client:
        pages = fetch_posts(api, client, RECORDED_DAY)
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2, 3]
    land_api_pages(con, M_POSTS, RECORDED_DAY, pages)
    stats = ingest_feed(con, M_POSTS, no_inbox, [RECORDED_DAY]).tables["posts"]
    expected = len(json.loads(first)["posts"]) + len(json.loads(second)["posts"])
    assert (stats.records_in, stats.loaded, stats.quarantined) == (expected, expected, 0)
    # records follow the page's `order` (newest first), not the map's key order
    order = json.loads(first)["order"]
    assert [r[0] for r in con.execute("select post_id from mattermost.posts where _source_file like '%page=0%' "
                                      "order by _record_index").fetchall()] == order
    reply = con.execute("select channel_id, user_id, root_id, message, created_at, has_reactions "
                        "from mattermost.posts where post_id = '59io5i1f5bbetxtj6mbm67fouw'").fetchone()
    assert reply == (CHANNEL, "8tbwn7uikpdy3gpse6fgiie5co", "pot46s7kjif7xx6x91ua7m4d7y",
                     "El Madrid también en semis", datetime(2018, 4, 12, 15, 27, 26, 639000, tzinfo=UTC), False)
    assert con.execute("select post_type, root_id is null, edited_at is null from mattermost.posts "
                       "where post_id = '1ju85sxo7bfab8nf3yk5snn17a'").fetchone() == ("system_join_team", True, True)
    assert reconcile(con, M_POSTS, M_POSTS.tables[0], [RECORDED_DAY])["balanced"]


def test_a_page_reaching_before_the_day_ends_the_pagination(httpserver, api, samples):
    httpserver.expect_ordered_request(POSTS_PATH, query_string={"per_page": "200", "page": "0"}).respond_with_data(
        sample(samples, "mattermost_posts.json"), content_type="application/json")
    with api.client() as client:
        pages = fetch_posts(api, client, date(2018, 4, 13))
        assert client.requests_made == 1
    assert len(pages) == 1


def test_the_converter_keeps_posts_missing_from_order():
    body = {"order": ["b"], "posts": {"a": {"id": "a"}, "b": {"id": "b"}}, "next_post_id": ""}
    assert json.loads(posts_map_to_array(json.dumps(body)))["posts"] == [{"id": "b"}, {"id": "a"}]
    error = '{"id": "api.context.session_expired.app_error", "message": "Invalid or expired session", "status_code": 401}'
    assert posts_map_to_array(error) == error
    with pytest.raises(ValueError, match="not valid JSON"):
        posts_map_to_array('{"order": ["a"], "posts": {"a": {"id"')


def test_429_with_retry_after_then_success(httpserver, api, samples):
    httpserver.expect_ordered_request(POSTS_PATH).respond_with_response(
        Response("Too Many Requests", status=429, headers={"Retry-After": "2"}))
    httpserver.expect_ordered_request(POSTS_PATH).respond_with_data(
        sample(samples, "mattermost_posts.json"), content_type="application/json")
    waits = []
    with api.client() as client:
        client.sleep = waits.append
        pages = fetch_posts(api, client, DAY)
        assert client.requests_made == 2
    assert len(pages) == 1 and pages[0].status == 200
    assert waits == [2.0]


def test_a_run_of_503s_then_success(httpserver, api, samples):
    for _ in range(3):
        httpserver.expect_ordered_request(POSTS_PATH).respond_with_data("busy", status=503)
    httpserver.expect_ordered_request(POSTS_PATH).respond_with_data(
        sample(samples, "mattermost_posts.json"), content_type="application/json")
    waits = []
    with api.client() as client:
        client.sleep = waits.append
        pages = fetch_posts(api, client, DAY)
    assert len(pages) == 1 and len(waits) == 3
    assert waits == sorted(waits)


def test_truncated_body_is_landed_and_quarantined_whole(httpserver, api, samples, con, no_inbox):
    httpserver.expect_request(POSTS_PATH).respond_with_data(sample(samples, "mattermost_posts.json")[:1200],
                                                            content_type="application/json")
    with api.client() as client:
        pages = fetch_posts(api, client, RECORDED_DAY)
    assert len(pages) == 1
    land_api_pages(con, M_POSTS, RECORDED_DAY, pages)
    stats = ingest_feed(con, M_POSTS, no_inbox, [RECORDED_DAY]).tables["posts"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (1, 0, 1)
    reason = con.execute("select reason from raw.quarantine").fetchone()[0]
    assert reason.startswith("page is not a readable mattermost_posts document: not valid JSON")


def test_the_same_page_delivered_twice_loads_each_post_once(httpserver, api, samples, con, no_inbox):
    page = sample(samples, "mattermost_posts_next.json")
    for number in ("0", "1"):
        httpserver.expect_ordered_request(POSTS_PATH, query_string={"per_page": "200", "page": number}
                                          ).respond_with_data(page, content_type="application/json")
    httpserver.expect_ordered_request(POSTS_PATH, query_string={"per_page": "200", "page": "2"}).respond_with_json(EMPTY)
    with api.client() as client:
        pages = fetch_posts(api, client, RECORDED_DAY)
    land_api_pages(con, M_POSTS, RECORDED_DAY, pages)
    stats = ingest_feed(con, M_POSTS, no_inbox, [RECORDED_DAY]).tables["posts"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (8, 4, 4)
    reasons = [r[0] for r in con.execute("select reason from raw.quarantine").fetchall()]
    assert all(r.startswith("duplicate post_id") and r.endswith("of page 1)") for r in reasons)
    assert land_api_pages(con, M_POSTS, RECORDED_DAY, pages) == 0


def test_dagster_materializes_posts_from_the_api(httpserver, api, samples, tmp_path):
    from pipelines.defs.ingestion.factory import build_feed_assets
    from pipelines.defs.resources import FeedsInbox, Warehouse

    httpserver.expect_request(POSTS_PATH).respond_with_data(sample(samples, "mattermost_posts.json"),
                                                            content_type="application/json")
    asset = build_feed_assets(M_POSTS, pool="duckdb_warehouse")
    result = dg.materialize(
        [asset],
        partition_key=DAY.isoformat(),
        resources={"warehouse": Warehouse(path=str(tmp_path / "w.duckdb")),
                   "inbox": FeedsInbox(path=str(tmp_path / "inbox")), "mattermost_api": api},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    materialization = result.asset_materializations_for_node("mattermost__posts")[0]
    assert materialization.metadata["pages_fetched_from_api"].value == 1
    assert materialization.metadata["records_loaded"].value == 5
    assert [c.passed for c in result.get_asset_check_evaluations()] == [True]


def test_without_credentials_the_connector_stays_idle(monkeypatch):
    for name in ("MATTERMOST_BASE_URL", "MATTERMOST_TOKEN", "MATTERMOST_CHANNEL_IDS"):
        monkeypatch.delenv(name, raising=False)
    assert not api_resources()["mattermost_api"].is_configured()
    assert not MattermostApi(base_url="https://chat.example.org", token="t").is_configured()  # no channel
    configured = MattermostApi(base_url="https://chat.example.org/api/v4/", token="t", channel_ids="abc")
    assert configured.is_configured()
    assert configured.api_path("/channels/abc/posts") == "/channels/abc/posts"
    assert MattermostApi(base_url="https://chat.example.org").api_path("/x") == "/api/v4/x"
