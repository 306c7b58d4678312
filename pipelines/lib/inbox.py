"""The inbox: ``<feeds dir>/<source>/<feed>/<YYYY-MM-DD>.<ext>`` files, one per feed and UTC day."""

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
