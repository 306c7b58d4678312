"""The Weekly page in headless Chromium, on the published copy of a really built warehouse.

Expected card texts are computed independently from `built_warehouse.published_path` with
DuckDB, then formatted with the dashboards' formatting helpers.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from dashboards.formatting import DASH, build_kpi_cards, format_week_label

pytestmark = pytest.mark.browser

KPI_FIELDS = (
    "contents_published, interactions, reach, engagement_rate_by_reach, conversations, "
    "conversations_answered, response_rate, median_first_response_minutes"
)
UI_TIMEOUT_MS = 60_000


def _is_base_path_probe(url: str, text: str, location: str) -> bool:
    """Streamlit's frontend, opened on a page URL such as /weekly, first probes
    /weekly/_stcore/health and /weekly/_stcore/host-config to discover the base path; those
    404s are logged as console errors by Chromium and are expected, nothing else is."""
    return (
        "status of 404" in text
        and location.startswith(f"{url}/weekly/_stcore/")
        and location.rsplit("/", 1)[-1] in {"health", "host-config"}
    )


def _expected(published: Path, channel_id: str):
    """(last full week, channel names in sort order, expected cards) straight from the file."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        (max_date,) = con.execute("select max(warehouse_max_date) from publication").fetchone()
        (week,) = con.execute(
            "select max(week_start) from kpi_weekly where week_end <= ?", [max_date]
        ).fetchone()
        assert week is not None, "the built warehouse has no full week"

        def row(week_start: date):
            cursor = con.execute(
                f"select {KPI_FIELDS} from kpi_weekly where week_start = ? and channel_id = ?",
                [week_start, channel_id],
            )
            columns = [d[0] for d in cursor.description]
            values = cursor.fetchone()
            return dict(zip(columns, values, strict=True)) if values else None

        cards = build_kpi_cards(row(week), row(week - timedelta(days=7)), channel_id)
        names = [
            n for (n,) in con.execute("select channel_name from dim_channels order by sort_order").fetchall()
        ]
    finally:
        con.close()
    return week, names, cards


def _channels_with_trend(published: Path, week: date, weeks: int = 12) -> int:
    """How many channels get a trend chart: some interactions, contents or conversations in the window."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        (count,) = con.execute(
            """
            select count(distinct k.channel_id)
            from kpi_weekly as k
            join dim_channels as c using (channel_id)
            where k.week_start between ? and ?
              and (coalesce(k.interactions, 0) > 0 or coalesce(k.contents_published, 0) > 0
                   or coalesce(k.conversations, 0) > 0)
            """,
            [week - timedelta(days=7 * (weeks - 1)), week],
        ).fetchone()
    finally:
        con.close()
    return count


def _read_cards(page) -> list[tuple[str, str, str | None]]:
    """(label, value, delta) of every st.metric on the page."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-testid="stMetric"]')).map(m => {
             const txt = sel => { const e = m.querySelector(sel); return e ? e.innerText.trim() : null; };
             return [txt('[data-testid="stMetricLabel"]'), txt('[data-testid="stMetricValue"]'),
                     txt('[data-testid="stMetricDelta"]')];
           })"""
    )


def _wait_for_cards(page, expected, timeout_s: float = 60) -> list:
    deadline = time.monotonic() + timeout_s
    while True:
        seen = [tuple(c) for c in _read_cards(page)]
        if seen == expected or time.monotonic() > deadline:
            return seen
        page.wait_for_timeout(250)


def _as_displayed(cards):
    return [(c.label, c.value, c.delta) for c in cards]


def test_weekly_page(streamlit_server, built_warehouse, chromium_browser, tmp_path):
    published = Path(built_warehouse.published_path)
    week, channel_names, cards = _expected(published, "all")
    expected = _as_displayed(cards)
    # the demo has contents and conversations every week: a blank dashboard must not pass
    by_key = {card.key: card for card in cards}
    assert by_key["contents_published"].value not in {DASH, "0"}, expected
    assert by_key["conversations"].value not in {DASH, "0"}, expected
    assert by_key["response_rate"].value != DASH, expected

    context = chromium_browser.new_context(viewport={"width": 1440, "height": 1800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))

    def on_console(msg) -> None:
        location = msg.location.get("url", "") if msg.location else ""
        if msg.type == "error" and not _is_base_path_probe(streamlit_server, msg.text, location):
            errors.append(f"console.error: {msg.text} ({location})")

    page.on("console", on_console)
    try:
        page.goto(f"{streamlit_server}/weekly?lang=en", wait_until="domcontentloaded")
        page.wait_for_selector('[data-testid="stMetricValue"]', timeout=UI_TIMEOUT_MS)
        page.wait_for_selector(".js-plotly-plot", timeout=UI_TIMEOUT_MS)
        charts = _channels_with_trend(published, week)
        assert charts >= 1
        page.wait_for_function(
            "n => document.querySelectorAll('.js-plotly-plot').length === n",
            arg=charts,
            timeout=UI_TIMEOUT_MS,
        )

        assert _wait_for_cards(page, expected) == expected
        body = page.inner_text("body")
        assert format_week_label(week) in body
        assert "Data published" in body
        for name in channel_names:
            assert name in body
        assert page.title() == "Animateur"
        assert page.query_selector('[data-testid="stDialog"]') is None  # e.g. no "Page not found"

        page.screenshot(path=str(tmp_path / "weekly.png"), full_page=True)

        # help tooltips carry the formula and its denominator
        page.locator('[data-testid="stMetric"]', has_text="Engagement rate by reach").locator(
            '[data-testid="stTooltipHoverTarget"]'
        ).hover()
        tooltip = page.wait_for_selector('[data-testid="stTooltipContent"]', timeout=UI_TIMEOUT_MS)
        assert "sum of reach" in tooltip.inner_text() and "Denominator" in tooltip.inner_text()
        page.mouse.move(0, 0)
        page.wait_for_selector('[data-testid="stTooltipContent"]', state="detached", timeout=UI_TIMEOUT_MS)

        # the channel selector switches the cards to that channel
        first_channel = channel_names[0]
        _, _, channel_cards = _expected(published, _channel_id(published, first_channel))
        page.locator('[data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name=first_channel, exact=True).click()
        expected_channel = _as_displayed(channel_cards)
        assert _wait_for_cards(page, expected_channel) == expected_channel
        page.screenshot(path=str(tmp_path / "weekly_channel.png"), full_page=True)
    finally:
        context.close()

    assert (tmp_path / "weekly.png").stat().st_size > 10_000
    assert errors == []


def _channel_id(published: Path, channel_name: str) -> str:
    con = duckdb.connect(str(published), read_only=True)
    try:
        return con.execute(
            "select channel_id from dim_channels where channel_name = ?", [channel_name]
        ).fetchone()[0]
    finally:
        con.close()
