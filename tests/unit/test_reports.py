"""Report documents: periods, number formats in French and English, SVG charts, and their Dagster wiring
(partitioned assets kept out of `animateur build`, schedules on the organisation's calendar)."""

from __future__ import annotations

import warnings
from datetime import date, datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from pipelines.lib.reports import charts, report_language
from pipelines.lib.reports.i18n import Formatter, language_of
from pipelines.lib.reports.periods import last_complete_period, parse_period, period_end
from pipelines.lib.strategy import load_strategy
from pipelines.settings import REPO_ROOT

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(("kind", "text", "start"), [
    ("weekly", "2026-06-22", date(2026, 6, 22)),
    ("weekly", "2026-06-28", date(2026, 6, 22)),   # a Sunday: the week that started on Monday 22
    ("monthly", "2026-06", date(2026, 6, 1)),
    ("monthly", "2026-06-17", date(2026, 6, 1)),
    ("quarterly", "2026-Q2", date(2026, 4, 1)),
    ("quarterly", "2026-05-10", date(2026, 4, 1)),
])
def test_periods_are_named_by_their_first_day(kind, text, start):
    assert parse_period(kind, text) == start


def test_period_ends_and_last_complete_period():
    assert period_end("weekly", date(2026, 6, 22)) == date(2026, 6, 28)
    assert period_end("monthly", date(2026, 2, 1)) == date(2026, 2, 28)
    assert period_end("quarterly", date(2026, 10, 1)) == date(2026, 12, 31)
    assert last_complete_period("weekly", date(2026, 6, 29)) == date(2026, 6, 22)  # a Monday
    assert last_complete_period("monthly", date(2026, 7, 1)) == date(2026, 6, 1)
    assert last_complete_period("quarterly", date(2026, 1, 1)) == date(2025, 10, 1)
    with pytest.raises(ValueError, match="is not a period"):
        parse_period("weekly", "last week")


def test_numbers_durations_and_dates_in_french_and_english():
    en, fr = Formatter("en"), Formatter("fr")
    assert (en.count(1234567), fr.count(1234567)) == ("1,234,567", "1 234 567")
    assert (en.percent(0.0425), fr.percent(0.0425)) == ("4.3%", "4,3 %")  # half up, not to even
    assert (en.duration(85), en.duration(1565), fr.duration(1565), en.duration(0.2)) == \
        ("1 h 25 min", "1 d 2 h", "1 j 2 h", "< 1 min")
    assert en.delta(0.70, 0.84, "ratio") == "-14.0 pp" and fr.delta(0.70, 0.84, "ratio") == "-14,0 pp"
    assert en.delta(1143, 942, "count") == "+201" and en.delta(70, 166, "minutes") == "-1 h 36 min"
    assert en.relative(110, 100) == "+10.0%" and en.relative(5, 0) == "—"
    assert en.value(44.17, "per_content") == "44.2" and en.value(None, "count") == "—"
    assert en.day_range(date(2026, 6, 22), date(2026, 6, 28)) == "22–28 June 2026"
    assert fr.day_range(date(2026, 6, 29), date(2026, 7, 5)) == "29 juin au 5 juillet 2026"
    assert (fr.month(date(2026, 6, 1)), en.quarter(date(2026, 4, 1)), fr.quarter(date(2026, 4, 1))) == \
        ("Juin 2026", "Q2 2026", "T2 2026")


def test_indicator_and_principle_names_come_from_the_published_seeds_in_the_report_language():
    import duckdb

    from pipelines.lib.reports import data

    con = duckdb.connect()
    con.execute("""create table indicator_catalog as select 'response_rate' as indicator_id, 'Response rate' as label,
                   'Taux de réponse' as label_fr, 'customer_service' as job, 'ratio' as unit,
                   'higher_is_better' as direction""")
    con.execute("""create table principles as
                   select 'well_surrounded' as principle, 'Well surrounded' as label, 'Bien s''entourer' as label_fr""")
    fr = Formatter("fr", data.principle_labels(con, "fr"))
    assert fr.indicator("response_rate", data.catalog(con, "fr")["response_rate"]["label"]) == "Taux de réponse"
    assert Formatter("en").indicator("response_rate", data.catalog(con)["response_rate"]["label"]) == "Response rate"
    assert fr.principle("well_surrounded") == "Bien s'entourer"
    assert fr.principle("agility") == "Agility"  # unknown to the seed: the id, readable


def test_report_language_from_the_strategy_or_the_environment(monkeypatch):
    strategy = load_strategy(REPO_ROOT / "pipelines" / "demo" / "strategy.yml")
    monkeypatch.delenv("ANIMATEUR_REPORT_LANGUAGE", raising=False)
    assert report_language(strategy) == "fr"  # organisation.default_language of the demo
    monkeypatch.setenv("ANIMATEUR_REPORT_LANGUAGE", "en")
    assert report_language(strategy) == "en"
    assert language_of("en-GB") == "en" and language_of("fr-CA") == "fr" and language_of("de") == "en"


def test_charts_are_inline_svg_with_gaps_for_missing_values():
    svg = charts.line_chart(["a", "b", "c", "d"], {"one": [1, 2, None, 4], "two": [0, 0, 0, 0]})
    assert svg.startswith("<svg") and svg.endswith("</svg>") and "script" not in svg
    assert svg.count("<polyline") == 2  # "one" is split by its gap into a 2-point line and a lone point, "two" whole
    assert "<text" in charts.bar_chart([("video", 12.0), ("photo", None)])
    radar = charts.radar_chart(["a", "b", "c"], {"Q2": [10, 50, 90]})
    assert radar.count("<polygon") == 5  # 4 rings and the series
    assert "&lt;b&gt;" in charts.bar_chart([("<b>", 1.0)])  # labels escaped


def test_report_assets_are_partitioned_and_kept_out_of_the_default_build():
    from pipelines.definitions import defs

    definitions = defs()
    graph = definitions.resolve_asset_graph()
    for kind, first_key in [("weekly", "2025-01-06"), ("monthly", "2025-01-01"), ("quarterly", "2025-01-01")]:
        node = graph.get(dg.AssetKey(["reporting", f"{kind}_report"]))
        assert node.group_name == "reporting"
        assert dg.AssetKey(["serving", "published_warehouse"]) in node.parent_keys
        assert node.partitions_def.get_first_partition_key() == first_key
    refresh = {key for key in definitions.resolve_job_def("refresh_warehouse").asset_layer.selected_asset_keys}
    assert not {key for key in refresh if key.path[0] == "reporting"}
    assert dg.AssetKey(["serving", "published_warehouse"]) in refresh


@pytest.mark.parametrize(("kind", "cron", "tick", "partition"), [
    ("weekly", "0 7 * * 1", datetime(2026, 6, 29, 7, tzinfo=PARIS), "2026-06-22"),
    ("monthly", "0 7 1 * *", datetime(2026, 7, 1, 7, tzinfo=PARIS), "2026-06-01"),
    ("quarterly", "0 7 1 1,4,7,10 *", datetime(2026, 7, 1, 7, tzinfo=PARIS), "2026-04-01"),
])
def test_schedules_render_the_last_complete_period_at_seven_organisation_time(kind, cron, tick, partition):
    from pipelines.definitions import defs

    definitions = defs()
    schedule = definitions.resolve_schedule_def(f"{kind}_report_schedule")
    assert schedule.cron_schedule == cron and schedule.execution_timezone == "Europe/Paris"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    context = dg.build_schedule_context(scheduled_execution_time=tick,
                                        repository_def=definitions.get_repository_def())
    with warnings.catch_warnings():  # Dagster's partitioned schedule calls its own deprecated helper
        warnings.simplefilter("ignore", DeprecationWarning)
        [request] = schedule.evaluate_tick(context).run_requests
    assert request.partition_key == partition
