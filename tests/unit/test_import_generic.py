"""Generic import of a CSV/JSON file through a YAML mapping (pipelines/defs/ingestion/imported/), and its presets
``crm-leads`` and ``listening-csv``.

No real HubSpot contacts export nor listening-tool export was found in public material: the preset fixtures
(tests/fixtures/handmade/{crm_leads_csv,listening_csv}/) are written by the documented column names (see their
PROVENANCE.md). Records in are counted with the csv / json modules."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import textwrap
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pipelines.defs.ingestion.facebook.exports import EXPORT_FORMATS as META_FORMATS
from pipelines.defs.ingestion.imported.exports import EXPORT_FORMATS, MAPPINGS
from pipelines.defs.ingestion.imported.mapping import (
    TARGETS,
    ExportError,
    MappingError,
    generic_format,
    load_mapping,
)
from pipelines.lib.imports import import_export
from pipelines.lib.ingest import connect
from tests.unit.import_support import HANDMADE_FIXTURES, counts

HANDMADE = HANDMADE_FIXTURES
HUBSPOT = HANDMADE / "crm_leads_csv" / "hubspot-contacts.csv"
BRANDWATCH = HANDMADE / "listening_csv" / "brandwatch-mentions.csv"
META_CLASSIC = HANDMADE / "meta_insights_export" / "page-insights-post-data-classic.csv"
CRM, LISTENING = EXPORT_FORMATS
DAY = date(2024, 6, 1)


def csv_count(path: Path, delimiter: str = ",", skip_rows: int = 0) -> int:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        for _ in range(skip_rows):
            fh.readline()
        return sum(1 for _ in csv.DictReader(fh, delimiter=delimiter))


@pytest.fixture
def con(tmp_path):
    with connect(tmp_path / "warehouse.duckdb") as con:
        yield con


def write(tmp_path: Path, name: str, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + textwrap.dedent(text).lstrip("\n").encode())
    return path




def fetch(con, sql: str, params=()) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


# --- presets ------------------------------------------------------------------------------------------------------

def test_crm_leads_preset(con):
    result = import_export(con, CRM, HUBSPOT, DAY)
    n = csv_count(HUBSPOT)
    assert n == 5 and counts(result, "imported.leads") == (n, n, 0)
    with HUBSPOT.open(newline="", encoding="utf-8-sig") as fh:
        source = {r["Record ID"]: r for r in csv.DictReader(fh)}
    lead = fetch(con, "select created_at, email, full_name, company, lead_source, utm_source, utm_medium, "
                      "utm_campaign, utm_content, landing_page_url, lifecycle_stage, converted_at, deal_amount, "
                      "currency from imported.leads where lead_id = '1501'")[0]
    raw = source["1501"]
    assert lead == (datetime(2024, 3, 4, 9, 15, tzinfo=UTC), raw["Email"], "Amélie Durand", "Atelier Durand",
                    "Paid Social", "facebook", "paid_social", "spring_launch", "carousel_a",
                    raw["First Page Seen"], "Customer", datetime(2024, 3, 20, 16, 40, tzinfo=UTC), 1250.5, None)
    # quoted comma and quoted newline kept; a missing last name does not leave a trailing space
    assert fetch(con, "select company, landing_page_url from imported.leads where lead_id = '1504'")[0] == (
        "Smith, Jones & Co", "https://www.example.org/\nlanding")
    assert fetch(con, "select full_name from imported.leads where lead_id = '1503'")[0][0] == "Sofia"
    # the original row is kept whole
    payload = json.loads(fetch(con, "select payload from imported.leads where lead_id = '1502'")[0][0])
    assert payload["_raw"] == {k: (v or None) for k, v in source["1502"].items()}


def test_listening_preset(con):
    result = import_export(con, LISTENING, BRANDWATCH, DAY)
    n = csv_count(BRANDWATCH)
    assert counts(result, "imported.mentions") == (n, n, 0)
    rows = dict(fetch(con, "select url, sentiment_label from imported.mentions"))
    # the tool's words normalised: 'mixed' is neutral
    assert sorted(rows.values()) == ["negative", "neutral", "neutral", "positive"]
    got = fetch(con, "select mentioned_at, platform, author_handle, reach, engagement, matched_query, country "
                     "from imported.mentions where author_handle = 'growth.hacker'")[0]
    assert got == (datetime(2024, 5, 4, 6, 5, tzinfo=UTC), "instagram", "growth.hacker", 51000, 230,
                   "Competitor - Other", "United States")


def test_presets_match_their_files_only():
    assert CRM.matches(HUBSPOT) and not CRM.matches(BRANDWATCH) and not CRM.matches(META_CLASSIC)
    assert LISTENING.matches(BRANDWATCH) and not LISTENING.matches(HUBSPOT)
    assert not META_FORMATS[0].matches(HUBSPOT)


# --- every target -------------------------------------------------------------------------------------------------

TARGET_CASES = {
    "leads": ("lead_id: {from: id}\n  created_at: {from: created}\n  deal_amount: {from: amount}",
              "id,created,amount\nL1,2024-01-02T03:04:05Z,12.5\n", "deal_amount", 12.5),
    "mentions": (("mention_id: {from: id}\n  mentioned_at: {from: at}\n  sentiment_score: {from: score}\n"
                 "  sentiment_label: {from: tone}"),
                 "id,at,score,tone\nM1,2024-01-02 10:00,-0.4,-3\n", "sentiment_label", "negative"),
    "contents": (("content_id: {from: id}\n  channel_id: {value: blog}\n  published_at: {from: at}\n"
                 "  impressions: {from: views}"),
                 "id,at,views\nC1,2024-02-01 08:00,1234.0\n", "impressions", 1234),
    "interactions": (("interaction_id: {from: id}\n  channel_id: {value: forum}\n  occurred_at: {from: at}\n"
                     "  interaction_type: {value: reply}"),
                     "id,at\nI1,2024-02-01 08:00\n", "interaction_type", "reply"),
    "audience_snapshots": (("channel_id: {from: ch}\n  measured_on: {from: day, format: '%d/%m/%Y'}\n"
                           "  followers: {from: n}"),
                           "ch,day,n\nnewsletter,31/01/2024,5400\n", "measured_on", date(2024, 1, 31)),
    "tickets": (("ticket_id: {from: id}\n  created_at: {from: at}\n  solved_at: {from: solved}\n"
                "  satisfaction_score: {from: csat}"),
                "id,at,solved,csat\nT1,2024-02-01 08:00,2024-02-01 09:30,4\n", "satisfaction_score", 4.0),
    "internal_messages": ("message_id: {from: id}\n  posted_at: {from: at}\n  message_text: {from: text}",
                          "id,at,text\nX1,2024-02-01 08:00,bonjour\n", "message_text", "bonjour"),
}


def test_cases_cover_every_target():
    assert set(TARGET_CASES) == set(TARGETS)


@pytest.mark.parametrize("target", list(TARGET_CASES))
def test_every_target_with_a_small_mapping(con, tmp_path, target):
    columns, data, column, expected = TARGET_CASES[target]
    mapping = write(tmp_path, "m.yml", f"name: t\ntarget: {target}\nformat: csv\ncolumns:\n  {columns}\n")
    path = write(tmp_path, "data.csv", data)
    result = import_export(con, generic_format(mapping), path, DAY)
    assert counts(result, f"imported.{target}") == (1, 1, 0)
    assert fetch(con, f"select {column} from imported.{target}")[0][0] == expected
    if target == "audience_snapshots":
        assert fetch(con, "select snapshot_id from imported.audience_snapshots")[0][0] == "newsletter/2024-01-31"


def test_json_with_records_path_nested_fields_and_id_from(con, tmp_path):
    mapping = write(tmp_path, "m.yml", """
        name: forum-export
        source_tool: Discourse
        target: interactions
        format: json
        records_path: data.items
        id_from: [author.username, created]
        columns:
          channel_id: {value: forum}
          occurred_at: {from: created, format: "%d.%m.%Y %H:%M", timezone: Europe/Paris}
          author_handle: {from: author.username}
          interaction_text: {from: body}
          content_id: {from: topic_id}
        """)
    records = [{"created": "15.01.2024 10:00", "author": {"username": "ana", "trust": 2}, "body": "salut",
                "topic_id": 42, "tags": ["a", "b"]},
               {"created": "16.01.2024 11:30", "author": {"username": "bo"}, "body": None, "topic_id": 43}]
    path = write(tmp_path, "export.json", json.dumps({"data": {"items": records}}))
    result = import_export(con, generic_format(mapping), path, DAY)
    assert counts(result, "imported.interactions") == (len(records), 2, 0)
    expected_id = hashlib.md5(b"ana\x1f15.01.2024 10:00").hexdigest()
    got = fetch(con, "select interaction_id, occurred_at, content_id, payload->'_raw'->'tags' "
                     "from imported.interactions where author_handle = 'ana'")[0]
    # Paris is UTC+1 in January
    assert got == (expected_id, datetime(2024, 1, 15, 9, 0, tzinfo=UTC), "42", '["a","b"]')


# --- CSV dialects -------------------------------------------------------------------------------------------------

def test_csv_with_bom_quoted_newlines_semicolons_and_skipped_lines(con, tmp_path):
    mapping = write(tmp_path, "m.yml", """
        name: tickets-fr
        target: tickets
        delimiter: ";"
        skip_rows: 2
        columns:
          ticket_id: Numéro
          created_at: {from: Créé le, format: "%d/%m/%Y %H:%M"}
          status: {from: Statut, values: {Résolu: solved, Ouvert: open}}
          channel: {from: Canal}
        """)
    path = write(tmp_path, "tickets.csv", """
        Export du support
        généré le 01/06/2024
        Numéro;Créé le;Statut;Canal;Message
        T-1;02/05/2024 09:00;Résolu;email;"Bonjour;
        deuxième ligne"
        T-2;03/05/2024 10:30;Ouvert;chat;court
        """, bom=True)
    result = import_export(con, generic_format(mapping), path, DAY)
    n = csv_count(path, ";", skip_rows=2)
    assert n == 2 and counts(result, "imported.tickets") == (n, n, 0)
    assert fetch(con, "select ticket_id, created_at, status, channel, payload->'_raw'->>'Message' "
                      "from imported.tickets order by ticket_id") == [
        ("T-1", datetime(2024, 5, 2, 9, 0, tzinfo=UTC), "solved", "email", "Bonjour;\ndeuxième ligne"),
        ("T-2", datetime(2024, 5, 3, 10, 30, tzinfo=UTC), "open", "chat", "court")]


# --- bad values -----------------------------------------------------------------------------------------------------

def test_bad_date_number_sentiment_and_missing_key_are_quarantined_with_raw_value(con, tmp_path):
    path = tmp_path / "mentions.csv"
    text = BRANDWATCH.read_text()
    bad = (text.replace("2024-05-03 17:20:00.0", "le 3 mai")  # record 3: bad date
               .replace(",8400,", ",huit mille,")  # record 2: bad number
               .replace(",mixed,", ",sarcastic,")  # record 4: a word we cannot normalise
               .replace("https://twitter.com/camille_dev/status/1785950000000000001", ""))  # record 1: no key
    path.write_text(bad)
    result = import_export(con, LISTENING, path, DAY)
    assert counts(result, "imported.mentions") == (4, 0, 4)
    reasons = fetch(con, "select record_index, reason from raw.quarantine order by record_index")
    assert reasons == [(1, "invalid or missing mention_id: null"),
                       (2, 'invalid or missing reach: "huit mille"'),
                       (3, 'invalid or missing mentioned_at: "le 3 mai"'),
                       (4, 'invalid or missing sentiment_label: "sarcastic"')]
    # the quarantined record keeps the original row
    payload = json.loads(fetch(con, "select payload from raw.quarantine where record_index = 2")[0][0])
    assert payload["_raw"]["Reach (new)"] == "huit mille"


def test_a_format_that_does_not_read_keeps_the_raw_value(con, tmp_path):
    mapping = write(tmp_path, "m.yml", "name: t\ntarget: leads\ncolumns:\n  lead_id: id\n"
                                       "  created_at: {from: d, format: '%d/%m/%Y %H:%M'}\n")
    path = write(tmp_path, "l.csv", "id,d\nA,01/02/2024 10:00\nB,31/02/2024 10:00\n")
    import_export(con, generic_format(mapping), path, DAY)
    assert fetch(con, "select lead_id, created_at from imported.leads") == [
        ("A", datetime(2024, 2, 1, 10, 0, tzinfo=UTC))]
    assert fetch(con, "select reason from raw.quarantine") == [('invalid or missing created_at: "31/02/2024 10:00"',)]


def test_truncated_file_is_quarantined_whole(con, tmp_path):
    text = HUBSPOT.read_text(encoding="utf-8-sig")
    path = tmp_path / "truncated.csv"
    path.write_text(text[: text.index('"Studio') + 5])  # cut inside a quoted field
    result = import_export(con, CRM, path, DAY)
    assert counts(result, "imported.leads") == (1, 0, 1)
    (content, reason, source_file), = fetch(con, "select payload, reason, source_file from raw.quarantine")
    assert content == path.read_text() and "not valid JSON" in reason and "unreadable=" in source_file


# --- mapping validation ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "message"), [
    ("name: t\ntarget: deals\ncolumns: {a: b}\n", r"m\.yml: target: unknown target 'deals'"),
    ("name: t\ntarget: leads\ncolumns:\n  lead_id: id\n  created_at: d\n  colour: c\n",
     r"m\.yml: columns\.colour: unknown column of target leads"),
    ("name: t\ntarget: leads\ncolumns:\n  lead_id: id\n", r"m\.yml: columns\.created_at: missing: required"),
    ("name: t\ntarget: leads\ncolumns:\n  created_at: d\n", r"m\.yml: columns\.lead_id: missing.*id_from"),
    ("name: t\ntarget: leads\nencoding: latin-1\ncolumns:\n  lead_id: id\n  created_at: d\n",
     r"m\.yml: encoding: 'latin-1' is not supported"),
    ("name: t\ntarget: leads\ncolumns:\n  lead_id: id\n  created_at: {from: d, value: x}\n",
     r"m\.yml: columns\.created_at: give exactly one of"),
    ("name: t\ntarget: leads\nsheet: 1\ncolumns:\n  lead_id: id\n  created_at: d\n", r"m\.yml: sheet: unknown key"),
    ("name: t\ntarget: leads\ncolumns:\n  lead_id: id\n  created_at: {from: d, timezone: Mars/Olympus}\n",
     r"m\.yml: columns\.created_at\.timezone: unknown time zone"),
])
def test_mapping_errors_name_the_file_and_the_key(tmp_path, body, message):
    path = write(tmp_path, "m.yml", body)
    with pytest.raises(MappingError, match=message):
        load_mapping(path)


def test_a_mapped_column_absent_from_the_file_names_the_file_and_the_column(con, tmp_path):
    mapping = write(tmp_path, "m.yml", "name: t\ntarget: leads\ncolumns:\n  lead_id: Id\n  created_at: Created\n")
    path = write(tmp_path, "leads.csv", "Id,Create Date\n1,2024-01-01\n")
    with pytest.raises(ExportError, match=r"leads\.csv: no column 'Created'"):
        import_export(con, generic_format(mapping), path, DAY)
    assert not generic_format(mapping).matches(path)


# --- import mechanics ----------------------------------------------------------------------------------------------

def test_same_file_twice_lands_once_and_pages_split(con, tmp_path, monkeypatch):
    from pipelines.defs.ingestion.imported import mapping as mapping_module

    monkeypatch.setattr(mapping_module, "PAGE_ROWS", 2)
    first = import_export(con, CRM, HUBSPOT, DAY)
    assert first.pages_landed == 3  # 5 records, 2 per page
    again = import_export(con, CRM, HUBSPOT, DAY)
    assert again.pages_landed == 0 and again.already_imported == ["imported/leads"]
    assert fetch(con, "select count(*), count(distinct lead_id) from imported.leads")[0] == (5, 5)
    assert sorted(r[0].rsplit("first_row=", 1)[1] for r in fetch(con, "select source_file from raw.pages")) == [
        "1", "3", "5"]


def test_zip_and_folder_forms(con, tmp_path):
    folder = tmp_path / "crm"
    folder.mkdir()
    shutil.copy(HUBSPOT, folder / "contacts-1.csv")
    other = folder / "contacts-2.csv"
    other.write_text(HUBSPOT.read_text(encoding="utf-8-sig").replace("150", "250"))
    archive = tmp_path / "crm.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f"crm/{f.name}")
    assert counts(import_export(con, CRM, folder, DAY), "imported.leads") == (10, 10, 0)
    assert import_export(con, CRM, archive, DAY).pages_landed == 0
    with connect(tmp_path / "other.duckdb") as other_con:
        assert counts(import_export(other_con, CRM, archive, DAY), "imported.leads") == (10, 10, 0)


def test_presets_are_the_shipped_mapping_files():
    assert sorted(p.name for p in MAPPINGS.glob("*.yml")) == ["crm-leads.yml", "listening-csv.yml"]
    assert (CRM.name, LISTENING.name) == ("crm-leads", "listening-csv")
    assert load_mapping(MAPPINGS / "crm-leads.yml").target.name == "leads"


def test_cli_generic_with_a_mapping(tmp_path, monkeypatch, capsys):
    from pipelines import cli

    monkeypatch.setenv("ANIMATEUR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ANIMATEUR_WAREHOUSE", str(tmp_path / "data" / "warehouse.duckdb"))
    assert cli.main(["import", "generic", str(BRANDWATCH), "--mapping", str(MAPPINGS / "listening-csv.yml"),
                     "--no-build", "--date", "2024-06-01"]) == 0
    assert "imported.mentions: 4 in = 4 loaded + 0 quarantined" in capsys.readouterr().out
    bad = write(tmp_path, "bad.yml", "name: t\ntarget: deals\ncolumns: {a: b}\n")
    with pytest.raises(SystemExit, match=r"bad\.yml: target: unknown target"):
        cli.main(["import", "generic", str(BRANDWATCH), "--mapping", str(bad), "--no-build"])
