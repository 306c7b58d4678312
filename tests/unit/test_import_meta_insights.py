"""The Facebook post Insights export (format ``meta-insights``), classic and Business Suite layouts, CSV and
XLSX, imported through ``import_export`` into a scratch DuckDB.

No real export file was found in public material: the fixtures (tests/fixtures/handmade/meta_insights_export/)
are written by the documented format (see their PROVENANCE.md). Records in are counted with the csv module."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from pipelines.defs.ingestion.facebook.exports import EXPORT_FORMATS, xlsx_to_csv
from pipelines.defs.ingestion.imported.exports import EXPORT_FORMATS as IMPORTED_FORMATS
from pipelines.lib.imports import ExportError, import_export
from pipelines.lib.ingest import connect

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "handmade" / "meta_insights_export"
CLASSIC = FIXTURES / "page-insights-post-data-classic.csv"
BUSINESS_SUITE = FIXTURES / "meta-business-suite-posts.csv"
HUBSPOT = FIXTURES.parent / "crm_leads_csv" / "hubspot-contacts.csv"
FMT = EXPORT_FORMATS[0]
TABLE = "facebook.post_insights_export"
DAY = date(2024, 6, 1)


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def records_in(path: Path) -> int:
    """Data rows, counted independently: the classic layout's second row (descriptions) is not a record."""
    rows = csv_rows(path)
    if rows and not rows[0]["Post ID"] and any(v.startswith("Lifetime:") for v in rows[0].values() if v):
        rows = rows[1:]
    return len(rows)


@pytest.fixture
def con(tmp_path):
    with connect(tmp_path / "warehouse.duckdb") as con:
        yield con


def imported(con, path: Path):
    result = import_export(con, FMT, path, DAY)
    return result, result.tables[TABLE]


def row(con, post_id: str) -> dict:
    cur = con.execute(f"select * from {TABLE} where post_id = ?", [post_id])
    names = [d[0] for d in cur.description]
    return dict(zip(names, cur.fetchone(), strict=True))


def quarantine(con) -> list[tuple]:
    return con.execute("select record_index, reason from raw.quarantine where entity = 'post_insights_export' "
                       "order by record_index nulls first").fetchall()


@pytest.mark.parametrize("path", [CLASSIC, BUSINESS_SUITE], ids=["classic", "business_suite"])
def test_records_in_equal_loaded_plus_quarantined(con, path):
    result, table = imported(con, path)
    n = records_in(path)
    assert n >= 3
    assert (table.stats.records_in, table.stats.loaded, table.stats.quarantined) == (n, n, 0)
    assert result.pages_landed == 1
    # the CSV lands as received
    assert con.execute("select content from raw.pages").fetchone()[0] == path.read_bytes().decode("utf-8-sig")


def test_classic_layout_values_by_hand(con):
    imported(con, CLASSIC)
    source = {r["Post ID"]: r for r in csv_rows(CLASSIC) if r["Post ID"]}
    post = "104857600123456_201234567890123"
    got = row(con, post)
    raw = source[post]
    assert got["layout"] == "classic"
    assert got["reach"] == int(raw["Lifetime Post Total Reach"]) == 1840
    assert got["organic_reach"] == 1620 and got["paid_reach"] == 240
    assert got["impressions"] == 2511 and got["engaged_users"] == 212
    assert got["clicks"] == int(raw["Lifetime Post Consumptions"]) == 96
    assert (got["reactions"], got["comments"], got["shares"]) == (18, 4, 152)
    assert got["negative_feedback"] == 131
    # '03/14/2023 06:30:00 PM' in the file's own (unstated) time zone, kept as given
    assert got["published_at"] == datetime(2023, 3, 14, 18, 30)
    assert got["message"] == raw["Post Message"] and "\n" in got["message"]
    assert got["post_type"] == "Photo"
    # nothing of the row is lost: the duplicated column too
    assert con.execute(f"select payload->'_raw'->>'Lifetime Organic views to 95%_duplicated_0' from {TABLE} "
                       "where post_id = '104857600123456_201234567890999'").fetchone()[0] == "640"


def test_business_suite_layout_values_by_hand(con):
    imported(con, BUSINESS_SUITE)
    got = row(con, "1122334455667788_9988776655440001")
    assert got["layout"] == "business_suite"
    assert (got["reach"], got["impressions"], got["clicks"]) == (9870, 12045, 402)
    assert (got["reactions"], got["comments"], got["shares"]) == (511, 88, 43)
    assert got["published_at"] == datetime(2024, 4, 11, 12, 30)
    assert got["message"] == "Un pas-à-pas de 3 minutes, sous-titré."
    assert got["engaged_users"] is None and got["organic_reach"] is None
    # an empty counter is NULL, not 0 and not a quarantine
    assert row(con, "1122334455667788_9988776655440333")["negative_feedback"] is None


def test_corrupted_copies_are_quarantined_with_reason_and_position(con, tmp_path):
    lines = CLASSIC.read_text().splitlines(keepends=True)
    text = "".join(lines)
    bad = (text.replace("03/10/2023 09:05:00 AM", "31/31/2023 99:05")
               .replace(",1840,", ",18x40,")
               .replace("104857600123456_201234567890999", ""))
    corrupted = tmp_path / "corrupted.csv"
    corrupted.write_text(bad)
    _, table = imported(con, corrupted)
    assert (table.stats.records_in, table.stats.loaded, table.stats.quarantined) == (3, 0, 3)
    reasons = dict(quarantine(con))
    assert reasons[1] == 'invalid or missing reach: "18x40"'
    assert reasons[2] == 'invalid or missing published_at: "31/31/2023 99:05"'
    assert reasons[3] == "invalid or missing post_id: null"

    truncated = tmp_path / "truncated.csv"
    truncated.write_text(text[: text.index("Atelier") + 12])  # cut inside a quoted message
    _, table = imported(con, truncated)
    assert (table.stats.records_in, table.stats.loaded, table.stats.quarantined) == (1, 0, 1)
    page_reasons = [r for i, r in quarantine(con) if i is None]
    assert len(page_reasons) == 1 and page_reasons[0].startswith("page is not a readable csv document")


def test_same_export_twice_lands_once(con):
    imported(con, BUSINESS_SUITE)
    again, _ = imported(con, BUSINESS_SUITE)
    assert again.pages_landed == 0 and again.already_imported == ["facebook/post_insights_export"]
    assert con.execute(f"select count(*) from {TABLE}").fetchone()[0] == records_in(BUSINESS_SUITE)
    assert con.execute("select count(*) from raw.pages").fetchone()[0] == 1


def test_zip_and_folder_forms(con, tmp_path):
    folder = tmp_path / "insights"
    folder.mkdir()
    shutil.copy(CLASSIC, folder)
    shutil.copy(BUSINESS_SUITE, folder)
    (folder / "README.txt").write_text("not a data file")
    archive = tmp_path / "insights.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f"insights/{f.name}")
    total = records_in(CLASSIC) + records_in(BUSINESS_SUITE)
    from_folder = imported(con, folder)[1]
    assert (from_folder.stats.records_in, from_folder.stats.loaded) == (total, total)
    again = import_export(con, FMT, archive, DAY)
    assert again.pages_landed == 0  # same content, zipped: not landed twice
    with connect(tmp_path / "other.duckdb") as other:
        from_zip = import_export(other, FMT, archive, DAY).tables[TABLE]
        assert (from_zip.stats.records_in, from_zip.stats.loaded) == (total, total)


def _xlsx(sheets: dict[str, list[list[str]]]) -> bytes:
    """A minimal XLSX workbook (inline strings): no XLSX writer is a dependency of the project."""
    def sheet_xml(rows):
        out = []
        for r, values in enumerate(rows, 1):
            cells = "".join(f'<c r="{chr(65 + c) if c < 26 else "A" + chr(65 + c - 26)}{r}" t="inlineStr">'
                            f"<is><t>{escape(v)}</t></is></c>" for c, v in enumerate(values) if v != "")
            out.append(f'<row r="{r}">{cells}</row>')
        return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                f'spreadsheetml/2006/main"><sheetData>{"".join(out)}</sheetData></worksheet>')

    ns = "http://schemas.openxmlformats.org"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.'
                      'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(sheets) + 1))
            + "</Types>"))
        zf.writestr("_rels/.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'))
        zf.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/2006/main" '
            f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>'
            + "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(sheets, 1))
            + "</sheets></workbook>"))
        zf.writestr("xl/_rels/workbook.xml.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="{ns}/officeDocument/2006/relationships/worksheet" '
                      f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
            + "</Relationships>"))
        for i, rows in enumerate(sheets.values(), 1):
            zf.writestr(f"xl/worksheets/sheet{i}.xml", sheet_xml(rows))
    return buf.getvalue()


def test_xlsx_is_converted_to_csv_text_at_split_time(con, tmp_path):
    with CLASSIC.open(newline="") as fh:
        rows = list(csv.reader(fh))
    workbook = tmp_path / "Facebook Insights Data Export (Post Level).xlsx"
    # classic workbooks: the post sheet "Key Metrics" among one sheet per breakdown
    workbook.write_bytes(_xlsx({"Lifetime Post Stories by act...": [["Post ID", "comment"], ["1", "2"]],
                                "Key Metrics": rows}))
    assert FMT.matches(workbook)
    text = xlsx_to_csv(workbook.read_bytes(), workbook.name)
    assert text.startswith("Post ID,Permalink,Post Message")
    _, table = imported(con, workbook)
    n = records_in(CLASSIC)
    assert (table.stats.records_in, table.stats.loaded, table.stats.quarantined) == (n, n, 0)
    assert row(con, "104857600123456_201234567890999")["impressions"] == 6120
    assert con.execute("select content from raw.pages").fetchone()[0] == text  # landed as CSV text

    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(workbook.read_bytes()[:300])
    with pytest.raises(ExportError):
        import_export(con, FMT, damaged, DAY)


def test_matches_accepts_both_layouts_and_rejects_other_formats(tmp_path):
    assert FMT.matches(CLASSIC) and FMT.matches(BUSINESS_SUITE)
    assert not FMT.matches(HUBSPOT)
    assert not any(f.matches(CLASSIC) or f.matches(BUSINESS_SUITE) for f in IMPORTED_FORMATS)
    other = tmp_path / "posts.csv"
    other.write_text("Post ID,Text\n1,hello\n")  # a Post ID alone is not an Insights export
    assert not FMT.matches(other)
    with pytest.raises(ExportError, match=r"posts.csv: not a Facebook post Insights export"):
        import_export(connect(tmp_path / "w.duckdb"), FMT, other, DAY)


def test_cli_prints_the_summary(tmp_path, monkeypatch, capsys):
    from pipelines import cli

    monkeypatch.setenv("ANIMATEUR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ANIMATEUR_WAREHOUSE", str(tmp_path / "data" / "warehouse.duckdb"))
    assert cli.main(["import", "meta-insights", str(CLASSIC), "--no-build", "--date", "2024-06-01"]) == 0
    n = records_in(CLASSIC)
    assert f"{TABLE}: {n} in = {n} loaded + 0 quarantined" in capsys.readouterr().out
