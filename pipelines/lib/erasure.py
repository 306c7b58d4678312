"""``animateur erase-member <platform> <handle>``: remove a person from the warehouse and the published copy.

Steps (README "Privacy"):

1. resolve the account (by handle, account id or e-mail on that platform), then its member and every account
   linked to it (int_member_identities_resolved);
2. raw: find the pages that hold one of their identifiers (account ids, handles, e-mails), in one SQL scan of
   ``raw.pages``; in those pages, delete the records they wrote or that are addressed to them (a JSON object of
   an array with one of their identifiers as a direct value, or in a direct child object such as ``from``),
   the records that point at a deleted record (a reply, a ticket's metrics: cascade, across pages too), and
   replace every remaining occurrence of an identifier or of their display names by ``[erased]``;
3. re-parse the affected partitions into the typed tables and the quarantine (the ingestion code, from raw);
   derived rows kept by incremental models (text scores) of their texts are deleted;
4. rebuild the dbt models and republish (the caller's ``rebuild``: a Dagster run of every non-ingestion asset);
5. check that no table still holds an identifier (one SQL per table), record the erasure in
   ``restricted.erasures`` (date, keyed hash of the identifier, counts), and rewrite the warehouse file
   (checkpoint, COPY FROM DATABASE into a new file, atomic replace), so the old bytes survive in no free block
   nor WAL;
6. list the inbox files that still contain an identifier: the user must delete or re-export them.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from pipelines.lib.pseudonyms import keyed_hash

ERASED = "[erased]"
# what the rebuild materializes: every model, check and the published copy, not ingestion (which would read the
# inbox again); `build` keeps to the refresh job's assets (the report documents have runs of their own)
REBUILD_SELECTION = "not group:ingestion"
ACCOUNTS = "intermediate.int_member_accounts_unioned"
IDENTITIES = "intermediate.int_member_identities_resolved"
PUBLIC_TEXTS = "intermediate.int_public_texts_unioned"
# keys whose value points at another record (a reply's parent, a metric's ticket): the cascade follows them
_REFERENCE_KEYS = re.compile(r"(_id|^parent|^in_reply_to.*|^replied_to)$")
ERASURES_DDL = """
create schema if not exists restricted;
create table if not exists restricted.erasures (
    erased_on date not null,
    platform varchar not null,
    identifier_hash varchar not null,   -- HMAC-SHA256(ANIMATEUR_PSEUDONYM_KEY, '<platform>:<handle>'), never the identifier
    accounts integer not null,          -- linked accounts erased
    pages_rewritten integer not null,
    records_removed integer not null,   -- JSON records deleted from raw pages
    values_redacted integer not null,   -- string values redacted in raw pages
    typed_rows_removed integer not null,
    derived_rows_removed integer not null,
    inbox_files_left integer not null   -- inbox files still holding an identifier (to delete or re-export)
);
"""


class ErasureError(RuntimeError):
    pass


@dataclass
class Person:
    platform: str
    handle: str
    member_id: str
    accounts: list[dict]

    @property
    def account_keys(self) -> list[str]:
        return [a["account_key"] for a in self.accounts]

    @property
    def identifiers(self) -> list[str]:
        """Account ids, handles (without '@') and e-mails: what identifies them, alone."""
        values = set()
        for a in self.accounts:
            account_id = str(a["account_id"])
            values.add(account_id.removeprefix("handle:"))
            for v in (a["handle"], a["email"]):
                if v:
                    values.add(str(v).strip().lstrip("@"))
        values.add(self.handle.strip().lstrip("@"))
        return sorted(v for v in values if v)

    @property
    def names(self) -> list[str]:
        return sorted({a["display_name"].strip() for a in self.accounts if a["display_name"]})


@dataclass
class ErasureReport:
    person: Person
    pages_rewritten: int = 0
    records_removed: int = 0
    values_redacted: int = 0
    typed_rows_removed: dict[str, int] = field(default_factory=dict)
    derived_rows_removed: dict[str, int] = field(default_factory=dict)
    quarantine_rows_redacted: int = 0
    residuals: dict[str, int] = field(default_factory=dict)
    inbox_files: list[Path] = field(default_factory=list)
    rebuilt: bool = False

    def lines(self) -> list[str]:
        p = self.person
        out = [
            (f"erased member of {p.platform}:{p.handle}: {len(p.accounts)} account(s) "
            f"({', '.join(sorted({a['channel_id'] for a in p.accounts}))})"),
            (f"raw pages rewritten: {self.pages_rewritten} ({self.records_removed} records deleted, "
            f"{self.values_redacted} values redacted); quarantine rows redacted: {self.quarantine_rows_redacted}"),
            "typed rows removed: " + (", ".join(f"{t} {n}" for t, n in self.typed_rows_removed.items() if n)
                                      or "none"),
        ]
        if self.derived_rows_removed:
            out.append("derived rows removed: " + ", ".join(f"{t} {n}" for t, n in self.derived_rows_removed.items()))
        out.append("models rebuilt and published copy replaced" if self.rebuilt else
                   "WARNING: the rebuild failed: run `animateur build` again (the raw data is already erased)")
        if self.residuals:
            out.append(f"WARNING: identifiers still found in: {self.residuals}")
        if self.inbox_files:
            out.append(f"{len(self.inbox_files)} inbox file(s) still hold an identifier: delete them or replace "
                       "them by a new export, else a re-import brings the person back:")
            out += [f"  {f}" for f in self.inbox_files]
        out.append("dashboards: their cache is cleared when the published copy changes (reload the page)")
        return out


def identifiers_pattern(values: list[str]) -> str:
    """One case-insensitive regular expression (RE2 and Python) matching any of ``values`` as whole words."""
    parts = []
    for v in sorted(set(values), key=len, reverse=True):
        left = r"\b" if re.match(r"\w", v[:1], re.ASCII) else ""
        right = r"\b" if re.match(r"\w", v[-1:], re.ASCII) else ""
        parts.append(f"{left}{re.escape(v)}{right}")
    return "(?i)(?:" + "|".join(parts) + ")"


# --- resolving -----------------------------------------------------------------------------------------------

def resolve_person(con: duckdb.DuckDBPyConnection, platform: str, handle: str) -> Person:
    bare = handle.strip().lstrip("@")
    found = con.execute(
        f"""
        select distinct i.member_id
        from {ACCOUNTS} as a
        inner join {IDENTITIES} as i using (account_key)
        where a.channel_id = ?
            and (lower(ltrim(a.handle, '@')) = lower(?) or a.account_id = ? or a.account_id = 'handle:' || ?
                 or a.email = lower(?))
        """,
        [platform, bare, bare, bare, bare],
    ).fetchall()
    if not found:
        channels = [c for (c,) in con.execute(f"select distinct channel_id from {ACCOUNTS} order by 1").fetchall()]
        raise ErasureError(f"no account {handle!r} on {platform!r} (by handle, account id or e-mail); "
                           f"platforms: {', '.join(channels)}")
    if len(found) > 1:
        raise ErasureError(f"{handle!r} on {platform!r} names {len(found)} members: give the account id instead")
    member_id = found[0][0]
    rows = con.execute(
        f"""
        select a.account_key, a.channel_id, a.account_id, a.handle, a.display_name, a.email, a.is_teammate
        from {IDENTITIES} as i
        inner join {ACCOUNTS} as a using (account_key)
        where i.member_id = ?
        order by a.account_key
        """,
        [member_id],
    ).fetchall()
    teammates = [r[0] for r in rows if r[-1]]
    if teammates:
        # a brand or team account is in most records: erasing it would empty the warehouse
        raise ErasureError(f"{handle!r} on {platform!r} is a teammate's or the brand's account "
                           f"({', '.join(teammates)}): not erased")
    keys = ("account_key", "channel_id", "account_id", "handle", "display_name", "email")
    return Person(platform, handle, member_id, [dict(zip(keys, r[:-1], strict=True)) for r in rows])


# --- raw pages: the JSON walk over the (few) affected pages ---------------------------------------------------

def _scalar_in(value, values: set[str]) -> bool:
    if value is None or isinstance(value, bool | dict | list):
        return False
    return str(value).strip().lstrip("@").lower() in values


def _owned(obj: dict, ids: set[str]) -> bool:
    """An object written by or addressed to the person: one of their identifiers as a direct value, or as a
    direct value of a direct child object (``from``, ``author``, ``user``)."""
    return any(_scalar_in(v, ids) or (isinstance(v, dict) and any(_scalar_in(w, ids) for w in v.values()))
               for v in obj.values())


def _points_at(obj: dict, removed: set[str]) -> bool:
    """An object that references a deleted record (``parent: {id}``, ``ticket_id``, ``in_reply_to_id``)."""
    for k, v in obj.items():
        if not _REFERENCE_KEYS.search(k):
            continue
        if _scalar_in(v, removed) or (isinstance(v, dict) and _scalar_in(v.get("id"), removed)):
            return True
    return False


@dataclass
class WalkStats:
    records_removed: int = 0
    values_redacted: int = 0


def erase_from_document(node, ids: set[str], removed: set[str], pattern: re.Pattern, stats: WalkStats):
    """The JSON ``node`` without the person: objects of arrays they own (or that point at a removed record)
    deleted, identifiers elsewhere replaced by ``[erased]``. ``ids`` are lowercased identifiers; ``removed``
    the (lowercased) ids of the records deleted so far, which this walk extends."""
    if isinstance(node, list):
        kept = []
        for item in node:
            if isinstance(item, dict) and (_owned(item, ids) or _points_at(item, removed)):
                stats.records_removed += 1
                if item.get("id") is not None:
                    removed.add(str(item["id"]).lower())
                continue
            if _scalar_in(item, ids):
                stats.values_redacted += 1
                continue
            kept.append(erase_from_document(item, ids, removed, pattern, stats))
        return kept
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if _scalar_in(v, ids):
                stats.values_redacted += 1
                out[k] = None
            else:
                out[k] = erase_from_document(v, ids, removed, pattern, stats)
        return out
    if isinstance(node, str):
        redacted, n = pattern.subn(ERASED, node)
        stats.values_redacted += bool(n)
        return redacted
    return node


def erase_from_page(content: str, ids: set[str], removed: set[str], pattern: re.Pattern,
                    stats: WalkStats) -> str:
    """A raw page without the person: JSON pages through the walk, other pages (RSS, wrapped JSON of an
    archive) by replacing every occurrence of an identifier."""
    try:
        doc = json.loads(content)
    except ValueError:
        redacted, n = pattern.subn(ERASED, content)
        stats.values_redacted += n
        return redacted
    # twice: a record may point at one deleted further down the page
    doc = erase_from_document(doc, ids, removed, pattern, stats)
    return json.dumps(erase_from_document(doc, ids, removed, pattern, stats), ensure_ascii=False)


def erase_raw(con: duckdb.DuckDBPyConnection, person: Person, report: ErasureReport) -> dict[tuple[str, str], list]:
    """Rewrite the affected pages of raw.pages. Returns {(source, feed): [partition dates]} to re-parse."""
    ids = {v.lower() for v in person.identifiers}
    text_pattern = re.compile(identifiers_pattern(person.identifiers + person.names))
    affected: dict[tuple[str, str], set] = {}
    removed: set[str] = set()
    search = person.identifiers
    for _ in range(4):  # the cascade: pages holding a reply to a deleted record, on other days too
        searched = set(removed)
        pages = con.execute("select load_id, source, feed, partition_date, content from raw.pages "
                            "where regexp_matches(content, ?)", [identifiers_pattern(search)]).fetchall()
        stats = WalkStats()
        updates = []
        for load_id, source, feed, day, content in pages:
            new = erase_from_page(content, ids, removed, text_pattern, stats)
            if new != content:
                updates.append((new, load_id))
                affected.setdefault((source, feed), set()).add(day)
        if updates:
            con.executemany("update raw.pages set content = ? where load_id = ?", updates)
        report.pages_rewritten += len(updates)
        report.records_removed += stats.records_removed
        report.values_redacted += stats.values_redacted
        if not removed - searched:
            break
        search = sorted(removed - searched)
    return {key: sorted(days) for key, days in affected.items()}


def reparse(con: duckdb.DuckDBPyConnection, affected: dict[tuple[str, str], list], report: ErasureReport) -> None:
    """Re-parse the affected partitions from raw into the typed tables and the quarantine."""
    from pipelines.defs.ingestion.registry import ALL_FEEDS
    from pipelines.lib.ingest import parse_table, prepare_pages

    feeds = {(f.source, f.feed): f for f in ALL_FEEDS}
    for key, days in affected.items():
        feed = feeds.get(key)
        if feed is None:
            continue
        prepare_pages(con, feed, days)
        for table in feed.tables:
            relation = f"{feed.source}.{table.name}"
            before = con.execute(f"select count(*) from {relation}").fetchone()[0]
            parse_table(con, feed, table, days)
            after = con.execute(f"select count(*) from {relation}").fetchone()[0]
            report.typed_rows_removed[relation] = report.typed_rows_removed.get(relation, 0) + before - after


def redact_quarantine(con: duckdb.DuckDBPyConnection, person: Person, report: ErasureReport) -> None:
    pattern = identifiers_pattern(person.identifiers + person.names)
    report.quarantine_rows_redacted = con.execute(
        """
        update raw.quarantine
        set payload = regexp_replace(payload, $p, $r, 'g'), reason = regexp_replace(reason, $p, $r, 'g')
        where regexp_matches(coalesce(payload, '') || ' ' || reason, $p)
        """,
        {"p": pattern, "r": ERASED},
    ).fetchone()[0]


def _relation_exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    schema, name = relation.split(".")
    return con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() and schema_name = $s "
        "and table_name = $n union all select count(*) from duckdb_views() where database_name = "
        "current_database() and schema_name = $s and view_name = $n", {"s": schema, "n": name}).fetchall() != [(0,), (0,)]


def person_text_ids(con: duckdb.DuckDBPyConnection, person: Person) -> list[str]:
    """Ids of the public texts they wrote (before raw is erased): incremental models key their scores on it."""
    if not _relation_exists(con, PUBLIC_TEXTS):
        return []
    return [t for (t,) in con.execute(
        f"select distinct text_id from {PUBLIC_TEXTS} where channel_id || ':' || author_id in "
        "(select unnest(?::varchar[]))", [person.account_keys]).fetchall()]


def delete_derived_rows(con: duckdb.DuckDBPyConnection, text_ids: list[str], person: Person,
                        report: ErasureReport) -> None:
    """Rows that survive a rebuild (tables of incremental models, the pseudonym mapping) keyed on their texts,
    accounts or member id."""
    keyed = {"text_id": text_ids, "account_key": person.account_keys, "member_id": [person.member_id]}
    tables = con.execute(
        "select schema_name || '.' || table_name, list(column_name) from duckdb_columns() "
        "where database_name = current_database() and schema_name not in ('raw') "
        "and column_name in ('text_id', 'account_key', 'member_id') "
        "and (schema_name, table_name) in (select (schema_name, table_name) from duckdb_tables() "
        "where database_name = current_database()) group by 1"
    ).fetchall()
    for relation, columns in tables:
        where = " or ".join(f"{c} in (select unnest(${c}::varchar[]))" for c in columns)
        n = con.execute(f"delete from {relation} where {where}", {c: keyed[c] for c in columns}).fetchone()[0]
        if n:
            report.derived_rows_removed[relation] = n


# --- checks, record, rewrite ---------------------------------------------------------------------------------

def residual_occurrences(con: duckdb.DuckDBPyConnection, values: list[str]) -> dict[str, int]:
    """Tables (not views) whose rows still hold one of ``values`` in any text, list or JSON column: one SQL per
    table."""
    pattern = identifiers_pattern(values)
    found = {}
    tables = con.execute(
        "select schema_name || '.' || table_name, list(column_name) from duckdb_columns() "
        "where database_name = current_database() and data_type not in ('DATE', 'TIMESTAMP', "
        "'TIMESTAMP WITH TIME ZONE', 'BOOLEAN', 'DOUBLE', 'FLOAT', 'DECIMAL', 'INTERVAL') "
        "and (schema_name, table_name) in (select (schema_name, table_name) from duckdb_tables() "
        "where database_name = current_database()) group by 1 order by 1"
    ).fetchall()
    for relation, columns in tables:
        cells = " or ".join(f'regexp_matches(coalesce("{c}"::varchar, \'\'), $p)' for c in columns)
        n = con.execute(f"select count(*) from {relation} where {cells}", {"p": pattern}).fetchone()[0]
        if n:
            found[relation] = n
    return found


def record_erasure(con: duckdb.DuckDBPyConnection, report: ErasureReport, today: date) -> None:
    con.execute(ERASURES_DDL)
    p = report.person
    con.execute(
        "insert into restricted.erasures values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [today, p.platform, keyed_hash(f"{p.platform}:{p.handle.strip().lstrip('@').lower()}"), len(p.accounts),
         report.pages_rewritten, report.records_removed, report.values_redacted,
         sum(report.typed_rows_removed.values()), sum(report.derived_rows_removed.values()),
         len(report.inbox_files)],
    )


def rewrite_database_file(path: Path) -> None:
    """Copy the live content of ``path`` into a new file and move it over the old one: freed blocks and the
    WAL of the old file, which may still hold erased bytes, are gone."""
    from pipelines.lib.ingest import connect

    fresh = path.with_name(f".{path.name}.{os.getpid()}.rewrite")
    fresh.unlink(missing_ok=True)
    with connect(path) as con:
        con.execute("checkpoint")
        database = con.execute("select current_database()").fetchone()[0]
        con.execute("attach ? as rewritten", [str(fresh)])
        con.execute(f'copy from database "{database}" to rewritten')
        con.execute("detach rewritten")
    os.replace(fresh, path)
    Path(f"{path}.wal").unlink(missing_ok=True)


def files_holding(folder: Path, values: list[str], extra: tuple[Path, ...] = ()) -> list[Path]:
    """Files under ``folder``, and the ``extra`` files, (zip archives: their members too) whose bytes hold one of
    ``values`` (UTF-8, any case). Files, not records: read once each."""
    pattern = re.compile(identifiers_pattern(values).encode("utf-8"))
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    hits = []
    for path in files + [p for p in extra if p.is_file() and p not in files]:
        data = path.read_bytes()
        if pattern.search(data):
            hits.append(path)
        elif zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                if any(pattern.search(archive.read(name)) for name in archive.namelist()):
                    hits.append(path)
    return hits


def erase_member(warehouse: Path, platform: str, handle: str, *, inbox: Path,
                 rebuild: Callable[[date, date], bool], today: date | None = None,
                 dry_run: bool = False, other_files: tuple[Path, ...] = ()) -> ErasureReport:
    """Every step of the module's docstring; ``rebuild(first_day, last_day)`` rebuilds the models and the
    published copy."""
    from pipelines.lib.ingest import connect
    from pipelines.lib.pseudonyms import pseudonym_key

    pseudonym_key()  # the erasure log needs it: fail before changing anything
    with connect(warehouse) as con:
        for relation in (ACCOUNTS, IDENTITIES):
            if not _relation_exists(con, relation):
                raise ErasureError(f"{relation} is missing: build the warehouse first (`animateur build`)")
        person = resolve_person(con, platform, handle)
        report = ErasureReport(person)
        if dry_run:
            return report
        text_ids = person_text_ids(con, person)
        first_day, last_day = con.execute("select min(partition_date), max(partition_date) from raw.pages").fetchone()
        con.execute("begin transaction")
        try:
            affected = erase_raw(con, person, report)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        reparse(con, affected, report)
        redact_quarantine(con, person, report)
        delete_derived_rows(con, text_ids, person, report)
    report.rebuilt = bool(rebuild(first_day, last_day)) if first_day else False
    report.inbox_files = files_holding(inbox, person.identifiers, other_files)
    with connect(warehouse) as con:
        report.residuals = residual_occurrences(con, person.identifiers)
        record_erasure(con, report, today or date.today())
    rewrite_database_file(warehouse)
    return report
