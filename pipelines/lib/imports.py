"""Export files (an X archive, a Slack export, a WordPress WXR, a Meta Insights CSV...): the same ingestion
contract as the API pages, one import at a time.

An *export format* says which members of the export (a zip, a folder or a single file) are pages of which of
its feeds. Each feed's members land in ``raw.pages`` as one batch (the export's day, by default the day of the
import), then the day is parsed with the ordinary table specs: same typed tables, same quarantine, same
reconciliation. The same export imported twice lands once (the batch is identified by its content, not by
its day), and two different exports imported the same day are both kept (import feeds parse every batch of a
day, not only the latest).

Where an export states its own record count (an archive manifest, a collection's ``totalItems``), the format's
``declared_counts`` gives it, and the import summary sets it beside records in = loaded + quarantined."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Self

import duckdb
import pyarrow as pa

from pipelines.lib.ingest import (
    FeedSpec,
    TableLoadStats,
    ensure_raw_schema,
    parse_table,
    prepare_pages,
    reconcile,
)

OFFICE_DOCUMENTS = {".xlsx", ".xlsm", ".ods", ".docx"}
Progress = Callable[[str, int, int], None]  # (what, done, total): e.g. ("read data/tweets.js", bytes, bytes)


class ExportError(ValueError):
    """An export that cannot be imported at all (wrong format, unreadable archive): the message names it."""


@dataclass(frozen=True)
class ExportMember:
    """One file of an export, as a page: ``name`` is its path inside the export ("data/tweets.js",
    "general/2024-01-02.json"), ``text`` its content as received (or as converted, for a binary format)."""

    name: str
    text: str
    # Facts the export states elsewhere that its records need (the archive owner of an X archive's tweets),
    # appended to the page's source_file as a query string (as an API page's URL carries its parameters).
    context: str = ""


class Export:
    """Read access to an export, whatever its packaging: a zip, a folder or a single file. Member names are
    POSIX paths relative to the export's root; a zip whose members all sit in one top folder is read from
    inside that folder (archives are often zipped with their folder)."""

    def __init__(self, path: Path, progress: Progress | None = None):
        self.path = Path(path)
        self.progress = progress  # told of the bytes read, for a progress bar on large exports
        if not self.path.exists():
            raise ExportError(f"{self.path}: no such file or folder")
        self._zip: zipfile.ZipFile | None = None
        self._prefix = ""
        self._names: list[str] | None = None
        self._name_set: set[str] | None = None
        # texts already read: a format reads its metadata files (a manifest, actor.json) more than once, and
        # the members' texts are held by the import anyway
        self._texts: dict[str, str] = {}
        # an office document (XLSX, ODS) is a zip too, but one file of the export, not an archive of members
        if self.path.is_file() and self.path.suffix.lower() not in OFFICE_DOCUMENTS and zipfile.is_zipfile(self.path):
            self._zip = zipfile.ZipFile(self.path)
            names = [n for n in self._zip.namelist() if not n.endswith("/")]
            tops = {n.split("/", 1)[0] for n in names}
            if len(tops) == 1 and all("/" in n for n in names):
                self._prefix = tops.pop() + "/"

    def names(self) -> list[str]:
        """Every member, sorted (listed once: formats ask often, and a large export has thousands)."""
        if self._names is None:
            self._names = self._list_names()
        return self._names

    def _list_names(self) -> list[str]:
        if self._zip is not None:
            return sorted(n[len(self._prefix):] for n in self._zip.namelist()
                          if n.startswith(self._prefix) and not n.endswith("/") and "__MACOSX" not in n)
        if self.path.is_dir():
            return sorted(p.relative_to(self.path).as_posix() for p in self.path.rglob("*") if p.is_file())
        return [self.path.name]

    def size(self, name: str) -> int:
        if self._zip is not None:
            return self._zip.getinfo(self._prefix + name).file_size
        return self._file(name).stat().st_size

    def read_bytes(self, name: str) -> bytes:
        if self._zip is not None:
            try:
                return self._zip.read(self._prefix + name)
            except KeyError:
                raise ExportError(f"{self.path}: no member {name}") from None
        path = self._file(name)
        if not path.is_file():
            raise ExportError(f"{self.path}: no member {name}")
        return path.read_bytes()

    @property
    def is_archive(self) -> bool:
        """A zip or a folder of members, rather than a single file (an XLSX counts as a single file)."""
        return self._zip is not None or self.path.is_dir()

    def read_text(self, name: str) -> str:
        if name not in self._texts:
            data = self.read_bytes(name)
            try:
                self._texts[name] = data.decode("utf-8-sig")  # spreadsheet tools' exports often start with a BOM
            except UnicodeDecodeError as exc:
                raise ExportError(f"{self.path}: {name} is not UTF-8 text ({exc})") from None
        return self._texts[name]

    def has(self, name: str) -> bool:
        if self._name_set is None:
            self._name_set = set(self.names())
        return name in self._name_set

    def source_file(self, name: str) -> str:
        """How a member is named in raw.pages and quarantine reasons: ``<export>!<member>``."""
        return str(self.path) if self.path.is_file() and self._zip is None else f"{self.path}!{name}"

    def _file(self, name: str) -> Path:
        return self.path if self.path.is_file() else self.path / PurePosixPath(name)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass(frozen=True)
class ExportFormat:
    """An export format. ``members(export)`` maps each of ``feeds`` (by feed name) to the members that are its
    pages, in order; it raises :class:`ExportError` when the export is not of this format.
    ``declared_counts(export)`` maps table names to the record counts the export states about itself."""

    name: str  # the CLI's name: `animateur import <name> <path>`
    source: str
    description: str
    where_to_download: str  # where in the platform a user gets the file (README)
    feeds: tuple[FeedSpec, ...]
    members: Callable[[Export], dict[str, list[ExportMember]]]
    matches: Callable[[Path], bool]  # is a dropped file (or folder) of this format?
    declared_counts: Callable[[Export], dict[str, int]] | None = None


@dataclass
class TableImport:
    stats: TableLoadStats
    declared: int | None = None  # what the export says it holds, when it says

    @property
    def counts(self) -> tuple[int, int, int]:
        """(records in, loaded, quarantined)."""
        return self.stats.records_in, self.stats.loaded, self.stats.quarantined

    @property
    def balanced(self) -> bool:
        return self.stats.records_in == self.stats.loaded + self.stats.quarantined


@dataclass
class ImportResult:
    format: str
    path: Path
    day: date
    pages_landed: int = 0
    already_imported: list[str] = field(default_factory=list)  # feeds whose exact content was imported before
    tables: dict[str, TableImport] = field(default_factory=dict)  # "<source>.<table>"
    batch_ids: dict[str, str] = field(default_factory=dict)  # "<source>/<feed>" -> its batch in raw.pages

    def summary_lines(self) -> list[str]:
        lines = [f"{self.format} {self.path} -> partition {self.day}: {self.pages_landed} page(s) landed"]
        for feed in self.already_imported:
            lines.append(f"  {feed}: this exact content was imported before, nothing new landed")
        for name, t in self.tables.items():
            declared = "" if t.declared is None else f", the export declares {t.declared}"
            lines.append(f"  {name}: {t.stats.records_in} in = {t.stats.loaded} loaded + "
                         f"{t.stats.quarantined} quarantined{declared}")
            for reason, count in t.stats.reasons.items():
                lines.append(f"      quarantined {count}: {reason}")
        return lines


def batch_id_for(source: str, feed: str, member_shas: list[str]) -> str:
    """An import's batch is identified by its content only, so the same export never lands twice."""
    return hashlib.sha256(f"{source}/{feed}/import/{'+'.join(member_shas)}".encode()).hexdigest()[:24]


def land_export_pages(con: duckdb.DuckDBPyConnection, feed: FeedSpec, export: Export, day: date,
                      members: list[ExportMember]) -> tuple[str, int]:
    """Land one feed's members as one batch of ``day``, in one insert. Returns the batch id and the pages landed
    (0 when this content was imported before, on any day)."""
    ensure_raw_schema(con)
    shas = [hashlib.sha256(m.text.encode()).hexdigest() for m in members]
    batch_id = batch_id_for(feed.source, feed.feed, shas)
    if not members or con.execute("select count(*) from raw.pages where batch_id = ?", [batch_id]).fetchall()[0][0]:
        return batch_id, 0
    pages = pa.table({
        "load_id": [f"{batch_id}-{i}" for i in range(1, len(members) + 1)],
        "page_number": list(range(1, len(members) + 1)),
        "source_file": [export.source_file(m.name) + (f"?{m.context}" if m.context else "") for m in members],
        "file_sha256": shas,
        "content": [m.text for m in members],
    })
    con.register("_export_pages", pages)
    try:
        con.execute(
            """
            insert into raw.pages (load_id, batch_id, page_number, source, feed, partition_date, source_file,
                                   file_sha256, content_format, content, loaded_at)
            select load_id, ?, page_number, ?, ?, ?, source_file, file_sha256, ?, content, now()
            from _export_pages order by page_number
            """,
            [batch_id, feed.source, feed.feed, day, feed.content_format],
        )
    finally:
        con.unregister("_export_pages")
    return batch_id, len(members)


def batch_stats(con: duckdb.DuckDBPyConnection, source: str, entity: str, batch_id: str) -> TableLoadStats:
    """What one import's batch gave a table (a day may hold other imports too)."""
    n_in, loaded, quarantined = con.execute(
        "select coalesce(sum(records_in), 0), coalesce(sum(records_loaded), 0), coalesce(sum(records_quarantined), 0) "
        "from raw.loads where source = ? and entity = ? and starts_with(load_id, ? || '-')",
        [source, entity, batch_id]).fetchone()
    reasons = dict(con.execute(
        "select regexp_replace(reason, ':.*$', ''), count(*) from raw.quarantine "
        "where source = ? and entity = ? and starts_with(load_id, ? || '-') group by 1 order by 2 desc",
        [source, entity, batch_id]).fetchall())
    return TableLoadStats(records_in=n_in, loaded=loaded, quarantined=quarantined, reasons=reasons)


def import_export(con: duckdb.DuckDBPyConnection, fmt: ExportFormat, path: Path, day: date, *,
                  feeds: tuple[FeedSpec, ...] | None = None, progress: Progress | None = None) -> ImportResult:
    """Land an export's pages and parse ``day`` for each of its feeds (or only ``feeds``)."""
    progress = progress or (lambda what, done, total: None)
    result = ImportResult(format=fmt.name, path=Path(path), day=day)
    with Export(path, progress) as export:
        by_feed = fmt.members(export)
        declared = fmt.declared_counts(export) if fmt.declared_counts else {}
        selected = feeds or fmt.feeds
        steps = len(selected) * 2
        for i, feed in enumerate(selected):
            members = by_feed.get(feed.feed, [])
            progress(f"land {feed.source}/{feed.feed} ({len(members)} file(s))", 2 * i, steps)
            batch_id, landed = land_export_pages(con, feed, export, day, members)
            result.batch_ids[f"{feed.source}/{feed.feed}"] = batch_id
            if members and not landed:
                result.already_imported.append(f"{feed.source}/{feed.feed}")
            result.pages_landed += landed
            progress(f"parse {feed.source}/{feed.feed}", 2 * i + 1, steps)
            prepare_pages(con, feed, [day])
            for table in feed.tables:
                parse_table(con, feed, table, [day])
                balance = reconcile(con, feed, table, [day])
                if not balance["balanced"]:  # the engine's own invariant: never report a silent loss
                    raise AssertionError(f"{feed.source}.{table.name}: {balance}")
                stats = batch_stats(con, feed.source, table.name, batch_id)
                result.tables[f"{feed.source}.{table.name}"] = TableImport(stats, declared.get(table.name))
        progress("done", steps, steps)
    return result


def read_members(export: Export, names: list[str]) -> list[ExportMember]:
    """Read members as text, telling the export's progress callback the bytes read (large exports: the progress
    bar follows the reading)."""
    total = sum(export.size(n) for n in names) or 1
    done = 0
    members = []
    for name in names:
        members.append(ExportMember(name, export.read_text(name)))
        done += export.size(name)
        if export.progress:
            export.progress(f"read {name}", done, total)
    return members


IMPORTS_DDL = """
create table if not exists raw.imports (
    path varchar not null,          -- the export as dropped (file or folder)
    size_bytes bigint not null,
    mtime_ns bigint not null,
    format varchar not null,
    source varchar not null,
    feed varchar not null,
    batch_id varchar not null,
    partition_date date not null,
    imported_at timestamptz not null
);
"""


def fingerprint(path: Path) -> tuple[int, int]:
    """(size, newest modification) of a file or of a folder's files: a changed drop is imported again."""
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    stats = [f.stat() for f in files]
    return sum(s.st_size for s in stats), max((s.st_mtime_ns for s in stats), default=0)


def import_drops(con: duckdb.DuckDBPyConnection, formats: tuple[ExportFormat, ...], feed: FeedSpec,
                 drops: list[Path], day: date) -> list[ImportResult]:
    """Import into ``feed`` every dropped export of one of ``formats`` not imported into it yet (as dropped:
    same path, size and modification time). Used by the ingestion assets, so that an export put in the inbox
    is picked up by the inbox sensor's run."""
    ensure_raw_schema(con)
    con.execute(IMPORTS_DDL)
    results = []
    for path in drops:
        size, mtime = fingerprint(path)
        for fmt in formats:
            seen = con.execute("select count(*) from raw.imports where path = ? and size_bytes = ? and mtime_ns = ? "
                               "and format = ? and source = ? and feed = ?",
                               [str(path), size, mtime, fmt.name, feed.source, feed.feed]).fetchone()[0]
            if seen or not fmt.matches(path):
                continue
            result = import_export(con, fmt, path, day, feeds=(feed,))
            con.execute("insert into raw.imports values (?, ?, ?, ?, ?, ?, ?, ?, now())",
                        [str(path), size, mtime, fmt.name, feed.source, feed.feed,
                         result.batch_ids[f"{feed.source}/{feed.feed}"], day])
            results.append(result)
    return results
