"""French and English strings and formats of the dashboards, table downloads, and the default language."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from dashboards import i18n
from dashboards.formatting import (
    KPI_SPECS,
    build_kpi_cards,
    format_count,
    format_count_delta,
    format_date,
    format_duration,
    format_frame,
    format_month,
    format_number,
    format_percent,
    format_quarter,
    format_rate_delta,
    format_timestamp,
    format_week_label,
    format_week_short,
    indicator_kind,
    is_zero_delta,
)
from dashboards.ui import csv_bytes, excel_bytes

DASHBOARDS = Path(__file__).resolve().parents[2] / "dashboards"
NNBSP = "\u202f"


def test_every_string_has_both_languages():
    for key, (english, french) in i18n.STRINGS.items():
        assert english.strip() and french.strip(), key
        # the same placeholders in both languages
        assert set(re.findall(r"{(\w+)}", english)) == set(re.findall(r"{(\w+)}", french)), key


def test_every_key_the_code_uses_exists():
    used = set()
    for path in DASHBOARDS.rglob("*.py"):
        used |= set(re.findall(r"""\btr?\(\s*["']([a-z_]+\.[a-z_.]+|[a-z_]+)["']""", path.read_text()))
    used |= {f"kpi.{spec.key}" for spec in KPI_SPECS} | {f"kpi_help.{spec.key}" for spec in KPI_SPECS}
    used |= {f"group.{spec.group}" for spec in KPI_SPECS}
    missing = sorted(key for key in used if key not in i18n.STRINGS)
    assert not missing, missing
    assert len(used) > 100


def test_french_formats():
    assert format_count(1234567, "fr") == f"1{NNBSP}234{NNBSP}567"
    assert format_number(1234.56, 1, "fr") == f"1{NNBSP}234,6"
    assert format_percent(0.0431, lang="fr") == f"4,3{NNBSP}%"
    assert format_percent(0.0431) == "4.3%"
    assert format_duration(1565, "fr") == "1 j 2 h"
    assert format_duration(85, "fr") == "1 h 25 min"
    assert format_count_delta(2500, 1000, "fr") == f"+1{NNBSP}500"
    assert format_rate_delta(0.0431, 0.0398, lang="fr") == "+0,3 pt"
    assert format_rate_delta(0.5, 0.5, lang="fr") == "0,0 pt" and is_zero_delta("0,0 pt")
    assert format_date(date(2026, 6, 28), "fr") == "28 juin 2026"
    assert format_month(date(2026, 2, 1), "fr") == "févr. 2026"
    assert format_quarter(date(2026, 4, 1), "fr") == "T2 2026" and format_quarter(date(2026, 4, 1)) == "Q2 2026"
    assert format_week_label(date(2026, 6, 22), "fr") == "Semaine 26 · 22–28 juin 2026"
    assert format_week_short(date(2026, 6, 22), "fr") == "S26"
    assert format_timestamp(datetime(2026, 7, 2, 5, 30, tzinfo=UTC), "fr") == "2 juil. 2026, 05:30 UTC"


def test_kpi_cards_in_french():
    cards = build_kpi_cards({"response_rate": 0.875, "conversations": 1234}, {"response_rate": 0.9,
                            "conversations": 1000}, "all", "fr")
    by_key = {c.key: c for c in cards}
    assert by_key["response_rate"].label == "Taux de réponse"
    assert (by_key["response_rate"].value, by_key["response_rate"].delta) == (f"87,5{NNBSP}%", "-2,5 pt")
    assert by_key["conversations"].value == f"1{NNBSP}234"
    assert by_key["conversations"].group == "Conversations" and cards[0].group == "Publication"
    assert "Dénominateur" in by_key["response_rate"].help and "Tous les canaux" in by_key["response_rate"].help


def test_indicator_kind():
    assert indicator_kind("count") == "count"
    assert indicator_kind("minutes") == "duration"
    assert indicator_kind("ratio", "conversations_answered / conversations") == "rate"
    assert indicator_kind("ratio", "sum(comments) / number of contents published in the period") == "number"


def test_default_language(monkeypatch):
    monkeypatch.delenv(i18n.LANGUAGE_ENV, raising=False)
    assert i18n.default_language(None) == "en"
    assert i18n.default_language("fr") == "fr"
    assert i18n.default_language("en-GB") == "en"
    assert i18n.default_language("de") == "en"  # a language the dashboards do not speak
    monkeypatch.setenv(i18n.LANGUAGE_ENV, "en")
    assert i18n.default_language("fr") == "en"  # the deployment's setting wins over the strategy
    assert i18n.t("weekly.title", "fr") == "Performance de la semaine"
    assert i18n.t("weekly.trends", "en", weeks=12) == "Last 12 weeks by channel"


def test_format_frame_and_downloads():
    frame = pd.DataFrame({
        "day": [date(2026, 6, 28)],
        "at": [pd.Timestamp("2026-06-28 10:00", tz="UTC")],
        "n": [1234],
        "rate": [0.5],
        "tags": [["a", "b"]],
        "label": ["Crème brûlée"],
    })
    shown = format_frame(frame, {"day": "date", "at": "timestamp", "n": "count", "rate": "rate"}, "fr")
    assert shown.iloc[0].tolist()[:4] == ["28 juin 2026", "28 juin 2026, 10:00 UTC", f"1{NNBSP}234", f"50,0{NNBSP}%"]
    assert frame.iloc[0]["n"] == 1234  # the raw frame is left as it is

    indicators = pd.DataFrame({  # rows of several indicators: each value by its own unit
        "indicator_id": ["followers", "follower_growth_rate", "conversation_rate", "first_response_minutes_median"],
        "unit": ["count", "ratio", "ratio", "minutes"],
        "formula": ["", "growth / base", "comments / number of contents published", ""],
        "value": [18734.0, 0.0203, 17.5, 95.0],
    })
    assert format_frame(indicators, {"value": "indicator"}, "en")["value"].tolist() == [
        "18,734", "2.0%", "17.5", format_duration(95.0, lang="en")]

    text = csv_bytes(frame).decode("utf-8-sig")
    assert text.splitlines()[0] == "day,at,n,rate,tags,label" and "Crème brûlée" in text
    workbook = excel_bytes(frame, "best/contents")
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        assert "xl/worksheets/sheet1.xml" in archive.namelist()
        strings = archive.read("xl/sharedStrings.xml").decode()
        workbook_xml = archive.read("xl/workbook.xml").decode()
    assert "Crème brûlée" in strings and "a, b" in strings
    assert 'name="best_contents"' in workbook_xml
