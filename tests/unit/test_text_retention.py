"""Text retention (pipelines/lib/text_retention.py) on real platform payloads (../shared/samples): the texts
published before the cut-off leave the typed tables, their payloads, the raw pages and the quarantine; re-parsing
the redacted raw pages gives the same typed rows (ids, times, counters) without those texts; recent texts stay."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime

import duckdb
import pytest

from pipelines.defs.ingestion.registry import ALL_FEEDS
from pipelines.lib.ingest import connect, ingest_feed, reconcile
from pipelines.lib.text_retention import TEXT_TABLES, TextTable, raw_layouts, remove_old_texts

DAY = date(2026, 6, 1)
FEEDS = {(f.source, f.feed): f for f in ALL_FEEDS}
SPECS = {spec.table: spec for spec in TEXT_TABLES}
LAYOUTS = raw_layouts(ALL_FEEDS)

# (source, feed, typed table, sample): samples whose records load with texts at several times (the other
# samples' records lack a required key, so they are quarantined: test_a_superseded_batch... covers those)
CASES = [
    ("x", "search", "x.search", "x_api_v2/searches/search_tweets_query.json"),
    ("youtube", "comment_threads", "youtube.comments",
     "youtube_data_api/comment_threads/comment_threads_by_video_paged_1.json"),
    ("youtube", "comment_replies", "youtube.comment_replies", "youtube_data_api/comments/comments_by_parent_paged_1.json"),
    ("discourse", "forum", "discourse.posts", "discourse_api/discourse_posts.json"),
    ("mattermost", "posts", "mattermost.posts", "mattermost_api/mattermost_posts.json"),
    ("zendesk", "tickets", "zendesk.tickets", "zendesk_api/incremental_tickets_start0.json"),
    # comments are events nested in their audit (TextTable.raw_nested_array)
    ("zendesk", "ticket_audits", "zendesk.ticket_comments", "zendesk_api/ticket_audits_page_size100.json"),
]


def rows(con, table: str, columns: list[str]) -> list[tuple]:
    return con.execute(f"select {', '.join(columns)} from {table} order by all").fetchall()


def everything_stored(con) -> str:
    """Every value of raw.pages, raw.quarantine and every typed table, as text."""
    parts = [r[0] for r in con.execute("select content from raw.pages").fetchall()]
    for schema, table in con.execute("select schema_name, table_name from duckdb_tables() "
                                     "where table_name <> 'pages' and not temporary").fetchall():
        parts += [str(r) for r in con.execute(f"select * from {schema}.{table}").fetchall()]
    return "\n".join(parts)


@pytest.mark.parametrize(("source", "feed_name", "table", "sample"), CASES, ids=[c[2] for c in CASES])
def test_retention_on_real_payloads_and_reparse(tmp_path, samples, source, feed_name, table, sample):
    feed, spec = FEEDS[(source, feed_name)], SPECS[table]
    inbox = tmp_path / "inbox"
    target = feed.file_for(inbox, DAY)
    target.parent.mkdir(parents=True)
    shutil.copy(samples / sample, target)
    con = connect(tmp_path / "warehouse.duckdb")
    ingest_feed(con, feed, inbox, [DAY])
    text = spec.text_columns[0]
    times = [r[0] for r in con.execute(f"select distinct {spec.time_column} from {table} "
                                       f"where {spec.time_column} is not null and {text} is not null "
                                       f"order by 1").fetchall()]
    assert len(times) >= 2, f"{sample}: needs texts at two times at least"
    cutoff = times[len(times) // 2]
    others = [c[0] for c in con.execute(f"describe {table}").fetchall()
              if c[0] not in (*spec.text_columns, "payload", "_loaded_at")]
    before = rows(con, table, others)
    old = {r[0] for r in con.execute(f"select {text} from {table} where {spec.time_column} < ?", [cutoff]).fetchall()
           if r[0]}
    kept = {r[0] for r in con.execute(f"select {text} from {table} where {spec.time_column} >= ?",
                                      [cutoff]).fetchall() if r[0]}
    assert old and kept

    counts = remove_old_texts(con, cutoff, LAYOUTS, (spec,))
    assert counts[table] == len(con.execute(f"select 1 from {table} where {spec.time_column} < ?", [cutoff]).fetchall())
    assert counts[f"raw:{table}"] >= counts[table]
    con.execute(f"select * from {table} where {spec.time_column} < ? and ({text} is not null "
                f"or json_exists(payload, '$.{spec.text_keys[0]}'))", [cutoff])
    assert con.fetchall() == []
    assert remove_old_texts(con, cutoff, LAYOUTS, (spec,))[table] == 0  # idempotent

    # re-parsing the redacted pages: same rows, old texts gone, recent texts kept
    ingest_feed(con, feed, inbox, [DAY])
    for t in feed.tables:
        assert reconcile(con, feed, t, [DAY])["balanced"]
    assert rows(con, table, others) == before
    assert {r[0] for r in con.execute(f"select {text} from {table} where {spec.time_column} < ?",
                                      [cutoff]).fetchall()} <= {None}
    assert {r[0] for r in con.execute(f"select {text} from {table} where {spec.time_column} >= ?",
                                      [cutoff]).fetchall() if r[0]} == kept
    stored = everything_stored(con)
    raw_text = con.execute("select string_agg(content, '\n') from raw.pages").fetchone()[0]
    for value in old:
        if len(value) >= 12 and not any(value in k for k in kept):
            assert value not in stored, value
            assert json.dumps(value)[1:-1] not in raw_text, value
    con.close()


def test_every_text_table_has_a_raw_layout_and_real_columns(tmp_path):
    """The declarative table names typed tables and columns that exist."""
    from pipelines.lib.ingest import ensure_typed_table

    con = duckdb.connect()
    for feed in ALL_FEEDS:
        for t in feed.tables:
            ensure_typed_table(con, feed.source, t)
    for spec in TEXT_TABLES:
        assert spec.table in LAYOUTS, spec.table
        columns = {c[0] for c in con.execute(f"describe {spec.table}").fetchall()}
        assert {spec.time_column, *spec.text_columns, *(c for _, c in spec.pinned_keys)} <= columns, spec.table


def test_imported_rows_keep_their_hashed_id_and_lose_the_original_row():
    """A generic import without an id hashes the row (`_id_from`): the id is pinned, `_raw` and `_id_from` go."""
    con = duckdb.connect()
    con.execute("create schema raw; create schema imported")
    records = [
        {"mentioned_at": "2020-01-01T00:00:00Z", "text": "ancien avis de Zoé sur la bougie",
         "_id_from": "2020-01-01\x1fancien avis de Zoé sur la bougie",
         "_raw": {"Date": "2020-01-01", "Texte": "ancien avis de Zoé sur la bougie"}},
        {"mentioned_at": "2026-06-01T00:00:00Z", "text": "nouvel avis de Léa",
         "_id_from": "2026-06-01\x1fnouvel avis de Léa", "_raw": {"Date": "2026-06-01", "Texte": "nouvel avis de Léa"}},
    ]
    con.execute("create table raw.pages (load_id varchar, source varchar, feed varchar, partition_date date, "
                "content varchar)")
    con.execute("insert into raw.pages values ('L1', 'imported', 'mentions', date '2026-06-02', ?)",
                [json.dumps(records)])
    con.execute("""
        create table imported.mentions as
        select coalesce(r->>'mention_id', md5(r->>'_id_from')) as mention_id, (r->>'mentioned_at')::timestamptz
               as mentioned_at, r->>'text' as text, r as payload, 'L1' as _load_id, i as _record_index
        from (select unnest(json_extract(content, '$[*]')) as r, generate_subscripts(json_extract(content, '$[*]'), 1)
              as i from raw.pages)
    """)
    spec = SPECS["imported.mentions"]
    counts = remove_old_texts(con, datetime(2025, 1, 1, tzinfo=UTC), LAYOUTS, (spec,))
    assert counts["imported.mentions"] == 1 and counts["raw:imported.mentions"] == 1
    page = json.loads(con.execute("select content from raw.pages").fetchone()[0])
    assert set(page[0]) == {"mentioned_at", "mention_id"}
    assert "text" not in page[0] and "_raw" not in page[0] and "_id_from" not in page[0]
    assert page[1] == records[1]
    # the id a re-parse would compute is the one the row had
    recomputed = con.execute("select coalesce(?::json->>'mention_id', md5(?::json->>'_id_from'))",
                             [json.dumps(page[0]), json.dumps(page[0])]).fetchone()[0]
    old_id = con.execute("select mention_id from imported.mentions where mentioned_at < '2025-01-01'").fetchone()[0]
    assert recomputed == old_id
    assert "Zoé" not in everything_stored(con)


def test_a_superseded_batch_and_a_quarantined_record_of_an_old_day_lose_their_texts(tmp_path):
    feed = FEEDS[("x", "mentions")]
    inbox = tmp_path / "inbox"
    con = connect(tmp_path / "warehouse.duckdb")
    day = date(2020, 1, 1)
    target = feed.file_for(inbox, day)
    target.parent.mkdir(parents=True)
    tweet = {"id": "1", "text": "premier jet de Zoé", "author_id": "9", "created_at": "2020-01-01T10:00:00Z"}
    target.write_text(json.dumps({"data": [tweet]}))
    ingest_feed(con, feed, inbox, [day])
    # a re-fetch of the day supersedes the first page; one of its records has no id (quarantined)
    target.write_text(json.dumps({"data": [{**tweet, "text": "version finale de Zoé"},
                                           {"text": "sans identifiant de Zoé", "created_at": "2020-01-01T11:00:00Z"}]}))
    ingest_feed(con, feed, inbox, [day])
    assert con.execute("select count(*) from raw.pages").fetchone()[0] == 2
    assert con.execute("select count(*) from raw.quarantine").fetchone()[0] == 1
    remove_old_texts(con, datetime(2021, 1, 1, tzinfo=UTC), LAYOUTS, (SPECS["x.mentions"],))
    assert "Zoé" not in everything_stored(con)
    ingest_feed(con, feed, inbox, [day])
    assert con.execute("select tweet_id, text from x.mentions").fetchall() == [("1", None)]


def test_a_table_without_layout_is_redacted_in_the_typed_layer_only():
    con = duckdb.connect()
    con.execute("create schema t")
    con.execute("create table t.notes as select timestamptz '2020-01-01 00:00+00' as noted_at, 'vieux' as body, "
                "json_object('body', 'vieux', 'id', 1) as payload")
    spec = TextTable("t.notes", "noted_at", ("body",), ("body",))
    assert remove_old_texts(con, datetime(2025, 1, 1, tzinfo=UTC), {}, (spec,)) == {"t.notes": 1}
    assert con.execute("select body, payload::varchar from t.notes").fetchall() == [(None, '{"id":1}')]
