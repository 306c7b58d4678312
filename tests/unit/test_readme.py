"""The README is the newcomer's guide: it must name every indicator of the catalog, every export format and every
source that exists (the tables are written by hand; this keeps them true)."""

import csv
import re

from pipelines.defs.ingestion.registry import EXPORT_FORMATS, SOURCES
from pipelines.settings import DBT_PROJECT_DIR, REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def readme_section(title: str) -> str:
    start = README.index(title)
    following = re.search(r"\n## ", README[start + len(title):])
    return README[start: start + len(title) + following.start()] if following else README[start:]


def test_every_catalog_indicator_is_in_the_readme_with_its_formula():
    with (DBT_PROJECT_DIR / "seeds" / "indicator_catalog.csv").open(encoding="utf-8") as fh:
        catalog = list(csv.DictReader(fh))
    indicators = readme_section("### Indicator catalog")
    assert len(catalog) >= 30
    for row in catalog:
        line = next((ln for ln in indicators.splitlines() if ln.startswith(f"| `{row['indicator_id']}` ")), None)
        assert line is not None, f"{row['indicator_id']} is not in the README's catalog table"
        assert row["formula"] in line and row["description"] in line, f"{row['indicator_id']}: README is stale"


def test_every_export_format_is_in_the_readme_table():
    exports = readme_section("### Export files")
    for fmt in EXPORT_FORMATS:
        assert f"| `{fmt.name}` |" in exports, fmt.name
    assert "| `generic` |" in exports


def test_every_typed_table_is_in_the_sources_section():
    sources = readme_section("## Sources")
    missing = [f"{feed.source}.{table.name}" for source in SOURCES for feed in source.FEEDS for table in feed.tables
               if f"`{feed.source}.{table.name}`" not in sources and f"`{feed.source}.<shape>`" not in sources]
    missing += [f"{feed.source}.{table.name}" for fmt in EXPORT_FORMATS for feed in fmt.feeds for table in feed.tables
                if f"`{feed.source}.{table.name}`" not in sources and feed.source != "imported"]
    assert missing == []
