"""Instagram connector (Graph API) against a local HTTP server replaying real Graph API responses
(../shared/samples/instagram_graph_api). The samples' ``paging.next`` URLs point at graph.facebook.com: the
tests point them at the local server, nothing else in a sample is changed unless a test says so."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

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
    top_level_comment_ids,
)
from pipelines.defs.ingestion.instagram.feeds import FEEDS
from pipelines.lib.http import ApiPage
from pipelines.lib.ingest import ingest_feed, land_api_pages
from pipelines.lib.text_retention import TEXT_TABLES, raw_layouts, remove_old_texts
from tests.unit import connector_support as support

IG_MEDIA, IG_COMMENTS, IG_MEDIA_INSIGHTS, IG_ACCOUNT_INSIGHTS = FEEDS
IG_USER = "17841406338772941"  # the account of the users/medias_p*.json samples
MEDIA_DAY = date(2021, 8, 13)  # the day of the two media of users/medias_p1.json
MEDIA_SINCE, MEDIA_UNTIL = epoch_window(MEDIA_DAY)
COMMENTS_SINCE = MEDIA_UNTIL - 7 * 86_400  # comments: the media of the last comment_refresh_days (7) days
MEDIA_REFRESH_SINCE = MEDIA_UNTIL - 28 * 86_400  # media and insights: the last media_refresh_days (28) days
MEDIA_OF_DAY = ("17895731045244887", "17896622936197745")
ALBUM = "17896129349106152"  # users/medias_p2.json, 2021-07-26: within the 28 days, not within the 7
ACCOUNT_DAY = date(2023, 11, 8)  # users/user_insights_new.json was fetched for a window ending 2023-11-08
ACCOUNT_SINCE, ACCOUNT_UNTIL = epoch_window(ACCOUNT_DAY)
TOKEN = "test-ig-token"
MEDIA_PATH, INSIGHTS_PATH = f"/v21.0/{IG_USER}/media", f"/v21.0/{IG_USER}/insights"


@pytest.fixture
def api(httpserver) -> InstagramApi:
    return support.local_api(InstagramApi, httpserver, ig_user_id=IG_USER, access_token=TOKEN)


@pytest.fixture
def sample(samples, httpserver):
    """A sample's text, its paging URLs pointed at the local server."""
    return support.graph_sample_reader(samples, "instagram_graph_api", httpserver)


def serve_media_list(httpserver, sample, fields: str = "id,timestamp,media_product_type",
                     since: int = MEDIA_REFRESH_SINCE) -> None:
    support.respond(httpserver.expect_ordered_request(MEDIA_PATH, query_string={
        "fields": fields, "since": str(since), "until": str(MEDIA_UNTIL), "limit": "100",
        "access_token": TOKEN}), sample("users/medias_p1.json"))
    support.serve_in_order(httpserver, f"/v6.0/{IG_USER}/media", sample("users/medias_p2.json"))


# --- media -------------------------------------------------------------------------------------------------------

def test_media_follow_paging_next_to_the_last_page(httpserver, api, sample, warehouse_con, no_inbox):
    """The media of the last media_refresh_days days: page 2 reaches older media, so it is the last."""
    serve_media_list(httpserver, sample, fields=MEDIA_FIELDS)
    pages = support.fetch_pages(api, fetch_media, MEDIA_DAY).pages
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2]
    assert support.land_and_ingest(warehouse_con, IG_MEDIA, MEDIA_DAY, pages, no_inbox)["media"] == (4, 4, 0)
    album = support.rows(warehouse_con, "select ig_user_id, media_type, caption, like_count, comments_count, "
                                        "created_at from instagram.media "
                                        "where media_id = '17896129349106152'")
    assert album == [(IG_USER, "CAROUSEL_ALBUM", "ALBUM", 1, 0,
                      support.rows(warehouse_con, "select timestamptz '2021-07-26 10:45:20+00'")[0][0])]
    assert support.balanced(warehouse_con, IG_MEDIA, MEDIA_DAY)


def test_media_paging_stops_at_media_older_than_the_refresh_window(httpserver, api, sample):
    """Safety net if the edge ignored since/until: newest first, so a page reaching older media is the last
    (the media of page 1, 2021-08-13, are 29 days older than the day: out of the 28-day window)."""
    support.respond(httpserver.expect_request(MEDIA_PATH), sample("users/medias_p1.json"))
    fetched = support.fetch_pages(api, fetch_media, date(2021, 9, 11))
    assert len(fetched.pages) == 1
    assert fetched.requests_made == 1


# --- comments ----------------------------------------------------------------------------------------------------

def comments_query(**extra: str) -> dict[str, str]:
    return {"fields": COMMENT_FIELDS, "limit": "100", "access_token": TOKEN, **extra}


def brand_reply(reply_id: str, parent: str | None, media: str, timestamp: str) -> dict:
    """A reply of the account as GET /{ig-comment-id}/replies returns it with COMMENT_FIELDS (the samples hold
    no replies page): ``parent_id`` and ``media`` name what it answers."""
    reply = {"id": reply_id, "text": f"Merci pour votre message ({timestamp[:10]}) !", "timestamp": timestamp,
             "username": "maisonlumiere",
             "like_count": 0, "from": {"id": "17841400000000001", "username": "maisonlumiere"},
             "media": {"id": media}}
    return reply if parent is None else {**reply, "parent_id": parent}


def serve_comments_and_replies(httpserver, sample) -> tuple[list[dict], dict[str, dict]]:
    """The media of the last 7 days (the two of 08-13 here), the real comments of the first, and a reply of the
    account to each comment (the second without parent_id, this test's change: its parent is then the comment
    of the request). Returns the top-level comments and the replies by parent."""
    top_level = json.loads(sample("medias/comments_p1.json"))["data"]
    serve_media_list(httpserver, sample, since=COMMENTS_SINCE)
    support.respond(httpserver.expect_ordered_request(f"/v21.0/{MEDIA_OF_DAY[0]}/comments",
                                                      query_string=comments_query()), sample("medias/comments_p1.json"))
    support.serve_in_order(httpserver, "/v11.0/17846368219941692/comments", {"data": []})
    replies = {top_level[0]["id"]: brand_reply("17900000000000001", top_level[0]["id"], MEDIA_OF_DAY[0],
                                               "2020-06-01T11:30:00+0000"),
               top_level[1]["id"]: brand_reply("17900000000000002", None, MEDIA_OF_DAY[0],
                                               "2020-06-02T09:00:00+0000")}
    for comment_id, reply in replies.items():
        support.respond(httpserver.expect_ordered_request(f"/v21.0/{comment_id}/replies",
                                                          query_string=comments_query()), {"data": [reply]})
    support.serve_in_order(httpserver, f"/v21.0/{MEDIA_OF_DAY[1]}/comments", {"data": []})
    return top_level, replies


def test_comments_and_their_replies_on_the_media_of_the_refresh_window(httpserver, api, sample, warehouse_con,
                                                                      no_inbox):
    """The top-level comments of each media, then each top-level comment's replies (GET
    /{ig-comment-id}/replies): one batch, one table, media and parent of each reply known."""
    top_level, replies = serve_comments_and_replies(httpserver, sample)
    pages = support.fetch_pages(api, fetch_comments, MEDIA_DAY).pages
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2, 3, 4, 5]
    assert [p.url.split("?")[0].rsplit("/", 1)[1] for p in pages] == ["comments"] * 2 + ["replies"] * 2 + [
        "comments"]
    ingested = support.land_and_ingest(warehouse_con, IG_COMMENTS, MEDIA_DAY, pages, no_inbox)
    assert ingested["comments"] == (4, 4, 0)
    assert support.rows(warehouse_con, "select comment_id, media_id, parent_comment_id, text, author_username "
                                       "from instagram.comments order by created_at") == [
        *((c["id"], MEDIA_OF_DAY[0], None, c["text"], None) for c in reversed(top_level)),  # media of the request
        *((r["id"], MEDIA_OF_DAY[0], parent, r["text"], "maisonlumiere") for parent, r in replies.items()),
    ]
    assert support.balanced(warehouse_con, IG_COMMENTS, MEDIA_DAY)


def test_text_retention_removes_old_replies_texts_from_the_same_pages(httpserver, api, sample, warehouse_con,
                                                                     no_inbox):
    """Replies are records of the comments feed at the same ``$.data[*]``: retention needs no other layout."""
    _, replies = serve_comments_and_replies(httpserver, sample)
    pages = support.fetch_pages(api, fetch_comments, MEDIA_DAY).pages
    support.land_and_ingest(warehouse_con, IG_COMMENTS, MEDIA_DAY, pages, no_inbox)
    old, recent = replies.values()
    spec = next(t for t in TEXT_TABLES if t.table == "instagram.comments")
    keys = "comment_id, media_id, parent_comment_id, created_at, author_username"
    before = support.rows(warehouse_con, f"select {keys} from instagram.comments order by all")
    counts = remove_old_texts(warehouse_con, datetime(2020, 6, 2, tzinfo=UTC), raw_layouts(FEEDS), (spec,))
    assert (counts["instagram.comments"], counts["raw:instagram.comments"]) == (3, 3)  # 2 comments, 1 reply
    raw = support.rows(warehouse_con, "select string_agg(content, ' ') from raw.pages")[0][0]
    assert old["text"] not in raw and recent["text"] in raw
    ingest_feed(warehouse_con, IG_COMMENTS, no_inbox, [MEDIA_DAY])  # re-parse the redacted pages
    assert support.rows(warehouse_con, f"select {keys} from instagram.comments order by all") == before
    assert support.rows(warehouse_con, "select comment_id from instagram.comments where text is not null") == [
        (recent["id"],)]


def test_the_refresh_windows_are_settings(httpserver, api, sample):
    """comment_refresh_days and media_refresh_days at 1: the day's media only (since = the day's start), for the
    comments, the media list and the media insights."""
    serve_media_list(httpserver, sample, since=MEDIA_SINCE)
    for media in MEDIA_OF_DAY:
        support.serve_in_order(httpserver, f"/v21.0/{media}/comments", {"data": []})
    serve_media_list(httpserver, sample, fields=MEDIA_FIELDS, since=MEDIA_SINCE)
    serve_media_list(httpserver, sample, since=MEDIA_SINCE)
    for media in MEDIA_OF_DAY:
        support.serve_in_order(httpserver, f"/v21.0/{media}/insights", sample("medias/insights.json"))
    one_day = api.model_copy(update={"comment_refresh_days": 1, "media_refresh_days": 1})
    assert len(support.fetch_pages(one_day, fetch_comments, MEDIA_DAY).pages) == 2
    assert len(support.fetch_pages(one_day, fetch_media, MEDIA_DAY).pages) == 2
    assert len(support.fetch_pages(one_day, fetch_media_insights, MEDIA_DAY).pages) == 2
    httpserver.check_assertions()


def test_a_media_fetched_again_the_next_day_is_a_snapshot_not_a_duplicate(httpserver, api, sample, warehouse_con,
                                                                        no_inbox):
    """The media of the window are fetched every day with their counters as of then: one row per media and
    fetch day (stg_instagram__media_snapshots reads them all, staging keeps the latest), nothing quarantined."""
    day1 = json.loads(sample("users/medias_p1.json"))
    day1["paging"] = {}
    day2 = json.loads(json.dumps(day1))
    day2["data"][1]["like_count"] += 5
    for day, page in ((MEDIA_DAY, day1), (date(2021, 8, 14), day2)):
        support.serve_in_order(httpserver, MEDIA_PATH, page)
        pages = support.fetch_pages(api, fetch_media, day).pages
        assert support.land_and_ingest(warehouse_con, IG_MEDIA, day, pages, no_inbox)["media"] == (2, 2, 0)
    httpserver.check_assertions()
    assert support.quarantine_reasons(warehouse_con) == []
    assert support.rows(warehouse_con, "select media_id, list(like_count order by _partition_date) "
                                       "from instagram.media group by all order by all") == [
        (MEDIA_OF_DAY[0], [0, 0]), (MEDIA_OF_DAY[1], [2, 7])]


def test_a_comment_fetched_again_the_next_day_is_not_a_duplicate_and_a_late_answer_lands(
        httpserver, api, sample, warehouse_con, no_inbox):
    """Day 1: the comments, unanswered. Day 2 (its window still holds the media): the same comments again,
    one answered since. Each day's fetch is its own batch: nothing is quarantined, the comment has one row per
    fetch day (staging keeps the latest, keep_latest_record) and the answer lands with day 2."""
    comments = json.loads(sample("medias/comments_p1.json"))
    comments["paging"] = {}
    media_list = {"data": [{"id": MEDIA_OF_DAY[0], "timestamp": "2021-08-13T08:25:28+0000"}]}
    answered = comments["data"][0]["id"]
    reply = brand_reply("17900000000000003", answered, MEDIA_OF_DAY[0], "2021-08-14T10:00:00+0000")
    day2 = date(2021, 8, 14)
    for day, answers in ((MEDIA_DAY, []), (day2, [reply])):
        support.serve_in_order(httpserver, MEDIA_PATH, media_list)
        support.serve_in_order(httpserver, f"/v21.0/{MEDIA_OF_DAY[0]}/comments", comments)
        support.serve_in_order(httpserver, f"/v21.0/{answered}/replies", {"data": answers})
        support.serve_in_order(httpserver, f"/v21.0/{comments['data'][1]['id']}/replies", {"data": []})
        pages = support.fetch_pages(api, fetch_comments, day).pages
        assert support.land_and_ingest(warehouse_con, IG_COMMENTS, day, pages, no_inbox)["comments"] == (
            2 + len(answers),) * 2 + (0,)
    httpserver.check_assertions()
    assert support.quarantine_reasons(warehouse_con) == []
    assert support.rows(warehouse_con, "select comment_id, parent_comment_id, list(_partition_date order by "
                                       "_partition_date) from instagram.comments group by all order by all") == [
        (comments["data"][0]["id"], None, [MEDIA_DAY, day2]),
        (comments["data"][1]["id"], None, [MEDIA_DAY, day2]),
        (reply["id"], answered, [day2]),
    ]


def test_top_level_comment_ids_skip_replies_and_unreadable_pages():
    page = ApiPage(url="u", text=json.dumps({"data": [{"id": "1"}, {"id": "2", "parent_id": "1"}, {"id": "1"},
                                                      {"text": "no id"}]}), status=200, number=1)
    truncated = ApiPage(url="u", text='{"data": [{"id": "3"', status=200, number=2)
    assert top_level_comment_ids([page, truncated]) == ["1"]


# --- insights: both shapes ---------------------------------------------------------------------------------------

def test_media_insights_in_both_shapes_for_the_media_of_the_refresh_window(httpserver, api, sample,
                                                                           warehouse_con, no_inbox):
    """The day's two media and the album of 2021-07-26 (18 days before: its lifetime insights still grow),
    not the media of 2021-06-09 (65 days before)."""
    serve_media_list(httpserver, sample)
    answers = ("medias/insights.json", "medias/insights_new.json", "insights_legacy/media_album_insights.json")
    for media, name in zip((*MEDIA_OF_DAY, ALBUM), answers, strict=True):
        support.respond(httpserver.expect_ordered_request(f"/v21.0/{media}/insights", query_string={
            "metric": DEFAULT_MEDIA_METRICS, "access_token": TOKEN}), sample(name))
    pages = support.fetch_pages(api, fetch_media_insights, MEDIA_DAY).pages
    httpserver.check_assertions()
    album_metrics = len(json.loads(sample(answers[2]))["data"])
    ingested = support.land_and_ingest(warehouse_con, IG_MEDIA_INSIGHTS, MEDIA_DAY, pages, no_inbox)
    assert ingested["media_insights"] == (4 + album_metrics, 4 + album_metrics, 0)
    assert support.rows(warehouse_con, "select media_id, metric, period, end_time, value, response_shape, "
                                       "breakdowns->'$[0].dimension_keys'->>0 from instagram.media_insights "
                                       "where media_id <> 'media_id' order by media_id, metric") == [
        ("17846368219941692", "impressions", "lifetime", None, 8, "values", None),
        ("17846368219941692", "reach", "lifetime", None, 5, "values", None),
        ("17846368219941692", "saved", "lifetime", None, 0, "values", None),
        ("18035507131611621", "profile_activity", "lifetime", None, 11, "total_value", "action_type"),
    ]
    # the legacy sample's ids name a placeholder instead of the album: its rows carry it as they are
    assert support.rows(warehouse_con, "select count(*) from instagram.media_insights where media_id = 'media_id'"
                        ) == [(album_metrics,)]


def test_account_insights_in_both_shapes(httpserver, api, sample, warehouse_con, no_inbox):
    window = {"period": "day", "since": str(ACCOUNT_SINCE), "until": str(ACCOUNT_UNTIL), "access_token": TOKEN}
    support.respond(httpserver.expect_ordered_request(INSIGHTS_PATH, query_string={
        **window, "metric": DEFAULT_ACCOUNT_METRICS}), sample("users/user_insights.json"))
    # its paging.next is the next window (since=1699603152 >= until): not followed
    support.respond(httpserver.expect_ordered_request(INSIGHTS_PATH, query_string={
        **window, "metric_type": "total_value", "metric": DEFAULT_ACCOUNT_TOTAL_VALUE_METRICS}),
        sample("users/user_insights_new.json"))
    fetched = support.fetch_pages(api, fetch_account_insights, ACCOUNT_DAY)
    assert fetched.requests_made == 2
    assert [p.number for p in fetched.pages] == [1, 2]
    ingested = support.land_and_ingest(warehouse_con, IG_ACCOUNT_INSIGHTS, ACCOUNT_DAY, fetched.pages,
                                       no_inbox)
    assert ingested["account_insights"] == (7, 7, 0)
    assert support.rows(warehouse_con, "select response_shape, count(*), sum(value) "
                                       "from instagram.account_insights group by 1 order by 1") == [
        ("total_value", 1, 14516883), ("values", 6, 4 + 66 + 3 + 36 + 0 + 2)]
    # a total covers the request window: its end is the request's `until`
    total = support.rows(warehouse_con, "select ig_user_id, metric, epoch(end_time)::bigint, "
                                        "json_array_length(breakdowns->'$[0].results') "
                                        "from instagram.account_insights "
                                        "where response_shape = 'total_value'")
    assert total == [("17841454149711910", "reach", ACCOUNT_UNTIL, 14)]
    assert support.balanced(warehouse_con, IG_ACCOUNT_INSIGHTS, ACCOUNT_DAY)


def test_legacy_insights_exports_parse(warehouse_con, tmp_path, samples):
    """Inbox files from 2019 (insights_legacy/): a 10-day account series and a carousel's lifetime metrics."""
    inbox = tmp_path / "inbox"
    legacy = samples / "instagram_graph_api/insights_legacy"
    support.put_in_inbox(inbox, IG_ACCOUNT_INSIGHTS, ACCOUNT_DAY, legacy / "user_insights_daily_2019.json")
    support.put_in_inbox(inbox, IG_MEDIA_INSIGHTS, ACCOUNT_DAY, legacy / "media_album_insights.json")
    account = ingest_feed(warehouse_con, IG_ACCOUNT_INSIGHTS, inbox, [ACCOUNT_DAY]).tables["account_insights"]
    media = ingest_feed(warehouse_con, IG_MEDIA_INSIGHTS, inbox, [ACCOUNT_DAY]).tables["media_insights"]
    assert (account.loaded, account.quarantined, media.loaded, media.quarantined) == (20, 0, 5, 0)
    series = json.loads((legacy / "user_insights_daily_2019.json").read_text())
    assert support.rows(warehouse_con, "select metric, count(distinct end_time), sum(value) "
                                       "from instagram.account_insights group by 1 order by 1") == sorted(
        (m["name"], 10, sum(v["value"] for v in m["values"])) for m in series["data"])


def test_a_retired_metric_falls_back_to_views_and_is_flagged(httpserver, api, sample, warehouse_con,
                                                             no_inbox):
    """Instagram names the accepted values in its (#100) message; impressions -> views (v22, Apr 2025)."""
    error = {"error": {"message": "(#100) metric[0] must be one of the following values: reach, follower_count, "
                                  "views, accounts_engaged, total_interactions", "type": "OAuthException",
                       "code": 100, "fbtrace_id": "A1b2C3"}}
    series = json.loads(sample("users/user_insights.json"))

    def graph(request: Request) -> Response:
        metrics = request.args["metric"].split(",")
        if "impressions" in metrics:
            return support.json_response(error, 400)
        if request.args.get("metric_type") == "total_value":
            return support.json_response(sample("users/user_insights_new.json"))
        data = [{**m, "name": "views", "id": m["id"].replace("impressions", "views")} if m["name"] == "impressions"
                else m for m in series["data"]]
        return support.json_response({"data": [m for m in data if m["name"] in metrics]})

    httpserver.expect_request(INSIGHTS_PATH).respond_with_handler(graph)
    api = api.model_copy(update={"account_metrics": "impressions,reach", "account_total_value_metrics": "reach"})
    pages = support.fetch_pages(api, fetch_account_insights, ACCOUNT_DAY).pages
    support.land_and_ingest(warehouse_con, IG_ACCOUNT_INSIGHTS, ACCOUNT_DAY, pages, no_inbox)
    assert support.rows(warehouse_con, "select metric, response_shape, is_successor_metric, replaces_metric, "
                                       "sum(value) from instagram.account_insights "
                                       "group by all order by all") == [
        ("reach", "total_value", False, None, 14516883),
        ("reach", "values", False, None, 3 + 36),
        ("views", "values", True, "impressions", 4 + 66),
    ]


def test_media_without_enough_viewers_is_skipped_not_fatal(httpserver, api, sample):
    serve_media_list(httpserver, sample)
    support.serve_in_order(httpserver, f"/v21.0/{MEDIA_OF_DAY[0]}/insights", support.json_response(
        {"error": {"message": "(#10) Not enough viewers for the media to show insights", "type": "OAuthException",
                   "code": 10, "fbtrace_id": "x"}}, 400))
    support.serve_in_order(httpserver, f"/v21.0/{MEDIA_OF_DAY[1]}/insights", sample("medias/insights.json"))
    support.serve_in_order(httpserver, f"/v21.0/{ALBUM}/insights", sample("medias/insights.json"))
    pages = support.fetch_pages(api, fetch_media_insights, MEDIA_DAY).pages
    assert [p.number for p in pages] == [1, 2]
    assert f"/{MEDIA_OF_DAY[1]}/insights" in pages[0].url and f"/{ALBUM}/insights" in pages[1].url


# --- resilience --------------------------------------------------------------------------------------------------

def test_429_with_retry_after_then_success(httpserver, api, sample):
    support.serve_in_order(httpserver, MEDIA_PATH,
                           Response("rate limited", status=429, headers={"Retry-After": "0"}),
                           sample("users/medias_p2.json"))
    fetched = support.fetch_pages(api, fetch_media, MEDIA_DAY)
    assert fetched.requests_made == 2
    assert len(fetched.pages) == 1 and fetched.pages[0].status == 200
    assert fetched.waits == [0.0]


def test_a_run_of_503s_then_success(httpserver, api, sample):
    support.serve_in_order(httpserver, INSIGHTS_PATH, *support.busy(3), sample("users/user_insights.json"),
                           sample("users/user_insights_new.json"))
    fetched = support.fetch_pages(api, fetch_account_insights, ACCOUNT_DAY)
    assert len(fetched.pages) == 2 and len(fetched.waits) == 3
    assert fetched.waits == sorted(fetched.waits)


def test_truncated_body_is_landed_and_quarantined_whole(httpserver, api, sample, warehouse_con, no_inbox):
    support.respond(httpserver.expect_request(MEDIA_PATH), sample("users/medias_p1.json")[:400])
    pages = support.fetch_pages(api, fetch_media, MEDIA_DAY).pages
    assert len(pages) == 1
    assert support.land_and_ingest(warehouse_con, IG_MEDIA, MEDIA_DAY, pages, no_inbox)["media"] == (1, 0, 1)
    assert support.quarantine_reasons(warehouse_con)[0].startswith("page is not valid JSON")


def test_a_truncated_media_list_fails_the_comments_fetch_rather_than_skip_them(httpserver, api, sample):
    support.respond(httpserver.expect_request(MEDIA_PATH), sample("users/medias_p1.json")[:400])
    with api.client() as client, pytest.raises(ValueError, match="unreadable page"):
        fetch_comments(api, client, MEDIA_DAY)


def test_the_same_page_delivered_twice_loads_each_media_once(httpserver, api, sample, warehouse_con,
                                                             no_inbox):
    page = json.loads(sample("users/medias_p1.json"))
    page["paging"]["next"] = httpserver.url_for("/v6.0/again/media")
    support.serve_in_order(httpserver, MEDIA_PATH, page)
    support.serve_in_order(httpserver, "/v6.0/again/media", {**page, "paging": {}})
    pages = support.fetch_pages(api, fetch_media, MEDIA_DAY).pages
    assert support.land_and_ingest(warehouse_con, IG_MEDIA, MEDIA_DAY, pages, no_inbox)["media"] == (4, 2, 2)
    reasons = support.quarantine_reasons(warehouse_con)
    assert all(r.startswith("duplicate media_id") and r.endswith("of page 1)") for r in reasons)
    assert land_api_pages(warehouse_con, IG_MEDIA, MEDIA_DAY, pages) == 0


def test_the_token_never_reaches_the_warehouse(httpserver, api, sample, warehouse_con):
    serve_media_list(httpserver, sample, fields=MEDIA_FIELDS)
    land_api_pages(warehouse_con, IG_MEDIA, MEDIA_DAY, support.fetch_pages(api, fetch_media, MEDIA_DAY).pages)
    raw_pages = support.rows(warehouse_con, "select source_file, content from raw.pages")
    stored = " ".join(r[0] + r[1] for r in raw_pages)
    assert TOKEN not in stored and "access_token=access_token" not in stored
    assert stored.count("access_token=REDACTED") >= 3  # first URL, next URL, paging in page 1's body


# --- Dagster -----------------------------------------------------------------------------------------------------

def test_dagster_materializes_account_insights_from_the_api(httpserver, api, sample, tmp_path):
    support.serve_in_order(httpserver, INSIGHTS_PATH, sample("users/user_insights.json"),
                           sample("users/user_insights_new.json"))
    # a 2026 partition: the total's paging.next (a 2023 window) is followed, to an empty page
    support.serve_in_order(httpserver, "/v18.0/17841454149711910/insights", {"data": []})
    result = support.materialize_feed(IG_ACCOUNT_INSIGHTS, date(2026, 6, 1), "instagram_api", api, tmp_path)
    assert result.success
    metadata = support.materialized(result, "instagram__account_insights")["account_insights"]
    assert metadata["pages_fetched_from_api"] == 3
    assert metadata["records_loaded"] == 7
    assert support.checks_passed(result) == [True]


def test_without_credentials_the_connector_stays_idle(monkeypatch):
    for name in ("INSTAGRAM_USER_ID", "INSTAGRAM_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert not instagram_api.api_resources()["instagram_api"].is_configured()
    assert not InstagramApi(ig_user_id="1").is_configured()
    assert InstagramApi(ig_user_id="1", access_token="t").is_configured()
