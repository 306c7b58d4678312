"""The e2e KPI oracle (tests/e2e/expected_kpis.py) checked on a tiny inbox written by hand, with every
expected number worked out by hand in the comments."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.e2e.expected_kpis import expected_kpi_weekly

PAGE = "104000000000001"
PAGE_FROM = {"id": PAGE, "name": "Maison Lumière"}
BRAND = "1500000000000000001"
WEEK = date(2026, 6, 1)  # Monday; the week runs to Sunday 2026-06-07


def post(
    objid: str, created: str, reactions: int, comments: int, shares: int = 0, reach: int | None = None
) -> dict:
    rec = {
        "id": f"{PAGE}_{objid}",
        "created_time": created,
        "message": "…",
        "from": PAGE_FROM,
        "reactions": {"data": [], "summary": {"total_count": reactions, "viewer_reaction": "NONE"}},
        "comments": {
            "data": [],
            "summary": {"order": "ranked", "total_count": comments, "can_comment": True},
        },
    }
    if shares:
        rec["shares"] = {"count": shares}
    if reach is not None:
        rec["insights"] = {
            "data": [
                {"name": "post_impressions", "period": "lifetime", "values": [{"value": reach + 20}]},
                {"name": "post_impressions_unique", "period": "lifetime", "values": [{"value": reach}]},
            ]
        }
    return rec


def comment(cid: str, created: str, author: str | None, parent: str | None = None) -> dict:
    rec = {
        "id": f"901_{cid}",
        "created_time": created,
        "message": "…",
        "like_count": 0,
        "comment_count": 0,
        "permalink_url": f"https://www.facebook.com/{PAGE}/posts/901/?comment_id={cid}",
    }
    if author is not None:
        rec["from"] = PAGE_FROM if author == PAGE else {"id": author, "name": "Member"}
    if parent is not None:
        rec["parent"] = {"id": f"901_{parent}"}
    return rec


def tweet(
    tid: str | None,
    created: str,
    author: str,
    ref: tuple[str, str] | None = None,
    metrics: tuple[int, int, int, int] = (0, 0, 0, 0),
) -> dict:
    rec = {
        "text": "…",
        "created_at": created,
        "author_id": author,
        "lang": "fr",
        "public_metrics": dict(
            zip(["like_count", "reply_count", "retweet_count", "quote_count"], metrics, strict=True)
        )
        | {"bookmark_count": 0, "impression_count": 100},
    }
    if tid is not None:
        rec["id"] = tid
        rec["conversation_id"] = tid
    if ref is not None:
        rec["referenced_tweets"] = [{"type": ref[0], "id": ref[1]}]
    return rec


def ticket(tid: int, created: str | None) -> dict:
    return {
        "id": tid,
        "created_at": created,
        "updated_at": created or "2026-06-03T12:00:00Z",
        "status": "open",
        "requester_id": 7000 + tid,
        "assignee_id": None,
        "tags": [],
        "satisfaction_rating": None,
    }


def metric(tid: int, calendar: int | None) -> dict:
    return {
        "id": 100 + tid,
        "ticket_id": tid,
        "replies": 0 if calendar is None else 1,
        "reply_time_in_minutes": {"calendar": calendar, "business": calendar},
    }


def media(mid: str, created: str, likes: int, comments: int, username: str = "maisonlumiere") -> dict:
    return {"id": mid, "caption": "…", "media_type": "IMAGE", "media_product_type": "FEED",
            "permalink": f"https://www.instagram.com/p/{mid}/", "timestamp": created, "like_count": likes,
            "comments_count": comments, "username": username}


def insight(mid: str, name: str, value: int) -> dict:
    return {"name": name, "period": "lifetime", "values": [{"value": value}], "title": name,
            "id": f"{mid}/insights/{name}/lifetime"}


def ig_comment(cid: str, created: str, username: str, media_id: str | None = "801",
               parent: str | None = None) -> dict:
    rec = {"id": cid, "text": "…", "timestamp": created, "username": username, "like_count": 0,
           "from": {"id": f"178414{cid}", "username": username}}
    if media_id is not None:
        rec["media"] = {"id": media_id}
    if parent is not None:
        rec["parent_id"] = parent
    return rec


def write(root: Path, rel: str, content: object) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")


def rss(*items: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Blog</title>'
        "<link>https://blog.example/</link><description>d</description>" + "".join(items) + "</channel></rss>"
    )


@pytest.fixture
def inbox(tmp_path) -> Path:
    # ---------------- Facebook posts
    # P0: 01:30 in Paris (+0200) on Monday 1 June is 23:30 UTC on Sunday 31 May -> previous week.
    #     interactions 1 + 0 + 0 = 1, reach 10.
    write(
        tmp_path,
        "facebook/posts/2026-05-31.json",
        {"data": [post("900", "2026-06-01T01:30:00+0200", reactions=1, comments=0, reach=10)]},
    )
    # P1 first fetched with 10 reactions; P9 is malformed ("not-a-date") and ignored.
    write(
        tmp_path,
        "facebook/posts/2026-06-01.json",
        {
            "data": [
                post("901", "2026-06-01T09:00:00+0000", reactions=10, comments=7, shares=2, reach=100),
                post("909", "not-a-date", reactions=50, comments=0, reach=500),
            ]
        },
    )
    # P1 re-fetched the next day: the latest partition wins -> interactions 12 + 7 + 2 = 21, reach 100.
    write(
        tmp_path,
        "facebook/posts/2026-06-02.json",
        {"data": [post("901", "2026-06-01T09:00:00+0000", reactions=12, comments=7, shares=2, reach=100)]},
    )
    # P2: 5 + 0 + 0 (no 'shares' key) = 5, reach 50.  P3: no insights -> reach not reported, 0 interactions.
    write(
        tmp_path,
        "facebook/posts/2026-06-03.json",
        {
            "data": [
                post("902", "2026-06-03T10:00:00+0000", reactions=5, comments=0, reach=50),
                post("903", "2026-06-04T10:00:00+0000", reactions=0, comments=0),
            ]
        },
    )
    # ---------------- Facebook comments (all on P1)
    # C1 10:00 answered by the page at 10:30 -> 30 min.  C2 never answered.  C3 has no "from": malformed.
    write(
        tmp_path,
        "facebook/comments/2026-06-01.json",
        {
            "data": [
                comment("5001", "2026-06-01T10:00:00+0000", "7001"),
                comment("5002", "2026-06-01T10:30:00+0000", PAGE, parent="5001"),
                comment("5003", "2026-06-01T11:00:00+0000", "7002"),
                comment("5004", "2026-06-01T11:30:00+0000", None),
            ]
        },
    )
    # C4 08:00 answered twice, at 09:00 and 08:20 -> the first response is 20 min.
    write(
        tmp_path,
        "facebook/comments/2026-06-02.json",
        {
            "data": [
                comment("5005", "2026-06-02T08:00:00+0000", "7003"),
                comment("5007", "2026-06-02T09:00:00+0000", PAGE, parent="5005"),
                comment("5006", "2026-06-02T08:20:00+0000", PAGE, parent="5005"),
            ]
        },
    )
    # Facebook, week of 1 June: contents P1, P2, P3 = 3; interactions 21 + 5 + 0 = 26; reach 150;
    # engagement 26 / 150 (P3 reports no reach); conversations C1, C2, C4 = 3, answered 2,
    # median(30, 20) = 25.

    # ---------------- X
    # T1 brand original: 7 likes + 1 reply + 2 retweets + 0 quotes = 10.
    # B1 answers M1 (12:00) at 12:10 -> 10 min.
    # A brand retweet is not a content.
    write(
        tmp_path,
        "x/tweets/2026-06-02.json",
        {
            "data": [
                tweet(
                    "104", "2026-06-02T13:00:00.000Z", BRAND, ref=("retweeted", "555"), metrics=(0, 0, 9, 0)
                ),
                tweet("103", "2026-06-02T12:10:00.000Z", BRAND, ref=("replied_to", "101")),
                tweet("100", "2026-06-02T09:00:00.000Z", BRAND, metrics=(7, 1, 2, 0)),
            ],
            "meta": {"result_count": 3},
        },
    )
    write(tmp_path, "x/tweets/2026-06-03.json", {"meta": {"result_count": 0}})
    # M1 answered (10 min), M2 unanswered, M3 has no id: malformed.
    write(
        tmp_path,
        "x/mentions/2026-06-02.json",
        {
            "data": [
                tweet(None, "2026-06-02T14:00:00.000Z", "8003"),
                tweet("102", "2026-06-02T13:00:00.000Z", "8002"),
                tweet("101", "2026-06-02T12:00:00.000Z", "8001", ref=("replied_to", "100")),
            ],
            "meta": {"result_count": 3},
        },
    )
    # X: contents 1, interactions 10, reach none; conversations 2, answered 1, median 10.

    # ---------------- Zendesk
    # Z1 answered in 45 calendar minutes; Z2 created_at null: malformed; Z3 unanswered (calendar null).
    write(
        tmp_path,
        "zendesk/tickets/2026-06-03.json",
        {
            "tickets": [
                ticket(1, "2026-06-03T08:00:00Z"),
                ticket(2, None),
                ticket(3, "2026-06-04T09:00:00Z"),
            ],
            "metric_sets": [metric(1, 45), metric(3, None)],
            "count": 3,
            "end_of_stream": True,
        },
    )
    # Z4 is in the next week, answered in 5 minutes.
    write(
        tmp_path,
        "zendesk/tickets/2026-06-08.json",
        {"tickets": [ticket(4, "2026-06-08T09:00:00Z")], "metric_sets": [metric(4, 5)], "count": 1},
    )
    # Zendesk: conversations Z1, Z3 = 2, answered 1, median 45.

    # ---------------- Blog: one item, listed again in the next day's snapshot (same guid -> one content);
    # an item without pubDate is malformed.
    item = (
        "<item><title>A &amp; B</title><link>https://blog.example/a/</link>"
        '<guid isPermaLink="true">https://blog.example/a/</guid><description>&lt;p&gt;x&lt;/p&gt;</description>'
        "<pubDate>Thu, 04 Jun 2026 08:00:00 +0000</pubDate><author>Claire</author></item>"
    )
    write(tmp_path, "blog/rss/2026-06-04.xml", rss(item))
    write(
        tmp_path,
        "blog/rss/2026-06-05.xml",
        rss("<item><title>No date</title><link>https://blog.example/b/</link></item>", item),
    )
    # Blog: contents 1, nothing reported.

    # ---------------- Instagram
    # I1 fetched on 2 and 3 June (the latest copy wins: 40 likes, 4 comments); I9 is malformed ("not-a-date");
    # I2 has no insights.
    write(
        tmp_path,
        "instagram/media/2026-06-02.json",
        {"data": [media("801", "2026-06-02T10:00:00+0000", 30, 3), media("809", "not-a-date", 99, 9)]},
    )
    write(
        tmp_path,
        "instagram/media/2026-06-03.json",
        {"data": [media("802", "2026-06-03T18:00:00+0000", 5, 0),
                  media("801", "2026-06-02T10:00:00+0000", 40, 4)]},
    )
    # I1's insights grow too: reach 500, shares 3 on the latest day; views are not an interaction.
    write(
        tmp_path,
        "instagram/media_insights/2026-06-02.json",
        {"data": [insight("801", "views", 600), insight("801", "reach", 400), insight("801", "shares", 2)]},
    )
    write(
        tmp_path,
        "instagram/media_insights/2026-06-03.json",
        {"data": [insight("801", "views", 700), insight("801", "reach", 500), insight("801", "shares", 3)]},
    )
    # IC1 11:00 answered by the account at 11:45 -> 45 min.  IC3 12:00: a member's reply at 12:10 is no
    # response, the account's at 09:00 the next day is -> 1260 min.  IC5 has no media: malformed.
    day2 = [
        ig_comment("1001", "2026-06-02T11:00:00+0000", "camille"),
        ig_comment("1002", "2026-06-02T11:45:00+0000", "maisonlumiere", parent="1001"),
        ig_comment("1003", "2026-06-02T12:00:00+0000", "hugo"),
        ig_comment("1004", "2026-06-02T12:10:00+0000", "lea", parent="1003"),
        ig_comment("1005", "2026-06-02T13:00:00+0000", "jules", media_id=None),
    ]
    write(tmp_path, "instagram/comments/2026-06-02.json", {"data": day2})
    # The next day's fetch holds them again (one conversation each), with: the answer to IC3; a top-level
    # comment of the account itself (its username in any case: no conversation); a comment on a media the
    # media feed does not list (no conversation); IC9, never answered.
    write(
        tmp_path,
        "instagram/comments/2026-06-03.json",
        {
            "data": [
                *day2[:4],
                ig_comment("1006", "2026-06-03T09:00:00+0000", "maisonlumiere", parent="1003"),
                ig_comment("1007", "2026-06-03T09:30:00+0000", "MaisonLumiere"),
                ig_comment("1008", "2026-06-03T09:40:00+0000", "ines", media_id="999"),
                ig_comment("1009", "2026-06-03T10:00:00+0000", "jade", media_id="802"),
            ]
        },
    )
    # Instagram: contents I1, I2 = 2; interactions (40 + 4 + 3) + (5 + 0) = 52; reach 500 (I2 reports none);
    # engagement 47 / 500; conversations IC1, IC3, IC9 = 3, answered 2, median(45, 1260) = 652.5.
    return tmp_path


def test_facebook(inbox):
    assert expected_kpi_weekly(inbox, WEEK, "facebook") == {
        "week_start": WEEK,
        "week_end": date(2026, 6, 7),
        "channel_id": "facebook",
        "contents_published": 3,
        "interactions": 26,
        "reach": 150,
        "engagement_rate_by_reach": pytest.approx(26 / 150),
        "conversations": 3,
        "conversations_answered": 2,
        "response_rate": pytest.approx(2 / 3),
        "median_first_response_minutes": 25.0,
    }


def test_x(inbox):
    row = expected_kpi_weekly(inbox, WEEK, "x")
    assert row["contents_published"] == 1
    assert row["interactions"] == 10
    assert row["reach"] is None and row["engagement_rate_by_reach"] is None
    assert (row["conversations"], row["conversations_answered"]) == (2, 1)
    assert row["response_rate"] == 0.5
    assert row["median_first_response_minutes"] == 10.0


def test_blog(inbox):
    row = expected_kpi_weekly(inbox, WEEK, "blog")
    assert row["contents_published"] == 1
    assert row["interactions"] is None and row["reach"] is None and row["engagement_rate_by_reach"] is None
    assert (row["conversations"], row["conversations_answered"]) == (0, 0)
    assert row["response_rate"] is None and row["median_first_response_minutes"] is None


def test_zendesk(inbox):
    row = expected_kpi_weekly(inbox, WEEK, "zendesk")
    assert row["contents_published"] == 0 and row["interactions"] is None and row["reach"] is None
    assert (row["conversations"], row["conversations_answered"]) == (2, 1)
    assert row["response_rate"] == 0.5
    assert row["median_first_response_minutes"] == 45.0


def test_instagram(inbox):
    assert expected_kpi_weekly(inbox, WEEK, "instagram") == {
        "week_start": WEEK,
        "week_end": date(2026, 6, 7),
        "channel_id": "instagram",
        "contents_published": 2,
        "interactions": 52,
        "reach": 500,
        "engagement_rate_by_reach": pytest.approx(47 / 500),
        "conversations": 3,
        "conversations_answered": 2,
        "response_rate": pytest.approx(2 / 3),
        "median_first_response_minutes": 652.5,
    }


def test_all_channels_use_the_same_formulas_not_an_average(inbox):
    # contents 3 + 1 + 2 + 1 = 7; interactions 26 + 10 + 52 = 88; reach 150 + 500 = 650; engagement
    # (26 + 47) / 650 (the contents that report a reach); conversations 3 + 2 + 3 + 2 = 10, answered
    # 2 + 1 + 2 + 1 = 6; median(30, 20, 10, 45, 1260, 45) = (30 + 45) / 2 = 37.5.
    row = expected_kpi_weekly(inbox, WEEK, "all")
    assert row["contents_published"] == 7
    assert row["interactions"] == 88
    assert row["reach"] == 650
    assert row["engagement_rate_by_reach"] == pytest.approx(73 / 650)
    assert (row["conversations"], row["conversations_answered"]) == (10, 6)
    assert row["response_rate"] == pytest.approx(6 / 10)
    assert row["median_first_response_minutes"] == 37.5


def test_weeks_use_utc_dates(inbox):
    # P0 is in the previous week once converted to UTC: interactions 1, reach 10, engagement 0.1.
    row = expected_kpi_weekly(inbox, date(2026, 5, 25), "facebook")
    assert (row["contents_published"], row["interactions"], row["reach"]) == (1, 1, 10)
    assert row["engagement_rate_by_reach"] == pytest.approx(0.1)
    assert row["conversations"] == 0 and row["response_rate"] is None
    nxt = expected_kpi_weekly(inbox, date(2026, 6, 8), "zendesk")
    assert (nxt["conversations"], nxt["conversations_answered"], nxt["median_first_response_minutes"]) == (
        1,
        1,
        5.0,
    )
    empty = expected_kpi_weekly(inbox, date(2026, 6, 15), "all")
    assert empty["contents_published"] == 0 and empty["conversations"] == 0
    assert empty["interactions"] is None and empty["response_rate"] is None


def test_rejects_bad_arguments(inbox):
    with pytest.raises(ValueError):
        expected_kpi_weekly(inbox, date(2026, 6, 2), "all")  # not a Monday
    with pytest.raises(ValueError):
        expected_kpi_weekly(inbox, WEEK, "tiktok")  # not a channel the pipeline reports on


def test_the_oracle_sees_the_generator_malformed_records_as_a_pipeline_would(tmp_path):
    """On generated data the oracle counts every conversation except the injected malformed ones."""
    from pipelines.demo.generator import generate
    from tests.e2e.expected_kpis import load_inbox

    end = date(2026, 5, 31)
    summary = generate(tmp_path, end_date=end, days=14, scale=0.5, seed=4)
    contents, conversations = load_inbox(tmp_path)
    fb_posts = summary.details["facebook_posts"]
    assert sum(c.channel == "facebook" for c in contents) == fb_posts  # the not-a-date posts are excluded
    assert sum(c.channel == "x" for c in contents) == summary.details["x_brand_originals"]
    assert sum(c.channel == "facebook" for c in conversations) == (
        summary.details["facebook_member_comments"] - summary.malformed["facebook_comment_without_from"]
    )
    assert sum(c.channel == "x" for c in conversations) == summary.details["x_member_mentions"]
    assert sum(c.channel == "zendesk" for c in conversations) == summary.details["zendesk_tickets"]
    # the media without a date and the comments without a media are extra records: not in the details
    assert sum(c.channel == "instagram" for c in contents) == summary.details["instagram_media"]
    assert sum(c.channel == "instagram" for c in conversations) == summary.details["instagram_member_comments"]
    answered = sum(c.first_response_minutes is not None for c in conversations)
    assert answered == (
        summary.details["facebook_page_replies"]
        + summary.details["x_brand_replies"]
        + summary.details["zendesk_tickets_answered"]
        + summary.details["instagram_brand_replies"]
    )
