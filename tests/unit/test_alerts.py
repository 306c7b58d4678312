"""The alert sensor, on a small hand-made published copy: a breach raises one alert, the cooldown suppresses
the repeat, the webhook (a local server) receives the JSON, a failed delivery is retried on the next tick."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from werkzeug import Response

from pipelines.defs.reporting.alerts import community_alerts
from pipelines.lib import alerts as alerts_lib
from pipelines.lib.strategy import load_strategy
from pipelines.settings import REPO_ROOT

DEMO_STRATEGY = REPO_ROOT / "pipelines" / "demo" / "strategy.yml"
LAST_DAY = date(2026, 6, 28)

CONVERSATIONS_DDL = """
create table fct_conversations (
    conversation_id varchar, channel_id varchar, started_at timestamptz, started_date date, week_start date,
    author_id varchar, first_response_at timestamptz, first_response_minutes double, has_response boolean,
    first_response_business_minutes double, response_sla_minutes double, is_sla_breached boolean,
    resolved_at timestamptz, resolution_business_minutes double, is_resolved boolean,
    satisfaction_score varchar, is_satisfied boolean
)"""
ATTAINMENT_DDL = """
create table kpi_attainment (
    objective_id varchar, job varchar, indicator_id varchar, grain varchar, period_start date, channel_id varchar,
    value double, target double, gap double, attainment double, status varchar, direction varchar
)"""


def make_published(path: Path, *, breaches: list[tuple[str, str, date]] = (), attainment: list[tuple] = ()) -> Path:
    """A published copy with only what the sensor reads; replaced atomically like the real one."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    with duckdb.connect(str(tmp)) as con:
        con.execute("create table publication as select now() as published_at, ?::date as warehouse_max_date",
                    [LAST_DAY])
        con.execute(CONVERSATIONS_DDL)
        con.execute("insert into fct_conversations (conversation_id, channel_id, started_date, has_response, "
                    "response_sla_minutes, is_sla_breached) values ('ok', 'x', ?, true, 60, false)", [LAST_DAY])
        for conversation_id, channel_id, day in breaches:
            con.execute("insert into fct_conversations (conversation_id, channel_id, started_date, has_response, "
                        "response_sla_minutes, is_sla_breached) values (?, ?, ?, false, 120, true)",
                        [conversation_id, channel_id, day])
        con.execute(ATTAINMENT_DDL)
        for row in attainment:
            con.execute("insert into kpi_attainment values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", list(row))
    tmp.replace(path)
    return path


@pytest.fixture
def paths(tmp_path, monkeypatch):
    published = tmp_path / "published" / "animateur.duckdb"
    published.parent.mkdir()
    alerts = tmp_path / "alerts" / "alerts.duckdb"
    monkeypatch.setenv("ANIMATEUR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ANIMATEUR_PUBLISHED", str(published))
    monkeypatch.setenv("ANIMATEUR_ALERTS", str(alerts))
    monkeypatch.setenv("ANIMATEUR_STRATEGY", str(DEMO_STRATEGY))
    monkeypatch.delenv(alerts_lib.WEBHOOK_ENV, raising=False)
    return published, alerts


def tick(cursor=None):
    context = dg.build_sensor_context(cursor=cursor)
    result = community_alerts(context)
    return result, context.cursor


def stored(alerts_path):
    return alerts_lib.read_alerts(alerts_path)


def test_a_breach_raises_one_alert_the_cooldown_suppresses_the_repeat_and_the_webhook_receives_it(
        paths, httpserver, monkeypatch):
    published, alerts_path = paths
    monkeypatch.setenv(alerts_lib.WEBHOOK_ENV, httpserver.url_for("/hook"))
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")

    make_published(published, breaches=[("c1", "facebook", LAST_DAY)])
    result, cursor = tick()
    assert isinstance(result, dg.SkipReason) and "1 alert(s) raised" in result.skip_message
    [alert] = stored(alerts_path)
    assert (alert.rule, alert.indicator_id, alert.channel_id, alert.grain) == \
        ("sla_breach", "sla_breaches", "facebook", "day")
    assert alert.period_start == LAST_DAY and alert.observed_value == 1 and alert.threshold == 120
    assert alert.delivery_status == "delivered" and alert.delivered_at is not None

    [(request, _)] = httpserver.log
    assert request.headers["Content-Type"] == "application/json"
    body = json.loads(request.get_data())
    assert body["alert_id"] == alert.alert_id
    assert {k: body[k] for k in ("rule", "indicator_id", "channel_id", "grain", "period_start", "observed_value",
                                 "threshold", "severity", "organisation")} == {
        "rule": "sla_breach", "indicator_id": "sla_breaches", "channel_id": "facebook", "grain": "day",
        "period_start": "2026-06-28", "observed_value": 1.0, "threshold": 120.0, "severity": "warning",
        "organisation": "Maison Lumière"}
    assert "facebook" in body["message"] and "2 h" in body["message"] and body["text"].startswith("[warning]")

    # Same published copy: nothing new, nothing sent.
    result, cursor = tick(cursor)
    assert "has not changed" in result.skip_message and len(httpserver.log) == 1

    # A second breach the same day on the same channel: the same alert (per channel and day), not raised again.
    make_published(published, breaches=[("c1", "facebook", LAST_DAY), ("c2", "facebook", LAST_DAY)])
    result, cursor = tick(cursor)
    assert len(stored(alerts_path)) == 1 and len(httpserver.log) == 1

    # A breach on the next day (a new alert) within the 24h cooldown of the same (rule, indicator, channel):
    # kept as suppressed, not sent. Another channel is not under that cooldown.
    make_published(published, breaches=[("c1", "facebook", LAST_DAY - timedelta(days=1)),
                                        ("c2", "facebook", LAST_DAY), ("c3", "x", LAST_DAY)])
    result, cursor = tick(cursor)
    by_day_channel = {(a.period_start, a.channel_id): a.delivery_status for a in stored(alerts_path)}
    assert by_day_channel == {(LAST_DAY, "facebook"): "delivered",
                              (LAST_DAY - timedelta(days=1), "facebook"): "suppressed",
                              (LAST_DAY, "x"): "delivered"}
    assert [json.loads(r.get_data())["channel_id"] for r, _ in httpserver.log] == ["facebook", "x"]


def test_cooldown_counts_from_the_last_raised_alert():
    def breach(day):
        return alerts_lib.Alert(rule="sla_breach", indicator_id="sla_breaches", channel_id="x", grain="day",
                                period_start=day, observed_value=1, threshold=60, severity="warning", message="m")

    now = datetime(2026, 6, 29, 8, tzinfo=UTC)
    first = alerts_lib.apply_cooldown([breach(date(2026, 6, 27))], [], timedelta(hours=24), now)
    assert first[0].delivery_status == "pending"
    later = alerts_lib.apply_cooldown([breach(date(2026, 6, 28))], first, timedelta(hours=24),
                                      now + timedelta(hours=23))
    assert later[0].delivery_status == "suppressed"
    after = alerts_lib.apply_cooldown([breach(date(2026, 6, 29))], first + later, timedelta(hours=24),
                                      now + timedelta(hours=25))
    assert after[0].delivery_status == "pending"


def test_a_failed_delivery_is_recorded_and_retried_on_the_next_tick(paths, httpserver, monkeypatch):
    published, alerts_path = paths
    monkeypatch.setenv(alerts_lib.WEBHOOK_ENV, httpserver.url_for("/hook"))
    strategy = load_strategy(DEMO_STRATEGY)
    make_published(published, breaches=[("c1", "zendesk", LAST_DAY)])

    httpserver.expect_oneshot_request("/hook").respond_with_response(Response("down", status=503))
    httpserver.expect_oneshot_request("/hook").respond_with_response(Response("down", status=503))
    evaluation = alerts_lib.evaluate(published, alerts_path, strategy, attempts=2, backoff=0)
    assert len(evaluation.raised) == 1 and len(evaluation.failed) == 1
    [alert] = stored(alerts_path)
    assert alert.delivery_status == "failed" and "503" in alert.last_error and alert.delivery_attempts == 1

    httpserver.expect_request("/hook").respond_with_data("ok")
    result, _ = tick(cursor="same-version-but-a-delivery-is-waiting")
    [alert] = stored(alerts_path)
    assert alert.delivery_status == "delivered" and alert.delivery_attempts == 2 and alert.last_error is None
    assert "0 alert(s) raised" in result.skip_message and "1 delivered" in result.skip_message


def test_without_a_webhook_alerts_are_kept_not_sent(paths):
    published, alerts_path = paths
    make_published(published, breaches=[("c1", "x", LAST_DAY), ("old", "x", LAST_DAY - timedelta(days=10))])
    tick()
    [alert] = stored(alerts_path)  # the old breach is outside the 2-day lookback
    assert alert.delivery_status == "not_sent" and alert.period_start == LAST_DAY


def test_an_indicator_turning_red_raises_a_critical_alert_with_its_threshold(paths):
    published, alerts_path = paths
    row = ("customer_service_quality", "customer_service", "response_rate", "week")
    make_published(published, attainment=[
        (*row, date(2026, 6, 15), "zendesk", 0.95, 0.92, 0.03, 1.03, "green", "higher_is_better"),
        (*row, date(2026, 6, 22), "zendesk", 0.80, 0.92, -0.12, 0.87, "red", "higher_is_better"),
        # stays red: no new crossing
        (*row, date(2026, 6, 15), "all", 0.5, 0.92, -0.42, 0.54, "red", "higher_is_better"),
        (*row, date(2026, 6, 22), "all", 0.5, 0.92, -0.42, 0.54, "red", "higher_is_better"),
    ])
    tick()
    [alert] = stored(alerts_path)
    assert (alert.rule, alert.indicator_id, alert.channel_id, alert.grain, alert.period_start) == \
        ("kpi_status", "response_rate", "zendesk", "week", date(2026, 6, 22))
    assert alert.severity == "critical" and alert.observed_value == 0.80
    assert alert.threshold == 0.88  # the amber threshold of strategy.yml it fell below
    assert "turned red" in alert.message


def test_alerts_section_of_strategy_yml(tmp_path):
    text = DEMO_STRATEGY.read_text(encoding="utf-8") + "\nalerts:\n  cooldown: 6h\n  rules: [sla_breach]\n"
    path = tmp_path / "strategy.yml"
    path.write_text(text, encoding="utf-8")
    strategy = load_strategy(path)
    assert strategy.alerts.cooldown == 360 and strategy.alerts.rules == ["sla_breach"]
    assert load_strategy(DEMO_STRATEGY).alerts.cooldown == 1440  # the default: 24h


def test_mistakes_in_the_alerts_and_reports_sections_are_reported_with_their_lines(tmp_path):
    from pipelines.lib.strategy import StrategyError

    path = tmp_path / "strategy.yml"
    path.write_text(DEMO_STRATEGY.read_text(encoding="utf-8")
                    + "\nalerts:\n  cooldwn: 2h\n  rules: [sla_breech]\nreports:\n  language: french\n", encoding="utf-8")
    with pytest.raises(StrategyError) as error:
        load_strategy(path)
    messages = [issue.message for issue in error.value.issues]
    assert "alerts: unknown key 'cooldwn' (did you mean 'cooldown'?)" in messages
    assert any("sla_breech" in m and "did you mean sla_breach" in m for m in messages)
    assert any(m.startswith("reports.language: 'french' is not a language code") for m in messages)
