"""Instagram connector (Graph API) against a local HTTP server replaying real Graph API responses
(../shared/samples/instagram_graph_api). The samples' ``paging.next`` URLs point at graph.facebook.com: the
tests point them at the local server, nothing else in a sample is changed unless a test says so."""

from __future__ import annotations

import json
from datetime import date

import dagster as dg
import pytest
from werkzeug import Request, Response

from pipelines.defs.ingestion.facebook.graph import epoch_window
from pipelines.defs.ingestion.instagram import api as instagram_api
from pipelines.defs.ingestion.instagram.api import (
    COMMENT_FIELDS,
    DEFAULT_ACCOUNT_METRICS,
    DEFAULT_ACCOUNT_TOTAL_VALUE_METRICS,
    DEFAULT_MEDIA_METRICS,
    MEDIA_FIELDS,
    InstagramApi,
    fetch_account_insights,
    fetch_comments,
    fetch_media,
    fetch_media_insights,
)
from pipelines.defs.ingestion.instagram.feeds import FEEDS
from pipelines.lib.ingest import connect, ingest_feed, land_api_pages, reconcile

IG_MEDIA, IG_COMMENTS, IG_MEDIA_INSIGHTS, IG_ACCOUNT_INSIGHTS = FEEDS
IG_USER = "17841406338772941"  # the account of the users/medias_p*.json samples
MEDIA_DAY = date(2021, 8, 13)  # the day of the two media of users/medias_p1.json
MEDIA_SINCE, MEDIA_UNTIL = epoch_window(MEDIA_DAY)
MEDIA_OF_DAY = ("17895731045244887", "17896622936197745")
ACCOUNT_DAY = date(2023, 11, 8)  # users/user_insights_new.json was fetched for a window ending 2023-11-08
ACCOUNT_SINCE, ACCOUNT_UNTIL = epoch_window(ACCOUNT_DAY)
TOKEN = "test-ig-token"


@pytest.fixture
def api(httpserver) -> InstagramApi:
    return InstagramApi(base_url=httpserver.url_for(""), ig_user_id=IG_USER, access_token=TOKEN,
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
        return (samples / "instagram_graph_api" / name).read_text().replace("https://graph.facebook.com", local)

    return read


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def json_response(body, status: int = 200) -> Response:
    return Response(body if isinstance(body, str) else json.dumps(body), status=status,
                    content_type="application/json")


def serve_media_list(httpserver, sample, fields: str = "id,timestamp,media_product_type") -> None:
    httpserver.expect_ordered_request(f"/v21.0/{IG_USER}/media", query_string={
        "fields": fields, "since": str(MEDIA_SINCE), "until": str(MEDIA_UNTIL), "limit": "100",
        "access_token": TOKEN}).respond_with_data(sample("users/medias_p1.json"), content_type="application/json")
    httpserver.expect_ordered_request(f"/v6.0/{IG_USER}/media").respond_with_data(
        sample("users/medias_p2.json"), content_type="application/json")


# --- media -------------------------------------------------------------------------------------------------------

def test_media_follow_paging_next_to_the_last_page(httpserver, api, sample, con, no_inbox):
    serve_media_list(httpserver, sample, fields=MEDIA_FIELDS)
    with api.client() as client:
        pages = fetch_media(api, client, MEDIA_DAY)
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2]
    land_api_pages(con, IG_MEDIA, MEDIA_DAY, pages)
    stats = ingest_feed(con, IG_MEDIA, no_inbox, [MEDIA_DAY]).tables["media"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (4, 4, 0)
    album = rows(con, "select ig_user_id, media_type, caption, like_count, comments_count, created_at "
                      "from instagram.media where media_id = '17896129349106152'")
    assert album == [(IG_USER, "CAROUSEL_ALBUM", "ALBUM", 1, 0,
                      rows(con, "select timestamptz '2021-07-26 10:45:20+00'")[0][0])]
    assert reconcile(con, IG_MEDIA, IG_MEDIA.tables[0], [MEDIA_DAY])["balanced"]


def test_media_paging_stops_at_media_older_than_the_day(httpserver, api, sample):
    """Safety net if the edge ignored since/until: newest first, so a page reaching older media is the last."""
    httpserver.expect_request(f"/v21.0/{IG_USER}/media").respond_with_data(
        sample("users/medias_p1.json"), content_type="application/json")
    with api.client() as client:
        assert len(fetch_media(api, client, date(2021, 8, 14))) == 1
        assert client.requests_made == 1


# --- comments ----------------------------------------------------------------------------------------------------

def test_comments_of_the_media_of_the_day(httpserver, api, sample, con, no_inbox):
    serve_media_list(httpserver, sample)
    httpserver.expect_ordered_request(f"/v21.0/{MEDIA_OF_DAY[0]}/comments", query_string={
        "fields": COMMENT_FIELDS, "limit": "100", "access_token": TOKEN}).respond_with_data(
        sample("medias/comments_p1.json"), content_type="application/json")
    httpserver.expect_ordered_request("/v11.0/17846368219941692/comments").respond_with_json({"data": []})
    httpserver.expect_ordered_request(f"/v21.0/{MEDIA_OF_DAY[1]}/comments").respond_with_json({"data": []})
    with api.client() as client:
        pages = fetch_comments(api, client, MEDIA_DAY)
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2, 3]
    land_api_pages(con, IG_COMMENTS, MEDIA_DAY, pages)
    stats = ingest_feed(con, IG_COMMENTS, no_inbox, [MEDIA_DAY]).tables["comments"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (2, 2, 0)
    expected = json.loads(sample("medias/comments_p1.json"))["data"]
    assert rows(con, "select comment_id, media_id, text from instagram.comments order by created_at desc") == [
        (c["id"], MEDIA_OF_DAY[0], c["text"]) for c in expected]  # the media comes from the request


# --- insights: both shapes ---------------------------------------------------------------------------------------

def test_media_insights_in_both_shapes(httpserver, api, sample, con, no_inbox):
    serve_media_list(httpserver, sample)
    for media, name in zip(MEDIA_OF_DAY, ("medias/insights.json", "medias/insights_new.json"), strict=True):
        httpserver.expect_ordered_request(f"/v21.0/{media}/insights", query_string={
            "metric": DEFAULT_MEDIA_METRICS, "access_token": TOKEN}).respond_with_data(
            sample(name), content_type="application/json")
    with api.client() as client:
        pages = fetch_media_insights(api, client, MEDIA_DAY)
    httpserver.check_assertions()
    land_api_pages(con, IG_MEDIA_INSIGHTS, MEDIA_DAY, pages)
    stats = ingest_feed(con, IG_MEDIA_INSIGHTS, no_inbox, [MEDIA_DAY]).tables["media_insights"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (4, 4, 0)
    assert rows(con, "select media_id, metric, period, end_time, value, response_shape, "
                     "breakdowns->'$[0].dimension_keys'->>0 from instagram.media_insights order by media_id, metric") == [
        ("17846368219941692", "impressions", "lifetime", None, 8, "values", None),
        ("17846368219941692", "reach", "lifetime", None, 5, "values", None),
        ("17846368219941692", "saved", "lifetime", None, 0, "values", None),
        ("18035507131611621", "profile_activity", "lifetime", None, 11, "total_value", "action_type"),
    ]


def test_account_insights_in_both_shapes(httpserver, api, sample, con, no_inbox):
    window = {"period": "day", "since": str(ACCOUNT_SINCE), "until": str(ACCOUNT_UNTIL), "access_token": TOKEN}
    httpserver.expect_ordered_request(f"/v21.0/{IG_USER}/insights", query_string={
        **window, "metric": DEFAULT_ACCOUNT_METRICS}).respond_with_data(
        sample("users/user_insights.json"), content_type="application/json")
    # its paging.next is the next window (since=1699603152 >= until): not followed
    httpserver.expect_ordered_request(f"/v21.0/{IG_USER}/insights", query_string={
        **window, "metric_type": "total_value", "metric": DEFAULT_ACCOUNT_TOTAL_VALUE_METRICS}).respond_with_data(
        sample("users/user_insights_new.json"), content_type="application/json")
    with api.client() as client:
        pages = fetch_account_insights(api, client, ACCOUNT_DAY)
        assert client.requests_made == 2
    assert [p.number for p in pages] == [1, 2]
    land_api_pages(con, IG_ACCOUNT_INSIGHTS, ACCOUNT_DAY, pages)
    stats = ingest_feed(con, IG_ACCOUNT_INSIGHTS, no_inbox, [ACCOUNT_DAY]).tables["account_insights"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (7, 7, 0)
    assert rows(con, "select response_shape, count(*), sum(value) from instagram.account_insights group by 1 order by 1") == [
        ("total_value", 1, 14516883), ("values", 6, 4 + 66 + 3 + 36 + 0 + 2)]
    # a total covers the request window: its end is the request's `until`
    total = rows(con, "select ig_user_id, metric, epoch(end_time)::bigint, json_array_length(breakdowns->'$[0].results') "
                      "from instagram.account_insights where response_shape = 'total_value'")
    assert total == [("17841454149711910", "reach", ACCOUNT_UNTIL, 14)]
    assert reconcile(con, IG_ACCOUNT_INSIGHTS, IG_ACCOUNT_INSIGHTS.tables[0], [ACCOUNT_DAY])["balanced"]


def test_legacy_insights_exports_parse(con, tmp_path, samples):
    """Inbox files from 2019 (insights_legacy/): a 10-day account series and a carousel's lifetime metrics."""
    inbox = tmp_path / "inbox"
    for feed, name in ((IG_ACCOUNT_INSIGHTS, "user_insights_daily_2019.json"),
                       (IG_MEDIA_INSIGHTS, "media_album_insights.json")):
        target = feed.file_for(inbox, ACCOUNT_DAY)
        target.parent.mkdir(parents=True)
        target.write_text((samples / "instagram_graph_api/insights_legacy" / name).read_text())
    account = ingest_feed(con, IG_ACCOUNT_INSIGHTS, inbox, [ACCOUNT_DAY]).tables["account_insights"]
    media = ingest_feed(con, IG_MEDIA_INSIGHTS, inbox, [ACCOUNT_DAY]).tables["media_insights"]
    assert (account.loaded, account.quarantined, media.loaded, media.quarantined) == (20, 0, 5, 0)
    series = json.loads((samples / "instagram_graph_api/insights_legacy/user_insights_daily_2019.json").read_text())
    assert rows(con, "select metric, count(distinct end_time), sum(value) from instagram.account_insights "
                     "group by 1 order by 1") == sorted(
        (m["name"], 10, sum(v["value"] for v in m["values"])) for m in series["data"])


def test_a_retired_metric_falls_back_to_views_and_is_flagged(httpserver, api, sample, con, no_inbox):
    """Instagram names the accepted values in its (#100) message; impressions -> views (v22, Apr 2025)."""
    error = {"error": {"message": "(#100) metric[0] must be one of the following values: reach, follower_count, "
                                  "views, accounts_engaged, total_interactions", "type": "OAuthException",
                       "code": 100, "fbtrace_id": "A1b2C3"}}
    series = json.loads(sample("users/user_insights.json"))

    def graph(request: Request) -> Response:
        metrics = request.args["metric"].split(",")
        if "impressions" in metrics:
            return json_response(error, 400)
        if request.args.get("metric_type") == "total_value":
            return json_response(sample("users/user_insights_new.json"))
        data = [{**m, "name": "views", "id": m["id"].replace("impressions", "views")} if m["name"] == "impressions"
                else m for m in series["data"]]
        return json_response({"data": [m for m in data if m["name"] in metrics]})

    httpserver.expect_request(f"/v21.0/{IG_USER}/insights").respond_with_handler(graph)
    api = api.model_copy(update={"account_metrics": "impressions,reach", "account_total_value_metrics": "reach"})
    with api.client() as client:
        pages = fetch_account_insights(api, client, ACCOUNT_DAY)
    land_api_pages(con, IG_ACCOUNT_INSIGHTS, ACCOUNT_DAY, pages)
    ingest_feed(con, IG_ACCOUNT_INSIGHTS, no_inbox, [ACCOUNT_DAY])
    assert rows(con, "select metric, response_shape, is_successor_metric, replaces_metric, sum(value) "
                     "from instagram.account_insights group by all order by all") == [
        ("reach", "total_value", False, None, 14516883),
        ("reach", "values", False, None, 3 + 36),
        ("views", "values", True, "impressions", 4 + 66),
    ]


def test_media_without_enough_viewers_is_skipped_not_fatal(httpserver, api, sample, con, no_inbox):
    serve_media_list(httpserver, sample)
    httpserver.expect_ordered_request(f"/v21.0/{MEDIA_OF_DAY[0]}/insights").respond_with_json(
        {"error": {"message": "(#10) Not enough viewers for the media to show insights", "type": "OAuthException",
                   "code": 10, "fbtrace_id": "x"}}, status=400)
    httpserver.expect_ordered_request(f"/v21.0/{MEDIA_OF_DAY[1]}/insights").respond_with_data(
        sample("medias/insights.json"), content_type="application/json")
    with api.client() as client:
        pages = fetch_media_insights(api, client, MEDIA_DAY)
    assert [p.number for p in pages] == [1]
    assert f"/{MEDIA_OF_DAY[1]}/insights" in pages[0].url


# --- resilience --------------------------------------------------------------------------------------------------

def test_429_with_retry_after_then_success(httpserver, api, sample):
    httpserver.expect_ordered_request(f"/v21.0/{IG_USER}/media").respond_with_response(
        Response("rate limited", status=429, headers={"Retry-After": "0"}))
    httpserver.expect_ordered_request(f"/v21.0/{IG_USER}/media").respond_with_data(
        sample("users/medias_p2.json"), content_type="application/json")
    waits = []
    with api.client() as client:
        client.sleep = waits.append
        pages = fetch_media(api, client, MEDIA_DAY)
        assert client.requests_made == 2
    assert len(pages) == 1 and pages[0].status == 200
    assert waits == [0.0]


def test_a_run_of_503s_then_success(httpserver, api, sample):
    for _ in range(3):
        httpserver.expect_ordered_request(f"/v21.0/{IG_USER}/insights").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request(f"/v21.0/{IG_USER}/insights").respond_with_data(
        sample("users/user_insights.json"), content_type="application/json")
    httpserver.expect_ordered_request(f"/v21.0/{IG_USER}/insights").respond_with_data(
        sample("users/user_insights_new.json"), content_type="application/json")
    waits = []
    with api.client() as client:
        client.sleep = waits.append
        pages = fetch_account_insights(api, client, ACCOUNT_DAY)
    assert len(pages) == 2 and len(waits) == 3
    assert waits == sorted(waits)


def test_truncated_body_is_landed_and_quarantined_whole(httpserver, api, sample, con, no_inbox):
    httpserver.expect_request(f"/v21.0/{IG_USER}/media").respond_with_data(
        sample("users/medias_p1.json")[:400], content_type="application/json")
    with api.client() as client:
        pages = fetch_media(api, client, MEDIA_DAY)
    assert len(pages) == 1
    land_api_pages(con, IG_MEDIA, MEDIA_DAY, pages)
    stats = ingest_feed(con, IG_MEDIA, no_inbox, [MEDIA_DAY]).tables["media"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (1, 0, 1)
    assert rows(con, "select reason from raw.quarantine")[0][0].startswith("page is not valid JSON")


def test_a_truncated_media_list_fails_the_comments_fetch_rather_than_skip_them(httpserver, api, sample):
    httpserver.expect_request(f"/v21.0/{IG_USER}/media").respond_with_data(
        sample("users/medias_p1.json")[:400], content_type="application/json")
    with api.client() as client, pytest.raises(ValueError, match="unreadable page"):
        fetch_comments(api, client, MEDIA_DAY)


def test_the_same_page_delivered_twice_loads_each_media_once(httpserver, api, sample, con, no_inbox):
    page = json.loads(sample("users/medias_p1.json"))
    page["paging"]["next"] = httpserver.url_for("/v6.0/again/media")
    httpserver.expect_ordered_request(f"/v21.0/{IG_USER}/media").respond_with_json(page)
    httpserver.expect_ordered_request("/v6.0/again/media").respond_with_json({**page, "paging": {}})
    with api.client() as client:
        pages = fetch_media(api, client, MEDIA_DAY)
    land_api_pages(con, IG_MEDIA, MEDIA_DAY, pages)
    stats = ingest_feed(con, IG_MEDIA, no_inbox, [MEDIA_DAY]).tables["media"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (4, 2, 2)
    reasons = [r[0] for r in rows(con, "select reason from raw.quarantine")]
    assert all(r.startswith("duplicate media_id") and r.endswith("of page 1)") for r in reasons)
    assert land_api_pages(con, IG_MEDIA, MEDIA_DAY, pages) == 0


def test_the_token_never_reaches_the_warehouse(httpserver, api, sample, con):
    serve_media_list(httpserver, sample, fields=MEDIA_FIELDS)
    with api.client() as client:
        land_api_pages(con, IG_MEDIA, MEDIA_DAY, fetch_media(api, client, MEDIA_DAY))
    stored = " ".join(r[0] + r[1] for r in rows(con, "select source_file, content from raw.pages"))
    assert TOKEN not in stored and "access_token=access_token" not in stored
    assert stored.count("access_token=REDACTED") >= 3  # first URL, next URL, paging in page 1's body


# --- Dagster -----------------------------------------------------------------------------------------------------

def test_dagster_materializes_account_insights_from_the_api(httpserver, api, sample, tmp_path):
    from pipelines.defs.ingestion.factory import build_feed_assets
    from pipelines.defs.resources import FeedsInbox, Warehouse

    for name in ("users/user_insights.json", "users/user_insights_new.json"):
        httpserver.expect_ordered_request(f"/v21.0/{IG_USER}/insights").respond_with_data(
            sample(name), content_type="application/json")
    # a 2026 partition: the total's paging.next (a 2023 window) is followed, to an empty page
    httpserver.expect_ordered_request("/v18.0/17841454149711910/insights").respond_with_json({"data": []})
    asset = build_feed_assets(IG_ACCOUNT_INSIGHTS, pool="duckdb_warehouse")
    result = dg.materialize(
        [asset],
        partition_key="2026-06-01",
        resources={"warehouse": Warehouse(path=str(tmp_path / "w.duckdb")),
                   "inbox": FeedsInbox(path=str(tmp_path / "inbox")), "instagram_api": api},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    materialization = result.asset_materializations_for_node("instagram__account_insights")[0]
    assert materialization.metadata["pages_fetched_from_api"].value == 3
    assert materialization.metadata["records_loaded"].value == 7
    assert [c.passed for c in result.get_asset_check_evaluations()] == [True]


def test_without_credentials_the_connector_stays_idle(monkeypatch):
    for name in ("INSTAGRAM_USER_ID", "INSTAGRAM_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert not instagram_api.api_resources()["instagram_api"].is_configured()
    assert not InstagramApi(ig_user_id="1").is_configured()
    assert InstagramApi(ig_user_id="1", access_token="t").is_configured()
