"""Facebook Page connector (Graph API) against a local HTTP server replaying real Graph API responses
(../shared/samples/facebook_graph_api). The samples' ``paging.next`` URLs point at graph.facebook.com: the
tests point them at the local server, nothing else in a sample is changed unless a test says so."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from werkzeug import Request, Response

from pipelines.defs.ingestion.facebook import api as facebook_api
from pipelines.defs.ingestion.facebook.api import (
    COMMENT_FIELDS,
    DEFAULT_PAGE_METRICS,
    POST_METRICS,
    FacebookApi,
    fetch_comments,
    fetch_page_insights,
    fetch_posts,
    post_fields,
)
from pipelines.defs.ingestion.facebook.feeds import FEEDS
from pipelines.defs.ingestion.facebook.graph import epoch_window, graph_insights_to_json
from pipelines.defs.ingestion.factory import days_to_fetch
from pipelines.lib.ingest import land_api_pages
from tests.unit import connector_support as support

FB_POSTS, FB_COMMENTS, FB_PAGE_INSIGHTS = FEEDS
DAY = date(2026, 6, 1)
SINCE, UNTIL = epoch_window(DAY)
POSTS_SINCE = UNTIL - 28 * 86_400  # the feed re-reads the posts of the last post_refresh_days (28) days
PAGE = "19292868552"
POST = "19292868552_10158407654328553"  # the post of the comments samples
TOKEN = "test-page-token"
FEED_PATH, INSIGHTS_PATH = f"/v21.0/{PAGE}/feed", f"/v21.0/{PAGE}/insights"
INVALID_METRIC = {"error": {"message": "(#100) The value must be a valid insights metric", "type": "OAuthException",
                            "code": 100, "fbtrace_id": "AbCdEf123"}}


@pytest.fixture
def api(httpserver) -> FacebookApi:
    return support.local_api(FacebookApi, httpserver, page_id=PAGE, access_token=TOKEN)


@pytest.fixture
def sample(samples, httpserver):
    """A sample's text, its paging URLs pointed at the local server."""
    return support.graph_sample_reader(samples, "facebook_graph_api", httpserver)


# --- posts -------------------------------------------------------------------------------------------------------

def test_posts_follow_paging_next_to_the_last_page_and_load_every_post(httpserver, api, sample, warehouse_con,
                                                                      no_inbox):
    page1, page2 = sample("posts/feeds_default_fields_p1.json"), sample("posts/feeds_default_fields_p2.json")
    support.respond(httpserver.expect_ordered_request(FEED_PATH, query_string={
        "since": str(POSTS_SINCE), "until": str(UNTIL), "limit": "100", "fields": post_fields(POST_METRICS),
        "access_token": TOKEN}), page1)
    support.serve_in_order(httpserver, f"/v10.0/{PAGE}/feed", page2)
    pages = support.fetch_pages(api, fetch_posts, DAY).pages
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2]
    assert "after=after" in pages[1].url  # the cursor of page 1's paging.next
    ingested = support.land_and_ingest(warehouse_con, FB_POSTS, DAY, pages, no_inbox)
    assert ingested.landed == 2
    assert ingested["posts"] == (10, 10, 0)
    expected = {r["id"]: r for r in json.loads(page2)["data"]}
    for post_id, page_id, shares, reactions, comments, status in support.rows(
            warehouse_con, "select post_id, page_id, shares_count, reactions_count, comments_count, "
                           "status_type from facebook.posts"):
        if post_id in expected:
            record = expected[post_id]
            assert (page_id, shares, reactions, comments, status) == (
                PAGE, record["shares"]["count"], record["reactions"]["summary"]["total_count"],
                record["comments"]["summary"]["total_count"], record["status_type"])
    assert support.rows(warehouse_con, "select count(*) from facebook.posts "
                                       "where impressions is not null") == [(0,)]  # not requested


def test_the_refresh_window_is_a_setting_and_comments_stay_on_the_days_posts(httpserver, api, sample):
    support.respond(httpserver.expect_ordered_request(FEED_PATH, query_string={
        "since": str(UNTIL - 3 * 86_400), "until": str(UNTIL), "limit": "100",
        "fields": post_fields(POST_METRICS), "access_token": TOKEN}),
        sample("posts/feeds_default_fields_p2.json"))
    serve_comments_of_the_day(httpserver, sample)
    short = api.model_copy(update={"post_refresh_days": 3})
    assert len(support.fetch_pages(short, fetch_posts, DAY).pages) == 1
    assert len(support.fetch_pages(short, fetch_comments, DAY).pages) == 2  # since/until of the day itself
    httpserver.check_assertions()


def test_a_post_fetched_again_the_next_day_is_a_second_snapshot_not_a_duplicate(httpserver, api, sample,
                                                                                  warehouse_con, no_inbox):
    """The feed of 06-02 returns the post of 06-01 again with grown counters: one row per fetch day in
    facebook.posts (nothing quarantined), each with the counters of its fetch; staging then keeps one snapshot
    per day (stg_facebook__post_snapshots) and the latest as the post (stg_facebook__posts)."""
    first = json.loads(sample("posts/feeds_default_fields_p2.json"))
    first["paging"] = {}
    grown = json.loads(json.dumps(first))
    for post in grown["data"]:
        post["reactions"]["summary"]["total_count"] += 5
    day2 = date(2026, 6, 2)
    support.serve_in_order(httpserver, FEED_PATH, first, grown)
    for day in (DAY, day2):
        pages = support.fetch_pages(api, fetch_posts, day).pages
        assert support.land_and_ingest(warehouse_con, FB_POSTS, day, pages, no_inbox)["posts"] == (
            len(first["data"]),) * 2 + (0,)
    post = first["data"][0]
    reactions = post["reactions"]["summary"]["total_count"]
    assert warehouse_con.execute("select _partition_date, reactions_count from facebook.posts "
                                 "where post_id = ? order by _partition_date", [post["id"]]).fetchall() == [
        (DAY, reactions), (day2, reactions + 5)]
    assert support.quarantine_reasons(warehouse_con) == []


def test_the_page_token_never_reaches_the_warehouse(httpserver, api, sample, warehouse_con):
    support.serve_in_order(httpserver, FEED_PATH, sample("posts/feeds_default_fields_p2.json").replace(
        "limit=5", f"access_token={TOKEN}&limit=5"))
    pages = support.fetch_pages(api, fetch_posts, DAY).pages
    land_api_pages(warehouse_con, FB_POSTS, DAY, pages)
    raw_pages = support.rows(warehouse_con, "select source_file, content from raw.pages")
    stored = " ".join(r[0] + r[1] for r in raw_pages)
    assert TOKEN not in stored
    assert "access_token=REDACTED" in pages[0].url


def test_posts_parse_the_inline_insights_requested(httpserver, api, sample, warehouse_con, no_inbox):
    """The real post-insight shape (v16_0/post-with-insight.json) under the metric names the feed requests."""
    page = json.loads(sample("posts/feeds_default_fields_p2.json"))
    insight = json.loads(sample("insights/v16_0/post-with-insight.json"))["insights"]["data"][0]
    for i, post in enumerate(page["data"]):
        post["insights"] = {"data": [{**insight, "name": name, "values": [{"value": 100 * i + k}]}
                                     for k, name in enumerate(POST_METRICS)]}
    support.respond(httpserver.expect_request(FEED_PATH), page)
    pages = support.fetch_pages(api, fetch_posts, DAY).pages
    support.land_and_ingest(warehouse_con, FB_POSTS, DAY, pages, no_inbox)
    assert support.rows(warehouse_con, "select post_id, impressions, reach, clicks from facebook.posts "
                                       "order by impressions") == [
        (post["id"], 100 * i, 100 * i + 1, 100 * i + 2) for i, post in enumerate(page["data"])]


def test_a_retired_post_metric_falls_back_to_its_successor_instead_of_failing_the_feed(httpserver, api, sample):
    retired = {"post_impressions", "post_impressions_unique"}
    seen = []

    def graph(request: Request) -> Response:
        fields = request.args["fields"]
        seen.append(fields)
        asked = set(re.search(r"insights\.metric\(([^)]*)\)", fields).group(1).split(",")) if "insights" in fields else set()
        if asked & retired:
            return support.json_response(INVALID_METRIC, 400)
        return support.json_response(sample("posts/feeds_default_fields_p2.json"))

    httpserver.expect_request(FEED_PATH).respond_with_handler(graph)
    with api.client() as client:
        pages = fetch_posts(api, client, DAY)
        first_day_requests = client.requests_made
        fetch_posts(api, client, date(2026, 6, 2))  # the next day reuses the resolved metrics: one request
        assert client.requests_made == first_day_requests + 1
    assert len(pages) == 1
    assert seen[-1].endswith("insights.metric(post_media_view,post_total_media_view_unique,post_clicks)")
    assert pages[0].url.endswith("#successors=post_media_view:post_impressions,"
                                 "post_total_media_view_unique:post_impressions_unique")


# --- comments ----------------------------------------------------------------------------------------------------

def serve_comments_of_the_day(httpserver, sample, p1: str | None = None, p2: str | None = None) -> None:
    support.respond(httpserver.expect_ordered_request(FEED_PATH, query_string={
        "since": str(SINCE), "until": str(UNTIL), "limit": "100", "fields": "id", "access_token": TOKEN,
    }), {"data": [{"id": POST}]})
    support.respond(httpserver.expect_ordered_request(f"/v21.0/{POST}/comments", query_string={
        "fields": COMMENT_FIELDS, "filter": "stream", "limit": "100", "access_token": TOKEN,
    }), p1 or sample("comments/comments_p1.json"))
    support.serve_in_order(httpserver, f"/v11.0/{POST}/comments", p2 or sample("comments/comments_p2.json"))


def comments_in_samples(sample) -> list[dict]:
    return [c for k in (1, 2) for c in json.loads(sample(f"comments/comments_p{k}.json"))["data"]]


def test_comments_of_the_posts_of_the_day_follow_paging(httpserver, api, sample, warehouse_con, no_inbox):
    """The real samples were fetched without a Page token: no `id`, no `from`. Quarantined, with the reason."""
    serve_comments_of_the_day(httpserver, sample)
    pages = support.fetch_pages(api, fetch_comments, DAY).pages
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2]
    n = len(comments_in_samples(sample))
    assert support.land_and_ingest(warehouse_con, FB_COMMENTS, DAY, pages, no_inbox)["comments"] == (n, 0, n)
    assert set(support.quarantine_reasons(warehouse_con)) == {
        "invalid or missing id: absent; invalid or missing from.id: absent"}


def test_comments_with_a_page_token_load_with_their_post_and_parent(httpserver, api, sample, warehouse_con,
                                                                   no_inbox):
    """The same comments as a Page token returns them: with id, from and parent (derived from the permalink)."""
    def with_page_token(text: str) -> str:
        page = json.loads(text)
        for c in page["data"]:
            ids = dict(re.findall(r"(comment_id|reply_comment_id)=(\d+)", c["permalink_url"]))
            c["id"] = f"10158407654328553_{ids.get('reply_comment_id', ids['comment_id'])}"
            c["from"] = {"id": "100001", "name": "A member"}
            if "reply_comment_id" in ids:
                c["parent"] = {"id": f"10158407654328553_{ids['comment_id']}"}
        del page["data"][0]["permalink_url"]  # the post still comes from the request URL
        return json.dumps(page)

    serve_comments_of_the_day(httpserver, sample, with_page_token(sample("comments/comments_p1.json")),
                              with_page_token(sample("comments/comments_p2.json")))
    pages = support.fetch_pages(api, fetch_comments, DAY).pages
    n = len(comments_in_samples(sample))
    assert support.land_and_ingest(warehouse_con, FB_COMMENTS, DAY, pages, no_inbox)["comments"] == (n, n, 0)
    assert support.rows(warehouse_con, "select distinct post_id from facebook.comments") == [(POST,)]
    replies = support.rows(warehouse_con, "select count(*) from facebook.comments "
                                          "where parent_comment_id is not null")[0][0]
    assert replies == sum(c["permalink_url"].count("reply_comment_id") for c in comments_in_samples(sample))


# --- page insights -----------------------------------------------------------------------------------------------

def test_page_insights_follow_paging_to_the_empty_last_page(httpserver, api, sample, warehouse_con, no_inbox):
    support.respond(httpserver.expect_ordered_request(INSIGHTS_PATH, query_string={
        "period": "day", "since": str(SINCE), "until": str(UNTIL), "metric": DEFAULT_PAGE_METRICS,
        "access_token": TOKEN}), sample("insights/v3_3/insight/page-1.json"))
    support.serve_in_order(httpserver, "/v18.0/<page-id>/insights",
                           sample("insights/v3_3/insight/page-2.json"),
                           sample("insights/v3_3/insight/page-3.json"))  # page 3: data: [], no next
    pages = support.fetch_pages(api, fetch_page_insights, DAY).pages
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2, 3]
    ingested = support.land_and_ingest(warehouse_con, FB_PAGE_INSIGHTS, DAY, pages, no_inbox)
    assert ingested.landed == 3
    assert ingested["page_insights"] == (3, 3, 0)
    loaded = support.rows(warehouse_con, "select metric, period, strftime(end_time, '%Y-%m-%d %H:%M'), "
                                         "value, value_json->>'$.\"Lisbon, Portugal\"', title, "
                                         "is_successor_metric, replaces_metric "
                                         "from facebook.page_insights order by end_time")
    assert loaded == [("page_fans_city", "day", f"2019-06-{d} 07:00", None, "1", "Lifetime Likes by City", False, None)
                      for d in (10, 11, 12)]  # a breakdown by city: JSON, not a number
    assert support.balanced(warehouse_con, FB_PAGE_INSIGHTS, DAY)


def test_page_insights_do_not_page_into_the_next_days_window(httpserver, api, sample):
    page = json.loads(sample("insights/v3_3/insight/page-1.json"))
    page["paging"]["next"] = re.sub(r"since=\d+", f"since={UNTIL}", page["paging"]["next"])
    support.respond(httpserver.expect_request(INSIGHTS_PATH), page)
    fetched = support.fetch_pages(api, fetch_page_insights, DAY)
    assert len(fetched.pages) == 1
    assert fetched.requests_made == 1


def test_page_insights_export_with_inline_insights_numeric_values(warehouse_con, tmp_path, samples):
    """An inbox file in the node-with-inline-insights shape (v16_0/page-with-insights.json): 3 periods x 2 days."""
    inbox = tmp_path / "inbox"
    support.put_in_inbox(inbox, FB_PAGE_INSIGHTS, DAY,
                         samples / "facebook_graph_api/insights/v16_0/page-with-insights.json")
    assert support.ingest(warehouse_con, FB_PAGE_INSIGHTS, DAY, inbox)["page_insights"] == (6, 6, 0)
    assert support.rows(warehouse_con, "select period, count(*), sum(value), count(value_json), min(page_id) "
                                       "from facebook.page_insights group by period order by period") == [
        ("day", 2, 0, 0, "123456"), ("days_28", 2, 2, 0, "123456"), ("week", 2, 2, 0, "123456")]


def insights_body(metrics: list[str], sample) -> dict:
    """The real page-insights shape (v16_0/page-with-insights.json, period day) for the metrics asked."""
    day_metric = json.loads(sample("insights/v16_0/page-with-insights.json"))["insights"]["data"][0]
    return {"data": [{**day_metric, "name": m, "id": f"{PAGE}/insights/{m}/day",
                      "values": [{**v, "value": 10 * i + j} for j, v in enumerate(day_metric["values"])]}
                     for i, m in enumerate(metrics)]}


def test_a_retired_page_metric_is_replaced_by_its_successor_and_flagged(httpserver, api, sample,
                                                                       warehouse_con, no_inbox):
    retired = {"page_impressions", "page_engaged_users", "page_fans_gender_age"}
    asked = []

    def graph(request: Request) -> Response:
        metrics = request.args["metric"].split(",")
        asked.append(metrics)
        if set(metrics) & retired:
            return support.json_response(INVALID_METRIC, 400)
        return support.json_response(insights_body(metrics, sample))

    httpserver.expect_request(INSIGHTS_PATH).respond_with_handler(graph)
    api = api.model_copy(update={"page_metrics": "page_impressions,page_engaged_users,page_follows,page_fans_gender_age"})
    with api.client() as client:
        pages = fetch_page_insights(api, client, DAY)
        requests_first_day = client.requests_made
        next_day = fetch_page_insights(api, client, date(2026, 6, 2))
        assert client.requests_made == requests_first_day + 1  # the resolved metrics are reused: no new probes
    # the whole list, each metric alone, the successors alone, then the list that works
    assert asked[0] == ["page_impressions", "page_engaged_users", "page_follows", "page_fans_gender_age"]
    assert asked[-1] == ["page_media_view", "page_post_engagements", "page_follows"]  # no successor: dropped
    assert next_day[0].url.endswith("#successors=page_media_view:page_impressions,"
                                    "page_post_engagements:page_engaged_users")
    ingested = support.land_and_ingest(warehouse_con, FB_PAGE_INSIGHTS, DAY, pages, no_inbox)
    assert ingested["page_insights"] == (6, 6, 0)
    assert support.rows(warehouse_con, "select metric, is_successor_metric, replaces_metric, sum(value) "
                                       "from facebook.page_insights group by all order by metric") == [
        ("page_follows", False, None, 41), ("page_media_view", True, "page_impressions", 1),
        ("page_post_engagements", True, "page_engaged_users", 21)]


def test_a_successor_already_requested_is_not_flagged(httpserver, api, sample, warehouse_con, no_inbox):
    def graph(request: Request) -> Response:
        metrics = request.args["metric"].split(",")
        if "page_impressions" in metrics:
            return support.json_response(INVALID_METRIC, 400)
        return support.json_response(insights_body(metrics, sample))

    httpserver.expect_request(INSIGHTS_PATH).respond_with_handler(graph)
    api = api.model_copy(update={"page_metrics": "page_impressions,page_media_view"})
    pages = support.fetch_pages(api, fetch_page_insights, DAY).pages
    assert "#successors" not in pages[0].url
    support.land_and_ingest(warehouse_con, FB_PAGE_INSIGHTS, DAY, pages, no_inbox)
    assert support.rows(warehouse_con, "select distinct metric, is_successor_metric "
                                       "from facebook.page_insights") == [("page_media_view", False)]


def test_other_graph_errors_are_not_mistaken_for_a_retired_metric(httpserver, api):
    httpserver.expect_request(INSIGHTS_PATH).respond_with_json(
        {"error": {"message": "Error validating access token: Session has expired", "type": "OAuthException",
                   "code": 190, "error_subcode": 463, "fbtrace_id": "x"}}, status=400)
    with api.client() as client:
        with pytest.raises(Exception, match="400"):
            fetch_page_insights(api, client, DAY)
        assert client.requests_made == 1  # no probing, no retry


# --- resilience --------------------------------------------------------------------------------------------------

def test_429_with_retry_after_then_success(httpserver, api, sample):
    support.serve_in_order(httpserver, INSIGHTS_PATH,
                           Response('{"error": {"code": 4, "message": "(#4) Application request limit '
                                    'reached"}}', status=429, headers={"Retry-After": "0"}),
                           sample("insights/v3_3/insight/page-3.json"))
    fetched = support.fetch_pages(api, fetch_page_insights, DAY)
    assert fetched.requests_made == 2
    assert len(fetched.pages) == 1 and fetched.pages[0].status == 200
    assert fetched.waits == [0.0]


def test_graph_throttling_sent_as_400_is_retried_with_backoff(httpserver, api, sample):
    """Meta throttles with HTTP 400 and a code (4: application request limit), not with 429."""
    throttled = {"error": {"message": "(#4) Application request limit reached", "type": "OAuthException",
                           "is_transient": True, "code": 4, "fbtrace_id": "x"}}
    support.serve_in_order(httpserver, INSIGHTS_PATH, support.json_response(throttled, 400), Response(
        json.dumps({"error": {**throttled["error"], "code": 80001, "message": "(#80001) There have been too many "
                              "calls to this Page account."}}), status=400, content_type="application/json",
        headers={"X-Business-Use-Case-Usage": json.dumps({PAGE: [{"type": "pages", "call_count": 100,
                                                                  "estimated_time_to_regain_access": 1}]})}),
        sample("insights/v3_3/insight/page-3.json"))
    fetched = support.fetch_pages(api, fetch_page_insights, DAY)
    # backoff, then the minute Meta announced
    assert len(fetched.pages) == 1 and fetched.waits == [0.01, 60.0]


def test_a_run_of_503s_then_success(httpserver, api, sample):
    support.serve_in_order(httpserver, FEED_PATH, *support.busy(3),
                           sample("posts/feeds_default_fields_p2.json"))
    fetched = support.fetch_pages(api, fetch_posts, DAY)
    assert len(fetched.pages) == 1 and len(fetched.waits) == 3
    assert fetched.waits == sorted(fetched.waits)


def test_truncated_bodies_are_landed_and_quarantined_whole(httpserver, api, sample, warehouse_con, no_inbox):
    support.respond(httpserver.expect_request(FEED_PATH),
                    sample("posts/feeds_default_fields_p1.json")[:700])
    support.respond(httpserver.expect_request(INSIGHTS_PATH),
                    sample("insights/v3_3/insight/page-1.json")[:700])
    with api.client() as client:
        posts, insights = fetch_posts(api, client, DAY), fetch_page_insights(api, client, DAY)
    assert len(posts) == len(insights) == 1  # the next cursor is inside the unreadable body
    for feed, pages in ((FB_POSTS, posts), (FB_PAGE_INSIGHTS, insights)):
        ingested = support.land_and_ingest(warehouse_con, feed, DAY, pages, no_inbox)
        assert ingested[feed.tables[0].name] == (1, 0, 1)
    reasons = support.quarantine_reasons(warehouse_con, order_by="entity")
    assert reasons[0].startswith("page is not a readable graph_insights document: not valid JSON")
    assert reasons[1].startswith("page is not valid JSON")


def test_the_same_page_delivered_twice_loads_each_value_once(httpserver, api, sample, warehouse_con,
                                                             no_inbox):
    page = json.loads(sample("insights/v3_3/insight/page-1.json"))
    again = {**page, "paging": {"next": httpserver.url_for("/v18.0/again/insights")}}
    support.serve_in_order(httpserver, INSIGHTS_PATH, again)
    support.serve_in_order(httpserver, "/v18.0/again/insights", {**page, "paging": {}})
    pages = support.fetch_pages(api, fetch_page_insights, DAY).pages
    ingested = support.land_and_ingest(warehouse_con, FB_PAGE_INSIGHTS, DAY, pages, no_inbox)
    assert ingested["page_insights"] == (4, 2, 2)
    reasons = support.quarantine_reasons(warehouse_con)
    assert all(r.startswith("duplicate insight_id") and r.endswith("of page 1)") for r in reasons)
    assert land_api_pages(warehouse_con, FB_PAGE_INSIGHTS, DAY, pages) == 0


def test_an_api_error_body_is_quarantined_with_its_message():
    assert json.loads(graph_insights_to_json(json.dumps(INVALID_METRIC))) == INVALID_METRIC


# --- Dagster -----------------------------------------------------------------------------------------------------

def test_dagster_materializes_page_insights_from_the_api(httpserver, api, sample, tmp_path):
    for n in (1, 2, 3):
        support.respond(httpserver.expect_ordered_request(re.compile(r"/v\d+\.\d+/[^/]+/insights")),
                        sample(f"insights/v3_3/insight/page-{n}.json"))
    result = support.materialize_feed(FB_PAGE_INSIGHTS, DAY, "facebook_api", api, tmp_path)
    assert result.success
    metadata = support.materialized(result, "facebook__page_insights")["page_insights"]
    assert metadata["pages_fetched_from_api"] == 3
    assert metadata["records_loaded"] == 3
    assert support.checks_passed(result) == [True]


def test_without_credentials_the_connector_stays_idle(monkeypatch):
    for name in ("FACEBOOK_PAGE_ID", "FACEBOOK_PAGE_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert not facebook_api.api_resources()["facebook_api"].is_configured()
    assert not FacebookApi(page_id="1").is_configured()
    assert FacebookApi(page_id="1", access_token="t").is_configured()


def test_an_old_day_already_fetched_keeps_its_counters_a_recent_day_is_fetched_again(httpserver, api, sample,
                                                                                      tmp_path):
    """Real Dagster runs of the posts feed into one warehouse: the API only tells today's counters, so an old day
    (the weekly lookback, a backfill) that already holds a fetch is not fetched again, and keeps the counters of
    its first fetch; a day never fetched is; yesterday is fetched again (refetch_max_age_days)."""
    from datetime import UTC, datetime, timedelta

    first = json.loads(sample("posts/feeds_default_fields_p2.json"))
    first["paging"] = {}
    grown = json.loads(json.dumps(first))
    for post in grown["data"]:
        post["reactions"]["summary"]["total_count"] += 5
    post_id, reactions = first["data"][0]["id"], first["data"][0]["reactions"]["summary"]["total_count"]
    yesterday = datetime.now(UTC).date() - timedelta(days=1)

    def run(day: date, *bodies: dict) -> dict:
        httpserver.clear()
        support.serve_in_order(httpserver, FEED_PATH, *bodies)
        result = support.materialize_feed(FB_POSTS, day, "facebook_api", api, tmp_path)
        assert result.success
        httpserver.check_assertions()
        return support.materialized(result, "facebook__posts")["posts"]

    def reactions_on(day: date) -> list[int]:
        import duckdb

        with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
            return [r[0] for r in con.execute("select reactions_count from facebook.posts where post_id = ? "
                                              "and _partition_date = ?", [post_id, day]).fetchall()]

    assert run(DAY, first)["pages_fetched_from_api"] == 1  # never fetched: fetched, however old
    assert run(DAY)["pages_fetched_from_api"] == 0  # fetched already and old: the server is not called
    assert reactions_on(DAY) == [reactions]
    assert run(yesterday, first)["pages_fetched_from_api"] == 1
    assert run(yesterday, grown)["pages_fetched_from_api"] == 1  # recent: fetched again, its counters grown
    assert reactions_on(yesterday) == [reactions + 5]
    assert reactions_on(DAY) == [reactions]


def test_days_to_fetch_skips_only_old_days_already_fetched():
    today = date(2026, 6, 30)
    days = [date(2026, 6, d) for d in (20, 27, 28, 29)]
    landed = {date(2026, 6, 20), date(2026, 6, 28), date(2026, 6, 29)}
    assert days_to_fetch(FB_POSTS, days, landed, today) == [date(2026, 6, 27), date(2026, 6, 28),
                                                            date(2026, 6, 29)]
    assert days_to_fetch(FB_COMMENTS, days, landed, today) == days  # comments: re-fetched, late ones land
