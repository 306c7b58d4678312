"""Scaffolding shared by the export-import tests (tests/unit/test_import_*.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

HANDMADE_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "handmade"


def counts(result, table: str) -> tuple[int, int, int]:
    """(records in, loaded, quarantined) of ``<source>.<table>`` in an import's result."""
    return result.tables[table].counts


def zipped(folder: Path, target: Path, top: str = "") -> Path:
    """The folder as users download it: a zip, its members inside the ``top`` folder when one is given (archives
    are often zipped with their folder)."""
    prefix = f"{top}/" if top else ""
    with zipfile.ZipFile(target, "w") as zf:
        for path in sorted(folder.rglob("*")):
            zf.write(path, prefix + path.relative_to(folder).as_posix())
    return target
