"""The Mastodon account archive (Preferences > Import and export > Data export > Request your archive): a zip of
``outbox.json``, ``actor.json``, ``likes.json``, ``bookmarks.json`` and ``media_attachments/``.

``outbox.json`` is an ActivityPub OrderedCollection: ``totalItems`` (the account's statuses count, as the
server counted it when it built the archive) and ``orderedItems``, one activity per status: ``Create`` (its
``object`` is the Note: id, published, content HTML, inReplyTo, url, to/cc, sensitive, tag) or ``Announce`` (a
boost: its ``object`` is the boosted status's URL). Each activity lands in ``mastodon.archive_statuses``;
``likes.json`` (an OrderedCollection of the liked statuses' URLs) in ``mastodon.archive_likes``.

The archive owner (``actor.json``: ``id``, ``preferredUsername``, ``name``) is carried on each page's
``source_file`` (``?account_uri=…&username=…``), as an API page's URL carries its parameters. Visibility is not
stated in an archive: it is derived from the addressing, as Mastodon itself does (Public in ``to``: public;
Public in ``cc``: unlisted; the followers collection: private; otherwise direct)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, urlencode

from pipelines.lib.imports import Export, ExportError, ExportFormat, ExportMember, read_members
from pipelines.lib.ingest import Column, FeedSpec, TableSpec

OUTBOX = "outbox.json"
ACTOR = "actor.json"
LIKES = "likes.json"
SNIFF_CHARS = 65536  # the collection's type and totalItems come before orderedItems (after a ~3 KB @context)

PUBLIC = "['https://www.w3.org/ns/activitystreams#Public', 'as:Public', 'Public']"
OBJECT_URI = "coalesce(r.payload->'object'->>'id', regexp_replace(r.payload->>'id', '/activity$', ''))"
ACTIVITY_TYPE = "lower(r.payload->>'type')"


def addressed(field: str) -> str:
    """``to`` / ``cc`` of the activity (else of its object) as a list: ActivityStreams allows one string too."""
    def of(path: str) -> str:
        return (f"case json_type(r.payload, '{path}') when 'ARRAY' then json_extract_string(r.payload, '{path}[*]') "
                f"when 'VARCHAR' then [json_extract_string(r.payload, '{path}')] end")
    return f"coalesce({of('$.' + field)}, {of('$.object.' + field)}, [])"


def owner(column: str) -> str:
    return f"url_decode(nullif(regexp_extract(r.source_file, '[?&]{column}=([^&]+)', 1), ''))"


def tag_names(kind: str, prefix: str) -> str:
    return (f"list_transform(list_filter(coalesce(json_extract(r.payload, '$.object.tag[*]'), []), "
            f"lambda t: t->>'type' = '{kind}'), lambda t: ltrim(t->>'name', '{prefix}'))")


# plain text in SQL: paragraphs and line breaks become spaces, tags dropped, the entities Mastodon escapes decoded
CONTENT_TEXT = r"""trim(replace(replace(replace(replace(replace(replace(
    regexp_replace(regexp_replace(r.payload->'object'->>'content', '<br\s*/?>|</p><p>', ' ', 'g'), '<[^>]+>', '', 'g'),
    '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&nbsp;', ' '), '&amp;', '&'))"""

ARCHIVE_STATUSES = TableSpec(
    name="archive_statuses",
    records_path="$.orderedItems[*]",
    natural_key="status_id",
    description="The archive owner's statuses (Create: posts and replies) and boosts (Announce) from outbox.json, "
                "one row per activity; no counters (an archive has none).",
    columns=(
        # the local id (the last segment of .../statuses/<id>) is the API's status id; else the full URI
        Column("status_id", "varchar",
               f"coalesce(nullif(regexp_extract({OBJECT_URI}, '/statuses/([0-9]+)$', 1), ''), {OBJECT_URI})",
               required=True, raw_field="id"),
        Column("status_uri", "varchar", OBJECT_URI),
        Column("activity_type", "varchar",
               f"case when {ACTIVITY_TYPE} in ('create', 'announce') then {ACTIVITY_TYPE} end",
               required=True, raw_field="type"),
        # the activity's date (a Create's is its Note's; an Announce has only its own)
        Column("published_at", "timestamptz",
               "try_cast(coalesce(r.payload->>'published', r.payload->'object'->>'published') as timestamptz)",
               required=True, raw_field="published"),
        Column("account_uri", "varchar", f"coalesce({owner('account_uri')}, r.payload->>'actor')"),
        Column("account_username", "varchar", owner("username")),
        Column("account_display_name", "varchar", owner("display_name")),
        Column("content", "varchar", "r.payload->'object'->>'content'"),  # HTML, as given
        Column("content_text", "varchar", CONTENT_TEXT),
        Column("spoiler_text", "varchar", "nullif(r.payload->'object'->>'summary', '')"),  # content warning
        Column("language", "varchar", "json_keys(r.payload->'object'->'contentMap')[1]"),
        Column("in_reply_to_uri", "varchar", "r.payload->'object'->>'inReplyTo'"),
        Column("url", "varchar", "r.payload->'object'->>'url'"),
        Column("visibility", "varchar",
               f"case when list_has_any({addressed('to')}, {PUBLIC}) then 'public' "
               f"when list_has_any({addressed('cc')}, {PUBLIC}) then 'unlisted' "
               f"when len(list_filter({addressed('to')} || {addressed('cc')}, "
               "lambda a: ends_with(a, '/followers'))) > 0 then 'private' "
               "else 'direct' end"),
        Column("is_sensitive", "boolean",
               "coalesce(try_cast(r.payload->'object'->>'sensitive' as boolean), false)"),
        Column("hashtags", "varchar[]", tag_names("Hashtag", "#")),
        Column("mentions", "varchar[]", tag_names("Mention", "@")),
        Column("media_count", "bigint", "coalesce(json_array_length(r.payload->'object'->'attachment'), 0)"),
        Column("boosted_status_url", "varchar",
               f"case when {ACTIVITY_TYPE} = 'announce' then coalesce(r.payload->'object'->>'id', "
               "json_extract_string(r.payload, '$.object')) end"),
    ),
)

ARCHIVE_LIKES = TableSpec(
    name="archive_likes",
    records_path="$.orderedItems[*]",
    natural_key="liked_status_url",
    description="The statuses the archive owner favourited (likes.json), by URL; the archive dates none of them.",
    columns=(
        Column("liked_status_url", "varchar", "coalesce(r.payload->>'id', json_extract_string(r.payload, '$'))",
               required=True, raw_field="$"),
        Column("account_uri", "varchar", owner("account_uri")),
        Column("account_username", "varchar", owner("username")),
    ),
)

FEEDS = (
    FeedSpec(source="mastodon", feed="archive_statuses", tables=(ARCHIVE_STATUSES,), batches="all",
             description="Mastodon archive statuses and boosts"),
    FeedSpec(source="mastodon", feed="archive_likes", tables=(ARCHIVE_LIKES,), batches="all",
             description="Mastodon archive likes"),
)


def _head(export: Export, name: str) -> str:
    """The start of a member: enough for its collection type and totalItems, without parsing a large outbox in
    Python (the records are parsed in SQL)."""
    return export.read_text(name)[:SNIFF_CHARS]


def _is_collection(head: str) -> bool:
    return bool(re.search(r'"type"\s*:\s*"OrderedCollection"', head)) or '"orderedItems"' in head


def archive_owner(export: Export) -> dict[str, str]:
    """actor.json's id, preferredUsername and name; {} when the archive has no readable actor.json (each activity
    still names its actor)."""
    if not export.has(ACTOR):
        return {}
    try:
        actor = json.loads(export.read_text(ACTOR))
    except (json.JSONDecodeError, ExportError):
        return {}
    return {k: v for k, v in (("account_uri", actor.get("id")), ("username", actor.get("preferredUsername")),
                              ("display_name", actor.get("name"))) if isinstance(v, str) and v}


def members(export: Export) -> dict[str, list[ExportMember]]:
    names = set(export.names())
    if OUTBOX not in names:
        raise ExportError(f"{export.path}: not a Mastodon archive (no {OUTBOX})")
    outbox = read_members(export, [OUTBOX])
    if not _is_collection(outbox[0].text[:SNIFF_CHARS]):
        raise ExportError(f"{export.path}: {OUTBOX} is not an ActivityPub OrderedCollection (no orderedItems)")
    context = urlencode(archive_owner(export), quote_via=quote)
    return {
        "archive_statuses": [ExportMember(m.name, m.text, context) for m in outbox],
        "archive_likes": [ExportMember(m.name, m.text, context)
                          for m in read_members(export, [LIKES] if LIKES in names else [])],
    }


def declared_counts(export: Export) -> dict[str, int]:
    """outbox.json's ``totalItems``: the account's statuses count when the archive was built (the server's
    counter: it can differ from the activities listed, which the import summary then shows). likes.json's
    totalItems is not declared: current Mastodon omits it, older archives' values cannot be relied on."""
    if not export.has(OUTBOX):
        return {}
    head = _head(export, OUTBOX).split('"orderedItems"', 1)[0]  # the collection's own, not a nested one
    found = re.search(r'"totalItems"\s*:\s*(\d+)', head)
    return {"archive_statuses": int(found.group(1))} if found else {}


def matches(path: Path) -> bool:
    try:
        with Export(path) as export:
            return export.has(OUTBOX) and _is_collection(_head(export, OUTBOX))
    except Exception:  # noqa: BLE001 - a file we cannot open is simply not a Mastodon archive
        return False


EXPORT_FORMATS = (
    ExportFormat(
        name="mastodon-archive",
        source="mastodon",
        description="Mastodon account archive: the account's statuses, replies and boosts (with visibility, "
                    "hashtags, mentions), and its likes",
        where_to_download="your Mastodon server: Preferences > Import and export > Data export > Request your "
                          "archive (a zip, once every 7 days)",
        feeds=FEEDS,
        members=members,
        matches=matches,
        declared_counts=declared_counts,
    ),
)
