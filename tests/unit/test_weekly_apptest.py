"""The Weekly page rendered headlessly with Streamlit's AppTest against a hand-made published copy."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = REPO_ROOT / "dashboards" / "app.py"


def _load_sibling(name: str):
    """Import a sibling test module by path (tests/unit is not a package)."""
    spec = importlib.util.spec_from_file_location(
        f"_animateur_{name}", Path(__file__).with_name(f"{name}.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fixtures = _load_sibling("test_dashboard_data")

GREEN, RED, GRAY = MetricProto.MetricColor.GREEN, MetricProto.MetricColor.RED, MetricProto.MetricColor.GRAY


def _run_app(monkeypatch, published: Path) -> AppTest:
    monkeypatch.setenv("ANIMATEUR_PUBLISHED", str(published))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _metrics(at: AppTest):
    return [(m.label, m.value, m.delta, m.proto.color) for m in at.metric]


@pytest.fixture
def published(tmp_path: Path) -> Path:
    return fixtures.write_published(tmp_path / "published" / "animateur.duckdb")


def test_weekly_all_channels(monkeypatch, published):
    at = _run_app(monkeypatch, published)

    assert at.title[0].value == "Weekly performance"
    markdown = [m.value for m in at.markdown]
    assert "### Week 26 · 22–28 Jun 2026" in markdown
    assert "Week 25 · 15–21 Jun 2026" in at.caption[0].value
    assert at.selectbox(key="weekly_channel").value == "all"
    assert at.selectbox(key="weekly_channel").options[0] == "All channels"

    assert _metrics(at) == [
        ("Contents published", "12", "+3", GREEN),
        ("Interactions", "1,480", "-22", RED),
        ("Engagement rate by reach", "4.3%", "+0.3 pp", GREEN),
        ("Conversations", "40", "+8", GREEN),
        ("Response rate", "87.5%", "-3.1 pp", RED),
        # lower is better: a shorter median response time is shown in green
        ("Median first response time", "1 h 25 min", "-12 min", GREEN),
    ]
    for metric in at.metric:
        assert "Denominator" in metric.proto.help
        assert metric.proto.delta_description == "vs W25"

    assert len(at.get("plotly_chart")) == 4  # one trend chart per channel with activity

    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert "2 Jul 2026, 05:30 UTC" in sidebar
    assert "1 Jul 2026" in sidebar

    assert [
        m.value for m in at.markdown if m.value in {"**Facebook**", "**X**", "**Blog**", "**Helpdesk**"}
    ] == ["**Facebook**", "**X**", "**Blog**", "**Helpdesk**"]


def test_weekly_channel_selector(monkeypatch, published):
    at = _run_app(monkeypatch, published)
    at.selectbox(key="weekly_channel").select("facebook").run()
    assert not at.exception
    assert _metrics(at) == [
        ("Contents published", "5", "0", GRAY),
        ("Interactions", "1,200", "+100", GREEN),
        ("Engagement rate by reach", "4.0%", "-0.4 pp", RED),
        ("Conversations", "20", "+2", GREEN),
        ("Response rate", "100.0%", "0.0 pp", GRAY),
        ("Median first response time", "42 min", "+12 min", RED),
    ]

    at.selectbox(key="weekly_channel").select("blog").run()
    assert not at.exception
    assert [(m.value, m.delta) for m in at.metric] == [
        ("1", "+1"),
        ("—", ""),
        ("—", ""),
        ("0", "0"),
        ("—", ""),
        ("—", ""),
    ]
    assert at.metric[3].proto.color == GRAY


def test_no_published_file(monkeypatch, tmp_path):
    missing = tmp_path / "published" / "animateur.duckdb"
    at = _run_app(monkeypatch, missing)
    assert len(at.info) == 1
    assert "No published data yet" in at.info[0].value
    assert "make demo" in at.info[0].value
    assert str(missing) in at.info[0].value
    assert len(at.metric) == 0
    assert not missing.exists()


def test_no_full_week_yet(monkeypatch, tmp_path):
    path = fixtures.write_published(tmp_path / "p.duckdb", warehouse_max_date=fixtures.FIRST_DAY)
    at = _run_app(monkeypatch, path)
    assert len(at.metric) == 0
    assert "full week" in at.info[0].value
