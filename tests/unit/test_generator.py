"""The demo generator: deterministic bytes, one file per entity and day, the platforms' envelopes, and the
invariants the pipeline and the KPI oracle rely on (comment totals, reply counts, replies after their parent,
nothing after the snapshot day, malformed records only when asked for, the brand's posts, tweets and Instagram
media re-delivered with growing counters as the connectors' refresh windows fetch them, Instagram comments
re-delivered while their media is in the comment window)."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from itertools import pairwise
from pathlib import Path
from xml.etree import ElementTree

import pytest

from pipelines.defs.ingestion.facebook.api import FacebookApi
from pipelines.defs.ingestion.instagram.api import InstagramApi
from pipelines.defs.ingestion.x.api import XApi
from pipelines.demo.generator import (
    COMPETITORS,
    ENTITIES,
    FB_POST_REFRESH_DAYS,
    IG_COMMENT_REFRESH_DAYS,
    IG_MEDIA_REFRESH_DAYS,
    IG_USER_ID,
    IG_USERNAME,
    PAGE_ID,
    X_BRAND_ID,
    X_TWEET_REFRESH_DAYS,
    default_end_date,
    generate,
    main,
)

END = date(2026, 5, 31)  # a Sunday
DAYS = 42


def parse_ts(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def read_tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def pages(root: Path, entity: str) -> list[tuple[date, object]]:
    out = []
    for path in sorted((root / entity).iterdir()):
        day = date.fromisoformat(path.stem)
        if path.suffix == ".xml":
            out.append((day, ElementTree.parse(path).getroot()))
        else:
            out.append((day, json.loads(path.read_text(encoding="utf-8"))))
    return out


def records(root: Path, entity: str, key: str = "data") -> list[tuple[date, dict]]:
    return [(day, rec) for day, page in pages(root, entity) for rec in page.get(key, [])]


# The entities whose records are re-delivered on later days (the connectors' refresh windows), and the window.
REDELIVERED = {"facebook/posts": FB_POST_REFRESH_DAYS, "x/tweets": X_TWEET_REFRESH_DAYS,
               "instagram/media": IG_MEDIA_REFRESH_DAYS}


def created(rec: dict) -> str | None:
    """A record's creation time, whatever the platform names it."""
    return rec.get("created_time") or rec.get("created_at") or rec.get("timestamp")


def latest(root: Path, entity: str) -> list[dict]:
    """Each record's copy from the latest file (staging keeps it); every record of the other entities."""
    if entity not in REDELIVERED:
        return [rec for _, rec in records(root, entity)]
    return list({rec["id"]: rec for _, rec in records(root, entity)}.values())


def first_copies(root: Path, entity: str) -> list[tuple[date, dict]]:
    """Each record once, from the first file holding it (the file of its publication day)."""
    seen: set[str] = set()
    out = []
    for day, rec in records(root, entity):
        if rec.get("id") not in seen:
            seen.add(rec.get("id"))
            out.append((day, rec))
    return out


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("demo")
    summary = generate(out, end_date=END, days=DAYS, scale=1.0, seed=42)
    return out, summary


@pytest.fixture(scope="module")
def delivered_once(tmp_path_factory) -> Path:
    """The same demo with each post, tweet and media delivered once, on its day (as before refresh windows)."""
    out = tmp_path_factory.mktemp("once")
    generate(out, end_date=END, days=DAYS, scale=1.0, seed=42, post_refresh_days=1, tweet_refresh_days=1,
             media_refresh_days=1)
    return out


@pytest.fixture(scope="module")
def half_year(tmp_path_factory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("half-year")
    summary = generate(out, end_date=END, days=182, scale=1.0, seed=3)
    return out, summary


# ---------------------------------------------------------------------------------------------- determinism
def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path):
    kwargs = {"end_date": END, "days": 10, "scale": 0.5}
    generate(tmp_path / "a", seed=11, **kwargs)
    generate(tmp_path / "b", seed=11, **kwargs)
    generate(tmp_path / "c", seed=12, **kwargs)
    a, b, c = (read_tree(tmp_path / name) for name in "abc")
    assert a == b
    assert a.keys() == c.keys()
    assert a != c
    differing = {name for name in a if a[name] != c[name]}
    assert any(name.startswith("facebook/comments") for name in differing)
    assert any(name.startswith("zendesk/tickets") for name in differing)


def test_regenerating_only_replaces_the_generator_folders(tmp_path):
    (tmp_path / "facebook" / "posts").mkdir(parents=True)
    stale = tmp_path / "facebook" / "posts" / "1999-01-01.json"
    stale.write_text("{}")
    keep = tmp_path / "facebook" / "notes.txt"
    keep.write_text("mine")
    other = tmp_path / "mastodon" / "statuses" / "2026-05-30.json"
    other.parent.mkdir(parents=True)
    other.write_text("{}")
    generate(tmp_path, end_date=END, days=3, scale=0.3, seed=1)
    assert not stale.exists()
    assert keep.read_text() == "mine"
    assert other.exists()
    first = read_tree(tmp_path)
    generate(tmp_path, end_date=END, days=3, scale=0.3, seed=1)
    assert read_tree(tmp_path) == first


# files and envelopes ---------------------------------------------------------------------------------------
def test_one_file_per_entity_per_day_always_written(inbox):
    out, summary = inbox
    assert summary.start_date == summary.first_day == END - timedelta(days=DAYS - 1)
    assert summary.end_date == summary.last_day == END
    expected_days = [(END - timedelta(days=d)).isoformat() for d in range(DAYS)][::-1]
    for entity, ext in ENTITIES.items():
        names = sorted(p.name for p in (out / entity).iterdir())
        assert names == [f"{d}.{ext}" for d in expected_days], entity
    assert summary.files_written == DAYS * len(ENTITIES)


def test_json_envelopes_have_the_platform_shapes(inbox):
    out, summary = inbox
    for _, page in pages(out, "facebook/posts"):
        assert isinstance(page["data"], list)
        if page["data"]:
            assert set(page["paging"]["cursors"]) == {"before", "after"}
    for _, page in pages(out, "facebook/comments"):
        assert list(page) == ["data"]
    empty_x_pages = 0
    for entity in ("x/tweets", "x/mentions", "x/search"):
        for _, page in pages(out, entity):
            meta = page["meta"]
            if meta["result_count"] == 0:
                assert page == {"meta": {"result_count": 0}}
                empty_x_pages += 1
                continue
            assert meta["result_count"] == len(page["data"])
            assert "next_token" not in meta
            ids = [t["id"] for t in page["data"] if "id" in t]
            assert meta["newest_id"] == ids[0] and meta["oldest_id"] == ids[-1]
            assert ids == sorted(ids, key=int, reverse=True)  # newest first
            authors = {t["author_id"] for t in page["data"]}
            assert {u["id"] for u in page["includes"]["users"]} == authors
            for user in page["includes"]["users"]:
                assert set(user) == {"id", "name", "username"}
    for entity in ("instagram/media", "instagram/media_insights", "instagram/comments"):
        for _, page in pages(out, entity):
            assert isinstance(page["data"], list)
            if entity == "instagram/media" and page["data"]:
                assert set(page["paging"]["cursors"]) == {"before", "after"}
            else:
                assert list(page) == ["data"]
    for _, page in pages(out, "zendesk/tickets"):
        assert page["count"] == len(page["tickets"])
        assert page["end_of_stream"] is True
        assert page["next_page"].endswith(f"start_time={page['end_time']}")
        assert {m["ticket_id"] for m in page["metric_sets"]} <= {t["id"] for t in page["tickets"]}
    counts = {
        entity: sum(len(p.get(k, [])) for _, p in pages(out, entity))
        for entity, k in [
            ("facebook/posts", "data"),
            ("facebook/comments", "data"),
            ("x/tweets", "data"),
            ("x/mentions", "data"),
            ("x/search", "data"),
            ("zendesk/tickets", "tickets"),
            ("instagram/media", "data"),
            ("instagram/media_insights", "data"),
            ("instagram/comments", "data"),
        ]
    }
    for entity, count in counts.items():
        assert summary.counts[entity] == count, entity


def test_rss_files_are_rss_2_with_escaped_items(inbox):
    out, summary = inbox
    items = 0
    for day, root in pages(out, "blog/rss"):
        assert root.tag == "rss" and root.get("version") == "2.0"
        channel = root.find("channel")
        assert channel.findtext("title") == "Le blog Maison Lumière"
        assert channel.findtext("link") == "https://blog.maisonlumiere.example/"
        for item in channel.findall("item"):
            items += 1
            guid = item.find("guid")
            assert guid.get("isPermaLink") == "true" and guid.text == item.findtext("link")
            assert parsedate_to_datetime(item.findtext("pubDate")).astimezone(UTC).date() == day
            for tag in ("title", "description", "author", "category"):
                assert item.findtext(tag)
            assert item.findtext("description").startswith("<p>")  # HTML escaped once in the XML
    assert items == summary.counts["blog/rss"] > 0


def test_every_record_is_in_the_file_of_its_utc_day_and_none_after_the_end(inbox):
    out, _ = inbox
    checks = [
        ("facebook/posts", "data", "created_time"),
        ("facebook/comments", "data", "created_time"),
        ("x/tweets", "data", "created_at"),
        ("x/mentions", "data", "created_at"),
        ("x/search", "data", "created_at"),
        ("zendesk/tickets", "tickets", "created_at"),
        ("zendesk/tickets", "metric_sets", "created_at"),
        ("instagram/media", "data", "timestamp"),
    ]
    for entity, key, field in checks:
        window = REDELIVERED.get(entity, 1)
        seen = set()
        for day, rec in records(out, entity, key):
            value = rec.get(field)
            if value in (None, "not-a-date"):
                continue  # the injected malformed records
            published = parse_ts(value).date()
            if rec.get("id") in seen:  # a re-delivery (posts and tweets), within the refresh window
                assert published < day < published + timedelta(days=window), (entity, rec["id"])
            else:
                assert published == day, (entity, rec.get("id"))
            if entity in REDELIVERED:
                seen.add(rec["id"])
            assert day <= END


def test_ids_are_unique(inbox):
    out, _ = inbox
    for entity, key in [
        ("facebook/posts", "data"),
        ("facebook/comments", "data"),
        ("x/tweets", "data"),
        ("x/mentions", "data"),
        ("x/search", "data"),
        ("zendesk/tickets", "tickets"),
        ("zendesk/tickets", "metric_sets"),
        ("instagram/media", "data"),
        ("instagram/media_insights", "data"),
        ("instagram/comments", "data"),
    ]:
        if entity in REDELIVERED or entity.startswith("instagram/"):  # once per file
            for _, page in pages(out, entity):
                ids = [rec["id"] for rec in page.get(key, [])]
                assert len(ids) == len(set(ids)), entity
            continue
        ids = [rec["id"] for _, rec in records(out, entity, key) if "id" in rec]
        assert len(ids) == len(set(ids)), entity
    tweet_ids = {rec["id"] for _, rec in records(out, "x/tweets")}
    mention_ids = {rec["id"] for _, rec in records(out, "x/mentions") if "id" in rec}
    assert not tweet_ids & mention_ids


# ---------------------------------------------------------------------------------------------- invariants
def test_facebook_posts_counters(inbox):
    out, _ = inbox
    posts = [rec for _, rec in records(out, "facebook/posts")]
    raw = "".join(p.read_text(encoding="utf-8") for p in (out / "facebook/posts").iterdir())
    assert '"shares":{"count":0}' not in raw  # omitted when 0, as Facebook does
    assert any("shares" in p for p in posts) and any("shares" not in p for p in posts)
    for post in posts:
        assert post["id"].startswith(PAGE_ID + "_")
        objid = post["id"].split("_", 1)[1]
        assert post["permalink_url"] == f"https://www.facebook.com/{PAGE_ID}/posts/{objid}/"
        assert post["from"] == {"id": PAGE_ID, "name": "Maison Lumière"}
        assert post["status_type"] in {"added_photos", "added_video", "shared_story", "mobile_status_update"}
        insights = {m["name"]: m["values"][0]["value"] for m in post["insights"]["data"]}
        assert insights["post_impressions"] >= insights["post_impressions_unique"] >= 1
        assert post["reactions"]["summary"]["total_count"] <= insights["post_impressions_unique"]
        assert post.get("shares", {"count": 1})["count"] > 0


def test_facebook_comment_totals_equal_the_comments_in_the_files(inbox):
    out, _ = inbox
    per_post = Counter(
        PAGE_ID + "_" + rec["id"].split("_")[0] for _, rec in records(out, "facebook/comments")
    )
    posts = latest(out, "facebook/posts")
    assert sum(per_post.values()) > 0
    for post in posts:
        assert post["comments"]["summary"]["total_count"] == per_post.get(post["id"], 0), post["id"]
    assert set(per_post) <= {p["id"] for p in posts}


def test_facebook_page_replies_answer_member_comments_after_them(inbox):
    out, _ = inbox
    comments = {rec["id"]: rec for _, rec in records(out, "facebook/comments")}
    replies = [c for c in comments.values() if "parent" in c]
    assert replies
    reply_count = Counter(c["parent"]["id"] for c in replies)
    for comment in comments.values():
        objid, cid = comment["id"].split("_")
        assert comment["permalink_url"] == (
            f"https://www.facebook.com/{PAGE_ID}/posts/{objid}/?comment_id={cid}"
        )
        if "parent" in comment:
            # the page, or another member, replies to a member's top-level comment (one level of replies)
            parent = comments[comment["parent"]["id"]]
            assert "parent" not in parent and parent["from"]["id"] != PAGE_ID
            assert comment["from"]["id"] != parent["from"]["id"]
            assert parent["id"].split("_")[0] == objid
            assert parse_ts(comment["created_time"]) > parse_ts(parent["created_time"])
        else:
            assert comment.get("from", {}).get("id") != PAGE_ID
            assert comment["comment_count"] == reply_count.get(comment["id"], 0)
    # comments come after their post
    post_time = {
        rec["id"]: parse_ts(rec["created_time"])
        for _, rec in records(out, "facebook/posts")
        if rec["created_time"] != "not-a-date"
    }
    for comment in comments.values():
        assert parse_ts(comment["created_time"]) > post_time[PAGE_ID + "_" + comment["id"].split("_")[0]]


def test_members_answer_members_mostly_questions_and_a_few_regulars_answer_most(half_year):
    out, s = half_year
    comments = {rec["id"]: rec for _, rec in records(out, "facebook/comments")}
    peer = [c for c in comments.values() if "parent" in c and c["from"]["id"] != PAGE_ID]
    assert len(peer) == s.details["facebook_member_replies"]
    assert 0.05 <= len(peer) / s.details["facebook_page_replies"] <= 0.35
    # questions get most member answers; the answer is in the asker's language and names them
    asked = [comments[c["parent"]["id"]]["message"] for c in peer]
    assert sum("?" in m for m in asked) > len(asked) / 2
    assert all("{" not in c["message"] for c in peer)
    # the ids keep growing with time across page and member replies
    by_time = sorted(comments.values(), key=lambda c: (parse_ts(c["created_time"]), int(c["id"].split("_")[1])))
    ids = [int(c["id"].split("_")[1]) for c in by_time]
    assert ids == sorted(ids)
    # a few regulars answer most: the top 5 answerers write at least a third of the member answers
    answerers = Counter(c["from"]["id"] for c in peer)
    assert sum(n for _, n in answerers.most_common(5)) >= len(peer) / 3
    assert answerers.most_common(1)[0][1] >= 5


def test_x_reply_and_quote_counts_equal_the_member_tweets_in_the_files(inbox):
    out, _ = inbox
    tweets = {rec["id"]: rec for rec in latest(out, "x/tweets")}
    mentions = [rec for _, rec in records(out, "x/mentions")]
    replies_to, quotes_of = Counter(), Counter()
    for m in mentions:
        for ref in m.get("referenced_tweets", []):
            if ref["type"] == "replied_to":
                replies_to[ref["id"]] += 1
                assert m["in_reply_to_user_id"] == X_BRAND_ID
                assert m["conversation_id"] == tweets[ref["id"]]["conversation_id"]
                assert parse_ts(m["created_at"]) > parse_ts(tweets[ref["id"]]["created_at"])
            elif ref["type"] == "quoted":
                quotes_of[ref["id"]] += 1
        assert "@maisonlumiere" in m["text"]
        assert m["author_id"] != X_BRAND_ID
    originals = [t for t in tweets.values() if "referenced_tweets" not in t]
    assert originals and sum(replies_to.values()) > 0
    for t in originals:
        assert t["author_id"] == X_BRAND_ID and t["conversation_id"] == t["id"]
        assert t["public_metrics"]["reply_count"] == replies_to.get(t["id"], 0)
        assert t["public_metrics"]["quote_count"] == quotes_of.get(t["id"], 0)
        assert t["public_metrics"]["impression_count"] >= t["public_metrics"]["like_count"]


def test_x_brand_replies_answer_mentions_after_them(inbox):
    out, _ = inbox
    mentions = {rec["id"]: rec for _, rec in records(out, "x/mentions") if "id" in rec}
    users = {
        u["id"]: u for _, page in pages(out, "x/mentions") for u in page.get("includes", {}).get("users", [])
    }
    answered = Counter()
    brand_replies = [t for t in latest(out, "x/tweets") if "referenced_tweets" in t]
    assert brand_replies
    for reply in brand_replies:
        (ref,) = reply["referenced_tweets"]
        assert ref["type"] == "replied_to"
        mention = mentions[ref["id"]]
        answered[ref["id"]] += 1
        assert reply["author_id"] == X_BRAND_ID
        assert reply["in_reply_to_user_id"] == mention["author_id"]
        assert reply["conversation_id"] == mention["conversation_id"]
        assert reply["text"].startswith("@" + users[mention["author_id"]]["username"] + " ")
        assert parse_ts(reply["created_at"]) > parse_ts(mention["created_at"])
    for mid, mention in mentions.items():
        assert mention["public_metrics"]["reply_count"] == answered.get(mid, 0)


# re-deliveries (refresh windows) ----------------------------------------------------------------------------
def fb_counters(post: dict) -> tuple[int, ...]:
    insights = {m["name"]: m["values"][0]["value"] for m in post["insights"]["data"]}
    return (post["reactions"]["summary"]["total_count"], post["comments"]["summary"]["total_count"],
            post.get("shares", {"count": 0})["count"], insights["post_impressions"],
            insights["post_impressions_unique"], insights["post_clicks"])


def x_counters(tweet: dict) -> tuple[int, ...]:
    return tuple(tweet["public_metrics"].values())


def ig_counters(media: dict) -> tuple[int, ...]:
    return media["like_count"], media["comments_count"]


@pytest.mark.parametrize(("entity", "counters"), [("facebook/posts", fb_counters), ("x/tweets", x_counters),
                                                  ("instagram/media", ig_counters)])
def test_posts_and_tweets_are_redelivered_daily_with_counters_that_grow_to_the_final_values(
        inbox, delivered_once, entity, counters):
    """Each post (tweet) is in every file from its own day through its refresh window (cut at the last day),
    its counters never decrease and its last copy is the record delivered once: the final counters do not
    depend on the window."""
    out, _ = inbox
    window = REDELIVERED[entity]
    copies: dict[str, list[tuple[date, dict]]] = {}
    for day, rec in records(out, entity):
        copies.setdefault(rec["id"], []).append((day, rec))
    once = {rec["id"]: rec for _, rec in records(delivered_once, entity)}
    assert copies.keys() == once.keys()
    grew = 0
    for rid, series in copies.items():
        days = [day for day, _ in series]
        first = days[0]
        expected_last = first if created(once[rid]) == "not-a-date" else min(
            first + timedelta(days=window - 1), END)
        assert days == [first + timedelta(days=k) for k in range((expected_last - first).days + 1)], rid
        values = [counters(rec) for _, rec in series]
        assert all(all(a <= b for a, b in zip(earlier, later, strict=True))
                   for earlier, later in pairwise(values)), rid
        assert series[-1][1] == once[rid], rid
        grew += values[0] != values[-1]
    assert grew > len(copies) / 2  # most contents gather part of their counters after their first day


def test_a_redelivered_post_counts_the_comments_written_until_the_end_of_its_file_day(inbox):
    """comments.summary.total_count of a day's copy: the post's comments in the files up to that day; its last
    copy counts them all."""
    out, _ = inbox
    comment_days = Counter((PAGE_ID + "_" + rec["id"].split("_")[0], day)
                           for day, rec in records(out, "facebook/comments"))
    last_day = {rec["id"]: day for day, rec in records(out, "facebook/posts")}
    totals = Counter(post for post, _ in comment_days.elements())
    for day, post in records(out, "facebook/posts"):
        written = sum(n for (pid, d), n in comment_days.items() if pid == post["id"] and d <= day)
        expected = totals[post["id"]] if day == last_day[post["id"]] else written
        assert post["comments"]["summary"]["total_count"] == expected, (post["id"], day)


def test_x_reply_counts_of_a_redelivered_tweet_count_the_replies_until_its_file_day(inbox):
    out, _ = inbox
    replies = Counter()
    for day, mention in records(out, "x/mentions"):
        for ref in mention.get("referenced_tweets", []):
            replies[(ref["type"], ref["id"], day)] += 1
    last_day = {rec["id"]: day for day, rec in records(out, "x/tweets")}
    for day, tweet in records(out, "x/tweets"):
        if day == last_day[tweet["id"]] or "referenced_tweets" in tweet:
            continue  # the final counts: test_x_reply_and_quote_counts_equal_the_member_tweets_in_the_files
        for kind, metric in (("replied_to", "reply_count"), ("quoted", "quote_count")):
            written = sum(n for (k, tid, d), n in replies.items()
                          if k == kind and tid == tweet["id"] and d <= day)
            assert tweet["public_metrics"][metric] == written, (tweet["id"], day, metric)


def test_redelivery_changes_only_the_posts_and_tweets_files(inbox, delivered_once):
    out, _ = inbox
    a, b = read_tree(out), read_tree(delivered_once)
    assert a.keys() == b.keys()
    changed = {name.rsplit("/", 1)[0] for name in a if a[name] != b[name]}
    assert changed == {*REDELIVERED, "instagram/media_insights"}


def test_the_demo_windows_are_the_connectors_defaults():
    assert FacebookApi().post_refresh_days == FB_POST_REFRESH_DAYS == 28
    assert XApi().tweet_refresh_days == X_TWEET_REFRESH_DAYS == 7
    assert InstagramApi().media_refresh_days == IG_MEDIA_REFRESH_DAYS == 28
    assert InstagramApi().comment_refresh_days == IG_COMMENT_REFRESH_DAYS == 7


# instagram ------------------------------------------------------------------------------------------------
def test_instagram_media_have_the_fields_the_connector_asks_for(inbox):
    out, summary = inbox
    media = latest(out, "instagram/media")
    valid = [m for m in media if m["timestamp"] != "not-a-date"]
    assert len(valid) == summary.details["instagram_media"] > 0
    for m in media:
        assert set(m) == {"id", "caption", "media_type", "media_product_type", "permalink", "timestamp",
                          "like_count", "comments_count", "username"}
        assert (m["media_type"], m["media_product_type"]) in {("IMAGE", "FEED"), ("CAROUSEL_ALBUM", "FEED"),
                                                             ("VIDEO", "REELS")}
        assert re.fullmatch(r"https://www\.instagram\.com/p/[A-Za-z0-9_-]{11}/", m["permalink"])
        assert m["username"] == IG_USERNAME and "{" not in m["caption"]
    assert len({m["permalink"] for m in media}) == len(media)
    assert {m["media_type"] for m in valid} == {"IMAGE", "CAROUSEL_ALBUM", "VIDEO"}


def test_instagram_media_insights_are_those_of_the_days_media_and_grow(inbox):
    """Each file holds the lifetime views, reach, saves and shares of the media of the same day's media list
    (the malformed media have none), reach >= 1 and <= views, each value never decreasing."""
    out, _ = inbox
    listed = {day: {m["id"] for m in page["data"] if m["timestamp"] != "not-a-date"}
              for day, page in pages(out, "instagram/media")}
    series: dict[str, list[int]] = {}
    for day, page in pages(out, "instagram/media_insights"):
        values: dict[str, dict[str, int]] = {}
        for metric in page["data"]:
            media_id, _, name, period = metric["id"].split("/")
            assert (name, period) == (metric["name"], metric["period"]) == (name, "lifetime")
            (value,) = metric["values"]
            values.setdefault(media_id, {})[name] = value["value"]
            series.setdefault(metric["id"], []).append(value["value"])
        assert set(values) == listed[day], day
        for media_id, metrics in values.items():
            assert set(metrics) == {"views", "reach", "saved", "shares"}
            assert 1 <= metrics["reach"] <= metrics["views"], (media_id, day)
    assert series and all(a <= b for values in series.values() for a, b in pairwise(values))
    assert sum(values[0] != values[-1] for values in series.values()) > len(series) / 2


def test_instagram_comments_are_redelivered_while_their_media_is_in_the_comment_window(inbox):
    """A comment is in every file from its own day through its media's day + comment_refresh_days - 1 (cut at
    the last day), identical; nothing is written on a media after that window (the connector never reads it)."""
    out, _ = inbox
    media_day = {m["id"]: parse_ts(m["timestamp"]).date() for m in latest(out, "instagram/media")
                 if m["timestamp"] != "not-a-date"}
    copies: dict[str, list[tuple[date, dict]]] = {}
    for day, rec in records(out, "instagram/comments"):
        copies.setdefault(rec["id"], []).append((day, rec))
    assert copies
    for cid, series in copies.items():
        first_day, comment = series[0]
        assert parse_ts(comment["timestamp"]).date() == first_day <= END
        if "media" not in comment:  # malformed on purpose: delivered once
            assert len(series) == 1
            continue
        last = min(media_day[comment["media"]["id"]] + timedelta(days=IG_COMMENT_REFRESH_DAYS - 1), END)
        assert [day for day, _ in series] == [first_day + timedelta(days=k)
                                             for k in range((last - first_day).days + 1)], cid
        assert all(rec == comment for _, rec in series)


def test_instagram_replies_answer_top_level_comments_after_them_and_counts_match_the_files(inbox):
    """Replies name a top-level comment of the same media and come after it; the account answers members only,
    never itself; members answer members too; a media copy's comments_count is the comments and replies in the
    files up to that day."""
    out, summary = inbox
    comments = {rec["id"]: rec for _, rec in records(out, "instagram/comments") if "media" in rec}
    brand, peer = 0, 0
    for comment in comments.values():
        assert comment["username"] == comment["from"]["username"] and "{" not in comment["text"]
        if "parent_id" not in comment:
            assert comment["username"] != IG_USERNAME
            continue
        parent = comments[comment["parent_id"]]
        assert "parent_id" not in parent and parent["media"] == comment["media"]
        assert parse_ts(comment["timestamp"]) > parse_ts(parent["timestamp"])
        assert comment["from"]["id"] != parent["from"]["id"]
        if comment["from"] == {"id": IG_USER_ID, "username": IG_USERNAME}:
            brand += 1
            assert comment["text"].startswith("@" + parent["username"] + " ")
        else:
            peer += 1
    assert brand == summary.details["instagram_brand_replies"]
    assert peer == summary.details["instagram_member_replies"]
    assert 0.6 <= brand / summary.details["instagram_member_comments"] <= 0.9
    written = Counter((rec["media"]["id"], day) for day, rec in first_copies(out, "instagram/comments")
                      if "media" in rec)
    for day, media in records(out, "instagram/media"):
        expected = sum(n for (mid, d), n in written.items() if mid == media["id"] and d <= day)
        assert media["comments_count"] == expected, (media["id"], day)


def test_half_the_instagram_commenters_use_their_x_handle(half_year):
    """Same handle on two platforms: the member models link the accounts (README, Members: same_handle)."""
    out, _ = half_year
    ig = {rec["from"]["id"]: rec["username"] for _, rec in records(out, "instagram/comments")
          if rec["username"] != IG_USERNAME}
    x_handles = {user["username"] for entity in ("x/mentions", "x/search") for _, page in pages(out, entity)
                 for user in page.get("includes", {}).get("users", [])}
    shared = sum(handle in x_handles for handle in ig.values())
    assert 0.1 * len(ig) <= shared <= 0.6 * len(ig)
    assert all(re.fullmatch(r"[a-z.]+[0-9]+", handle) for handle in ig.values())


def test_x_search_covers_the_brand_and_both_competitors(inbox):
    out, _ = inbox
    search = [rec for _, rec in records(out, "x/search")]
    texts = " ".join(t["text"] for t in search)
    for handle in ["maisonlumiere"] + [c[2] for c in COMPETITORS]:
        assert "@" + handle in texts
    mention_ids = {rec["id"] for _, rec in records(out, "x/mentions") if "id" in rec}
    assert mention_ids <= {t["id"] for t in search}
    assert all(t["author_id"] != X_BRAND_ID for t in search)


def test_zendesk_tickets_and_metric_sets(inbox):
    out, _ = inbox
    tickets = [rec for _, rec in records(out, "zendesk/tickets", "tickets")]
    metrics = {m["ticket_id"]: m for _, m in records(out, "zendesk/tickets", "metric_sets")}
    statuses = Counter()
    for t in tickets:
        assert t["status"] in {"new", "open", "pending", "solved", "closed"}
        assert t["url"].endswith(f"/tickets/{t['id']}.json")
        assert t["via"]["channel"] in {"email", "web", "chat", "facebook", "twitter", "api"}
        assert t["assignee_id"] is None or 9000000001 <= t["assignee_id"] <= 9000000009
        assert t["satisfaction_rating"] in (None, {"score": "good"}, {"score": "bad"})
        assert isinstance(t["tags"], list) and isinstance(t["requester_id"], int)
        statuses[t["status"]] += 1
        if t["created_at"] is None:
            assert t["id"] not in metrics
            continue
        m = metrics[t["id"]]
        reply = m["reply_time_in_minutes"]
        if reply["calendar"] is None:
            assert reply["business"] is None and m["replies"] == 0
        else:
            assert reply["calendar"] >= 1 and 0 <= reply["business"] <= reply["calendar"]
            replied_at = parse_ts(t["created_at"]) + timedelta(minutes=reply["calendar"])
            assert replied_at.date() <= END
            assert m["replies"] >= 1
        if t["status"] in ("solved", "closed"):
            assert m["solved_at"] is not None
        if t["satisfaction_rating"] is not None:
            assert t["status"] in ("solved", "closed")
        assert parse_ts(t["updated_at"]) >= parse_ts(t["created_at"])
        assert parse_ts(t["updated_at"]).date() <= END
    assert {"new", "open", "solved", "closed"} <= set(statuses)
    unanswered = sum(m["reply_time_in_minutes"]["calendar"] is None for m in metrics.values())
    assert 0 < unanswered < len(metrics) * 0.3


def test_languages_and_topics(inbox):
    out, _ = inbox
    langs = Counter(t["lang"] for _, t in records(out, "x/mentions"))
    assert langs["fr"] > langs["en"] > 0
    text = " ".join(c["message"] for _, c in records(out, "facebook/comments")).lower()
    for word in ("bougie", "candle", "commande", "order", "livraison"):
        assert word in text
    assert re.search(r"ML-\d{6}", text, re.IGNORECASE)
    assert "{" not in text  # every placeholder filled


# malformed records -----------------------------------------------------------------------------------------
def malformed_counts(root: Path) -> Counter:
    found = Counter()
    for _, p in records(root, "facebook/posts"):
        found["post_not_a_date"] += p["created_time"] == "not-a-date"
    for _, c in records(root, "facebook/comments"):
        found["comment_without_from"] += "from" not in c
    for _, m in records(root, "x/mentions"):
        found["mention_without_id"] += "id" not in m
    for _, t in records(root, "zendesk/tickets", "tickets"):
        found["ticket_null_created_at"] += t["created_at"] is None
    for _, m in records(root, "instagram/media"):
        found["media_not_a_date"] += m["timestamp"] == "not-a-date"
    for _, c in records(root, "instagram/comments"):
        found["ig_comment_without_media"] += "media" not in c
    return found


def test_malformed_records_only_when_enabled(tmp_path):
    on = generate(tmp_path / "on", end_date=END, days=14, scale=1.0, seed=5)
    off = generate(tmp_path / "off", end_date=END, days=14, scale=1.0, seed=5, malformed=False)
    found = malformed_counts(tmp_path / "on")
    assert set(found) == {
        "post_not_a_date",
        "comment_without_from",
        "mention_without_id",
        "ticket_null_created_at",
        "media_not_a_date",
        "ig_comment_without_media",
    }
    assert all(n >= 1 for n in found.values())
    assert sum(found.values()) == on.malformed_total == sum(on.malformed.values())
    assert sum(malformed_counts(tmp_path / "off").values()) == 0
    assert off.malformed_total == 0
    # the same seed gives the same positions
    generate(tmp_path / "again", end_date=END, days=14, scale=1.0, seed=5)
    assert read_tree(tmp_path / "again") == read_tree(tmp_path / "on")


def test_malformed_records_have_no_dependants(inbox):
    out, _ = inbox
    bad_posts = {p["id"] for _, p in records(out, "facebook/posts") if p["created_time"] == "not-a-date"}
    assert bad_posts
    comment_posts = {PAGE_ID + "_" + c["id"].split("_")[0] for _, c in records(out, "facebook/comments")}
    assert not bad_posts & comment_posts
    no_from = {c["id"] for _, c in records(out, "facebook/comments") if "from" not in c}
    assert no_from
    assert not {c["parent"]["id"] for _, c in records(out, "facebook/comments") if "parent" in c} & no_from


# volumes and rhythm ----------------------------------------------------------------------------------------
def test_half_year_volumes_are_in_the_target_ranges(half_year):
    _out, s = half_year
    per_day = {k: v / 182 for k, v in s.details.items()}
    assert 1.0 <= per_day["facebook_posts"] <= 2.2
    assert 2.0 <= per_day["x_brand_originals"] <= 4.0
    member_messages = (s.details["facebook_member_comments"] + s.details["x_member_mentions"]) / 182
    assert 30 <= member_messages <= 50
    assert 10 <= per_day["zendesk_tickets"] <= 20
    assert 2 * 26 <= s.counts["blog/rss"] <= 3 * 26 + 8
    answered = (s.details["facebook_page_replies"] + s.details["x_brand_replies"]) / (
        s.details["facebook_member_comments"] + s.details["x_member_mentions"]
    )
    assert 0.72 <= answered <= 0.9  # 10-20 % never answered, a few more not yet at the snapshot


def test_weekday_seasonality_is_visible(half_year):
    out, _ = half_year
    by_weekday: dict[str, Counter] = {}
    for name, entity, key in [
        ("contents", "facebook/posts", "data"),
        ("contents", "x/tweets", "data"),
        ("messages", "x/mentions", "data"),
        ("tickets", "zendesk/tickets", "tickets"),
    ]:
        counter = by_weekday.setdefault(name, Counter())
        published = first_copies(out, entity) if entity in REDELIVERED else records(out, entity, key)
        for day, item in published:
            if entity != "x/tweets" or "referenced_tweets" not in item:
                counter[day.weekday()] += 1
    for name, counter in by_weekday.items():
        midweek = (counter[1] + counter[2] + counter[3]) / 3
        weekend = (counter[5] + counter[6]) / 2
        assert midweek > 1.2 * weekend, (name, counter)


def test_hourly_rhythm_peaks_in_business_hours(half_year):
    out, _ = half_year
    hours = Counter(
        parse_ts(t["created_at"]).hour
        for _, t in records(out, "zendesk/tickets", "tickets")
        if t["created_at"]
    )
    assert sum(hours[h] for h in range(8, 17)) > 3 * sum(hours[h] for h in range(6)) * 9 / 6


def test_engagement_is_heavy_tailed(half_year):
    out, _ = half_year
    reach = sorted(
        next(m["values"][0]["value"] for m in p["insights"]["data"] if m["name"] == "post_impressions_unique")
        for p in latest(out, "facebook/posts")
    )
    median = reach[len(reach) // 2]
    assert reach[-1] > 8 * median  # a few viral posts
    assert reach[0] >= 1


def test_scale_multiplies_volumes(tmp_path):
    small = generate(tmp_path / "s", end_date=END, days=91, scale=1.0, seed=9)
    large = generate(tmp_path / "l", end_date=END, days=91, scale=4.0, seed=9)
    # Poisson counts: close to x4; interactions also depend on a few viral posts (heavy tail), so looser.
    for entity in ("facebook/posts", "x/tweets", "x/mentions", "x/search", "zendesk/tickets"):
        assert 3.4 <= large.counts[entity] / small.counts[entity] <= 4.6, entity
    assert 3.0 <= large.interactions / small.interactions <= 5.0


# ---------------------------------------------------------------------------------------------- API and CLI
@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 6, 1), date(2026, 5, 31)),  # Monday -> yesterday
        (date(2026, 5, 31), date(2026, 5, 24)),  # Sunday -> the Sunday before (strictly before today)
        (date(2026, 6, 3), date(2026, 5, 31)),  # Wednesday
        (date(2026, 6, 6), date(2026, 5, 31)),  # Saturday
    ],
)
def test_default_end_date_is_the_last_sunday_strictly_before_today(today, expected):
    assert default_end_date(today) == expected
    assert default_end_date().weekday() == 6


def test_cli(tmp_path, capsys):
    assert (
        main(
            [
                "--out",
                str(tmp_path),
                "--days",
                "7",
                "--scale",
                "0.2",
                "--seed",
                "3",
                "--end-date",
                "2026-05-31",
                "--no-malformed",
            ]
        )
        == 0
    )
    assert "Wrote 91 files" in capsys.readouterr().out  # 7 days x 13 entities (slack, page insights, instagram)
    assert max(p.name for p in (tmp_path / "zendesk/tickets").iterdir()) == "2026-05-31.json"
    assert sum(malformed_counts(tmp_path).values()) == 0


def test_invalid_arguments():
    with pytest.raises(ValueError):
        generate(Path("/nonexistent"), end_date=END, days=0)
    with pytest.raises(ValueError):
        generate(Path("/nonexistent"), end_date=END, scale=0)


def test_facebook_page_insights_report_the_page_follows_each_day(inbox):
    """The page's audience (page_follows, period day): one value per day, end_time 07:00 UTC the next day, from
    its own rng stream (a new stream: the numbers pinned on the others do not move)."""
    out, summary = inbox
    values = []
    for day, page in pages(out, "facebook/page_insights"):
        (metric,) = page["data"]
        assert (metric["name"], metric["period"]) == ("page_follows", "day")
        (value,) = metric["values"]
        assert value["end_time"] == f"{(day + timedelta(days=1)).isoformat()}T07:00:00+0000"
        values.append(value["value"])
    assert len(values) == summary.days
    assert all(v > 0 for v in values)
