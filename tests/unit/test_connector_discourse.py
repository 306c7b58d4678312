"""Discourse connector against a local HTTP server replaying real Discourse responses (../shared/samples/discourse_api).

About the samples (recorded by Perceval): ``discourse_posts.json`` is a topic page (``/t/1448.json``, the
"IBM PowerVM support?" topic listed as 1148 in ``discourse_topics.json``), and the two ``discourse_topic_*``
pages list post *numbers* in ``post_stream.stream`` where Discourse sends post ids, and share their posts.
Where a test needs a consistent topic it says which field it rewrites."""

from __future__ import annotations

import json
from datetime import date

import dagster as dg
import pytest
from werkzeug import Response

from pipelines.defs.ingestion.discourse.api import LATEST_PATH, DiscourseApi, api_resources, fetch_forum
from pipelines.defs.ingestion.discourse.feeds import FEEDS
from pipelines.lib.ingest import connect, ingest_feed, land_api_pages, reconcile

(D_FORUM,) = FEEDS
DAY = date(2026, 6, 1)
ACTIVE_DAY = date(2016, 5, 24)  # both listed topics were bumped on 2016-05-25: active since this day's start
EMPTY_LATEST = {"users": [], "topic_list": {"can_create_topic": False, "per_page": 30, "topics": []}}


@pytest.fixture
def api(httpserver) -> DiscourseApi:
    return DiscourseApi(base_url=httpserver.url_for(""), api_key="test-key", api_username="system",
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
    return (samples / "discourse_api" / name).read_text()


def topic_page(samples, name: str) -> dict:
    """A recorded topic page, its ``stream`` set to the ids of its posts (all posts returned)."""
    page = json.loads(sample(samples, name))
    page["post_stream"]["stream"] = [p["id"] for p in page["post_stream"]["posts"]]
    return page


def stats_of(result, table):
    s = result.tables[table]
    return s.records_in, s.loaded, s.quarantined


def test_latest_pages_to_the_empty_page_then_each_active_topic(httpserver, api, samples, con, no_inbox):
    headers = {"Api-Key": "test-key", "Api-Username": "system"}
    httpserver.expect_ordered_request(LATEST_PATH, query_string={"page": "0"}, headers=headers).respond_with_data(
        sample(samples, "discourse_topics.json"), content_type="application/json")
    httpserver.expect_ordered_request(LATEST_PATH, query_string={"page": "1"}).respond_with_json(EMPTY_LATEST)
    httpserver.expect_ordered_request("/t/1148.json", headers=headers).respond_with_json(
        topic_page(samples, "discourse_topic_1148.json"))
    httpserver.expect_ordered_request("/t/1149.json").respond_with_json(topic_page(samples, "discourse_topic_1149.json"))
    with api.client() as client:
        pages = fetch_forum(api, client, ACTIVE_DAY)
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2, 3, 4]
    land_api_pages(con, D_FORUM, ACTIVE_DAY, pages)
    result = ingest_feed(con, D_FORUM, no_inbox, [ACTIVE_DAY])
    assert stats_of(result, "topics") == (2, 2, 0)
    # the two recorded topic pages share their first two posts (18952, 19133): loaded once, not twice
    assert stats_of(result, "posts") == (22, 20, 2)
    assert con.execute("select topic_id, title, original_poster_user_id, views from discourse.topics "
                       "order by 1").fetchall() == [(1148, "IBM PowerVM support?", 533, 40),
                                                    (1149, "Specify per-item service catalogue approval type", 644, 30)]
    assert con.execute("select post_number, reply_to_post_number, username, reads, score, staff "
                       "from discourse.posts where post_id = 19162").fetchone() == (4, 3, "gorhill", 52, 40.4, False)
    for table in D_FORUM.tables:
        assert reconcile(con, D_FORUM, table, [ACTIVE_DAY])["balanced"]


def test_a_latest_page_without_recent_activity_ends_the_listing(httpserver, api, samples):
    httpserver.expect_ordered_request(LATEST_PATH, query_string={"page": "0"}).respond_with_data(
        sample(samples, "discourse_topics.json"), content_type="application/json")
    with api.client() as client:
        pages = fetch_forum(api, client, date(2016, 5, 26))  # both topics were last bumped the day before
        assert client.requests_made == 1  # no page 1, no topic page
    assert len(pages) == 1


def test_posts_beyond_the_first_chunk_are_fetched_by_id(httpserver, api, samples, con, no_inbox):
    listing = json.loads(sample(samples, "discourse_topics.json"))
    listing["topic_list"]["topics"] = listing["topic_list"]["topics"][:1]
    listing["topic_list"]["topics"][0]["id"] = 1448  # the topic the recorded page really is
    topic = json.loads(sample(samples, "discourse_posts.json"))
    posts = topic["post_stream"]["posts"]
    topic["post_stream"]["posts"] = posts[:2]  # as Discourse does past chunk_size: the rest only in `stream`
    httpserver.expect_ordered_request(LATEST_PATH, query_string={"page": "0"}).respond_with_json(listing)
    httpserver.expect_ordered_request(LATEST_PATH, query_string={"page": "1"}).respond_with_json(EMPTY_LATEST)
    httpserver.expect_ordered_request("/t/1448.json").respond_with_json(topic)
    httpserver.expect_ordered_request("/t/1448/posts.json", query_string="post_ids%5B%5D=4393&post_ids%5B%5D=4396"
                                      ).respond_with_json({"post_stream": {"posts": posts[2:]}, "id": 1448})
    with api.client() as client:
        pages = fetch_forum(api, client, ACTIVE_DAY)
    httpserver.check_assertions()
    land_api_pages(con, D_FORUM, ACTIVE_DAY, pages)
    result = ingest_feed(con, D_FORUM, no_inbox, [ACTIVE_DAY])
    assert stats_of(result, "posts") == (4, 4, 0)
    assert [r[0] for r in con.execute("select post_id from discourse.posts order by post_number").fetchall()] == [
        4383, 4387, 4393, 4396]


def test_429_with_retry_after_then_success(httpserver, api, samples):
    httpserver.expect_ordered_request(LATEST_PATH).respond_with_response(
        Response('{"errors": ["too many requests"], "error_type": "rate_limit"}', status=429,
                 headers={"Retry-After": "12"}))
    httpserver.expect_ordered_request(LATEST_PATH).respond_with_data(
        sample(samples, "discourse_topics.json"), content_type="application/json")
    waits = []
    with api.client() as client:
        client.sleep = waits.append
        pages = fetch_forum(api, client, DAY)
        assert client.requests_made == 2
    assert len(pages) == 1 and pages[0].status == 200
    assert waits == [12.0]


def test_a_run_of_503s_then_success(httpserver, api, samples):
    for _ in range(3):
        httpserver.expect_ordered_request(LATEST_PATH).respond_with_data("busy", status=503)
    httpserver.expect_ordered_request(LATEST_PATH).respond_with_data(
        sample(samples, "discourse_topics.json"), content_type="application/json")
    waits = []
    with api.client() as client:
        client.sleep = waits.append
        pages = fetch_forum(api, client, DAY)
    assert len(pages) == 1 and len(waits) == 3
    assert waits == sorted(waits)


def test_truncated_body_is_landed_and_quarantined_whole(httpserver, api, samples, con, no_inbox):
    httpserver.expect_request(LATEST_PATH).respond_with_data(sample(samples, "discourse_topics.json")[:900],
                                                             content_type="application/json")
    with api.client() as client:
        pages = fetch_forum(api, client, ACTIVE_DAY)
    assert len(pages) == 1
    land_api_pages(con, D_FORUM, ACTIVE_DAY, pages)
    result = ingest_feed(con, D_FORUM, no_inbox, [ACTIVE_DAY])
    assert stats_of(result, "topics") == (1, 0, 1)
    assert stats_of(result, "posts") == (1, 0, 1)  # the lost page is declared for every table it could feed
    reasons = {r[0] for r in con.execute("select reason from raw.quarantine").fetchall()}
    assert reasons == {"page is not valid JSON (truncated or corrupt body)"}


def test_the_same_page_twice_loads_each_topic_once_and_gone_topics_are_skipped(httpserver, api, samples, con,
                                                                                no_inbox):
    listing = sample(samples, "discourse_topics.json")
    for page in ("0", "1"):
        httpserver.expect_ordered_request(LATEST_PATH, query_string={"page": page}).respond_with_data(
            listing, content_type="application/json")
    httpserver.expect_ordered_request(LATEST_PATH, query_string={"page": "2"}).respond_with_json(EMPTY_LATEST)
    httpserver.expect_ordered_request("/t/1148.json").respond_with_json(
        {"errors": ["The requested URL or resource could not be found."], "error_type": "not_found"}, status=404)
    httpserver.expect_ordered_request("/t/1149.json").respond_with_json({"errors": ["private"]}, status=403)
    with api.client() as client:
        pages = fetch_forum(api, client, ACTIVE_DAY)
    httpserver.check_assertions()  # each topic read once, though listed twice
    land_api_pages(con, D_FORUM, ACTIVE_DAY, pages)
    result = ingest_feed(con, D_FORUM, no_inbox, [ACTIVE_DAY])
    assert stats_of(result, "topics") == (4, 2, 2)
    assert stats_of(result, "posts") == (0, 0, 0)
    reasons = sorted(r[0] for r in con.execute("select reason from raw.quarantine").fetchall())
    assert reasons == ["duplicate topic_id 1148 (already loaded from record 1 of page 1)",
                       "duplicate topic_id 1149 (already loaded from record 2 of page 1)"]


def test_dagster_materializes_topics_and_posts_from_the_api(httpserver, api, samples, tmp_path):
    from pipelines.defs.ingestion.factory import build_feed_assets
    from pipelines.defs.resources import FeedsInbox, Warehouse

    listing = json.loads(sample(samples, "discourse_topics.json"))
    listing["topic_list"]["topics"][0]["bumped_at"] = "2026-06-01T09:30:00.000Z"  # active on the partition's day
    httpserver.expect_request(LATEST_PATH, query_string={"page": "0"}).respond_with_json(listing)
    httpserver.expect_request(LATEST_PATH, query_string={"page": "1"}).respond_with_json(EMPTY_LATEST)
    httpserver.expect_request("/t/1148.json").respond_with_data(sample(samples, "discourse_posts.json"),
                                                                content_type="application/json")
    asset = build_feed_assets(D_FORUM, pool="duckdb_warehouse")
    result = dg.materialize(
        [asset],
        partition_key=DAY.isoformat(),
        resources={"warehouse": Warehouse(path=str(tmp_path / "w.duckdb")),
                   "inbox": FeedsInbox(path=str(tmp_path / "inbox")), "discourse_api": api},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    by_table = {m.asset_key.path[-1]: m.metadata for m in result.asset_materializations_for_node("discourse__forum")}
    assert by_table["topics"]["pages_fetched_from_api"].value == 3
    assert by_table["topics"]["records_loaded"].value == 2
    assert by_table["posts"]["records_loaded"].value == 4
    assert [c.passed for c in result.get_asset_check_evaluations()] == [True, True]


def test_without_credentials_the_connector_stays_idle(monkeypatch):
    for name in ("DISCOURSE_BASE_URL", "DISCOURSE_API_KEY", "DISCOURSE_API_USERNAME"):
        monkeypatch.delenv(name, raising=False)
    assert not api_resources()["discourse_api"].is_configured()
    assert not DiscourseApi(base_url="https://forum.example.org", api_key="k").is_configured()
    assert DiscourseApi(base_url="https://forum.example.org", api_key="k", api_username="system").is_configured()
