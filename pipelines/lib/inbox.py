"""The inbox: ``<feeds dir>/<source>/<feed>/<YYYY-MM-DD>.<ext>`` files, one per feed and UTC day, and export
files (an X archive zip, a Slack export folder, a CSV) dropped directly in ``<feeds dir>/<source>/``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

DAY_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.[a-z]+$")


@dataclass(frozen=True)
class InboxFile:
    path: Path
    day: date
    mtime_ns: int


def inbox_files(feeds_dir: Path, *, newer_than_ns: int = 0) -> list[InboxFile]:
    """Daily files of the inbox modified after ``newer_than_ns`` (nanoseconds since the epoch)."""
    found = []
    for path in feeds_dir.glob("*/*/*"):
        match = DAY_FILE.match(path.name)
        if not match:
            continue
        mtime = path.stat().st_mtime_ns
        if mtime > newer_than_ns:
            found.append(InboxFile(path=path, day=date.fromisoformat(match.group(1)), mtime_ns=mtime))
    return sorted(found, key=lambda f: (f.day, str(f.path)))


def is_feed_folder(path: Path) -> bool:
    return path.is_dir() and any(DAY_FILE.match(p.name) for p in path.iterdir())


def export_drops(source_dir: Path) -> list[Path]:
    """Exports dropped in a source's inbox folder: its files, and its folders that are not daily feed folders
    (an unzipped export)."""
    if not source_dir.is_dir():
        return []
    return sorted(p for p in source_dir.iterdir()
                  if not p.name.startswith(".") and (p.is_file() or (p.is_dir() and not is_feed_folder(p))))


def newest_drop_mtime(feeds_dir: Path) -> int:
    """Newest modification time (ns) of anything dropped as an export, in any source folder."""
    newest = 0
    for source_dir in (p for p in feeds_dir.glob("*") if p.is_dir()):
        for drop in export_drops(source_dir):
            files = [drop] if drop.is_file() else [f for f in drop.rglob("*") if f.is_file()]
            newest = max([newest, *(f.stat().st_mtime_ns for f in files)])
    return newest
