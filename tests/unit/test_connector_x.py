"""X API v2 connector against a local HTTP server replaying real X responses (../shared/samples/x_api_v2)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from werkzeug import Response

from pipelines.defs.ingestion.x.api import TWEET_FIELDS, XApi, fetch_mentions, fetch_search, fetch_tweets
from pipelines.defs.ingestion.x.feeds import FEEDS
from pipelines.lib.connectors import day_window, refresh_window
from pipelines.lib.ingest import land_api_pages
from tests.unit import connector_support as support

X_TWEETS, X_MENTIONS, X_SEARCH = FEEDS
DAY = date(2026, 6, 1)
USER = "2244994945"
MENTIONS_PATH = f"/2/users/{USER}/mentions"


@pytest.fixture
def api(httpserver) -> XApi:
    return support.local_api(XApi, httpserver, bearer_token="test-token", user_id=USER,
                             search_query="maisonlumiere OR bougiesceleste")


def sample(samples, name: str) -> str:
    return support.read_sample(samples, "x_api_v2", name)


def test_timeline_follows_next_token_to_the_empty_last_page(httpserver, api, samples):
    page1 = sample(samples, "timeline/timeline_tweets.json")
    token = json.loads(page1)["meta"]["next_token"]
    path = f"/2/users/{USER}/tweets"
    support.respond(httpserver.expect_ordered_request(path, query_string={
        # the timeline re-reads the tweets of the last tweet_refresh_days (7) days
        "start_time": "2026-05-26T00:00:00Z", "end_time": "2026-06-02T00:00:00Z", "max_results": "100",
        "tweet.fields": TWEET_FIELDS, "expansions": "author_id", "user.fields": "name,username",
    }, headers={"Authorization": "Bearer test-token"}), page1)
    support.serve_in_order(httpserver, path, {"meta": {"result_count": 0}})
    pages = support.fetch_pages(api, fetch_tweets, DAY).pages
    assert [p.number for p in pages] == [1, 2]
    assert f"pagination_token={token}" in pages[1].url
    httpserver.check_assertions()


def test_a_refresh_window_ends_with_the_day_and_spans_the_days_asked():
    assert refresh_window(DAY, 7) == (datetime(2026, 5, 26, tzinfo=UTC), datetime(2026, 6, 2, tzinfo=UTC))
    assert refresh_window(DAY, 1) == refresh_window(DAY, 0) == day_window(DAY)


def test_mentions_and_search_stay_on_the_day_and_the_timeline_window_is_a_setting(httpserver, api, samples):
    day_only = {"start_time": "2026-06-01T00:00:00Z", "end_time": "2026-06-02T00:00:00Z"}
    empty = {"meta": {"result_count": 0}}
    timeline_params = {**day_only, "max_results": "100", "tweet.fields": TWEET_FIELDS,
                       "expansions": "author_id", "user.fields": "name,username"}
    timeline = httpserver.expect_ordered_request(f"/2/users/{USER}/tweets", query_string=timeline_params)
    support.respond(timeline, empty)
    for path in (MENTIONS_PATH, "/2/tweets/search/recent"):
        httpserver.expect_ordered_request(path).respond_with_json(empty)
    support.fetch_pages(api.model_copy(update={"tweet_refresh_days": 1}), fetch_tweets, DAY)
    support.fetch_pages(api, fetch_mentions, DAY)
    support.fetch_pages(api, fetch_search, DAY)
    httpserver.check_assertions()
    for request, _ in httpserver.log[1:]:
        assert (request.args["start_time"], request.args["end_time"]) == tuple(day_only.values())


def test_mentions_land_and_parse_every_record_with_authors(httpserver, api, samples, warehouse_con, no_inbox):
    page1 = json.loads(sample(samples, "searches/search_tweets_for_nyc.json"))  # has next_token, no includes
    page2 = sample(samples, "searches/search_tweets_query.json")  # last page, with includes.users
    support.serve_in_order(httpserver, MENTIONS_PATH, page1, page2)
    pages = support.fetch_pages(api, fetch_mentions, DAY).pages
    assert f"pagination_token={page1['meta']['next_token']}" in pages[1].url
    ingested = support.land_and_ingest(warehouse_con, X_MENTIONS, DAY, pages, no_inbox)
    assert ingested.landed == 2
    expected = page1["meta"]["result_count"] + json.loads(page2)["meta"]["result_count"]
    assert ingested["mentions"] == (expected, expected, 0)
    usernames = dict(support.rows(warehouse_con, "select tweet_id, author_username from x.mentions"))
    users = {u["id"]: u["username"] for u in json.loads(page2)["includes"]["users"]}
    for tweet in json.loads(page2)["data"]:
        assert usernames[tweet["id"]] == users[tweet["author_id"]]
    assert support.balanced(warehouse_con, X_MENTIONS, DAY)


def test_429_with_retry_after_then_success(httpserver, api, samples):
    support.serve_in_order(httpserver, "/2/tweets/search/recent",
                           Response("rate limited", status=429, headers={"Retry-After": "0"}),
                           sample(samples, "searches/search_tweets_query.json"))
    fetched = support.fetch_pages(api, fetch_search, DAY)
    assert fetched.requests_made == 2
    assert len(fetched.pages) == 1 and fetched.pages[0].status == 200
    assert fetched.waits == [0.0]  # the server's Retry-After, not our own backoff


def test_a_run_of_503s_then_success(httpserver, api, samples):
    support.serve_in_order(httpserver, MENTIONS_PATH, *support.busy(3),
                           sample(samples, "searches/search_tweets_query.json"))
    fetched = support.fetch_pages(api, fetch_mentions, DAY)
    assert len(fetched.pages) == 1 and len(fetched.waits) == 3
    assert fetched.waits == sorted(fetched.waits)  # exponential backoff grows


def test_too_many_failures_raise(httpserver, api):
    httpserver.expect_request(MENTIONS_PATH).respond_with_data("busy", status=503)
    with api.client() as client, pytest.raises(Exception, match="503"):
        client.sleep = lambda _: None
        fetch_mentions(api, client, DAY)


def test_truncated_body_is_landed_and_quarantined_whole(httpserver, api, samples, warehouse_con, no_inbox):
    text = sample(samples, "searches/search_tweets_for_nyc.json")
    support.respond(httpserver.expect_request(MENTIONS_PATH), text[:500])
    pages = support.fetch_pages(api, fetch_mentions, DAY).pages
    assert len(pages) == 1  # pagination stops: the next token is inside the unreadable body
    assert support.land_and_ingest(warehouse_con, X_MENTIONS, DAY, pages, no_inbox)["mentions"] == (1, 0, 1)
    assert support.quarantine_reasons(warehouse_con)[0].startswith("page is not valid JSON")


def test_the_same_page_delivered_twice_loads_each_record_once(httpserver, api, samples, warehouse_con,
                                                              no_inbox):
    page = json.loads(sample(samples, "searches/search_tweets_query.json"))
    first = {**page, "meta": {**page["meta"], "next_token": "again"}}
    support.serve_in_order(httpserver, MENTIONS_PATH, first, page)
    pages = support.fetch_pages(api, fetch_mentions, DAY).pages
    n = len(page["data"])
    ingested = support.land_and_ingest(warehouse_con, X_MENTIONS, DAY, pages, no_inbox)
    assert ingested["mentions"] == (2 * n, n, n)
    reasons = support.quarantine_reasons(warehouse_con)
    assert all(r.startswith("duplicate tweet_id") and r.endswith("of page 1)") for r in reasons)
    # Fetching the very same pages again lands nothing new.
    assert land_api_pages(warehouse_con, X_MENTIONS, DAY, pages) == 0


def test_dagster_materializes_mentions_from_the_api(httpserver, api, samples, tmp_path):
    support.respond(httpserver.expect_request(MENTIONS_PATH),
                    sample(samples, "searches/search_tweets_query.json"))
    result = support.materialize_feed(X_MENTIONS, DAY, "x_api", api, tmp_path)
    assert result.success
    metadata = support.materialized(result, "x__mentions")["mentions"]
    assert metadata["pages_fetched_from_api"] == 1
    assert metadata["records_loaded"] == 4
    assert support.checks_passed(result) == [True]


def test_without_credentials_the_connector_stays_idle():
    assert not XApi().is_configured()
    assert XApi(bearer_token="t", user_id="1").is_configured()
