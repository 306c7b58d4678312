"""Test oracle: the contract's ``kpi_weekly`` values computed straight from an inbox folder.

Deliberately independent of the pipeline: plain Python (json, xml.etree, email.utils), no DuckDB, polars or
dbt, simple loops. It reads the files the demo generator (or a real connector) writes::

    <inbox>/facebook/posts/<day>.json     {"data": [post, ...]}
    <inbox>/facebook/comments/<day>.json  {"data": [comment, ...]}
    <inbox>/x/tweets/<day>.json           {"data": [tweet, ...], "includes": ..., "meta": ...}
    <inbox>/x/mentions/<day>.json         idem
    <inbox>/blog/rss/<day>.xml            RSS 2.0
    <inbox>/zendesk/tickets/<day>.json    {"tickets": [...], "metric_sets": [...]}
    <inbox>/instagram/media/<day>.json           {"data": [media, ...]}
    <inbox>/instagram/media_insights/<day>.json  {"data": [lifetime metric, ...]} (ids '<media>/insights/...')
    <inbox>/instagram/comments/<day>.json        {"data": [comment or reply, ...]}

and applies the contract's rules as a correct pipeline would:

* a record is malformed (quarantined, ignored here) when a required field is missing or unparsable:
  Facebook posts: id, created_time; Facebook comments: id, created_time, from.id; tweets and mentions: id,
  created_at, author_id; blog items: guid (else link), pubDate; Zendesk tickets: id, created_at;
  Zendesk metric sets: id, ticket_id; Instagram media: id, timestamp; Instagram comments: id, timestamp,
  media.id; Instagram insights: id, name;
* the same natural key in several files keeps the copy from the latest partition (file day), then the
  highest record index;
* contents: Facebook posts, brand tweets that are neither replies nor retweets, Instagram media, blog items;
  interactions = reactions + comments + shares (Facebook), like + reply + retweet + quote (X), like_count +
  comments_count + the 'shares' insight (Instagram: the counters reported, None when none is), none for blog;
  reach = post_impressions_unique (Facebook), the 'reach' insight (Instagram);
* conversations: top-level member comments (first response = earliest page comment whose parent is it), X
  mentions by members (first response = earliest brand tweet replying to it), Zendesk tickets (first response
  minutes = reply_time_in_minutes.calendar, none when null), Instagram top-level comments on a media of the
  media feed by anyone but the account (the username of its media), first response = the account's earliest
  reply whose parent_id is the comment;
* a member's reply to another member's comment is a comment like any other: the post's
  ``comments.summary.total_count`` (which the pipeline reads too) counts it in interactions; having a parent,
  it opens no conversation, and not being the page's, it is no first response;
* weeks are ISO weeks (Monday..Sunday) of UTC dates; ``'all'`` aggregates every channel with the same
  formulas.

Empty aggregates follow SQL: counts are 0, ``interactions`` / ``reach`` are None when no content of the
week reports them (SUM over no value), rates and the median are None when their denominator is empty.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from xml.etree import ElementTree

PAGE_ID = "104000000000001"
X_BRAND_ID = "1500000000000000001"
CHANNELS = ("facebook", "x", "instagram", "blog", "zendesk")


@dataclass(frozen=True)
class Content:
    channel: str
    published: date
    interactions: int | None
    reach: int | None


@dataclass(frozen=True)
class Conversation:
    channel: str
    started: date
    first_response_minutes: float | None


def parse_instant(value: object) -> datetime | None:
    """An ISO 8601 instant ('+0000', 'Z', milliseconds...) in UTC; None when missing or unparsable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return None
    return None


def _dig(record: dict, *path: str) -> object:
    node: object = record
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _pages(inbox: Path, source: str, feed: str, suffix: str = ".json"):
    """(partition day, file path) in day order."""
    folder = inbox / source / feed
    if not folder.is_dir():
        return
    for path in sorted(folder.glob(f"*{suffix}")):
        try:
            day = date.fromisoformat(path.stem)
        except ValueError:
            continue
        yield day, path


def _latest_records(inbox: Path, source: str, feed: str, array_key: str, key_of, is_valid) -> dict[str, dict]:
    """Valid records by natural key (malformed ones are quarantined first, so they never hide a valid copy),
    keeping the latest partition then the highest record index."""
    best: dict[str, tuple[tuple[date, int], dict]] = {}
    for day, path in _pages(inbox, source, feed):
        page = json.loads(path.read_text(encoding="utf-8"))
        records = page.get(array_key) if isinstance(page, dict) else None
        for index, record in enumerate(records or []):
            if not isinstance(record, dict):
                continue
            key = key_of(record)
            if key is None or not is_valid(record):
                continue
            rank = (day, index)
            if key not in best or rank > best[key][0]:
                best[key] = (rank, record)
    return {key: record for key, (_, record) in best.items()}


def _str_id(value: object) -> str | None:
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value) != "":
        return str(value)
    return None


# ------------------------------------------------------------------------------------------------------------
# Per-channel readers
# ------------------------------------------------------------------------------------------------------------
def _facebook(inbox: Path) -> tuple[list[Content], list[Conversation]]:
    posts = _latest_records(
        inbox,
        "facebook",
        "posts",
        "data",
        lambda r: _str_id(r.get("id")),
        lambda r: parse_instant(r.get("created_time")) is not None,
    )
    contents = []
    for post in posts.values():
        created = parse_instant(post.get("created_time"))
        if created is None:
            continue
        reactions = _as_int(_dig(post, "reactions", "summary", "total_count"))
        comments = _as_int(_dig(post, "comments", "summary", "total_count"))
        shares = _as_int(_dig(post, "shares", "count"))
        shares = 0 if shares is None else shares  # Facebook omits 'shares' when there are none
        interactions = None if reactions is None or comments is None else reactions + comments + shares
        reach = None
        for insight in _dig(post, "insights", "data") or []:
            if isinstance(insight, dict) and insight.get("name") == "post_impressions_unique":
                values = insight.get("values") or []
                if values and isinstance(values[-1], dict):
                    reach = _as_int(values[-1].get("value"))
                break
        contents.append(Content("facebook", created.date(), interactions, reach))

    comments = _latest_records(
        inbox,
        "facebook",
        "comments",
        "data",
        lambda r: _str_id(r.get("id")),
        lambda r: (
            parse_instant(r.get("created_time")) is not None and _str_id(_dig(r, "from", "id")) is not None
        ),
    )
    valid = {}
    for cid, comment in comments.items():
        created = parse_instant(comment.get("created_time"))
        author = _str_id(_dig(comment, "from", "id"))
        if created is None or author is None or "_" not in cid:
            continue
        valid[cid] = (created, author, _str_id(_dig(comment, "parent", "id")))
    first_answer: dict[str, datetime] = {}
    for created, author, parent in valid.values():
        if (
            author == PAGE_ID
            and parent is not None
            and (parent not in first_answer or created < first_answer[parent])
        ):
            first_answer[parent] = created
    conversations = []
    for cid, (created, author, parent) in valid.items():
        if parent is None and author != PAGE_ID:
            answered_at = first_answer.get(cid)
            minutes = None if answered_at is None else (answered_at - created).total_seconds() / 60.0
            conversations.append(Conversation("facebook", created.date(), minutes))
    return contents, conversations


def _valid_tweets(inbox: Path, feed: str) -> dict[str, tuple[datetime, str, dict]]:
    tweets = _latest_records(
        inbox,
        "x",
        feed,
        "data",
        lambda r: _str_id(r.get("id")),
        lambda r: parse_instant(r.get("created_at")) is not None and _str_id(r.get("author_id")) is not None,
    )
    valid = {}
    for tid, tweet in tweets.items():
        created = parse_instant(tweet.get("created_at"))
        author = _str_id(tweet.get("author_id"))
        if created is not None and author is not None:
            valid[tid] = (created, author, tweet)
    return valid


def _referenced(tweet: dict, kind: str) -> str | None:
    for ref in tweet.get("referenced_tweets") or []:
        if isinstance(ref, dict) and ref.get("type") == kind:
            return _str_id(ref.get("id"))
    return None


def _x(inbox: Path) -> tuple[list[Content], list[Conversation]]:
    timeline = _valid_tweets(inbox, "tweets")
    brand_ids = {author for _, author, _ in timeline.values()} or {X_BRAND_ID}
    contents = []
    first_answer: dict[str, datetime] = {}
    for created, _author, tweet in timeline.values():
        replied_to = _referenced(tweet, "replied_to")
        if replied_to is not None:
            if replied_to not in first_answer or created < first_answer[replied_to]:
                first_answer[replied_to] = created
            continue
        if _referenced(tweet, "retweeted") is not None:
            continue
        metrics = [
            _as_int(_dig(tweet, "public_metrics", k))
            for k in ("like_count", "reply_count", "retweet_count", "quote_count")
        ]
        interactions = None if any(v is None for v in metrics) else sum(metrics)
        contents.append(Content("x", created.date(), interactions, None))

    conversations = []
    for tid, (created, author, _) in _valid_tweets(inbox, "mentions").items():
        if author in brand_ids:
            continue
        answered_at = first_answer.get(tid)
        minutes = None if answered_at is None else (answered_at - created).total_seconds() / 60.0
        conversations.append(Conversation("x", created.date(), minutes))
    return contents, conversations


def _instagram(inbox: Path) -> tuple[list[Content], list[Conversation]]:
    media = _latest_records(
        inbox,
        "instagram",
        "media",
        "data",
        lambda r: _str_id(r.get("id")),
        lambda r: parse_instant(r.get("timestamp")) is not None,
    )
    insights = _latest_records(
        inbox,
        "instagram",
        "media_insights",
        "data",
        lambda r: _str_id(r.get("id")),
        lambda r: isinstance(r.get("name"), str) and r["name"] != "",
    )
    lifetime: dict[tuple[str, str], int | None] = {}  # (media id, metric) -> latest value
    for insight_id, insight in insights.items():
        if insight.get("period") != "lifetime":
            continue
        values = insight.get("values") or []
        value = values[-1].get("value") if values and isinstance(values[-1], dict) else None
        if isinstance(insight.get("total_value"), dict):
            value = insight["total_value"].get("value")
        lifetime[(insight_id.split("/")[0], insight["name"])] = _as_int(value)

    contents = []
    brand_usernames = set()
    for media_id, record in media.items():
        created = parse_instant(record.get("timestamp"))
        if created is None:
            continue
        if isinstance(record.get("username"), str):
            brand_usernames.add(record["username"].lower())
        counters = (_as_int(record.get("like_count")), _as_int(record.get("comments_count")),
                    lifetime.get((media_id, "shares")))
        reported = [v for v in counters if v is not None]
        interactions = sum(reported) if reported else None
        contents.append(Content("instagram", created.date(), interactions, lifetime.get((media_id, "reach"))))

    comments = _latest_records(
        inbox,
        "instagram",
        "comments",
        "data",
        lambda r: _str_id(r.get("id")),
        lambda r: parse_instant(r.get("timestamp")) is not None and _str_id(_dig(r, "media", "id")) is not None,
    )
    first_answer: dict[str, datetime] = {}
    inbound = []
    for cid, comment in comments.items():
        created = parse_instant(comment.get("timestamp"))
        username = _dig(comment, "from", "username") or comment.get("username")
        by_brand = isinstance(username, str) and username.lower() in brand_usernames
        parent = _str_id(comment.get("parent_id"))
        if parent is not None:
            if by_brand and (parent not in first_answer or created < first_answer[parent]):
                first_answer[parent] = created
        elif not by_brand and _str_id(_dig(comment, "media", "id")) in media:
            inbound.append((cid, created))
    conversations = []
    for cid, created in inbound:
        answered_at = first_answer.get(cid)
        minutes = None if answered_at is None else (answered_at - created).total_seconds() / 60.0
        conversations.append(Conversation("instagram", created.date(), minutes))
    return contents, conversations


def _blog(inbox: Path) -> list[Content]:
    best: dict[str, tuple[tuple[date, int], date]] = {}
    for day, path in _pages(inbox, "blog", "rss", ".xml"):
        root = ElementTree.parse(path).getroot()
        for index, item in enumerate(root.iter("item")):
            key = (item.findtext("guid") or "").strip() or (item.findtext("link") or "").strip()
            raw_date = (item.findtext("pubDate") or "").strip()
            if not key or not raw_date:
                continue
            try:
                published = parsedate_to_datetime(raw_date)
            except (TypeError, ValueError):
                continue
            if published.tzinfo is None:
                published = published.replace(tzinfo=UTC)
            rank = (day, index)
            if key not in best or rank > best[key][0]:
                best[key] = (rank, published.astimezone(UTC).date())
    return [Content("blog", published, None, None) for _, published in best.values()]


def _zendesk(inbox: Path) -> list[Conversation]:
    tickets = _latest_records(
        inbox,
        "zendesk",
        "tickets",
        "tickets",
        lambda r: _str_id(_as_int(r.get("id"))),
        lambda r: parse_instant(r.get("created_at")) is not None,
    )
    metrics = _latest_records(
        inbox,
        "zendesk",
        "tickets",
        "metric_sets",
        lambda r: _str_id(_as_int(r.get("id"))),
        lambda r: _as_int(r.get("ticket_id")) is not None,
    )
    reply_minutes: dict[str, int | None] = {}
    for metric in metrics.values():
        ticket_id = _str_id(_as_int(metric.get("ticket_id")))
        if ticket_id is not None:
            reply_minutes[ticket_id] = _as_int(_dig(metric, "reply_time_in_minutes", "calendar"))
    conversations = []
    for tid, ticket in tickets.items():
        created = parse_instant(ticket.get("created_at"))
        if created is None:
            continue
        minutes = reply_minutes.get(tid)
        conversations.append(
            Conversation("zendesk", created.date(), None if minutes is None else float(minutes))
        )
    return conversations


# ------------------------------------------------------------------------------------------------------------
# Public API
# ------------------------------------------------------------------------------------------------------------
_CACHE: dict[tuple, tuple[list[Content], list[Conversation]]] = {}


def _fingerprint(inbox: Path) -> tuple:
    return tuple(
        sorted(
            (str(p.relative_to(inbox)), p.stat().st_mtime_ns, p.stat().st_size)
            for p in inbox.rglob("*")
            if p.is_file()
        )
    )


def load_inbox(inbox: Path) -> tuple[list[Content], list[Conversation]]:
    """Every valid content and conversation in the inbox (cached while the files do not change)."""
    inbox = Path(inbox).resolve()
    key = (str(inbox), _fingerprint(inbox))
    if key not in _CACHE:
        fb_contents, fb_conversations = _facebook(inbox)
        x_contents, x_conversations = _x(inbox)
        ig_contents, ig_conversations = _instagram(inbox)
        _CACHE.clear()
        _CACHE[key] = (
            fb_contents + x_contents + ig_contents + _blog(inbox),
            fb_conversations + x_conversations + ig_conversations + _zendesk(inbox),
        )
    return _CACHE[key]


def expected_kpi_weekly(inbox: Path, week_start: date, channel_id: str) -> dict:
    """The ``kpi_weekly`` row for the ISO week starting on ``week_start`` (a Monday) and ``channel_id``
    ('facebook', 'x', 'instagram', 'blog', 'zendesk' or 'all'), computed from the files in ``inbox``."""
    if week_start.weekday() != 0:
        raise ValueError(f"{week_start} is not a Monday")
    if channel_id not in (*CHANNELS, "all"):
        raise ValueError(f"unknown channel_id {channel_id!r}")
    week_end = week_start + timedelta(days=6)
    contents, conversations = load_inbox(inbox)

    def in_scope(channel: str, day: date) -> bool:
        return (channel_id == "all" or channel == channel_id) and week_start <= day <= week_end

    week_contents = [c for c in contents if in_scope(c.channel, c.published)]
    reported_interactions = [c.interactions for c in week_contents if c.interactions is not None]
    reported_reach = [c.reach for c in week_contents if c.reach is not None]
    with_reach = [c for c in week_contents if c.reach is not None and c.reach > 0]
    reach_denominator = sum(c.reach for c in with_reach)
    engagement = (
        sum(c.interactions or 0 for c in with_reach) / reach_denominator if reach_denominator > 0 else None
    )

    week_conversations = [c for c in conversations if in_scope(c.channel, c.started)]
    answered = [c.first_response_minutes for c in week_conversations if c.first_response_minutes is not None]
    return {
        "week_start": week_start,
        "week_end": week_end,
        "channel_id": channel_id,
        "contents_published": len(week_contents),
        "interactions": sum(reported_interactions) if reported_interactions else None,
        "reach": sum(reported_reach) if reported_reach else None,
        "engagement_rate_by_reach": engagement,
        "conversations": len(week_conversations),
        "conversations_answered": len(answered),
        "response_rate": len(answered) / len(week_conversations) if week_conversations else None,
        "median_first_response_minutes": statistics.median(answered) if answered else None,
    }
