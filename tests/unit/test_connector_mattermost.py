"""Mattermost connector against a local HTTP server replaying real Mattermost responses
(../shared/samples/mattermost_api): pages of ``{"order": [...], "posts": {id: post}}``."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from werkzeug import Response

from pipelines.defs.ingestion.mattermost.api import MattermostApi, api_resources, fetch_posts
from pipelines.defs.ingestion.mattermost.feeds import FEEDS, posts_map_to_array
from pipelines.lib.ingest import land_api_pages
from tests.unit import connector_support as support

(M_POSTS,) = FEEDS
DAY = date(2026, 6, 1)
RECORDED_DAY = date(2018, 4, 12)  # every recorded post was created that day
CHANNEL = "cf6axeehstft9eq4nq5uk5jqby"
POSTS_PATH = f"/api/v4/channels/{CHANNEL}/posts"
EMPTY = {"order": [], "posts": {}, "next_post_id": "", "prev_post_id": ""}


@pytest.fixture
def api(httpserver) -> MattermostApi:
    return support.local_api(MattermostApi, httpserver, token="test-token", channel_ids=CHANNEL)


def sample(samples, name: str) -> str:
    return support.read_sample(samples, "mattermost_api", name)


def posts_page(httpserver, number: int, answer, **match) -> None:
    """The ``number``-th page of the channel's posts (0 first) answers ``answer``, in order."""
    query = {"per_page": "200", "page": str(number)}
    support.respond(httpserver.expect_ordered_request(POSTS_PATH, query_string=query, **match), answer)


def test_pages_to_the_empty_page_and_every_post_of_the_map_loads(httpserver, api, samples, warehouse_con,
                                                                 no_inbox):
    first, second = sample(samples, "mattermost_posts.json"), sample(samples, "mattermost_posts_next.json")
    posts_page(httpserver, 0, first, headers={"Authorization": "Bearer test-token"})
    posts_page(httpserver, 1, second)
    posts_page(httpserver, 2, EMPTY)
    pages = support.fetch_pages(api, fetch_posts, RECORDED_DAY).pages
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2, 3]
    expected = len(json.loads(first)["posts"]) + len(json.loads(second)["posts"])
    ingested = support.land_and_ingest(warehouse_con, M_POSTS, RECORDED_DAY, pages, no_inbox)
    assert ingested["posts"] == (expected, expected, 0)
    # records follow the page's `order` (newest first), not the map's key order
    order = json.loads(first)["order"]
    first_page = support.rows(warehouse_con, "select post_id from mattermost.posts "
                                             "where _source_file like '%page=0%' order by _record_index")
    assert [r[0] for r in first_page] == order
    reply = warehouse_con.execute("select channel_id, user_id, root_id, message, created_at, has_reactions "
                                  "from mattermost.posts "
                                  "where post_id = '59io5i1f5bbetxtj6mbm67fouw'").fetchone()
    assert reply == (CHANNEL, "8tbwn7uikpdy3gpse6fgiie5co", "pot46s7kjif7xx6x91ua7m4d7y",
                     "El Madrid también en semis", datetime(2018, 4, 12, 15, 27, 26, 639000, tzinfo=UTC), False)
    assert warehouse_con.execute("select post_type, root_id is null, edited_at is null from mattermost.posts "
                                 "where post_id = '1ju85sxo7bfab8nf3yk5snn17a'").fetchone() == (
        "system_join_team", True, True)
    assert support.balanced(warehouse_con, M_POSTS, RECORDED_DAY)


def test_a_page_reaching_before_the_day_ends_the_pagination(httpserver, api, samples):
    posts_page(httpserver, 0, sample(samples, "mattermost_posts.json"))
    fetched = support.fetch_pages(api, fetch_posts, date(2018, 4, 13))
    assert fetched.requests_made == 1
    assert len(fetched.pages) == 1


def test_the_converter_keeps_posts_missing_from_order():
    body = {"order": ["b"], "posts": {"a": {"id": "a"}, "b": {"id": "b"}}, "next_post_id": ""}
    assert json.loads(posts_map_to_array(json.dumps(body)))["posts"] == [{"id": "b"}, {"id": "a"}]
    error = '{"id": "api.context.session_expired.app_error", "message": "Invalid or expired session", "status_code": 401}'
    assert posts_map_to_array(error) == error
    with pytest.raises(ValueError, match="not valid JSON"):
        posts_map_to_array('{"order": ["a"], "posts": {"a": {"id"')


def test_429_with_retry_after_then_success(httpserver, api, samples):
    support.serve_in_order(httpserver, POSTS_PATH,
                           Response("Too Many Requests", status=429, headers={"Retry-After": "2"}),
                           sample(samples, "mattermost_posts.json"))
    fetched = support.fetch_pages(api, fetch_posts, DAY)
    assert fetched.requests_made == 2
    assert len(fetched.pages) == 1 and fetched.pages[0].status == 200
    assert fetched.waits == [2.0]


def test_a_run_of_503s_then_success(httpserver, api, samples):
    support.serve_in_order(httpserver, POSTS_PATH, *support.busy(3), sample(samples, "mattermost_posts.json"))
    fetched = support.fetch_pages(api, fetch_posts, DAY)
    assert len(fetched.pages) == 1 and len(fetched.waits) == 3
    assert fetched.waits == sorted(fetched.waits)


def test_truncated_body_is_landed_and_quarantined_whole(httpserver, api, samples, warehouse_con, no_inbox):
    support.respond(httpserver.expect_request(POSTS_PATH), sample(samples, "mattermost_posts.json")[:1200])
    pages = support.fetch_pages(api, fetch_posts, RECORDED_DAY).pages
    assert len(pages) == 1
    ingested = support.land_and_ingest(warehouse_con, M_POSTS, RECORDED_DAY, pages, no_inbox)
    assert ingested["posts"] == (1, 0, 1)
    reason = support.quarantine_reasons(warehouse_con)[0]
    assert reason.startswith("page is not a readable mattermost_posts document: not valid JSON")


def test_the_same_page_delivered_twice_loads_each_post_once(httpserver, api, samples, warehouse_con,
                                                            no_inbox):
    page = sample(samples, "mattermost_posts_next.json")
    for number in (0, 1):
        posts_page(httpserver, number, page)
    posts_page(httpserver, 2, EMPTY)
    pages = support.fetch_pages(api, fetch_posts, RECORDED_DAY).pages
    ingested = support.land_and_ingest(warehouse_con, M_POSTS, RECORDED_DAY, pages, no_inbox)
    assert ingested["posts"] == (8, 4, 4)
    reasons = support.quarantine_reasons(warehouse_con)
    assert all(r.startswith("duplicate post_id") and r.endswith("of page 1)") for r in reasons)
    assert land_api_pages(warehouse_con, M_POSTS, RECORDED_DAY, pages) == 0


def test_dagster_materializes_posts_from_the_api(httpserver, api, samples, tmp_path):
    support.respond(httpserver.expect_request(POSTS_PATH), sample(samples, "mattermost_posts.json"))
    result = support.materialize_feed(M_POSTS, DAY, "mattermost_api", api, tmp_path)
    assert result.success
    metadata = support.materialized(result, "mattermost__posts")["posts"]
    assert metadata["pages_fetched_from_api"] == 1
    assert metadata["records_loaded"] == 5
    assert support.checks_passed(result) == [True]


def test_without_credentials_the_connector_stays_idle(monkeypatch):
    for name in ("MATTERMOST_BASE_URL", "MATTERMOST_TOKEN", "MATTERMOST_CHANNEL_IDS"):
        monkeypatch.delenv(name, raising=False)
    assert not api_resources()["mattermost_api"].is_configured()
    assert not MattermostApi(base_url="https://chat.example.org", token="t").is_configured()  # no channel
    configured = MattermostApi(base_url="https://chat.example.org/api/v4/", token="t", channel_ids="abc")
    assert configured.is_configured()
    assert configured.api_path("/channels/abc/posts") == "/channels/abc/posts"
    assert MattermostApi(base_url="https://chat.example.org").api_path("/x") == "/api/v4/x"
