"""YouTube Data API v3 connector against a local HTTP server replaying real YouTube responses
(../shared/samples/youtube_data_api)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from werkzeug import Response

from pipelines.defs.ingestion.youtube import api as youtube_api
from pipelines.defs.ingestion.youtube.api import (
    VIDEO_PARTS,
    YouTubeApi,
    fetch_channel_statistics,
    fetch_comment_replies,
    fetch_comment_threads,
    fetch_videos,
)
from pipelines.defs.ingestion.youtube.feeds import FEEDS
from pipelines.lib.ingest import land_api_pages
from tests.unit import connector_support as support

CHANNEL_STATISTICS, VIDEOS, COMMENT_THREADS, COMMENT_REPLIES = FEEDS
CHANNEL = "UC_x5XG1OV2P6uZZ5FSM9Ttw"
KEY = "test-key"
BASE = "/youtube/v3"
THREADS_PATH = f"{BASE}/commentThreads"
# The thread sample (newest first) runs from 2019-11-26 down to 2019-11-14T23:31:33Z. A day's fetch reads the
# threads started in the comment_refresh_days (7) days up to its end: for 11-14, from 11-08.
THREADS_DAY = date(2019, 11, 14)
EMPTY_THREADS = {"kind": "youtube#commentThreadListResponse", "pageInfo": {"totalResults": 0}, "items": []}


@pytest.fixture
def api(httpserver) -> YouTubeApi:
    return support.local_api(YouTubeApi, httpserver, BASE, api_key=KEY, channel_id=CHANNEL)


def sample(samples, name: str) -> str:
    return support.read_sample(samples, "youtube_data_api", name)


def threads_page(samples, number: int) -> str:
    return sample(samples, f"comment_threads/comment_threads_by_video_paged_{number}.json")


def test_comment_threads_follow_the_page_token_to_the_empty_last_page(httpserver, api, samples,
                                                                      warehouse_con):
    page1 = threads_page(samples, 1)
    token = json.loads(page1)["nextPageToken"]
    first_query = {"part": "snippet", "allThreadsRelatedToChannelId": CHANNEL, "order": "time",
                   "maxResults": "100", "textFormat": "plainText", "key": KEY}
    support.respond(httpserver.expect_ordered_request(THREADS_PATH, query_string=first_query), page1)
    support.respond(httpserver.expect_ordered_request(THREADS_PATH,
                                                      query_string={**first_query, "pageToken": token}),
                    EMPTY_THREADS)
    pages = support.fetch_pages(api, fetch_comment_threads, THREADS_DAY).pages
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2]  # the oldest thread of page 1 is in the day: read on
    # The API key never reaches the warehouse: it is taken out of the URLs kept with the pages.
    assert all(KEY not in p.url and "key=" not in p.url for p in pages)
    assert httpx.URL(pages[1].url).params["pageToken"] == token
    land_api_pages(warehouse_con, COMMENT_THREADS, THREADS_DAY, pages)
    assert support.rows(warehouse_con, "select count(*) from raw.pages where source_file like '%key=%' "
                                       "or content like '%test-key%'")[0][0] == 0


def test_comment_threads_stop_at_the_first_page_reaching_before_the_window(httpserver, api, samples):
    page1 = threads_page(samples, 1)  # has a nextPageToken, but its oldest thread (11-14) is before 11-16
    support.respond(httpserver.expect_request(THREADS_PATH), page1)
    fetched = support.fetch_pages(api, fetch_comment_threads, date(2019, 11, 22))  # window: 11-16 .. 11-22
    assert fetched.requests_made == 1
    assert len(fetched.pages) == 1


def test_the_comment_refresh_window_is_a_setting(httpserver, api, samples):
    support.respond(httpserver.expect_request(THREADS_PATH), threads_page(samples, 1))
    day_only = api.model_copy(update={"comment_refresh_days": 1})
    for fetch in (fetch_comment_threads, fetch_comment_replies):
        # 11-16 alone: page 1 reaches before it (11-14), and its thread of 11-16 has no reply
        fetched = support.fetch_pages(day_only, fetch, date(2019, 11, 16))
        assert fetched.requests_made == 1
        assert len(fetched.pages) == (1 if fetch is fetch_comment_threads else 0)


def test_comment_thread_pages_newer_than_the_day_are_skipped(httpserver, api, samples):
    # Every thread of page 1 is after 2019-11-10: it is read only to reach the day, not landed. The day
    # itself had nothing: the empty last page lands, so re-running the day empties it truthfully.
    support.serve_in_order(httpserver, THREADS_PATH, threads_page(samples, 1), EMPTY_THREADS)
    pages = support.fetch_pages(api, fetch_comment_threads, date(2019, 11, 10)).pages
    assert [p.number for p in pages] == [2]
    assert json.loads(pages[0].text)["items"] == []


def test_the_same_page_delivered_twice_loads_each_comment_once(httpserver, api, samples, warehouse_con,
                                                               no_inbox):
    # Real samples: YouTube's second page repeats the five threads of the first one.
    page1, page2 = threads_page(samples, 1), threads_page(samples, 2)
    assert json.loads(page1)["items"] == json.loads(page2)["items"]
    support.serve_in_order(httpserver, THREADS_PATH, page1, page2)
    pages = support.fetch_pages(api, fetch_comment_threads, THREADS_DAY).pages
    ingested = support.land_and_ingest(warehouse_con, COMMENT_THREADS, THREADS_DAY, pages, no_inbox)
    assert ingested.landed == 2
    assert ingested["comments"] == (10, 5, 5)
    reasons = support.quarantine_reasons(warehouse_con)
    assert all(r.startswith("duplicate comment_id") and r.endswith("of page 1)") for r in reasons)
    assert support.balanced(warehouse_con, COMMENT_THREADS, THREADS_DAY)
    row = warehouse_con.execute(
        "select thread_id, video_id, author_channel_id, author_display_name, text, like_count, reply_count, "
        "published_at from youtube.comments where comment_id = 'UgwI_ylXVnzPS8Q-oAV4AaABAg'").fetchone()
    thread = json.loads(page1)["items"][4]["snippet"]
    top = thread["topLevelComment"]["snippet"]
    assert row == ("UgwI_ylXVnzPS8Q-oAV4AaABAg", "F1UP7wRCPH8", top["authorChannelId"]["value"],
                   top["authorDisplayName"], top["textOriginal"], top["likeCount"], thread["totalReplyCount"],
                   datetime(2019, 11, 14, 23, 31, 33, tzinfo=UTC))
    # Fetching the very same pages again lands nothing new.
    assert land_api_pages(warehouse_con, COMMENT_THREADS, THREADS_DAY, pages) == 0


def test_replies_are_fetched_for_the_threads_of_the_window_that_have_some(httpserver, api, samples,
                                                                         warehouse_con, no_inbox):
    replies = sample(samples, "comments/comments_by_parent_paged_1.json")
    token = json.loads(replies)["nextPageToken"]
    support.serve_in_order(httpserver, THREADS_PATH, threads_page(samples, 1), threads_page(samples, 2))
    # Of the window's threads only UgwI_... (2019-11-14T23:31:33Z) has replies (totalReplyCount 2).
    query = {"part": "snippet", "parentId": "UgwI_ylXVnzPS8Q-oAV4AaABAg", "maxResults": "100",
             "textFormat": "plainText", "key": KEY}
    support.respond(httpserver.expect_ordered_request(f"{BASE}/comments", query_string=query), replies)
    support.respond(httpserver.expect_ordered_request(f"{BASE}/comments",
                                                      query_string={**query, "pageToken": token}),
                    {"kind": "youtube#commentListResponse", "items": []})
    pages = support.fetch_pages(api, fetch_comment_replies, THREADS_DAY).pages
    httpserver.check_assertions()
    assert [p.number for p in pages] == [1, 2] and all("/comments?" in p.url for p in pages)
    ingested = support.land_and_ingest(warehouse_con, COMMENT_REPLIES, THREADS_DAY, pages, no_inbox)
    assert ingested["comment_replies"] == (2, 2, 0)
    loaded = support.rows(warehouse_con, "select comment_id, parent_comment_id, text "
                                         "from youtube.comment_replies order by comment_id")
    assert loaded == sorted((c["id"], c["snippet"]["parentId"], c["snippet"]["textOriginal"])
                            for c in json.loads(replies)["items"])


def test_replies_are_not_fetched_for_threads_older_than_the_window(httpserver, api, samples):
    # Window of 11-22: 11-16 .. 11-22. Its threads (11-16, 11-17, 11-21) have no reply; UgwI_... has two but
    # is from the 14th.
    support.respond(httpserver.expect_request(THREADS_PATH), threads_page(samples, 1))
    fetched = support.fetch_pages(api, fetch_comment_replies, date(2019, 11, 22))
    assert fetched.pages == []
    assert fetched.requests_made == 1


def test_a_thread_is_read_again_with_its_replies_while_in_the_window(httpserver, api, samples, warehouse_con,
                                                                    no_inbox):
    """UgwI_... (11-14) is still in the window of 11-20 (11-14 .. 11-20): its thread and replies are fetched
    again, so an answer posted after the 14th lands. Each day's fetch is its own batch: nothing is quarantined,
    a comment has a row per fetch day, and staging keeps the latest (keep_latest_record)."""
    replies = json.loads(sample(samples, "comments/comments_by_parent_paged_1.json"))
    replies.pop("nextPageToken")
    later_day = date(2019, 11, 20)
    for day in (THREADS_DAY, later_day):
        # page 1 does not reach before the window: the next page (empty, the last) is read too; once to land
        # the threads, once to find the threads with replies
        support.serve_in_order(httpserver, THREADS_PATH, *(threads_page(samples, 1), EMPTY_THREADS) * 2)
        support.serve_in_order(httpserver, f"{BASE}/comments", replies)
        threads = support.fetch_pages(api, fetch_comment_threads, day).pages
        answers = support.fetch_pages(api, fetch_comment_replies, day).pages
        assert support.land_and_ingest(warehouse_con, COMMENT_THREADS, day, threads, no_inbox)["comments"] == (
            5, 5, 0)
        assert support.land_and_ingest(warehouse_con, COMMENT_REPLIES, day, answers, no_inbox)[
            "comment_replies"] == (2, 2, 0)
    httpserver.check_assertions()
    assert support.quarantine_reasons(warehouse_con) == []
    assert support.rows(warehouse_con, "select _partition_date, count(*) from youtube.comment_replies "
                                       "group by 1 order by 1") == [(THREADS_DAY, 2), (later_day, 2)]
    assert support.rows(warehouse_con, "select list(_partition_date order by _partition_date) "
                                       "from youtube.comments where comment_id = 'UgwI_ylXVnzPS8Q-oAV4AaABAg'") == [
        ([THREADS_DAY, later_day],)]


def test_videos_of_the_day_from_the_uploads_playlist_with_statistics(httpserver, api, samples, warehouse_con,
                                                                    no_inbox):
    channels = json.loads(sample(samples, "channels/info_multiple.json"))
    uploads = channels["items"][0]["contentDetails"]["relatedPlaylists"]["uploads"]
    playlist1 = sample(samples, "playlist_items/playlist_items_paged_1.json")
    videos = json.loads(sample(samples, "videos/videos_info_multi.json"))
    # The video sample was recorded without the statistics and contentDetails parts: add them in the API's shape.
    videos["items"][0]["contentDetails"] = {"duration": "PT1H2M3S", "definition": "hd", "caption": "true"}
    videos["items"][0]["statistics"] = {"viewCount": "1200", "likeCount": "34", "favoriteCount": "0",
                                        "commentCount": "5"}
    support.respond(httpserver.expect_ordered_request(f"{BASE}/channels", query_string={
        "part": "contentDetails", "id": CHANNEL, "key": KEY}), channels)
    support.respond(httpserver.expect_ordered_request(f"{BASE}/playlistItems", query_string={
        "part": "snippet,contentDetails", "playlistId": uploads, "maxResults": "50", "key": KEY,
    }), playlist1)
    support.respond(httpserver.expect_ordered_request(f"{BASE}/playlistItems", query_string={
        "part": "snippet,contentDetails", "playlistId": uploads, "maxResults": "50", "key": KEY,
        "pageToken": json.loads(playlist1)["nextPageToken"],
    }), sample(samples, "playlist_items/playlist_items_paged_2.json"))
    # Of the 13 items, only CvTApw9X8aA was published on 2019-11-21 (the others on the 23rd).
    support.respond(httpserver.expect_ordered_request(f"{BASE}/videos", query_string={
        "part": VIDEO_PARTS, "id": "CvTApw9X8aA", "maxResults": "50", "key": KEY}), videos)
    day = date(2019, 11, 21)
    pages = support.fetch_pages(api, fetch_videos, day).pages
    httpserver.check_assertions()
    assert len(pages) == 1 and "key=" not in pages[0].url  # only the /videos pages land
    assert support.land_and_ingest(warehouse_con, VIDEOS, day, pages, no_inbox)["videos"] == (2, 2, 0)
    first = videos["items"][0]
    row = warehouse_con.execute(
        "select channel_id, title, published_at, duration_seconds, has_captions, view_count, like_count, "
        "comment_count, favorite_count, tags from youtube.videos where video_id = ?", [first["id"]]
    ).fetchone()
    assert row == (first["snippet"]["channelId"], first["snippet"]["title"],
                   datetime(2019, 3, 21, 20, 37, 49, tzinfo=UTC), 3723, True, 1200, 34, 5, 0, first["snippet"]["tags"])
    # without the statistics part, the counts are unknown, not zero
    assert warehouse_con.execute("select view_count, duration_seconds from youtube.videos where video_id = ?",
                                 [videos["items"][1]["id"]]).fetchone() == (None, None)


def test_a_day_without_uploads_fetches_no_videos(httpserver, api, samples):
    support.respond(httpserver.expect_request(f"{BASE}/channels"),
                    sample(samples, "channels/info_multiple.json"))
    support.respond(httpserver.expect_request(f"{BASE}/playlistItems"),
                    sample(samples, "playlist_items/playlist_items_paged_1.json"))
    fetched = support.fetch_pages(api, fetch_videos, date(2019, 11, 22))
    assert fetched.pages == []
    assert fetched.requests_made == 2  # page 1 already reaches before the day: no page 2, no /videos


def test_channel_statistics_snapshot_for_a_recent_day(httpserver, api, samples, warehouse_con, no_inbox):
    support.respond(httpserver.expect_request(f"{BASE}/channels", query_string={
        "part": "snippet,statistics,contentDetails", "id": CHANNEL, "key": KEY,
    }), sample(samples, "channel_info_single.json"))
    day = datetime.now(UTC).date() - timedelta(days=1)
    pages = support.fetch_pages(api, fetch_channel_statistics, day).pages
    ingested = support.land_and_ingest(warehouse_con, CHANNEL_STATISTICS, day, pages, no_inbox)
    assert ingested["channel_statistics"] == (1, 1, 0)
    row = warehouse_con.execute("select channel_id, channel_title, subscriber_count, view_count, "
                                "video_count, hidden_subscriber_count, _partition_date "
                                "from youtube.channel_statistics").fetchone()
    assert row == (CHANNEL, "Google Developers", 1927873, 160361638, 5026, False, day)


def test_channel_statistics_are_not_fetched_for_an_old_day(httpserver, api):
    # Today's subscriber count is not the audience of a day months ago: a backfill fetches nothing.
    fetched = support.fetch_pages(api, fetch_channel_statistics, date(2025, 1, 1))
    assert fetched.pages == []
    assert fetched.requests_made == 0


def test_429_with_retry_after_then_success(httpserver, api, samples):
    support.serve_in_order(httpserver, THREADS_PATH,
                           Response("rate limited", status=429, headers={"Retry-After": "0"}),
                           threads_page(samples, 2))
    fetched = support.fetch_pages(api, fetch_comment_threads, THREADS_DAY)
    assert fetched.requests_made == 2
    assert len(fetched.pages) == 1 and fetched.pages[0].status == 200
    assert fetched.waits == [0.0]  # the server's Retry-After, not our own backoff


def test_a_run_of_503s_then_success(httpserver, api, samples):
    support.serve_in_order(httpserver, THREADS_PATH, *support.busy(3), threads_page(samples, 2))
    fetched = support.fetch_pages(api, fetch_comment_threads, THREADS_DAY)
    assert len(fetched.pages) == 1 and len(fetched.waits) == 3
    assert fetched.waits == sorted(fetched.waits)  # exponential backoff grows


def test_quota_exceeded_fails_at_once(httpserver, api):
    # YouTube says 403 quotaExceeded (reset at midnight Pacific time): retrying would only burn the run.
    error = {"error": {"code": 403, "message": "The request cannot be completed because you have exceeded your "
                       "quota.", "errors": [{"reason": "quotaExceeded", "domain": "youtube.quota"}]}}
    httpserver.expect_request(THREADS_PATH).respond_with_json(error, status=403)
    with api.client() as client, pytest.raises(httpx.HTTPStatusError, match="403"):
        client.sleep = lambda _: pytest.fail("must not wait")
        try:
            fetch_comment_threads(api, client, THREADS_DAY)
        finally:
            assert client.requests_made == 1


def test_truncated_body_is_landed_and_quarantined_whole(httpserver, api, samples, warehouse_con, no_inbox):
    text = threads_page(samples, 1)
    support.respond(httpserver.expect_request(THREADS_PATH), text[:700])
    pages = support.fetch_pages(api, fetch_comment_threads, THREADS_DAY).pages
    assert len(pages) == 1  # pagination stops: the next token is inside the unreadable body
    ingested = support.land_and_ingest(warehouse_con, COMMENT_THREADS, THREADS_DAY, pages, no_inbox)
    assert ingested["comments"] == (1, 0, 1)
    assert support.quarantine_reasons(warehouse_con)[0].startswith("page is not valid JSON")


def test_dagster_materializes_comment_threads_from_the_api(httpserver, api, samples, tmp_path):
    # The 2019 threads are all before the partition day: page 1 reaches before it, reading stops there.
    support.respond(httpserver.expect_request(THREADS_PATH), threads_page(samples, 1))
    result = support.materialize_feed(COMMENT_THREADS, date(2026, 6, 1), youtube_api.RESOURCE_KEY, api,
                                      tmp_path)
    assert result.success
    metadata = support.materialized(result, "youtube__comment_threads")["comments"]
    assert metadata["pages_fetched_from_api"] == 1
    assert metadata["records_loaded"] == 5
    assert support.checks_passed(result) == [True]


def test_without_credentials_the_connector_stays_idle(monkeypatch):
    assert not YouTubeApi().is_configured()
    assert not YouTubeApi(api_key="k").is_configured()
    assert YouTubeApi(api_key="k", channel_id=CHANNEL).is_configured()
    for name in ("YOUTUBE_API_KEY", "YOUTUBE_CHANNEL_ID"):
        monkeypatch.delenv(name, raising=False)
    assert not youtube_api.api_resources()[youtube_api.RESOURCE_KEY].is_configured()
    monkeypatch.setenv("YOUTUBE_API_KEY", "k")
    monkeypatch.setenv("YOUTUBE_CHANNEL_ID", CHANNEL)
    assert youtube_api.api_resources()[youtube_api.RESOURCE_KEY].is_configured()
