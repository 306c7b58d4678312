"""The ingestion contract on real platform payloads (../shared/samples) and on deliberately broken pages, in a
real DuckDB file: raw pages land once, records parse into typed tables, bad records go to quarantine with a
reason, and raw = loaded + quarantined."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from pipelines.defs.ingestion.blog.feeds import FEEDS as BLOG_FEEDS
from pipelines.defs.ingestion.facebook.feeds import FEEDS as FACEBOOK_FEEDS
from pipelines.defs.ingestion.x.feeds import FEEDS as X_FEEDS
from pipelines.defs.ingestion.zendesk.feeds import FEEDS as ZENDESK_FEEDS
from pipelines.lib.ingest import connect, ingest_feed, reconcile

FB_POSTS, FB_COMMENTS, *_ = FACEBOOK_FEEDS
X_TWEETS, X_MENTIONS, X_SEARCH = X_FEEDS
(BLOG_RSS,) = BLOG_FEEDS
ZENDESK_TICKETS, *_ = ZENDESK_FEEDS
DAY = date(2026, 6, 1)


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "warehouse.duckdb")
    yield connection
    connection.close()


def put(inbox: Path, feed, day: date, content: str | Path) -> Path:
    target = feed.file_for(inbox, day)
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, Path):
        shutil.copy(content, target)
    else:
        target.write_text(content)
    return target


def count(con, sql: str, params=None) -> int:
    return con.execute(sql, params or []).fetchone()[0]


def assert_balanced(con, feed, days):
    for table in feed.tables:
        balance = reconcile(con, feed, table, days)
        assert balance["balanced"], (table.name, balance)


def test_facebook_page_feed_sample_parses_every_post(con, tmp_path, samples):
    inbox = tmp_path / "inbox"
    put(inbox, FB_POSTS, DAY, samples / "facebook_graph_api/posts/feeds_default_fields_p1.json")
    result = ingest_feed(con, FB_POSTS, inbox, [DAY])
    expected = json.loads((samples / "facebook_graph_api/posts/feeds_default_fields_p1.json").read_text())["data"]
    stats = result.tables["posts"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (len(expected), len(expected), 0)
    first = expected[0]
    row = con.execute("select post_id, page_id, created_at, reactions_count, comments_count, shares_count "
                      "from facebook.posts where post_id = ?", [first["id"]]).fetchone()
    assert row[0] == first["id"]
    assert row[1] == first["id"].split("_")[0]
    assert row[2].isoformat().startswith(first["created_time"][:19])
    assert row[3] == first["reactions"]["summary"]["total_count"]
    assert row[4] == first["comments"]["summary"]["total_count"]
    assert row[5] == first.get("shares", {}).get("count", 0)
    assert_balanced(con, FB_POSTS, [DAY])


def test_comments_without_requested_fields_are_quarantined_with_the_field_named(con, tmp_path, samples):
    # The sample was fetched with default fields: no comment id and no author. Nothing may be silently lost.
    inbox = tmp_path / "inbox"
    sample = samples / "facebook_graph_api/comments/comments_p1.json"
    put(inbox, FB_COMMENTS, DAY, sample)
    stats = ingest_feed(con, FB_COMMENTS, inbox, [DAY]).tables["comments"]
    n = len(json.loads(sample.read_text())["data"])
    assert (stats.records_in, stats.loaded, stats.quarantined) == (n, 0, n)
    reasons = [r[0] for r in con.execute("select reason from raw.quarantine order by record_index").fetchall()]
    assert all("invalid or missing id: absent" in r and "invalid or missing from.id: absent" in r for r in reasons)
    files = {r[0] for r in con.execute("select source_file from raw.quarantine").fetchall()}
    assert files == {str(FB_COMMENTS.file_for(inbox, DAY))}
    assert_balanced(con, FB_COMMENTS, [DAY])


def test_x_search_sample_joins_authors_from_includes(con, tmp_path, samples):
    inbox = tmp_path / "inbox"
    sample = samples / "x_api_v2/searches/search_tweets_query.json"
    put(inbox, X_SEARCH, DAY, sample)
    stats = ingest_feed(con, X_SEARCH, inbox, [DAY]).tables["search"]
    payload = json.loads(sample.read_text())
    assert stats.loaded == payload["meta"]["result_count"] == len(payload["data"])
    users = {u["id"]: u["username"] for u in payload["includes"]["users"]}
    rows = con.execute("select tweet_id, author_id, author_username, replied_to_tweet_id from x.search").fetchall()
    for tweet_id, author_id, username, replied_to in rows:
        tweet = next(t for t in payload["data"] if t["id"] == tweet_id)
        assert username == users[author_id]
        refs = {r["type"]: r["id"] for r in tweet.get("referenced_tweets", [])}
        assert replied_to == refs.get("replied_to")


def test_x_mentions_without_author_are_quarantined(con, tmp_path, samples):
    inbox = tmp_path / "inbox"
    sample = samples / "x_api_v2/timeline/timeline_mentions.json"
    put(inbox, X_MENTIONS, DAY, sample)
    stats = ingest_feed(con, X_MENTIONS, inbox, [DAY]).tables["mentions"]
    assert stats.records_in == json.loads(sample.read_text())["meta"]["result_count"]
    assert stats.loaded == 0 and stats.quarantined == stats.records_in
    assert stats.reasons == {"invalid or missing author_id": stats.records_in}


def test_empty_x_page_without_data_is_zero_records_not_an_error(con, tmp_path):
    inbox = tmp_path / "inbox"
    put(inbox, X_TWEETS, DAY, '{"meta": {"result_count": 0}}')
    stats = ingest_feed(con, X_TWEETS, inbox, [DAY]).tables["tweets"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (0, 0, 0)


def test_zendesk_export_lands_the_count_it_states(con, tmp_path, samples):
    inbox = tmp_path / "inbox"
    sample = samples / "zendesk_api/incremental_tickets_start0.json"
    put(inbox, ZENDESK_TICKETS, DAY, sample)
    result = ingest_feed(con, ZENDESK_TICKETS, inbox, [DAY])
    stated = json.loads(sample.read_text())["count"]
    assert result.tables["tickets"].records_in == stated
    assert result.tables["tickets"].loaded + result.tables["tickets"].quarantined == stated
    assert count(con, "select count(*) from zendesk.tickets") == result.tables["tickets"].loaded
    # This export was requested without include=metric_sets: no metrics, and that is not an error.
    assert result.tables["ticket_metrics"].records_in == 0
    assert_balanced(con, ZENDESK_TICKETS, [DAY])


def test_rss_sample_parses_every_item_with_utc_dates(con, tmp_path, samples):
    inbox = tmp_path / "inbox"
    put(inbox, BLOG_RSS, DAY, samples / "rss_feed/rss_entries.xml")
    stats = ingest_feed(con, BLOG_RSS, inbox, [DAY]).tables["posts"]
    assert (stats.records_in, stats.loaded) == (30, 30)
    first = con.execute("select title, published_at, item_id, link, feed_title from blog.posts "
                        "order by _record_index limit 1").fetchone()
    assert first[0] == "Connect 2016 Developer Workshop"
    assert first[1].isoformat() == "2016-12-06T17:17:00+00:00"  # 'Tue, 06 Dec 2016 17:17:00 +0000'
    assert first[2] == first[3]  # no guid in this feed: the link is the key
    assert first[4] == "CouchBase Blogs"


def test_truncated_page_is_quarantined_whole_and_counted(con, tmp_path, samples):
    inbox = tmp_path / "inbox"
    text = (samples / "facebook_graph_api/posts/feeds_default_fields_p1.json").read_text()
    put(inbox, FB_POSTS, DAY, text[: len(text) // 2])
    stats = ingest_feed(con, FB_POSTS, inbox, [DAY]).tables["posts"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (1, 0, 1)
    reason, index, payload = con.execute("select reason, record_index, payload from raw.quarantine").fetchone()
    assert "not valid JSON" in reason and index is None and payload == text[: len(text) // 2]
    assert_balanced(con, FB_POSTS, [DAY])


def test_api_error_body_is_quarantined_with_the_platform_message(con, tmp_path):
    inbox = tmp_path / "inbox"
    put(inbox, FB_POSTS, DAY, '{"error": {"message": "(#4) Application request limit reached", "code": 4}}')
    stats = ingest_feed(con, FB_POSTS, inbox, [DAY]).tables["posts"]
    assert stats.quarantined == 1
    assert count(con, "select count(*) from raw.quarantine where reason like '%request limit reached%'") == 1


def test_bad_records_are_quarantined_and_good_ones_loaded(con, tmp_path):
    inbox = tmp_path / "inbox"
    page = {"data": [
        {"id": "1_1", "created_time": "2026-06-01T09:00:00+0000"},
        {"id": "1_2", "created_time": "not-a-date"},
        {"created_time": "2026-06-01T10:00:00+0000"},
        {"id": "1_1", "created_time": "2026-06-01T09:00:00+0000"},  # the same post delivered twice
    ]}
    put(inbox, FB_POSTS, DAY, json.dumps(page))
    stats = ingest_feed(con, FB_POSTS, inbox, [DAY]).tables["posts"]
    assert (stats.records_in, stats.loaded, stats.quarantined) == (4, 1, 3)
    reasons = dict(con.execute("select record_index, reason from raw.quarantine").fetchall())
    assert reasons[2] == 'invalid or missing created_time: "not-a-date"'
    assert reasons[3] == "invalid or missing id: absent"
    assert reasons[4] == "duplicate post_id 1_1 (already loaded from record 1 of page 1)"
    assert_balanced(con, FB_POSTS, [DAY])


def test_relanding_the_same_file_changes_nothing_and_a_new_version_replaces_the_partition(con, tmp_path):
    inbox = tmp_path / "inbox"
    put(inbox, FB_POSTS, DAY, json.dumps({"data": [{"id": "1_1", "created_time": "2026-06-01T09:00:00+0000",
                                                     "reactions": {"summary": {"total_count": 3}}}]}))
    first = ingest_feed(con, FB_POSTS, inbox, [DAY])
    snapshot = con.execute("select * from facebook.posts").fetchall()
    again = ingest_feed(con, FB_POSTS, inbox, [DAY])
    assert (first.pages_new, again.pages_new) == (1, 0)
    assert con.execute("select * from facebook.posts").fetchall() == snapshot
    assert count(con, "select count(*) from raw.pages") == 1

    # A re-fetch with updated counters: raw keeps both versions, the typed table holds the latest.
    put(inbox, FB_POSTS, DAY, json.dumps({"data": [{"id": "1_1", "created_time": "2026-06-01T09:00:00+0000",
                                                     "reactions": {"summary": {"total_count": 9}}}]}))
    assert ingest_feed(con, FB_POSTS, inbox, [DAY]).pages_new == 1
    assert count(con, "select count(*) from raw.pages") == 2
    assert con.execute("select reactions_count from facebook.posts").fetchall() == [(9,)]


def test_missing_days_are_reported_not_invented(con, tmp_path):
    inbox = tmp_path / "inbox"
    put(inbox, FB_POSTS, DAY, '{"data": []}')
    result = ingest_feed(con, FB_POSTS, inbox, [DAY, date(2026, 6, 2)])
    assert result.missing_days == [date(2026, 6, 2)]
    assert result.pages_found == 1
