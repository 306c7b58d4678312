"""X API v2 connector against a local HTTP server replaying real X responses (../shared/samples/x_api_v2)."""

from __future__ import annotations

import json
from datetime import date

import dagster as dg
import pytest
from werkzeug import Response

from pipelines.defs.ingestion.x.api import TWEET_FIELDS, XApi, fetch_mentions, fetch_search, fetch_tweets
from pipelines.defs.ingestion.x.feeds import FEEDS
from pipelines.lib.ingest import connect, ingest_feed, land_api_pages, reconcile

X_TWEETS, X_MENTIONS, X_SEARCH = FEEDS
DAY = date(2026, 6, 1)
USER = "2244994945"


@pytest.fixture
def api(httpserver) -> XApi:
    return XApi(base_url=httpserver.url_for(""), bearer_token="test-token", user_id=USER,
                search_query="maisonlumiere OR bougiesceleste", backoff_initial_seconds=0.01, max_attempts=5)


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


@pytest.fixture
def no_inbox(tmp_path):
    """These tests read from the API only: the inbox folder does not exist."""
    return tmp_path / "no-inbox"


def sample(samples, name: str) -> str:
    return (samples / "x_api_v2" / name).read_text()


def test_timeline_follows_next_token_to_the_empty_last_page(httpserver, api, samples):
    page1 = sample(samples, "timeline/timeline_tweets.json")
    token = json.loads(page1)["meta"]["next_token"]
    path = f"/2/users/{USER}/tweets"
    httpserver.expect_ordered_request(path, query_string={
        "start_time": "2026-06-01T00:00:00Z", "end_time": "2026-06-02T00:00:00Z", "max_results": "100",
        "tweet.fields": TWEET_FIELDS, "expansions": "author_id", "user.fields": "name,username",
    }, headers={"Authorization": "Bearer test-token"}).respond_with_data(page1, content_type="application/json")
    httpserver.expect_ordered_request(path).respond_with_json({"meta": {"result_count": 0}})
    with api.client() as client:
        pages = fetch_tweets(api, client, DAY)
    assert [p.number for p in pages] == [1, 2]
    assert f"pagination_token={token}" in pages[1].url
    httpserver.check_assertions()


def test_mentions_land_and_parse_every_record_with_authors(httpserver, api, samples, con, no_inbox):
    page1 = json.loads(sample(samples, "searches/search_tweets_for_nyc.json"))  # has next_token, no includes
    page2 = sample(samples, "searches/search_tweets_query.json")  # last page, with includes.users
    path = f"/2/users/{USER}/mentions"
    httpserver.expect_ordered_request(path).respond_with_json(page1)
    httpserver.expect_ordered_request(path).respond_with_data(page2, content_type="application/json")
    with api.client() as client:
        pages = fetch_mentions(api, client, DAY)
    assert f"pagination_token={page1['meta']['next_token']}" in pages[1].url
    assert land_api_pages(con, X_MENTIONS, DAY, pages) == 2
    stats = ingest_feed(con, X_MENTIONS, no_inbox, [DAY]).tables["mentions"]
    expected = page1["meta"]["result_count"] + json.loads(page2)["meta"]["result_count"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (expected, expected, 0)
    usernames = dict(con.execute("select tweet_id, author_username from x.mentions").fetchall())
    users = {u["id"]: u["username"] for u in json.loads(page2)["includes"]["users"]}
    for tweet in json.loads(page2)["data"]:
        assert usernames[tweet["id"]] == users[tweet["author_id"]]
    assert reconcile(con, X_MENTIONS, X_MENTIONS.tables[0], [DAY])["balanced"]


def test_429_with_retry_after_then_success(httpserver, api, samples):
    httpserver.expect_ordered_request("/2/tweets/search/recent").respond_with_response(
        Response("rate limited", status=429, headers={"Retry-After": "0"}))
    httpserver.expect_ordered_request("/2/tweets/search/recent").respond_with_data(
        sample(samples, "searches/search_tweets_query.json"), content_type="application/json")
    waits = []
    with api.client() as client:
        client.sleep = waits.append
        pages = fetch_search(api, client, DAY)
        assert client.requests_made == 2
    assert len(pages) == 1 and pages[0].status == 200
    assert waits == [0.0]  # the server's Retry-After, not our own backoff


def test_a_run_of_503s_then_success(httpserver, api, samples):
    for _ in range(3):
        httpserver.expect_ordered_request(f"/2/users/{USER}/mentions").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request(f"/2/users/{USER}/mentions").respond_with_data(
        sample(samples, "searches/search_tweets_query.json"), content_type="application/json")
    waits = []
    with api.client() as client:
        client.sleep = waits.append
        pages = fetch_mentions(api, client, DAY)
    assert len(pages) == 1 and len(waits) == 3
    assert waits == sorted(waits)  # exponential backoff grows


def test_too_many_failures_raise(httpserver, api):
    httpserver.expect_request(f"/2/users/{USER}/mentions").respond_with_data("busy", status=503)
    with api.client() as client, pytest.raises(Exception, match="503"):
        client.sleep = lambda _: None
        fetch_mentions(api, client, DAY)


def test_truncated_body_is_landed_and_quarantined_whole(httpserver, api, samples, con, no_inbox):
    text = sample(samples, "searches/search_tweets_for_nyc.json")
    httpserver.expect_request(f"/2/users/{USER}/mentions").respond_with_data(text[:500], content_type="application/json")
    with api.client() as client:
        pages = fetch_mentions(api, client, DAY)
    assert len(pages) == 1  # pagination stops: the next token is inside the unreadable body
    land_api_pages(con, X_MENTIONS, DAY, pages)
    stats = ingest_feed(con, X_MENTIONS, no_inbox, [DAY]).tables["mentions"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (1, 0, 1)
    assert con.execute("select reason from raw.quarantine").fetchone()[0].startswith("page is not valid JSON")


def test_the_same_page_delivered_twice_loads_each_record_once(httpserver, api, samples, con, no_inbox):
    page = json.loads(sample(samples, "searches/search_tweets_query.json"))
    first = {**page, "meta": {**page["meta"], "next_token": "again"}}
    httpserver.expect_ordered_request(f"/2/users/{USER}/mentions").respond_with_json(first)
    httpserver.expect_ordered_request(f"/2/users/{USER}/mentions").respond_with_json(page)
    with api.client() as client:
        pages = fetch_mentions(api, client, DAY)
    land_api_pages(con, X_MENTIONS, DAY, pages)
    stats = ingest_feed(con, X_MENTIONS, no_inbox, [DAY]).tables["mentions"]
    n = len(page["data"])
    assert (stats.records_in, stats.loaded, stats.quarantined) == (2 * n, n, n)
    reasons = [r[0] for r in con.execute("select reason from raw.quarantine").fetchall()]
    assert all(r.startswith("duplicate tweet_id") and r.endswith("of page 1)") for r in reasons)
    # Fetching the very same pages again lands nothing new.
    assert land_api_pages(con, X_MENTIONS, DAY, pages) == 0


def test_dagster_materializes_mentions_from_the_api(httpserver, api, samples, tmp_path):
    from pipelines.defs.ingestion.factory import build_feed_assets
    from pipelines.defs.resources import FeedsInbox, Warehouse

    httpserver.expect_request(f"/2/users/{USER}/mentions").respond_with_data(
        sample(samples, "searches/search_tweets_query.json"), content_type="application/json")
    asset = build_feed_assets(X_MENTIONS, pool="duckdb_warehouse")
    warehouse = tmp_path / "w.duckdb"
    result = dg.materialize(
        [asset],
        partition_key=DAY.isoformat(),
        resources={"warehouse": Warehouse(path=str(warehouse)), "inbox": FeedsInbox(path=str(tmp_path / "inbox")),
                   "x_api": api},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    materialization = result.asset_materializations_for_node("x__mentions")[0]
    assert materialization.metadata["pages_fetched_from_api"].value == 1
    assert materialization.metadata["records_loaded"].value == 4
    checks = result.get_asset_check_evaluations()
    assert [c.passed for c in checks] == [True]


def test_without_credentials_the_connector_stays_idle():
    assert not XApi().is_configured()
    assert XApi(bearer_token="t", user_id="1").is_configured()
