"""Report documents rendered from the demo warehouse's published copy: the weekly PDF's text holds the figures
this test computes itself from the published tables; the monthly and quarterly reports render in both languages."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pypdf
import pytest

from pipelines.lib.reports import build_report
from pipelines.lib.reports.i18n import Formatter
from pipelines.lib.strategy import load_strategy
from pipelines.settings import REPO_ROOT
from tests.conftest import DEMO_END, fail_with_output

pytestmark = pytest.mark.e2e

WEEK = DEMO_END - timedelta(days=6)  # 2026-06-22, the demo's last full week
STRATEGY = load_strategy(REPO_ROOT / "pipelines" / "demo" / "strategy.yml")


def pdf_text(path: Path) -> str:
    """The PDF's text with whitespace collapsed (table cells and wrapped lines join with single spaces)."""
    text = "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)
    return re.sub(r"\s+", " ", text)


def expected_weekly_figures(published: Path, week: date) -> dict[str, object]:
    """The week's figures, computed here from the published fact tables (not from kpi_weekly)."""
    with duckdb.connect(str(published), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        contents, interactions = con.execute(
            "select count(*), sum(interactions) from fct_contents where published_date between ? and ?",
            [week, week + timedelta(days=6)]).fetchone()
        previous_interactions = con.execute(
            "select sum(interactions) from fct_contents where published_date between ? and ?",
            [week - timedelta(days=7), week - timedelta(days=1)]).fetchone()[0]
        inbound, answered, median_minutes = con.execute(
            "select count(*), count(*) filter (where has_response), median(first_response_minutes) "
            "from fct_conversations where started_date between ? and ?", [week, week + timedelta(days=6)]).fetchone()
        best = con.execute(
            "select interactions from fct_contents where published_date between ? and ? "
            "order by interactions desc limit 1", [week, week + timedelta(days=6)]).fetchone()[0]
        breaches = dict(con.execute(
            "select channel_id, count(*) filter (where is_sla_breached) from fct_conversations "
            "where started_date between ? and ? and response_sla_minutes is not null group by channel_id",
            [week, week + timedelta(days=6)]).fetchall())
        waiting = dict(con.execute(
            "select channel_id, count(*) from fct_conversations where not has_response and started_date <= ? "
            "group by channel_id", [week + timedelta(days=6)]).fetchall())
    return {"contents": contents, "interactions": interactions, "previous_interactions": previous_interactions,
            "inbound": inbound, "answered": answered, "response_rate": answered / inbound,
            "median_minutes": median_minutes, "best": best, "breaches": breaches, "waiting": waiting}


def check_weekly_pdf(published: Path, out_dir: Path) -> None:
    """Render the demo's last week in English and French and find the expected figures in the PDFs' text."""
    figures = expected_weekly_figures(published, WEEK)
    assert figures["contents"] > 0 and figures["inbound"] > 0 and figures["breaches"], figures

    files = build_report("weekly", WEEK, published_path=published, out_dir=out_dir, language="en",
                         strategy=STRATEGY, alerts_path=out_dir / "no-alerts.duckdb")
    assert files.html == out_dir / "weekly" / "2026-06-22.html" and files.pdf == out_dir / "weekly" / "2026-06-22.pdf"
    html = files.html.read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html.split("<body", 1)[0]  # standalone: nothing fetched
    text = pdf_text(files.pdf)
    en = Formatter("en")
    assert "Weekly report" in text and "Week of 22–28 June 2026" in text and "Maison Lumière".upper() in text.upper()
    for label, value in [("Contents published", en.count(figures["contents"])),
                         ("Interactions", en.count(figures["interactions"])),
                         ("Conversations", en.count(figures["inbound"])),
                         ("Conversations answered", en.count(figures["answered"])),
                         ("Response rate", en.percent(figures["response_rate"])),
                         ("First response time, median", en.duration(figures["median_minutes"]))]:
        assert f"{label} {value}" in text, f"{label}: {value} not in the PDF"
    change = en.delta(figures["interactions"], figures["previous_interactions"], "count")
    assert f"Interactions {en.count(figures['interactions'])} {en.count(figures['previous_interactions'])} {change}" \
        in text
    assert en.count(figures["best"]) in text  # the best content's interactions
    for channel, name in [("x", "X"), ("facebook", "Facebook")]:
        assert re.search(rf"{name} {en.count(figures['waiting'][channel])} \d+ \d+ \w+ 2026", text), \
            f"waiting conversations of {channel}"
    for name, sla, channel in [("Helpdesk", "8 h", "zendesk"), ("Facebook", "2 h", "facebook"), ("X", "1 h", "x")]:
        breaches = en.count(figures["breaches"][channel])  # SLA then breaches, in the service table's row
        assert re.search(rf"{name} \d+ \d+ [\d.]+% .{{0,40}}? {sla} {breaches} [\d.]+%", text), f"{channel} breaches"
    assert "No alert this week." in text

    files = build_report("weekly", WEEK, published_path=published, out_dir=out_dir / "fr", language="fr",
                         strategy=STRATEGY, alerts_path=out_dir / "no-alerts.duckdb")
    text = pdf_text(files.pdf)
    fr = Formatter("fr")
    assert "Rapport hebdomadaire" in text and "Semaine du 22 au 28 juin 2026" in text
    assert f"Interactions {fr.count(figures['interactions'])}" in text
    assert f"Taux de réponse {fr.percent(figures['response_rate'])}" in text


def test_weekly_pdf_holds_the_figures_of_the_published_tables(built_warehouse, tmp_path):
    check_weekly_pdf(built_warehouse.published_path, tmp_path)


@pytest.mark.parametrize(("kind", "start", "language", "expected"), [
    ("monthly", date(2026, 6, 1), "fr", ["Rapport mensuel", "Juin 2026", "Tendances sur 13 mois par canal",
                                         "Meilleurs formats", "Part de voix"]),
    ("quarterly", date(2026, 4, 1), "en", ["Quarterly report", "Q2 2026", "Objectives against targets",
                                           "The 10-principle barometer", "Share of voice", "Maison Lumière"]),
])
def test_monthly_and_quarterly_reports_render(built_warehouse, tmp_path, kind, start, language, expected):
    files = build_report(kind, start, published_path=built_warehouse.published_path, out_dir=tmp_path,
                         language=language, strategy=STRATEGY, alerts_path=tmp_path / "none.duckdb")
    text = pdf_text(files.pdf)
    for snippet in expected:
        assert snippet in text, snippet
    assert "<svg" in files.html.read_text(encoding="utf-8")


def test_animateur_report_renders_a_week_as_a_run_of_its_dagster_job(built_warehouse):
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "report", "weekly", "2026-06-24", "--language", "en"],
        cwd=REPO_ROOT, env=built_warehouse.env, capture_output=True, text=True, timeout=300, check=False,
    )
    fail_with_output(result, "animateur report weekly")
    folder = built_warehouse.data_dir / "reports" / "weekly"  # <data_dir>/reports/<kind>/<period_start>
    assert str(folder / "2026-06-22.pdf") in result.stdout
    assert (folder / "2026-06-22.html").is_file() and (folder / "2026-06-22.pdf").stat().st_size > 5_000
    assert "Week of 22–28 June 2026" in pdf_text(folder / "2026-06-22.pdf")
