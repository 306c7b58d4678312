"""Facebook Page connector (Graph API) against a local HTTP server replaying real Graph API responses
(../shared/samples/facebook_graph_api). The samples' ``paging.next`` URLs point at graph.facebook.com: the
tests point them at the local server, nothing else in a sample is changed unless a test says so."""

from __future__ import annotations

import json
import re
from datetime import date

import dagster as dg
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
from pipelines.lib.ingest import connect, ingest_feed, land_api_pages, reconcile

FB_POSTS, FB_COMMENTS, FB_PAGE_INSIGHTS = FEEDS
DAY = date(2026, 6, 1)
SINCE, UNTIL = epoch_window(DAY)
PAGE = "19292868552"
POST = "19292868552_10158407654328553"  # the post of the comments samples
TOKEN = "test-page-token"
INVALID_METRIC = {"error": {"message": "(#100) The value must be a valid insights metric", "type": "OAuthException",
                            "code": 100, "fbtrace_id": "AbCdEf123"}}


@pytest.fixture
def api(httpserver) -> FacebookApi:
    return FacebookApi(base_url=httpserver.url_for(""), page_id=PAGE, access_token=TOKEN,
                       backoff_initial_seconds=0.01, max_attempts=5)


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


@pytest.fixture
def no_inbox(tmp_path):
    return tmp_path / "no-inbox"


@pytest.fixture
def sample(samples, httpserver):
    """A sample's text, its paging URLs pointed at the local server."""
    local = httpserver.url_for("").rstrip("/")

    def read(name: str) -> str:
        return (samples / "facebook_graph_api" / name).read_text().replace("https://graph.facebook.com", local)

    return read


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def json_response(body, status: int = 200) -> Response:
    return Response(body if isinstance(body, str) else json.dumps(body), status=status,
                    content_type="application/json")


# --- posts -------------------------------------------------------------------------------------------------------

def test_posts_follow_paging_next_to_the_last_page_and_load_every_post(httpserver, api, sample, con, no_inbox):
    page1, page2 = sample("posts/feeds_default_fields_p1.json"), sample("posts/feeds_default_fields_p2.json")
    httpserver.expect_ordered_request(f"/v21.0/{PAGE}/feed", query_string={
        "since": str(SINCE), "until": str(UNTIL), "limit": "100", "fields": post_fields(POST_METRICS),
        "access_token": TOKEN}).respond_with_data(page1, content_type="application/json")
    httpserver.expect_ordered_request(f"/v10.0/{PAGE}/feed").respond_with_data(page2, content_type="application/json")
    with api.client() as client:
        pages = fetch_posts(api, client, DAY)
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2]
    assert "after=after" in pages[1].url  # the cursor of page 1's paging.next
    assert land_api_pages(con, FB_POSTS, DAY, pages) == 2
    stats = ingest_feed(con, FB_POSTS, no_inbox, [DAY]).tables["posts"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (10, 10, 0)
    expected = {r["id"]: r for r in json.loads(page2)["data"]}
    for post_id, page_id, shares, reactions, comments, status in rows(
            con, "select post_id, page_id, shares_count, reactions_count, comments_count, status_type "
                 "from facebook.posts"):
        if post_id in expected:
            record = expected[post_id]
            assert (page_id, shares, reactions, comments, status) == (
                PAGE, record["shares"]["count"], record["reactions"]["summary"]["total_count"],
                record["comments"]["summary"]["total_count"], record["status_type"])
    assert rows(con, "select count(*) from facebook.posts where impressions is not null") == [(0,)]  # not requested


def test_the_page_token_never_reaches_the_warehouse(httpserver, api, sample, con):
    httpserver.expect_ordered_request(f"/v21.0/{PAGE}/feed").respond_with_data(
        sample("posts/feeds_default_fields_p2.json").replace("limit=5", f"access_token={TOKEN}&limit=5"),
        content_type="application/json")
    with api.client() as client:
        pages = fetch_posts(api, client, DAY)
    land_api_pages(con, FB_POSTS, DAY, pages)
    stored = " ".join(r[0] + r[1] for r in rows(con, "select source_file, content from raw.pages"))
    assert TOKEN not in stored
    assert "access_token=REDACTED" in pages[0].url


def test_posts_parse_the_inline_insights_requested(httpserver, api, sample, con, no_inbox):
    """The real post-insight shape (v16_0/post-with-insight.json) under the metric names the feed requests."""
    page = json.loads(sample("posts/feeds_default_fields_p2.json"))
    insight = json.loads(sample("insights/v16_0/post-with-insight.json"))["insights"]["data"][0]
    for i, post in enumerate(page["data"]):
        post["insights"] = {"data": [{**insight, "name": name, "values": [{"value": 100 * i + k}]}
                                     for k, name in enumerate(POST_METRICS)]}
    httpserver.expect_request(f"/v21.0/{PAGE}/feed").respond_with_json(page)
    with api.client() as client:
        land_api_pages(con, FB_POSTS, DAY, fetch_posts(api, client, DAY))
    ingest_feed(con, FB_POSTS, no_inbox, [DAY])
    assert rows(con, "select post_id, impressions, reach, clicks from facebook.posts order by impressions") == [
        (post["id"], 100 * i, 100 * i + 1, 100 * i + 2) for i, post in enumerate(page["data"])]


def test_a_retired_post_metric_falls_back_to_its_successor_instead_of_failing_the_feed(httpserver, api, sample):
    retired = {"post_impressions", "post_impressions_unique"}
    seen = []

    def graph(request: Request) -> Response:
        fields = request.args["fields"]
        seen.append(fields)
        asked = set(re.search(r"insights\.metric\(([^)]*)\)", fields).group(1).split(",")) if "insights" in fields else set()
        if asked & retired:
            return json_response(INVALID_METRIC, 400)
        return json_response(sample("posts/feeds_default_fields_p2.json"))

    httpserver.expect_request(f"/v21.0/{PAGE}/feed").respond_with_handler(graph)
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
    httpserver.expect_ordered_request(f"/v21.0/{PAGE}/feed", query_string={
        "since": str(SINCE), "until": str(UNTIL), "limit": "100", "fields": "id", "access_token": TOKEN,
    }).respond_with_json({"data": [{"id": POST}]})
    httpserver.expect_ordered_request(f"/v21.0/{POST}/comments", query_string={
        "fields": COMMENT_FIELDS, "filter": "stream", "limit": "100", "access_token": TOKEN,
    }).respond_with_data(p1 or sample("comments/comments_p1.json"), content_type="application/json")
    httpserver.expect_ordered_request(f"/v11.0/{POST}/comments").respond_with_data(
        p2 or sample("comments/comments_p2.json"), content_type="application/json")


def test_comments_of_the_posts_of_the_day_follow_paging(httpserver, api, sample, con, no_inbox):
    """The real samples were fetched without a Page token: no `id`, no `from`. Quarantined, with the reason."""
    serve_comments_of_the_day(httpserver, sample)
    with api.client() as client:
        pages = fetch_comments(api, client, DAY)
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2]
    land_api_pages(con, FB_COMMENTS, DAY, pages)
    stats = ingest_feed(con, FB_COMMENTS, no_inbox, [DAY]).tables["comments"]
    n = sum(len(json.loads(sample(f"comments/comments_p{k}.json"))["data"]) for k in (1, 2))
    assert (stats.records_in, stats.loaded, stats.quarantined) == (n, 0, n)
    assert {r[0] for r in rows(con, "select reason from raw.quarantine")} == {
        "invalid or missing id: absent; invalid or missing from.id: absent"}


def test_comments_with_a_page_token_load_with_their_post_and_parent(httpserver, api, sample, con, no_inbox):
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
    with api.client() as client:
        land_api_pages(con, FB_COMMENTS, DAY, fetch_comments(api, client, DAY))
    stats = ingest_feed(con, FB_COMMENTS, no_inbox, [DAY]).tables["comments"]
    n = sum(len(json.loads(sample(f"comments/comments_p{k}.json"))["data"]) for k in (1, 2))
    assert (stats.records_in, stats.loaded, stats.quarantined) == (n, n, 0)
    assert rows(con, "select distinct post_id from facebook.comments") == [(POST,)]
    replies = rows(con, "select count(*) from facebook.comments where parent_comment_id is not null")[0][0]
    assert replies == sum(c["permalink_url"].count("reply_comment_id") for n in (1, 2)
                          for c in json.loads(sample(f"comments/comments_p{n}.json"))["data"])


# --- page insights -----------------------------------------------------------------------------------------------

def test_page_insights_follow_paging_to_the_empty_last_page(httpserver, api, sample, con, no_inbox):
    httpserver.expect_ordered_request(f"/v21.0/{PAGE}/insights", query_string={
        "period": "day", "since": str(SINCE), "until": str(UNTIL), "metric": DEFAULT_PAGE_METRICS,
        "access_token": TOKEN}).respond_with_data(sample("insights/v3_3/insight/page-1.json"),
                                                  content_type="application/json")
    httpserver.expect_ordered_request("/v18.0/<page-id>/insights").respond_with_data(
        sample("insights/v3_3/insight/page-2.json"), content_type="application/json")
    httpserver.expect_ordered_request("/v18.0/<page-id>/insights").respond_with_data(
        sample("insights/v3_3/insight/page-3.json"), content_type="application/json")  # data: [], no next
    with api.client() as client:
        pages = fetch_page_insights(api, client, DAY)
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2, 3]
    assert land_api_pages(con, FB_PAGE_INSIGHTS, DAY, pages) == 3
    stats = ingest_feed(con, FB_PAGE_INSIGHTS, no_inbox, [DAY]).tables["page_insights"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (3, 3, 0)
    loaded = rows(con, "select metric, period, strftime(end_time, '%Y-%m-%d %H:%M'), value, value_json->>'$.\"Lisbon, Portugal\"', "
                       "title, is_successor_metric, replaces_metric from facebook.page_insights order by end_time")
    assert loaded == [("page_fans_city", "day", f"2019-06-{d} 07:00", None, "1", "Lifetime Likes by City", False, None)
                      for d in (10, 11, 12)]  # a breakdown by city: JSON, not a number
    assert reconcile(con, FB_PAGE_INSIGHTS, FB_PAGE_INSIGHTS.tables[0], [DAY])["balanced"]


def test_page_insights_do_not_page_into_the_next_days_window(httpserver, api, sample):
    page = json.loads(sample("insights/v3_3/insight/page-1.json"))
    page["paging"]["next"] = re.sub(r"since=\d+", f"since={UNTIL}", page["paging"]["next"])
    httpserver.expect_request(f"/v21.0/{PAGE}/insights").respond_with_json(page)
    with api.client() as client:
        assert len(fetch_page_insights(api, client, DAY)) == 1
        assert client.requests_made == 1


def test_page_insights_export_with_inline_insights_numeric_values(con, tmp_path, samples):
    """An inbox file in the node-with-inline-insights shape (v16_0/page-with-insights.json): 3 periods x 2 days."""
    inbox = tmp_path / "inbox"
    target = FB_PAGE_INSIGHTS.file_for(inbox, DAY)
    target.parent.mkdir(parents=True)
    target.write_text((samples / "facebook_graph_api/insights/v16_0/page-with-insights.json").read_text())
    stats = ingest_feed(con, FB_PAGE_INSIGHTS, inbox, [DAY]).tables["page_insights"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (6, 6, 0)
    assert rows(con, "select period, count(*), sum(value), count(value_json), min(page_id) from facebook.page_insights "
                     "group by period order by period") == [("day", 2, 0, 0, "123456"), ("days_28", 2, 2, 0, "123456"),
                                                           ("week", 2, 2, 0, "123456")]


def insights_body(metrics: list[str], sample) -> dict:
    """The real page-insights shape (v16_0/page-with-insights.json, period day) for the metrics asked."""
    day_metric = json.loads(sample("insights/v16_0/page-with-insights.json"))["insights"]["data"][0]
    return {"data": [{**day_metric, "name": m, "id": f"{PAGE}/insights/{m}/day",
                      "values": [{**v, "value": 10 * i + j} for j, v in enumerate(day_metric["values"])]}
                     for i, m in enumerate(metrics)]}


def test_a_retired_page_metric_is_replaced_by_its_successor_and_flagged(httpserver, api, sample, con, no_inbox):
    retired = {"page_impressions", "page_engaged_users", "page_fans_gender_age"}
    asked = []

    def graph(request: Request) -> Response:
        metrics = request.args["metric"].split(",")
        asked.append(metrics)
        return json_response(INVALID_METRIC, 400) if set(metrics) & retired else json_response(insights_body(metrics, sample))

    httpserver.expect_request(f"/v21.0/{PAGE}/insights").respond_with_handler(graph)
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
    land_api_pages(con, FB_PAGE_INSIGHTS, DAY, pages)
    stats = ingest_feed(con, FB_PAGE_INSIGHTS, no_inbox, [DAY]).tables["page_insights"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (6, 6, 0)
    assert rows(con, "select metric, is_successor_metric, replaces_metric, sum(value) from facebook.page_insights "
                     "group by all order by metric") == [
        ("page_follows", False, None, 41), ("page_media_view", True, "page_impressions", 1),
        ("page_post_engagements", True, "page_engaged_users", 21)]


def test_a_successor_already_requested_is_not_flagged(httpserver, api, sample, con, no_inbox):
    def graph(request: Request) -> Response:
        metrics = request.args["metric"].split(",")
        return json_response(INVALID_METRIC, 400) if "page_impressions" in metrics else json_response(
            insights_body(metrics, sample))

    httpserver.expect_request(f"/v21.0/{PAGE}/insights").respond_with_handler(graph)
    api = api.model_copy(update={"page_metrics": "page_impressions,page_media_view"})
    with api.client() as client:
        pages = fetch_page_insights(api, client, DAY)
    assert "#successors" not in pages[0].url
    land_api_pages(con, FB_PAGE_INSIGHTS, DAY, pages)
    ingest_feed(con, FB_PAGE_INSIGHTS, no_inbox, [DAY])
    assert rows(con, "select distinct metric, is_successor_metric from facebook.page_insights") == [
        ("page_media_view", False)]


def test_other_graph_errors_are_not_mistaken_for_a_retired_metric(httpserver, api):
    httpserver.expect_request(f"/v21.0/{PAGE}/insights").respond_with_json(
        {"error": {"message": "Error validating access token: Session has expired", "type": "OAuthException",
                   "code": 190, "error_subcode": 463, "fbtrace_id": "x"}}, status=400)
    with api.client() as client:
        with pytest.raises(Exception, match="400"):
            fetch_page_insights(api, client, DAY)
        assert client.requests_made == 1  # no probing, no retry


# --- resilience --------------------------------------------------------------------------------------------------

def test_429_with_retry_after_then_success(httpserver, api, sample):
    httpserver.expect_ordered_request(f"/v21.0/{PAGE}/insights").respond_with_response(
        Response('{"error": {"code": 4, "message": "(#4) Application request limit reached"}}', status=429,
                 headers={"Retry-After": "0"}))
    httpserver.expect_ordered_request(f"/v21.0/{PAGE}/insights").respond_with_data(
        sample("insights/v3_3/insight/page-3.json"), content_type="application/json")
    waits = []
    with api.client() as client:
        client.sleep = waits.append
        pages = fetch_page_insights(api, client, DAY)
        assert client.requests_made == 2
    assert len(pages) == 1 and pages[0].status == 200
    assert waits == [0.0]


def test_graph_throttling_sent_as_400_is_retried_with_backoff(httpserver, api, sample):
    """Meta throttles with HTTP 400 and a code (4: application request limit), not with 429."""
    throttled = {"error": {"message": "(#4) Application request limit reached", "type": "OAuthException",
                           "is_transient": True, "code": 4, "fbtrace_id": "x"}}
    httpserver.expect_ordered_request(f"/v21.0/{PAGE}/insights").respond_with_json(throttled, status=400)
    httpserver.expect_ordered_request(f"/v21.0/{PAGE}/insights").respond_with_response(Response(
        json.dumps({"error": {**throttled["error"], "code": 80001, "message": "(#80001) There have been too many "
                              "calls to this Page account."}}), status=400, content_type="application/json",
        headers={"X-Business-Use-Case-Usage": json.dumps({PAGE: [{"type": "pages", "call_count": 100,
                                                                  "estimated_time_to_regain_access": 1}]})}))
    httpserver.expect_ordered_request(f"/v21.0/{PAGE}/insights").respond_with_data(
        sample("insights/v3_3/insight/page-3.json"), content_type="application/json")
    waits = []
    with api.client() as client:
        client.sleep = waits.append
        pages = fetch_page_insights(api, client, DAY)
    assert len(pages) == 1 and waits == [0.01, 60.0]  # backoff, then the minute Meta announced


def test_a_run_of_503s_then_success(httpserver, api, sample):
    for _ in range(3):
        httpserver.expect_ordered_request(f"/v21.0/{PAGE}/feed").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request(f"/v21.0/{PAGE}/feed").respond_with_data(
        sample("posts/feeds_default_fields_p2.json"), content_type="application/json")
    waits = []
    with api.client() as client:
        client.sleep = waits.append
        pages = fetch_posts(api, client, DAY)
    assert len(pages) == 1 and len(waits) == 3
    assert waits == sorted(waits)


def test_truncated_bodies_are_landed_and_quarantined_whole(httpserver, api, sample, con, no_inbox):
    httpserver.expect_request(f"/v21.0/{PAGE}/feed").respond_with_data(
        sample("posts/feeds_default_fields_p1.json")[:700], content_type="application/json")
    httpserver.expect_request(f"/v21.0/{PAGE}/insights").respond_with_data(
        sample("insights/v3_3/insight/page-1.json")[:700], content_type="application/json")
    with api.client() as client:
        posts, insights = fetch_posts(api, client, DAY), fetch_page_insights(api, client, DAY)
    assert len(posts) == len(insights) == 1  # the next cursor is inside the unreadable body
    for feed, pages in ((FB_POSTS, posts), (FB_PAGE_INSIGHTS, insights)):
        land_api_pages(con, feed, DAY, pages)
        stats = ingest_feed(con, feed, no_inbox, [DAY]).tables[feed.tables[0].name]
        assert (stats.records_in, stats.loaded, stats.quarantined) == (1, 0, 1)
    reasons = [r[0] for r in rows(con, "select reason from raw.quarantine order by entity")]
    assert reasons[0].startswith("page is not a readable graph_insights document: not valid JSON")
    assert reasons[1].startswith("page is not valid JSON")


def test_the_same_page_delivered_twice_loads_each_value_once(httpserver, api, sample, con, no_inbox):
    page = json.loads(sample("insights/v3_3/insight/page-1.json"))
    again = {**page, "paging": {"next": httpserver.url_for("/v18.0/again/insights")}}
    httpserver.expect_ordered_request(f"/v21.0/{PAGE}/insights").respond_with_json(again)
    httpserver.expect_ordered_request("/v18.0/again/insights").respond_with_json({**page, "paging": {}})
    with api.client() as client:
        pages = fetch_page_insights(api, client, DAY)
    land_api_pages(con, FB_PAGE_INSIGHTS, DAY, pages)
    stats = ingest_feed(con, FB_PAGE_INSIGHTS, no_inbox, [DAY]).tables["page_insights"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (4, 2, 2)
    reasons = [r[0] for r in rows(con, "select reason from raw.quarantine")]
    assert all(r.startswith("duplicate insight_id") and r.endswith("of page 1)") for r in reasons)
    assert land_api_pages(con, FB_PAGE_INSIGHTS, DAY, pages) == 0


def test_an_api_error_body_is_quarantined_with_its_message():
    assert json.loads(graph_insights_to_json(json.dumps(INVALID_METRIC))) == INVALID_METRIC


# --- Dagster -----------------------------------------------------------------------------------------------------

def test_dagster_materializes_page_insights_from_the_api(httpserver, api, sample, tmp_path):
    from pipelines.defs.ingestion.factory import build_feed_assets
    from pipelines.defs.resources import FeedsInbox, Warehouse

    for n in (1, 2, 3):
        httpserver.expect_ordered_request(re.compile(r"/v\d+\.\d+/[^/]+/insights")).respond_with_data(
            sample(f"insights/v3_3/insight/page-{n}.json"), content_type="application/json")
    asset = build_feed_assets(FB_PAGE_INSIGHTS, pool="duckdb_warehouse")
    result = dg.materialize(
        [asset],
        partition_key=DAY.isoformat(),
        resources={"warehouse": Warehouse(path=str(tmp_path / "w.duckdb")),
                   "inbox": FeedsInbox(path=str(tmp_path / "inbox")), "facebook_api": api},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    materialization = result.asset_materializations_for_node("facebook__page_insights")[0]
    assert materialization.metadata["pages_fetched_from_api"].value == 3
    assert materialization.metadata["records_loaded"].value == 3
    assert [c.passed for c in result.get_asset_check_evaluations()] == [True]


def test_without_credentials_the_connector_stays_idle(monkeypatch):
    for name in ("FACEBOOK_PAGE_ID", "FACEBOOK_PAGE_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert not facebook_api.api_resources()["facebook_api"].is_configured()
    assert not FacebookApi(page_id="1").is_configured()
    assert FacebookApi(page_id="1", access_token="t").is_configured()
