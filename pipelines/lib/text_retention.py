"""Text retention: message texts older than ``privacy.text_retention_days`` are removed from the warehouse.

One declarative table, ``TEXT_TABLES``: per typed table that holds people's messages, its publication time, the
text columns nulled and the keys of the record (dotted for nested objects) removed. The same keys go from

- the typed row's ``payload`` (the record as parsed),
- the record in the ``raw.pages`` page it was parsed from (``_load_id``, ``_record_index``: its position in the
  array at the feed's ``records_path``, so no id has to be searched), and every record of an *earlier* batch of
  the same feed and day published before the cut-off day (a re-fetch superseded it: it is never parsed again),
- the record quarantined from such a page (``raw.quarantine.payload``), when its day is before the cut-off,
- ``marts.fct_mentions.mention_text``.

What stays: every other key and column (ids, times, authors' ids, counters, tags), so re-parsing a redacted page
gives the same typed rows without their texts, and int_public_texts_matched / int_public_texts_scored
(incremental, they keep what a removed text named and how it scored) and every aggregate are unchanged by a
rebuild. Set-based SQL, a few statements per table: no per-record Python.

Pages kept as received in another shape than the JSON the table specs read (RSS/Atom and WXR XML, CSV) are not
rewritten (their typed rows and payloads are); a page whose records sit in an object keyed by id (Mattermost's
``posts``) is patched by id (``raw_map_key``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TextTable:
    """A typed table that holds people's messages, and what retention removes from it."""

    table: str                      # '<source>.<table>' of the typed layer
    time_column: str                # when the message was published
    text_columns: tuple[str, ...]   # typed columns nulled
    text_keys: tuple[str, ...]      # keys of the record removed (payload, raw page, quarantine); dotted = nested
    # keys of the record set to a typed column's value, so that a re-parse derives the same id once the keys the
    # id was hashed from are gone (generic imports: mention_id = md5(_id_from) when the file had no id)
    pinned_keys: tuple[tuple[str, str], ...] = ()
    # raw pages whose records are an object keyed by id at this key (Mattermost 'posts'), the id being this column
    raw_map_key: str | None = None
    raw_map_id_column: str | None = None
    # other arrays of the same pages holding texts (X's referenced tweets in includes.tweets): (path, time key);
    # their records published before the cut-off lose the text keys
    raw_side_arrays: tuple[tuple[str, str], ...] = ()
    # raw pages whose records are nested in parent records (Zendesk's comments: events of an audit, gathered at
    # parse time, so no record position points into the page): (parents' records path, parents' time key, key of
    # the child array); the children of parents published before the cut-off lose the text keys
    raw_nested_array: tuple[str, str, str] | None = None


# Imported rows keep the original row in `_raw` and, when the file had no id, the columns the id hashes in
# `_id_from`: both go, and the id is pinned.
def _imported(table: str, time_column: str, text_column: str | None, id_column: str) -> TextTable:
    return TextTable(f"imported.{table}", time_column, (text_column,) if text_column else (),
                     ((text_column,) if text_column else ()) + ("_raw", "_id_from"),
                     pinned_keys=((id_column, id_column),))


SLACK_KEYS = ("text", "blocks", "attachments", "files", "root.text", "root.blocks")
TEXT_TABLES: tuple[TextTable, ...] = (
    TextTable("x.mentions", "created_at", ("text",), ("text", "note_tweet"),
              raw_side_arrays=(("includes.tweets", "created_at"),)),
    TextTable("x.search", "created_at", ("text",), ("text", "note_tweet"),
              raw_side_arrays=(("includes.tweets", "created_at"),)),
    TextTable("facebook.comments", "created_at", ("message",), ("message", "message_tags", "attachment")),
    TextTable("instagram.comments", "created_at", ("text",), ("text",)),
    # a thread's `replies` (its first replies, with their texts) go with it: comments.list gives them again
    TextTable("youtube.comments", "published_at", ("text",),
              ("snippet.topLevelComment.snippet.textOriginal", "snippet.topLevelComment.snippet.textDisplay",
               "replies")),
    TextTable("youtube.comment_replies", "published_at", ("text",), ("snippet.textOriginal", "snippet.textDisplay")),
    TextTable("mastodon.notifications", "created_at", ("status_content",),
              ("status.content", "status.spoiler_text", "status.text", "status.card", "status.poll")),
    TextTable("mastodon.replies", "created_at", ("content", "spoiler_text"),
              ("content", "spoiler_text", "text", "card", "poll")),
    TextTable("discourse.posts", "created_at", ("cooked",), ("cooked", "raw", "excerpt")),
    TextTable("wordpress.comments", "commented_at", ("content",), ("content",)),
    TextTable("blog.wxr_comments", "commented_at", ("content",), ("comment_content",)),
    # helpdesk: the requester's words (subject and first message); status, tags, times and ids stay
    TextTable("zendesk.tickets", "created_at", ("subject",),
              ("subject", "raw_subject", "description", "comment.body", "comment.html_body")),
    # the conversation's comments: Comment events of the audits pages, timed by their audit
    TextTable("zendesk.ticket_comments", "created_at", ("body",), ("body", "html_body", "plain_body"),
              raw_nested_array=("$.audits[*]", "created_at", "events")),
    TextTable("slack.messages", "posted_at", ("text",), SLACK_KEYS),
    TextTable("slack.export_messages", "posted_at", ("text",), SLACK_KEYS),
    TextTable("mattermost.posts", "created_at", ("message",), ("message", "props.attachments"),
              raw_map_key="posts", raw_map_id_column="post_id"),
    TextTable("listening.alert_items", "published_at", ("title", "summary"), ("title", "summary")),
    _imported("mentions", "mentioned_at", "text", "mention_id"),
    _imported("interactions", "occurred_at", "interaction_text", "interaction_id"),
    _imported("tickets", "created_at", None, "ticket_id"),
    _imported("internal_messages", "posted_at", "message_text", "message_id"),
)


@dataclass(frozen=True)
class RawLayout:
    """Where a typed table's records sit in its raw pages (from its FeedSpec / TableSpec)."""

    source: str
    feed: str
    records_path: str     # '$[*]' or '$.a.b[*]'
    json_pages: bool      # pages are kept as the JSON the specs read (no converter, no wrapper)
    latest_batch_only: bool


def raw_layouts(feeds: Iterable) -> dict[str, RawLayout]:
    """'<source>.<table>' -> RawLayout, from the ingestion FeedSpecs (pipelines.lib.ingest.FeedSpec)."""
    layouts = {}
    for feed in feeds:
        json_pages = feed.content_format == "json" and feed.page_converter is None and feed.json_sql is None
        for table in feed.tables:
            layouts.setdefault(f"{feed.source}.{table.name}", RawLayout(
                feed.source, feed.feed, table.records_path, json_pages, feed.batches == "latest"))
    return layouts


def _patch(keys: Iterable[str]) -> str:
    """A JSON merge patch (RFC 7396) that removes the (dotted) keys."""
    patch: dict = {}
    for key in keys:
        node = patch
        *parents, leaf = key.split(".")
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = None
    return json.dumps(patch)


def _json_path(key: str) -> str:
    return "$." + ".".join(f'"{part}"' for part in key.split("."))


def _has_text(record_sql: str, keys: Iterable[str]) -> str:
    """SQL: the record still holds one of the keys (with a value)."""
    return "(" + " or ".join(
        f"coalesce(json_type({record_sql}, '{_json_path(k)}') <> 'NULL', false)" for k in keys) + ")"


def _container_path(records_path: str) -> list[str]:
    """'$.a.b[*]' -> ['a', 'b']; '$[*]' -> []."""
    if not records_path.startswith("$") or not records_path.endswith("[*]"):
        raise ValueError(f"unsupported records path {records_path!r}")
    inner = records_path[1:-3].strip(".")
    return inner.split(".") if inner else []


def _rewrite_records(content_sql: str, path: list[str], record_patch_sql: str) -> str:
    """SQL: the page ``content_sql`` (JSON) with each record ``r`` (index ``i``) of the array at ``path`` replaced
    by ``record_patch_sql`` (an expression of r and i); the rest of the page as it was."""
    json_path = "$" + "".join(f'."{p}"' for p in path) + "[*]"
    records = f"list_transform(json_extract({content_sql}, '{json_path}'), lambda r, i: {record_patch_sql})::json"
    if not path:
        return records
    for key in reversed(path):
        records = f"json_object('{key}', {records})"
    return f"json_merge_patch({content_sql}, {records})"


def _table_exists(con, qualified: str) -> bool:
    schema, table = qualified.split(".")
    return bool(con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?", [schema, table]
    ).fetchall()[0][0])


def _count(con, sql: str, params: list) -> int:
    row = con.execute(sql, params).fetchall()
    return int(row[0][0] or 0) if row else 0


def remove_old_texts(con, cutoff: datetime, layouts: dict[str, RawLayout] | None = None,
                     tables: tuple[TextTable, ...] = TEXT_TABLES) -> dict[str, int]:
    """Removes the texts published before ``cutoff`` (an aware datetime). ``layouts`` (see ``raw_layouts``) says
    where each table's raw records are; without it raw pages are left alone. Returns what was removed, per
    table: '<table>' typed rows, 'raw:<table>' records of raw pages, 'quarantine:<table>' quarantined records,
    'marts.fct_mentions'. Idempotent: a second run with the same cut-off removes nothing."""
    layouts = layouts or {}
    counts: dict[str, int] = {}
    cut = cutoff.isoformat()
    has_raw = _table_exists(con, "raw.pages")
    con.execute("begin transaction")
    try:
        for spec in tables:
            if not _table_exists(con, spec.table):
                continue
            layout = layouts.get(spec.table)
            if has_raw and layout is not None:
                counts.update(_redact_raw(con, spec, layout, cut))
            still_there = [f"{c} is not null" for c in spec.text_columns] + [_has_text("payload", spec.text_keys)]
            assignments = [f"{c} = null" for c in spec.text_columns]
            assignments.append(f"payload = {_record_patch(spec)}")
            counts[spec.table] = _count(
                con,
                f"update {spec.table} set {', '.join(assignments)} "
                f"where {spec.time_column} < ?::timestamptz and ({' or '.join(still_there)})",
                [cut],
            )
        if _table_exists(con, "marts.fct_mentions"):
            counts["marts.fct_mentions"] = _count(
                con,
                "update marts.fct_mentions set mention_text = null "
                "where mentioned_at < ?::timestamptz and mention_text is not null",
                [cut],
            )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    # the freed blocks are reused by later writes; a checkpoint writes the new pages out now
    con.execute("checkpoint")
    return counts


def _record_patch(spec: TextTable) -> str:
    """SQL: the typed row's payload without the text keys, its pinned keys set from the row's columns."""
    patched = f"json_merge_patch(payload, '{_patch(spec.text_keys)}')"
    if spec.pinned_keys:
        pins = ", ".join(f"'{key}', {column}::varchar" for key, column in spec.pinned_keys)
        patched = f"json_merge_patch({patched}, json_object({pins}))"
    return patched


def _redact_raw(con, spec: TextTable, layout: RawLayout, cut: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    entity = spec.table.split(".", 1)[1]
    if spec.raw_map_key:
        counts[f"raw:{spec.table}"] = _redact_raw_map(con, spec, layout, cut)
    elif spec.raw_nested_array:
        counts[f"raw:{spec.table}"] = _redact_raw_nested(con, spec, layout, cut)
    elif layout.json_pages:
        counts[f"raw:{spec.table}"] = _redact_raw_json(con, spec, layout, cut)
    if _table_exists(con, "raw.quarantine"):
        counts[f"quarantine:{spec.table}"] = _count(
            con,
            f"""
            update raw.quarantine set payload = case
                when record_index is null then null  -- a whole page that could not be read
                else json_merge_patch(payload, '{_patch(spec.text_keys)}')::varchar end
            where source = ? and entity = ? and partition_date < ?::timestamptz::date and payload is not null
                and (record_index is null or not json_valid(payload) or {_has_text('payload', spec.text_keys)})
            """,
            [layout.source, entity, cut],
        )
    return counts


def _redact_raw_json(con, spec: TextTable, layout: RawLayout, cut: str) -> int:
    """Pages kept as the JSON the table specs read: the records at ``records_path``, by position."""
    entity = spec.table.split(".", 1)[1]
    path = _container_path(layout.records_path)
    container = "$" + "".join(f'."{p}"' for p in path)
    pages = (f"p.source = '{layout.source}' and p.feed = '{layout.feed}' and json_valid(p.content) "
             f"and json_type(p.content, '{container}') = 'ARRAY'")
    strip = f"json_merge_patch(r, '{_patch(spec.text_keys)}')"
    has_text = _has_text("r", spec.text_keys)
    # the records to redact, by page: old typed rows, and quarantined records of days before the cut-off; with
    # the values of their pinned keys (none for a quarantined record)
    pins = ", ".join(f"'{key}', {column}::varchar" for key, column in spec.pinned_keys)
    with_quarantine = _table_exists(con, "raw.quarantine")
    quarantined = """union all
            select load_id, record_index, '{}'::json
            from raw.quarantine
            where source = ? and entity = ? and record_index is not null and partition_date < ?::timestamptz::date
    """ if with_quarantine else ""
    con.execute(
        f"""
        create or replace temp table _retention_old as
        with old as (
            select _load_id as load_id, _record_index as i, {f'json_object({pins})' if pins else "'{}'::json"} as pin
            from {spec.table} where {spec.time_column} < ?::timestamptz
            {quarantined}
        )
        select load_id, list(i order by i) as idx, list(pin order by i) as pins from old group by load_id
        """,
        [cut, layout.source, entity, cut] if with_quarantine else [cut],
    )
    old_record = f"list_contains(old.idx, i) and {has_text}"
    patched = f"json_merge_patch({strip}, old.pins[list_position(old.idx, i)])" if pins else strip
    removed = _count(
        con,
        f"""
        select sum(len(list_filter(json_extract(p.content, '{container}[*]'), lambda r, i: {old_record})))
        from raw.pages as p inner join _retention_old as old on old.load_id = p.load_id where {pages}
        """,
        [],
    )
    con.execute(
        f"""
        update raw.pages as p
        set content = ({_rewrite_records('p.content', path, f'case when {old_record} then {patched} else r end')})::varchar
        from _retention_old as old
        where old.load_id = p.load_id and {pages}
        """
    )
    if layout.latest_batch_only and _table_exists(con, "raw.loads"):
        # earlier batches of a day, superseded by a re-fetch and never parsed again: every record of a day
        # before the cut-off (a record fetched that day was published before it)
        superseded = (f"{pages} and p.partition_date < ?::timestamptz::date "
                      "and not exists (select 1 from raw.loads as l where l.load_id = p.load_id)")
        removed += _count(
            con,
            f"select sum(len(list_filter(json_extract(p.content, '{container}[*]'), lambda r, i: {has_text}))) "
            f"from raw.pages as p where {superseded}",
            [cut],
        )
        con.execute(
            f"update raw.pages as p set content = ({_rewrite_records('p.content', path, strip)})::varchar where {superseded}",
            [cut],
        )
    for side_path, time_key in spec.raw_side_arrays:
        side = side_path.split(".")
        side_container = "$" + "".join(f'."{p}"' for p in side)
        old_side = f"try_cast(r->>'{time_key}' as timestamptz) < '{cut}'::timestamptz and {has_text}"
        side_pages = (f"p.source = '{layout.source}' and p.feed = '{layout.feed}' and json_valid(p.content) "
                      f"and json_type(p.content, '{side_container}') = 'ARRAY'")
        removed += _count(
            con,
            f"select sum(len(list_filter(json_extract(p.content, '{side_container}[*]'), lambda r: {old_side}))) "
            f"from raw.pages as p where {side_pages}",
            [],
        )
        rewritten = _rewrite_records("p.content", side, f"case when {old_side} then {strip} else r end")
        con.execute(f"update raw.pages as p set content = ({rewritten})::varchar where {side_pages}")
    return removed


def _redact_raw_nested(con, spec: TextTable, layout: RawLayout, cut: str) -> int:
    """Pages whose records are children of parent records (``{"audits": [{"created_at": ..., "events": [...]}]}``):
    every child of a parent published before the cut-off loses the text keys; the rest of the page stays."""
    parents_path, time_key, child_key = spec.raw_nested_array
    path = _container_path(parents_path)
    container = "$" + "".join(f'."{p}"' for p in path)
    pages = (f"p.source = '{layout.source}' and p.feed = '{layout.feed}' and json_valid(p.content) "
             f"and json_type(p.content, '{container}') = 'ARRAY'")
    children = f"coalesce(json_extract(r, '$.\"{child_key}\"[*]'), [])"
    old_parent = f"try_cast(r->>'{time_key}' as timestamptz) < '{cut}'::timestamptz"
    with_text = f"list_filter({children}, lambda c: {_has_text('c', spec.text_keys)})"
    stripped = (f"json_merge_patch(r, json_object('{child_key}', list_transform({children}, "
                f"lambda c: json_merge_patch(c, '{_patch(spec.text_keys)}'))::json))")
    removed = _count(
        con,
        f"select sum(list_sum(list_transform(json_extract(p.content, '{container}[*]'), "
        f"lambda r: case when {old_parent} then len({with_text}) else 0 end))) from raw.pages as p where {pages}",
        [],
    )
    rewritten = _rewrite_records(
        "p.content", path, f"case when {old_parent} and len({with_text}) > 0 then {stripped} else r end")
    con.execute(f"update raw.pages as p set content = ({rewritten})::varchar where {pages}")
    return removed


def _redact_raw_map(con, spec: TextTable, layout: RawLayout, cut: str) -> int:
    """Pages whose records are an object keyed by id (``{"posts": {"<id>": {...}}}``): one merge patch per page
    removing the keys of its old records."""
    key, id_column = spec.raw_map_key, spec.raw_map_id_column
    record_patch = _patch(spec.text_keys)
    con.execute(
        f"""
        create or replace temp table _retention_old as
        select _load_id as load_id, list({id_column}::varchar) as ids
        from {spec.table}
        where {spec.time_column} < ?::timestamptz and _load_id in (
            select load_id from raw.pages where source = ? and feed = ? and json_valid(content))
        group by _load_id
        """,
        [cut, layout.source, layout.feed],
    )
    removed = _count(
        con,
        f"""
        select sum(len(list_filter(old.ids, lambda id: {_has_text(f"json_extract(p.content, '$.{key}.' || to_json(id))",
                                                                      spec.text_keys)})))
        from raw.pages as p inner join _retention_old as old on old.load_id = p.load_id
        """,
        [],
    )
    con.execute(
        f"""
        update raw.pages as p
        set content = json_merge_patch(p.content, ('{{"{key}": {{' || array_to_string(
            list_transform(old.ids, lambda id: to_json(id)::varchar || ': {record_patch}'), ',') || '}}}}')::json
        )::varchar
        from _retention_old as old
        where old.load_id = p.load_id
        """
    )
    return removed
