"""The X account archive (Settings > Your account > Download an archive of your data): a zip (or its unzipped
folder) of ``data/*.js`` files, each a JavaScript assignment ``window.YTD.<type>.part<N> = [...]``, and
``data/manifest.js`` stating the archive's owner and each file's record count.

Tweets land in ``x.archive_tweets`` with the columns of the API timeline (``x.tweets``), so the same staging
applies; followers in ``x.archive_followers`` (the audience as of the export). The archive owner, stated in the
manifest (or ``account.js``), is carried on each page's ``source_file`` (``?account_id=…&username=…``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, urlencode

from pipelines.lib.imports import Export, ExportError, ExportFormat, ExportMember, read_members
from pipelines.lib.ingest import Column, FeedSpec, TableSpec

# window.YTD.tweets.part0 = [ ... ]  ->  [ ... ]  (in SQL: an archive's tweets.js can hold 100 MB)
JS_ASSIGNMENT_STRIPPED = r"regexp_replace(content, '^\s*window\.[A-Za-z0-9_.]+\s*=\s*', '')"
_JS_ASSIGNMENT = re.compile(r"^\s*window\.[A-Za-z0-9_.]+\s*=\s*")
# Archives since 2022 wrap each record ({"tweet": {...}}); 2019-2021 ones named the file tweet.js
TWEET = "coalesce(r.payload->'tweet', r.payload)"
TWEET_FILES = re.compile(r"^data/tweets?(-part\d+)?\.js$")
FOLLOWER_FILES = re.compile(r"^data/follower(-part\d+)?\.js$")


def tweet_text(field: str) -> str:
    return f"({TWEET})->>'{field}'"


def owner(column: str) -> str:
    return f"nullif(regexp_extract(r.source_file, '[?&]{column}=([^&]+)', 1), '')"


ARCHIVE_TWEETS = TableSpec(
    name="archive_tweets",
    records_path="$[*]",
    natural_key="tweet_id",
    description="The archive owner's tweets, replies and retweets, from data/tweets.js (same columns as x.tweets; "
                "counters as of the export).",
    columns=(
        Column("tweet_id", "varchar", f"coalesce({tweet_text('id_str')}, {tweet_text('id')})", required=True,
               raw_field="tweet.id_str"),
        Column("author_id", "varchar", owner("account_id")),
        Column("author_username", "varchar", owner("username")),
        Column("author_name", "varchar", f"url_decode({owner('display_name')})"),
        # 'Wed Feb 01 12:00:00 +0000 2023'
        Column("created_at", "timestamptz",
               f"try_strptime({tweet_text('created_at')}, '%a %b %d %H:%M:%S %z %Y')", required=True,
               raw_field="tweet.created_at"),
        Column("text", "varchar", f"coalesce({tweet_text('full_text')}, {tweet_text('text')})"),
        Column("lang", "varchar", tweet_text("lang")),
        Column("conversation_id", "varchar", "null::varchar"),  # not in the archive
        Column("in_reply_to_user_id", "varchar", tweet_text("in_reply_to_user_id_str")),
        Column("replied_to_tweet_id", "varchar", tweet_text("in_reply_to_status_id_str")),
        Column("quoted_tweet_id", "varchar", "null::varchar"),
        # a retweet is archived as its text 'RT @user: …' with the original's id unknown: flag it by its text
        Column("retweeted_tweet_id", "varchar",
               f"case when starts_with(coalesce({tweet_text('full_text')}, ''), 'RT @') then 'unknown' end"),
        Column("retweet_count", "bigint", f"try_cast({tweet_text('retweet_count')} as bigint)"),
        Column("reply_count", "bigint", "null::bigint"),
        Column("like_count", "bigint", f"try_cast({tweet_text('favorite_count')} as bigint)"),
        Column("quote_count", "bigint", "null::bigint"),
        Column("bookmark_count", "bigint", "null::bigint"),
        Column("impression_count", "bigint", "null::bigint"),
    ),
)

ARCHIVE_FOLLOWERS = TableSpec(
    name="archive_followers",
    records_path="$[*]",
    natural_key="follower_id",
    description="The archive owner's followers as of the export (data/follower.js).",
    columns=(
        Column("follower_id", "varchar", "r.payload->'follower'->>'accountId'", required=True,
               raw_field="follower.accountId"),
        Column("account_id", "varchar", owner("account_id")),
    ),
)

FEEDS = (
    FeedSpec(source="x", feed="archive_tweets", tables=(ARCHIVE_TWEETS,), extension="js",
             json_sql=JS_ASSIGNMENT_STRIPPED, batches="all", description="X archive tweets"),
    FeedSpec(source="x", feed="archive_followers", tables=(ARCHIVE_FOLLOWERS,), extension="js",
             json_sql=JS_ASSIGNMENT_STRIPPED, batches="all", description="X archive followers"),
)


def _js_value(text: str, member: str):
    try:
        return json.loads(_JS_ASSIGNMENT.sub("", text, count=1))
    except json.JSONDecodeError as exc:
        raise ExportError(f"{member} is not a readable archive file: {exc}") from None


def manifest(export: Export) -> dict:
    """``data/manifest.js`` (``window.__THAR_CONFIG = {...}``), or {} for an archive without one."""
    return _js_value(export.read_text("data/manifest.js"), "data/manifest.js") if export.has("data/manifest.js") else {}


def archive_owner(export: Export) -> dict[str, str]:
    info = manifest(export).get("userInfo") or {}
    if not info and export.has("data/account.js"):
        account = (_js_value(export.read_text("data/account.js"), "data/account.js") or [{}])[0].get("account", {})
        info = {"accountId": account.get("accountId"), "userName": account.get("username"),
                "displayName": account.get("accountDisplayName")}
    return {k: v for k, v in (("account_id", info.get("accountId")), ("username", info.get("userName")),
                              ("display_name", info.get("displayName"))) if v}


def members(export: Export) -> dict[str, list[ExportMember]]:
    names = export.names()
    if not is_archive(names):
        raise ExportError(f"{export.path}: not an X archive (no data/manifest.js, data/tweets.js, "
                          "data/follower.js nor data/account.js)")
    tweets = [n for n in names if TWEET_FILES.match(n)]
    context = urlencode(archive_owner(export), quote_via=quote)
    return {
        "archive_tweets": [ExportMember(m.name, m.text, context) for m in read_members(export, tweets)],
        "archive_followers": [ExportMember(m.name, m.text, context)
                              for m in read_members(export, [n for n in names if FOLLOWER_FILES.match(n)])],
    }


def declared_counts(export: Export) -> dict[str, int]:
    """The manifest's count of each data type, summed over its files (tweets.js, tweets-part1.js, ...)."""
    types = manifest(export).get("dataTypes") or {}
    counts = {}
    for data_type, table in (("tweets", "archive_tweets"), ("tweet", "archive_tweets"),
                             ("follower", "archive_followers")):
        files = (types.get(data_type) or {}).get("files") or []
        if files:
            counts[table] = sum(int(f.get("count", 0)) for f in files)
    return counts


def is_archive(names: list[str]) -> bool:
    return any(TWEET_FILES.match(n) or FOLLOWER_FILES.match(n) or n in ("data/manifest.js", "data/account.js")
               for n in names)


def matches(path: Path) -> bool:
    try:
        with Export(path) as export:
            return is_archive(export.names())
    except Exception:  # noqa: BLE001 - a file we cannot open is simply not an X archive
        return False


EXPORT_FORMATS = (
    ExportFormat(
        name="x-archive",
        source="x",
        description="X account archive: tweets (with their counters as of the export) and followers",
        where_to_download="x.com: More > Settings and privacy > Your account > Download an archive of your data "
                          "(a zip, ready within a day or two)",
        feeds=FEEDS,
        members=members,
        matches=matches,
        declared_counts=declared_counts,
    ),
)
