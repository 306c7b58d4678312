"""Discourse connector against a local HTTP server replaying real Discourse responses (../shared/samples/discourse_api).

About the samples (recorded by Perceval): ``discourse_posts.json`` is a topic page (``/t/1448.json``, the
"IBM PowerVM support?" topic listed as 1148 in ``discourse_topics.json``), and the two ``discourse_topic_*``
pages list post *numbers* in ``post_stream.stream`` where Discourse sends post ids, and share their posts.
Where a test needs a consistent topic it says which field it rewrites."""

from __future__ import annotations

import json
from datetime import date

import pytest
from werkzeug import Response

from pipelines.defs.ingestion.discourse.api import LATEST_PATH, DiscourseApi, api_resources, fetch_forum
from pipelines.defs.ingestion.discourse.feeds import FEEDS
from tests.unit import connector_support as support

(D_FORUM,) = FEEDS
DAY = date(2026, 6, 1)
ACTIVE_DAY = date(2016, 5, 24)  # both listed topics were bumped on 2016-05-25: active since this day's start
EMPTY_LATEST = {"users": [], "topic_list": {"can_create_topic": False, "per_page": 30, "topics": []}}


@pytest.fixture
def api(httpserver) -> DiscourseApi:
    return support.local_api(DiscourseApi, httpserver, api_key="test-key", api_username="system")


def sample(samples, name: str) -> str:
    return support.read_sample(samples, "discourse_api", name)


def topic_page(samples, name: str) -> dict:
    """A recorded topic page, its ``stream`` set to the ids of its posts (all posts returned)."""
    page = json.loads(sample(samples, name))
    page["post_stream"]["stream"] = [p["id"] for p in page["post_stream"]["posts"]]
    return page


def latest_page(httpserver, number: int, answer, **match) -> None:
    """The ``number``-th page of the latest topics (0 first) answers ``answer``, in order."""
    support.respond(httpserver.expect_ordered_request(LATEST_PATH, query_string={"page": str(number)},
                                                      **match), answer)


def test_latest_pages_to_the_empty_page_then_each_active_topic(httpserver, api, samples, warehouse_con,
                                                               no_inbox):
    headers = {"Api-Key": "test-key", "Api-Username": "system"}
    latest_page(httpserver, 0, sample(samples, "discourse_topics.json"), headers=headers)
    latest_page(httpserver, 1, EMPTY_LATEST)
    support.respond(httpserver.expect_ordered_request("/t/1148.json", headers=headers),
                    topic_page(samples, "discourse_topic_1148.json"))
    support.serve_in_order(httpserver, "/t/1149.json", topic_page(samples, "discourse_topic_1149.json"))
    pages = support.fetch_pages(api, fetch_forum, ACTIVE_DAY).pages
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2, 3, 4]
    ingested = support.land_and_ingest(warehouse_con, D_FORUM, ACTIVE_DAY, pages, no_inbox)
    assert ingested["topics"] == (2, 2, 0)
    # the two recorded topic pages share their first two posts (18952, 19133): loaded once, not twice
    assert ingested["posts"] == (22, 20, 2)
    topics = support.rows(warehouse_con, "select topic_id, title, original_poster_user_id, views "
                                         "from discourse.topics order by 1")
    assert topics == [(1148, "IBM PowerVM support?", 533, 40),
                      (1149, "Specify per-item service catalogue approval type", 644, 30)]
    post = warehouse_con.execute("select post_number, reply_to_post_number, username, reads, score, staff "
                                 "from discourse.posts where post_id = 19162").fetchone()
    assert post == (4, 3, "gorhill", 52, 40.4, False)
    for table in D_FORUM.tables:
        assert support.balanced(warehouse_con, D_FORUM, ACTIVE_DAY, table)


def test_a_latest_page_without_recent_activity_ends_the_listing(httpserver, api, samples):
    latest_page(httpserver, 0, sample(samples, "discourse_topics.json"))
    # both topics were last bumped the day before
    fetched = support.fetch_pages(api, fetch_forum, date(2016, 5, 26))
    assert fetched.requests_made == 1  # no page 1, no topic page
    assert len(fetched.pages) == 1


def test_posts_beyond_the_first_chunk_are_fetched_by_id(httpserver, api, samples, warehouse_con, no_inbox):
    listing = json.loads(sample(samples, "discourse_topics.json"))
    listing["topic_list"]["topics"] = listing["topic_list"]["topics"][:1]
    listing["topic_list"]["topics"][0]["id"] = 1448  # the topic the recorded page really is
    topic = json.loads(sample(samples, "discourse_posts.json"))
    posts = topic["post_stream"]["posts"]
    topic["post_stream"]["posts"] = posts[:2]  # as Discourse does past chunk_size: the rest only in `stream`
    latest_page(httpserver, 0, listing)
    latest_page(httpserver, 1, EMPTY_LATEST)
    support.serve_in_order(httpserver, "/t/1448.json", topic)
    support.respond(httpserver.expect_ordered_request("/t/1448/posts.json",
                                                      query_string="post_ids%5B%5D=4393&post_ids%5B%5D=4396"),
                    {"post_stream": {"posts": posts[2:]}, "id": 1448})
    pages = support.fetch_pages(api, fetch_forum, ACTIVE_DAY).pages
    httpserver.check_assertions()
    assert support.land_and_ingest(warehouse_con, D_FORUM, ACTIVE_DAY, pages, no_inbox)["posts"] == (4, 4, 0)
    post_ids = support.rows(warehouse_con, "select post_id from discourse.posts order by post_number")
    assert [r[0] for r in post_ids] == [4383, 4387, 4393, 4396]


def test_429_with_retry_after_then_success(httpserver, api, samples):
    support.serve_in_order(httpserver, LATEST_PATH,
                           Response('{"errors": ["too many requests"], "error_type": "rate_limit"}',
                                    status=429, headers={"Retry-After": "12"}),
                           sample(samples, "discourse_topics.json"))
    fetched = support.fetch_pages(api, fetch_forum, DAY)
    assert fetched.requests_made == 2
    assert len(fetched.pages) == 1 and fetched.pages[0].status == 200
    assert fetched.waits == [12.0]


def test_a_run_of_503s_then_success(httpserver, api, samples):
    support.serve_in_order(httpserver, LATEST_PATH, *support.busy(3),
                           sample(samples, "discourse_topics.json"))
    fetched = support.fetch_pages(api, fetch_forum, DAY)
    assert len(fetched.pages) == 1 and len(fetched.waits) == 3
    assert fetched.waits == sorted(fetched.waits)


def test_truncated_body_is_landed_and_quarantined_whole(httpserver, api, samples, warehouse_con, no_inbox):
    support.respond(httpserver.expect_request(LATEST_PATH), sample(samples, "discourse_topics.json")[:900])
    pages = support.fetch_pages(api, fetch_forum, ACTIVE_DAY).pages
    assert len(pages) == 1
    ingested = support.land_and_ingest(warehouse_con, D_FORUM, ACTIVE_DAY, pages, no_inbox)
    assert ingested["topics"] == (1, 0, 1)
    assert ingested["posts"] == (1, 0, 1)  # the lost page is declared for every table it could feed
    reasons = set(support.quarantine_reasons(warehouse_con))
    assert reasons == {"page is not valid JSON (truncated or corrupt body)"}


def test_the_same_page_twice_loads_each_topic_once_and_gone_topics_are_skipped(httpserver, api, samples,
                                                                                warehouse_con, no_inbox):
    listing = sample(samples, "discourse_topics.json")
    for number in (0, 1):
        latest_page(httpserver, number, listing)
    latest_page(httpserver, 2, EMPTY_LATEST)
    httpserver.expect_ordered_request("/t/1148.json").respond_with_json(
        {"errors": ["The requested URL or resource could not be found."], "error_type": "not_found"}, status=404)
    httpserver.expect_ordered_request("/t/1149.json").respond_with_json({"errors": ["private"]}, status=403)
    pages = support.fetch_pages(api, fetch_forum, ACTIVE_DAY).pages
    httpserver.check_assertions()  # each topic read once, though listed twice
    ingested = support.land_and_ingest(warehouse_con, D_FORUM, ACTIVE_DAY, pages, no_inbox)
    assert ingested["topics"] == (4, 2, 2)
    assert ingested["posts"] == (0, 0, 0)
    assert sorted(support.quarantine_reasons(warehouse_con)) == [
        "duplicate topic_id 1148 (already loaded from record 1 of page 1)",
        "duplicate topic_id 1149 (already loaded from record 2 of page 1)"]


def test_dagster_materializes_topics_and_posts_from_the_api(httpserver, api, samples, tmp_path):
    listing = json.loads(sample(samples, "discourse_topics.json"))
    listing["topic_list"]["topics"][0]["bumped_at"] = "2026-06-01T09:30:00.000Z"  # active on the partition's day
    support.respond(httpserver.expect_request(LATEST_PATH, query_string={"page": "0"}), listing)
    support.respond(httpserver.expect_request(LATEST_PATH, query_string={"page": "1"}), EMPTY_LATEST)
    support.respond(httpserver.expect_request("/t/1148.json"), sample(samples, "discourse_posts.json"))
    result = support.materialize_feed(D_FORUM, DAY, "discourse_api", api, tmp_path)
    assert result.success
    by_table = support.materialized(result, "discourse__forum")
    assert by_table["topics"]["pages_fetched_from_api"] == 3
    assert by_table["topics"]["records_loaded"] == 2
    assert by_table["posts"]["records_loaded"] == 4
    assert support.checks_passed(result) == [True, True]


def test_without_credentials_the_connector_stays_idle(monkeypatch):
    for name in ("DISCOURSE_BASE_URL", "DISCOURSE_API_KEY", "DISCOURSE_API_USERNAME"):
        monkeypatch.delenv(name, raising=False)
    assert not api_resources()["discourse_api"].is_configured()
    assert not DiscourseApi(base_url="https://forum.example.org", api_key="k").is_configured()
    assert DiscourseApi(base_url="https://forum.example.org", api_key="k", api_username="system").is_configured()
