"""The one ingestion contract every source follows.

A *feed* is what one request (or one export file) returns: an API page, a feed snapshot. Each feed file lands
unchanged in ``raw.pages`` (immutable: a file already landed with the same content is never landed twice),
then parses, in set-based DuckDB SQL, into one typed table per record type (``<source>.<table>``). A record
that fails a rule goes to ``raw.quarantine`` with the reason; nothing is dropped silently, so for every page
and table: records in the page = rows loaded + rows quarantined (``raw.loads`` keeps the three counts).

Parsing always starts again from ``raw.pages`` (the latest page of each partition), so changing a parser and
re-running re-parses history, and re-running the same partitions rewrites identical rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

RAW_DDL = """
create schema if not exists raw;
create sequence if not exists raw.landing_seq;
create table if not exists raw.pages (
    load_id varchar primary key,        -- this page: hash of its batch, position and content
    batch_id varchar not null,          -- the pages fetched together for a partition (a file is a batch of one)
    page_number integer not null,       -- position in the batch's pagination, from 1
    source varchar not null,
    feed varchar not null,
    partition_date date not null,
    source_file varchar not null,       -- the file, or the URL the page was fetched from
    file_sha256 varchar not null,
    content_format varchar not null,    -- 'json' or 'rss'
    content varchar not null,           -- the file exactly as received
    loaded_at timestamptz not null,
    landing_seq bigint not null default nextval('raw.landing_seq')  -- landing order, for "latest page"
);
create table if not exists raw.quarantine (
    load_id varchar not null,
    source varchar not null,
    entity varchar not null,
    partition_date date not null,
    source_file varchar not null,
    record_index integer,               -- position in the page's array (1-based); null for a whole page
    payload varchar,
    reason varchar not null,
    quarantined_at timestamptz not null
);
create table if not exists raw.loads (
    load_id varchar not null,
    source varchar not null,
    entity varchar not null,
    partition_date date not null,
    source_file varchar not null,
    records_in bigint not null,
    records_loaded bigint not null,
    records_quarantined bigint not null,
    loaded_at timestamptz not null,
    primary key (load_id, entity)
);
"""

META_COLUMNS = """
    _load_id varchar, _source_file varchar, _record_index integer, _partition_date date, _loaded_at timestamptz
"""


@dataclass(frozen=True)
class Column:
    """A typed column: ``expr`` is SQL over ``r.payload`` (the record, JSON), ``r.source_file`` (the file or
    the URL the page came from: an API answer does not always repeat the id it was asked for) and, when the
    table has a lookup, ``lk.obj`` (the matching object of the page, e.g. the author in X's ``includes.users``).
    ``required`` columns must not be NULL; the reason then names the raw value that failed."""

    name: str
    sql_type: str
    expr: str
    required: bool = False
    raw_field: str | None = None  # JSON path shown in the quarantine reason (defaults to the column name)
    # An optional column whose raw value is given but does not type ('12x' for a number) quarantines its record
    # rather than loading as NULL, which would read as "not reported".
    strict: bool = False


@dataclass(frozen=True)
class Lookup:
    """Objects sideloaded in the same page (X ``includes.users``), joined to each record by key."""

    records_path: str  # e.g. '$.includes.users[*]'
    key_expr: str  # SQL over ``obj``, e.g. "obj->>'id'"
    record_key_expr: str  # SQL over ``r.payload``, e.g. "r.payload->>'author_id'"


@dataclass(frozen=True)
class TableSpec:
    name: str  # typed table ``<source>.<name>`` and dbt source table name
    records_path: str  # JSON path of the array of records in a page, e.g. '$.data[*]'
    natural_key: str
    columns: tuple[Column, ...]
    lookup: Lookup | None = None
    description: str = ""


# How old (in days before today, UTC) a day of lifetime counters may be and still be fetched again: the daily run
# fetches yesterday; older days keep their first fetch (FeedSpec.refetch_max_age_days)
REFETCH_MAX_AGE_DAYS = 2


@dataclass(frozen=True)
class FeedSpec:
    """A folder of daily files ``<inbox>/<source>/<feed>/<YYYY-MM-DD>.<extension>``."""

    source: str
    feed: str
    tables: tuple[TableSpec, ...]
    extension: str = "json"
    content_format: str = "json"
    description: str = ""
    # Platform API, when the source has a connector: the resource key of its ApiSource, and
    # fetch(api, client, day) -> the pages of that day (pipelines/lib/connectors.py).
    api_resource: str | None = None
    fetch: Callable[[Any, Any, date], Iterable[Any]] | None = None
    # Reshapes a page's text into the JSON the table specs read (a feed, a map of records); the page itself
    # still lands unchanged. Default: by content_format (JSON as is, RSS/Atom through feedparser).
    page_converter: Callable[[str], str] | None = None
    # SQL over ``content`` giving the JSON text of a page whose JSON is wrapped (an X archive's
    # ``window.YTD.tweets.part0 = [...]``): set-based, for pages too large to round-trip through Python.
    json_sql: str | None = None
    # "latest": a day's pages are those of its latest batch (a re-fetch replaces the previous one).
    # "all": every batch of the day counts (export files imported the same day are distinct exports).
    batches: str = "latest"
    # Feeds whose records carry lifetime counters as of the fetch (a post's reactions, a media's reach): a day
    # older than this many days that was already fetched is not fetched again (the weekly lookback, a
    # backfill), since the API only tells today's counters and the re-fetch would replace that day's snapshot
    # with them; a day never fetched still is (its first snapshot). None: always re-fetched.
    refetch_max_age_days: int | None = None

    def file_for(self, inbox: Path, day: date) -> Path:
        return inbox / self.source / self.feed / f"{day.isoformat()}.{self.extension}"


@dataclass
class TableLoadStats:
    records_in: int = 0
    loaded: int = 0
    quarantined: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


@dataclass
class FeedLoadResult:
    pages_found: int
    pages_new: int
    missing_days: list[date]
    tables: dict[str, TableLoadStats]


# Page converters turn a page's raw text into JSON that the table specs read. JSON pages pass through; RSS
# and Atom feeds go through feedparser (per page, not per record: a feed page is one small document).
def _rss_to_json(text: str) -> str:
    import calendar
    from datetime import UTC, datetime

    import feedparser

    parsed = feedparser.parse(text)
    if parsed.bozo and not parsed.entries and not parsed.feed.get("title"):
        raise ValueError(f"not a readable RSS/Atom feed: {parsed.get('bozo_exception')}")

    def iso(struct) -> str | None:  # feedparser normalises every date format to a UTC struct_time
        return datetime.fromtimestamp(calendar.timegm(struct), UTC).isoformat() if struct else None

    feed_title = parsed.feed.get("title")
    items = [
        {
            "id": e.get("id"),
            "title": e.get("title"),
            "link": e.get("link"),
            "summary": e.get("summary"),
            "author": e.get("author"),
            "categories": [t.get("term") for t in e.get("tags", [])],
            "published": e.get("published") or e.get("updated"),
            "published_at": iso(e.get("published_parsed") or e.get("updated_parsed")),
            "feed_title": feed_title,
        }
        for e in parsed.entries
    ]
    return json.dumps({"feed": {"title": feed_title, "link": parsed.feed.get("link")}, "items": items})


PAGE_CONVERTERS: dict[str, Callable[[str], str]] = {"rss": _rss_to_json}


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("set TimeZone = 'UTC'")
    # Never let a missing table resolve to a Python variable of the same name (DuckDB replacement scans).
    con.execute("set python_enable_replacements = false")
    return con


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(RAW_DDL)


def ensure_typed_table(con: duckdb.DuckDBPyConnection, source: str, table: TableSpec) -> None:
    cols = ",\n    ".join(f"{c.name} {c.sql_type}" for c in table.columns)
    con.execute(f"create schema if not exists {source}")
    con.execute(f"create table if not exists {source}.{table.name} (\n    {cols},\n    payload json,{META_COLUMNS})")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_id_for(source: str, feed: str, day: date, sha: str) -> str:
    return hashlib.sha256(f"{source}/{feed}/{day.isoformat()}/{sha}".encode()).hexdigest()[:24]


def land_api_pages(con: duckdb.DuckDBPyConnection, feed: FeedSpec, day: date, pages: Iterable) -> int:
    """Land the pages of one fetch (``ApiPage``: url, text, number) as one batch for ``day``. A fetch that
    returned exactly the same pages as one already landed is not landed again. Returns pages landed."""
    pages = list(pages)
    if not pages:
        return 0
    ensure_raw_schema(con)
    shas = [hashlib.sha256(p.text.encode()).hexdigest() for p in pages]
    batch_id = load_id_for(feed.source, feed.feed, day, "+".join(shas))
    if con.execute("select count(*) from raw.pages where batch_id = ?", [batch_id]).fetchone()[0]:
        return 0
    con.executemany(
        """
        insert into raw.pages (load_id, batch_id, page_number, source, feed, partition_date, source_file,
                               file_sha256, content_format, content, loaded_at)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
        """,
        [(f"{batch_id}-{p.number}", batch_id, p.number, feed.source, feed.feed, day, p.url, sha,
          feed.content_format, p.text) for p, sha in zip(pages, shas, strict=True)],
    )
    return len(pages)


def land_pages(con: duckdb.DuckDBPyConnection, feed: FeedSpec, files: Iterable[tuple[date, Path]]) -> int:
    """Insert the files not landed yet into raw.pages, in one statement. Returns how many were new."""
    rows = []
    for day, path in files:
        sha = file_sha256(path)
        rows.append((load_id_for(feed.source, feed.feed, day, sha), day, str(path), sha))
    if not rows:
        return 0
    con.execute("create or replace temp table _candidate_files (load_id varchar, partition_date date, "
                "source_file varchar, file_sha256 varchar)")
    con.executemany("insert into _candidate_files values (?, ?, ?, ?)", rows)
    new_files = [r[0] for r in con.execute(
        "select source_file from _candidate_files c where not exists "
        "(select 1 from raw.pages p where p.load_id = c.load_id) order by source_file").fetchall()]
    if not new_files:
        return 0
    # read_text reads every new file in one scan; landing time is shared by the whole batch.
    con.execute(
        """
        insert into raw.pages (load_id, batch_id, page_number, source, feed, partition_date, source_file,
                               file_sha256, content_format, content, loaded_at)
        select c.load_id, c.load_id, 1, ?, ?, c.partition_date, c.source_file, c.file_sha256, ?, t.content, now()
        from read_text(?) as t
        join _candidate_files as c on c.source_file = t.filename
        """,
        [feed.source, feed.feed, feed.content_format, new_files],
    )
    return len(new_files)


def prepare_pages(con: duckdb.DuckDBPyConnection, feed: FeedSpec, days: list[date]) -> None:
    """Temp table ``_pages``: the pages of the latest landed batch of each partition, as JSON in
    ``json_content``; ``content`` keeps the text as received only where the page is to be quarantined whole."""
    latest_batch_only = """
        qualify max(landing_seq) over (partition by partition_date, batch_id)
              = max(landing_seq) over (partition by partition_date)"""
    latest = f"""
        select load_id, batch_id, page_number, partition_date, source_file, content_format,
               {feed.json_sql or 'content'} as content, loaded_at
        from raw.pages
        where source = ? and feed = ? and partition_date in (select unnest(?::date[]))
        {latest_batch_only if feed.batches == 'latest' else ''}
    """
    params = [feed.source, feed.feed, days]
    if feed.page_converter is None and (feed.content_format == "json" or feed.json_sql):
        # JSON pages: validity checked in SQL for all pages at once, and each text held once, not copied.
        con.execute(
            f"""
            create or replace temp table _pages as
            with latest as ({latest}), checked as (select *, json_valid(content) as is_json from latest)
            select load_id, batch_id, page_number, partition_date, source_file, content_format, loaded_at,
                   case when is_json then content end as json_content,
                   case when is_json then null else content end as content,
                   case when is_json then null
                        else 'page is not valid JSON (truncated or corrupt body)' end as page_error
            from checked
            """,
            params,
        )
    else:
        con.execute(f"create or replace temp table _pages as {latest}", params)
        con.execute("alter table _pages add column json_content varchar")
        con.execute("alter table _pages add column page_error varchar")
        converter = feed.page_converter or PAGE_CONVERTERS[feed.content_format]
        converted = []
        for load_id, content in con.execute("select load_id, content from _pages").fetchall():
            try:
                converted.append((load_id, converter(content), None))
            except (ValueError, TypeError) as exc:  # a page we cannot read is quarantined whole, with the reason
                converted.append((load_id, None, f"page is not a readable {feed.content_format} document: {exc}"))
        if converted:
            con.executemany("update _pages set json_content = ?, page_error = ? where load_id = ?",
                            [(j, e, lid) for lid, j, e in converted])
    # An API error body ({"error": {...}}) is not an empty page: quarantine it with the API's message.
    con.execute(
        """
        update _pages
        set page_error = 'API error response: ' || coalesce(json_content->'error'->>'message', json_content->>'error')
        where json_content is not null and json_type(json_content, '$.error') is not null
        """
    )


def _reason_sql(table: TableSpec) -> str:
    parts = []
    for c in table.columns:
        if c.required or c.strict:
            raw = c.raw_field or c.name
            path = raw if raw.startswith("$") else f"$.{raw}"
            failed = (f"{c.name} is null" if c.required else
                      f"{c.name} is null and coalesce(json_type(payload, '{path}'), 'NULL') <> 'NULL'")
            parts.append(
                f"case when {failed} then 'invalid or missing {raw.lstrip('$.')}: ' || "
                f"coalesce(json_extract(payload, '{path}')::varchar, 'absent') end"
            )
    parts.append(
        f"case when _dup_rank > 1 then 'duplicate {table.natural_key} ' || {table.natural_key}::varchar || "
        "' (already loaded from record ' || _first_index::varchar || ' of page ' || _first_page::varchar || ')' end"
    )
    return "concat_ws('; ', " + ", ".join(parts) + ")"


def parse_table(con: duckdb.DuckDBPyConnection, feed: FeedSpec, table: TableSpec, days: list[date]) -> TableLoadStats:
    """Rewrite ``<source>.<table>`` and its quarantine rows for ``days`` from the latest pages."""
    source = feed.source
    ensure_typed_table(con, source, table)
    col_exprs = ",\n            ".join(f"{c.expr} as {c.name}" for c in table.columns)
    lookup_join = ""
    lookup_cte = ""
    if table.lookup:
        lk = table.lookup
        lookup_cte = f"""
        lookup_objs as (
            select load_id, unnest(json_extract(json_content, '{lk.records_path}')) as obj
            from _pages where page_error is null
        ),
        lookups as (
            select load_id, {lk.key_expr} as lookup_key, obj
            from lookup_objs
            qualify row_number() over (partition by load_id, {lk.key_expr}) = 1
        ),"""
        lookup_join = f"left join lookups as lk on lk.load_id = r.load_id and lk.lookup_key = {lk.record_key_expr}"
    con.execute(
        f"""
        create or replace temp table _parsed as
        with {lookup_cte}
        arrays as (
            select load_id, batch_id, page_number, partition_date, source_file, loaded_at,
                   json_extract(json_content, '{table.records_path}') as records
            from _pages where page_error is null
        ),
        records as (
            select load_id, batch_id, page_number, partition_date, source_file, loaded_at,
                   unnest(records) as payload, generate_subscripts(records, 1) as record_index
            from arrays
        ),
        typed as (
            select
            {col_exprs},
            r.payload, r.load_id, r.batch_id, r.page_number, r.source_file, r.record_index, r.partition_date,
            r.loaded_at
            from records as r
            {lookup_join}
        ),
        ranked as (
            select *,
                   -- the same record twice in one fetch (a page delivered twice, overlapping pages): keep the
                   -- first; a record without its key is already quarantined for that, not as a duplicate
                   case when {table.natural_key} is null then 1 else row_number() over (
                       partition by batch_id, {table.natural_key} order by page_number, record_index) end as _dup_rank,
                   first_value(record_index) over (partition by batch_id, {table.natural_key}
                                                   order by page_number, record_index) as _first_index,
                   first_value(page_number) over (partition by batch_id, {table.natural_key}
                                                  order by page_number, record_index) as _first_page
            from typed
        )
        select *, {_reason_sql(table)} as _reason from ranked
        """
    )
    names = ", ".join(c.name for c in table.columns)
    con.execute("begin transaction")
    try:
        con.execute(f"delete from {source}.{table.name} where _partition_date in (select unnest(?::date[]))", [days])
        con.execute("delete from raw.quarantine where source = ? and entity = ? "
                    "and partition_date in (select unnest(?::date[]))", [source, table.name, days])
        con.execute("delete from raw.loads where source = ? and entity = ? "
                    "and partition_date in (select unnest(?::date[]))", [source, table.name, days])
        con.execute(
            f"""
            insert into {source}.{table.name} ({names}, payload, _load_id, _source_file, _record_index,
                                               _partition_date, _loaded_at)
            select {names}, payload, load_id, source_file, record_index, partition_date, loaded_at
            from _parsed where _reason = ''
            """
        )
        con.execute(
            """
            insert into raw.quarantine
            select load_id, ?, ?, partition_date, source_file, record_index, payload::varchar, _reason, loaded_at
            from _parsed where _reason <> ''
            union all
            select load_id, ?, ?, partition_date, source_file, null, coalesce(content, json_content), page_error,
                   loaded_at
            from _pages where page_error is not null
            """,
            [source, table.name, source, table.name],
        )
        con.execute(
            """
            insert into raw.loads
            select p.load_id, ?, ?, p.partition_date, p.source_file,
                   coalesce(n.records_in, 0) + (p.page_error is not null)::int,
                   coalesce(n.loaded, 0),
                   coalesce(n.quarantined, 0) + (p.page_error is not null)::int,
                   p.loaded_at
            from _pages as p
            left join (
                select load_id, count(*) as records_in, count(*) filter (_reason = '') as loaded,
                       count(*) filter (_reason <> '') as quarantined
                from _parsed group by load_id
            ) as n using (load_id)
            """,
            [source, table.name],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    totals = con.execute(
        "select coalesce(sum(records_in), 0), coalesce(sum(records_loaded), 0), "
        "coalesce(sum(records_quarantined), 0) from raw.loads where source = ? and entity = ? "
        "and partition_date in (select unnest(?::date[]))",
        [source, table.name, days],
    ).fetchone()
    reasons = dict(con.execute(
        "select regexp_replace(reason, ':.*$', ''), count(*) from raw.quarantine where source = ? and entity = ? "
        "and partition_date in (select unnest(?::date[])) group by 1 order by 2 desc",
        [source, table.name, days],
    ).fetchall())
    return TableLoadStats(records_in=totals[0], loaded=totals[1], quarantined=totals[2], reasons=reasons)


def ingest_feed(con: duckdb.DuckDBPyConnection, feed: FeedSpec, inbox: Path, days: list[date]) -> FeedLoadResult:
    """Land the feed's files for ``days`` and (re)parse those partitions into the typed tables."""
    ensure_raw_schema(con)
    found = [(d, feed.file_for(inbox, d)) for d in days]
    present = [(d, p) for d, p in found if p.exists()]
    missing = [d for d, p in found if not p.exists()]
    new_pages = land_pages(con, feed, present)
    prepare_pages(con, feed, days)
    stats = {t.name: parse_table(con, feed, t, days) for t in feed.tables}
    return FeedLoadResult(pages_found=len(present), pages_new=new_pages, missing_days=missing, tables=stats)


def reconcile(con: duckdb.DuckDBPyConnection, feed: FeedSpec, table: TableSpec, days: list[date]) -> dict:
    """Recount, independently of the parse, records in the latest pages against rows loaded + quarantined.

    Uses the ``_pages`` temp table left by :func:`ingest_feed` on this connection."""
    # len() of the wildcard path counts nested paths too ('$.items[*].replies.comments[*]')
    records_in = con.execute(
        f"""
        select coalesce(sum(case when page_error is not null then 1
                                 else coalesce(len(json_extract(json_content, '{table.records_path}')), 0) end), 0)
        from _pages
        """
    ).fetchone()[0]
    loaded = con.execute(
        f"select count(*) from {feed.source}.{table.name} where _partition_date in (select unnest(?::date[]))",
        [days],
    ).fetchone()[0]
    quarantined = con.execute(
        "select count(*) from raw.quarantine where source = ? and entity = ? "
        "and partition_date in (select unnest(?::date[]))",
        [feed.source, table.name, days],
    ).fetchone()[0]
    return {"records_in": records_in, "loaded": loaded, "quarantined": quarantined,
            "balanced": records_in == loaded + quarantined}
