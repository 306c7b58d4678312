"""strategy.yml: the demo's loads, every mistake is reported with its line, presets merge, the Dagster asset
writes the strategy tables, ``animateur strategy`` checks a file, and kpi_attainment's dbt unit test passes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.cli import main as cli_main
from pipelines.defs.resources import Warehouse
from pipelines.defs.steering.strategy_tables import strategy_tables
from pipelines.lib.strategy import (
    FIELDS,
    STRATEGY_TABLES,
    StrategyError,
    format_duration,
    load_catalog,
    load_reportable_channels,
    load_strategy,
    parse_duration,
    preset_path,
    starter_file,
)
from pipelines.settings import DBT_PROJECT_DIR, REPO_ROOT

DEMO_STRATEGY = REPO_ROOT / "pipelines" / "demo" / "strategy.yml"

# A small catalog of our own: the error tests do not depend on the real catalog's contents.
TEST_CATALOG = """\
indicator_id,label,job,unit,direction
rate,A rate,marketing,ratio,higher_is_better
minutes,Minutes,customer_service,minutes,lower_is_better
"""

# Line numbers matter: the tests below replace one line and expect the error on it.
BASE = """\
organisation:
  name: Test
  field: luxury_brand
  timezone: Europe/Paris
  default_language: fr
use_preset: false
business_hours:
  days: [mon, tue, wed, thu, fri]
  opens: "09:00"
  closes: "18:00"
  holidays: [2026-05-01]
channels:
  facebook: {response_sla: 2h}
  zendesk: {response_sla: 8h, resolution_sla: 2d}
brand:
  name: Test
  keywords: [test, "@test"]
competitors:
  - {name: Rival, keywords: [rival]}
objectives:
  - id: engage
    job: marketing
    title: Engage
    indicators:
      - {indicator: rate, grain: month, channel: all, target: 0.06, green: 0.06, amber: 0.045}
      - {indicator: minutes, grain: week, channel: facebook, target: 60, green: 60, amber: 120}
"""


@pytest.fixture
def catalog(tmp_path) -> Path:
    path = tmp_path / "catalog.csv"
    path.write_text(TEST_CATALOG)
    return path


def write(tmp_path: Path, text: str, name: str = "strategy.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def with_line(number: int, replacement: str) -> str:
    """BASE with its line ``number`` (1-based) replaced (an empty replacement removes nothing: use None)."""
    lines = BASE.splitlines()
    lines[number - 1] = replacement
    return "\n".join(lines) + "\n"


def mistakes(path: Path, catalog) -> list[str]:
    with pytest.raises(StrategyError) as caught:
        load_strategy(path, catalog)
    return [str(issue) for issue in caught.value.issues]


# --- the demo's strategy and the presets -------------------------------------------------------------------------

def test_demo_strategy_loads_with_the_real_catalog():
    strategy = load_strategy(DEMO_STRATEGY)
    assert strategy.organisation.name == "Maison Lumière"
    assert strategy.organisation.field == "luxury_brand"
    assert list(strategy.channels) == ["facebook", "x", "instagram", "blog", "zendesk"]
    assert strategy.channels["instagram"].response_sla == 4 * 60
    assert strategy.channels["zendesk"].response_sla == 8 * 60
    assert strategy.channels["zendesk"].resolution_sla == 2 * 1440
    assert {c.name for c in strategy.competitors} == {"Bougies Céleste", "Atelier Flamme"}
    # the preset's objectives are there, merged with the file's
    assert strategy.preset_path == preset_path("luxury_brand")
    jobs = {o.job for o in strategy.objectives}
    assert {"marketing", "customer_service", "public_relations"} <= jobs
    catalog = load_catalog()
    for objective in strategy.objectives:
        for target in objective.indicators:
            assert target.indicator in catalog
            assert target.channel in {*strategy.channels, "all"}


@pytest.mark.parametrize("field", FIELDS)
def test_every_preset_and_its_starter_file_are_valid(tmp_path, field):
    """`animateur strategy init --field F` prints a file that loads, with every objective of the preset."""
    path = write(tmp_path, starter_file(field, name="Org"))
    strategy = load_strategy(path)
    assert strategy.organisation.field == field
    assert strategy.objectives
    preset_ids = [o.id for o in strategy.objectives]
    assert len(preset_ids) == len(set(preset_ids))
    # every job of the book appears in at least one preset (checked across fields below)


def test_presets_cover_every_job():
    jobs = set()
    for field in FIELDS:
        path = preset_path(field)
        assert path.is_file(), path
        strategy_text = starter_file(field)
        jobs |= {line.split(":", 1)[1].strip() for line in strategy_text.splitlines()
                 if line.strip().startswith("job:")}
    assert jobs == {"marketing", "public_relations", "customer_service", "business_development",
                    "internal_communication"}


def test_file_objectives_replace_the_preset_one_with_the_same_id_and_add_to_the_others(tmp_path):
    preset_ids = [o.id for o in load_strategy(write(tmp_path, starter_file("luxury_brand"))).objectives]
    replaced = preset_ids[1]
    text = BASE.replace("use_preset: false", "use_preset: true").replace("id: engage", f"id: {replaced}")
    text += """\
  - id: our_own
    job: public_relations
    title: Our own
    indicators:
      - {indicator: share_of_voice, grain: quarter, target: 0.6, green: 0.6, amber: 0.5}
"""
    text = text.replace("indicator: rate,", "indicator: engagement_rate_by_reach,").replace(
        "indicator: minutes,", "indicator: first_response_minutes_median,")
    strategy = load_strategy(write(tmp_path, text))
    ids = [o.id for o in strategy.objectives]
    assert ids == [*preset_ids, "our_own"]  # replaced in place, added at the end
    mine = strategy.objectives[1]
    assert mine.title == "Engage" and mine.indicators[0].indicator == "engagement_rate_by_reach"
    assert strategy.objectives_from_preset == frozenset(preset_ids) - {replaced}
    # channel defaults to all
    assert strategy.objectives[-1].indicators[0].channel == "all"


def test_use_preset_false_keeps_only_the_file_objectives(tmp_path, catalog):
    strategy = load_strategy(write(tmp_path, BASE), catalog)
    assert [o.id for o in strategy.objectives] == ["engage"]
    assert strategy.preset_path is None


def test_table_rows_hold_what_the_file_says(tmp_path, catalog):
    rows = load_strategy(write(tmp_path, BASE), catalog).table_rows()
    assert rows["indicator_targets"] == [
        ("engage", "Engage", "marketing", "rate", "month", "all", 0.06, 0.06, 0.045, "higher_is_better"),
        ("engage", "Engage", "marketing", "minutes", "week", "facebook", 60.0, 60.0, 120.0, "lower_is_better"),
    ]
    assert rows["channels"] == [("facebook",), ("zendesk",)]
    assert rows["response_slas"] == [("facebook", 120.0, None), ("zendesk", 480.0, 2880.0)]
    assert rows["listening_keywords"] == [("Test", "brand", "test"), ("Test", "brand", "@test"),
                                          ("Rival", "competitor", "rival")]
    assert rows["business_hours"] == [(d, time(9), time(18), "Europe/Paris") for d in range(1, 6)]
    assert rows["holidays"] == [(date(2026, 5, 1),)]
    assert rows["organisation"] == [("Test", "luxury_brand", "Europe/Paris", "fr")]
    assert set(rows) == set(STRATEGY_TABLES)


@pytest.mark.parametrize(("text", "minutes"), [("2h", 120), ("30min", 30), ("1d", 1440), ("1h30min", 90),
                                               ("1.5h", 90)])
def test_durations(text, minutes):
    assert parse_duration(text) == minutes
    assert parse_duration(format_duration(minutes)) == minutes


@pytest.mark.parametrize(("minutes", "text"), [(120, "2h"), (30, "30min"), (2880, "2d"), (90, "1h30min"),
                                               (1530, "1d1h30min")])
def test_durations_printed_back(minutes, text):
    assert format_duration(minutes) == text


def test_the_reportable_channels_are_the_seed_in_display_order():
    assert load_reportable_channels() == ["facebook", "x", "instagram", "youtube", "linkedin", "mastodon", "blog",
                                          "zendesk"]


# --- every mistake, with its line ----------------------------------------------------------------------------------

CASES = {
    "unknown indicator": (25, "      - {indicator: rat, grain: month, channel: all, target: 0.06, green: 0.06, amber: 0.045}",
                          "unknown indicator 'rat' (did you mean rate?)"),
    "threshold order, higher is better": (
        25, "      - {indicator: rate, grain: month, channel: all, target: 0.06, green: 0.04, amber: 0.045}",
        "rate is higher_is_better, so green (0.04) must be above amber (0.045)"),
    "threshold order, lower is better": (
        26, "      - {indicator: minutes, grain: week, channel: facebook, target: 60, green: 120, amber: 60}",
        "minutes is lower_is_better, so green (120) must be below amber (60)"),
    "equal thresholds": (
        26, "      - {indicator: minutes, grain: week, channel: facebook, target: 60, green: 60, amber: 60}",
        "thresholds in the wrong order"),
    "missing target": (26, "      - {indicator: minutes, grain: week, channel: facebook, green: 60, amber: 120}",
                       "objectives[0].indicators[1]: missing 'target'"),
    "unknown job": (22, "    job: sales", "objectives[0].job: 'sales' is not one of marketing, public_relations"),
    "unknown channel": (26, "      - {indicator: minutes, grain: week, channel: instagram, target: 60, green: 60, amber: 120}",
                        "unknown channel 'instagram': declare it under channels"),
    "a channel Animateur cannot report on": (
        13, "  tiktok: {response_sla: 2h}",
        ("channels.tiktok: unknown channel 'tiktok': Animateur reports on facebook, x, instagram, youtube, "
         "linkedin, mastodon, blog, zendesk")),
    "a misspelt channel": (13, "  instagramm: {}", "unknown channel 'instagramm' (did you mean instagram?)"),
    "unknown field": (3, "  field: luxury", ("organisation.field: 'luxury' is not one of cause, media, work, "
                                            "luxury_brand, group (did you mean luxury_brand?)")),
    "bad grain": (25, "      - {indicator: rate, grain: daily, channel: all, target: 0.06, green: 0.06, amber: 0.045}",
                  "'daily' is not one of week, month, quarter"),
    "bad time": (9, '  opens: "9h"', "business_hours.opens: '9h' is not a time"),
    "unquoted time read as a number": (9, "  opens: 9:00", 'write the time in quotes'),
    "closes before it opens": (10, '  closes: "08:00"', "closes at 08:00, not after it opens (09:00)"),
    "bad timezone": (4, "  timezone: Europe/Pariss", "unknown timezone 'Europe/Pariss' (did you mean Europe/Paris?)"),
    "bad day": (8, "  days: [mon, tue, wed, thu, fri, fun]", "business_hours.days[5]: 'fun' is not one of"),
    "bad holiday": (11, "  holidays: [2026-13-01]", "'2026-13-01' is not a date"),
    "SLA not a duration": (13, "  facebook: {response_sla: 2 hours}", "'2 hours' is not a duration"),
    "SLA a bare number": (13, "  facebook: {response_sla: 120}", "120 is not a duration"),
    "resolution SLA alone": (13, "  facebook: {resolution_sla: 1d}", "a resolution SLA needs a response_sla too"),
    "typo in a key": (25, "      - {indicator: rate, grain: month, channel: all, tagret: 0.06, green: 0.06, amber: 0.045}",
                      "unknown key 'tagret' (did you mean 'target'?)"),
    "typo in a section": (18, "competitor:", "unknown key 'competitor' (did you mean 'competitors'?)"),
    "typo in organisation": (5, "  default_langage: fr", ("organisation: unknown key 'default_langage' "
                                                        "(did you mean 'default_language'?)")),
    "a keyword naming two entities": (19, "  - {name: Rival, keywords: [rival, Test]}",
                                      "keyword 'Test' already names Test (line 17)"),
    "not a number": (25, "      - {indicator: rate, grain: month, channel: all, target: high, green: 0.06, amber: 0.045}",
                     "'high' is not a number"),
    "bad objective id": (21, "  - id: Engage The Community", "must be lower-case letters, digits and underscores"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_mistake_names_its_line(tmp_path, catalog, case):
    line, replacement, expected = CASES[case]
    path = write(tmp_path, with_line(line, replacement))
    found = mistakes(path, catalog)
    assert any(m.startswith(f"{path}:{line}: ") and expected in m for m in found), found


def test_duplicate_objective_id(tmp_path, catalog):
    text = BASE + """\
  - id: engage
    job: customer_service
    title: Again
    indicators:
      - {indicator: minutes, grain: month, target: 60, green: 60, amber: 120}
"""
    path = write(tmp_path, text)
    assert mistakes(path, catalog) == [(f"{path}:27: objectives[1].id: duplicate objective id 'engage' "
                                       "(first at line 21)")]


def test_the_same_target_twice_in_an_objective(tmp_path, catalog):
    text = BASE + "      - {indicator: rate, grain: month, target: 0.05, green: 0.05, amber: 0.04}\n"
    path = write(tmp_path, text)
    found = mistakes(path, catalog)
    assert len(found) == 1 and found[0].startswith(f"{path}:27: ") and "appears twice" in found[0], found


def test_duplicate_yaml_key(tmp_path, catalog):
    lines = BASE.splitlines()
    lines.insert(2, "  name: Again")
    path = write(tmp_path, "\n".join(lines) + "\n")
    assert mistakes(path, catalog) == [f"{path}:3: organisation: duplicate key 'name' (first at line 2)"]


def test_invalid_yaml_names_its_line(tmp_path, catalog):
    path = write(tmp_path, with_line(17, "  keywords: [test, @test"))
    found = mistakes(path, catalog)
    assert len(found) == 1 and found[0].startswith(f"{path}:17: not valid YAML"), found


def test_every_mistake_is_reported_at_once_in_line_order(tmp_path, catalog):
    text = with_line(3, "  field: luxury")
    text = text.replace("target: 60, green: 60", "green: 60").replace("rate, grain: month", "rat, grain: month")
    path = write(tmp_path, text)
    found = mistakes(path, catalog)
    assert [m.split(":")[1] for m in found] == ["3", "25", "26"], found


def test_an_unknown_indicator_in_the_real_catalog(tmp_path):
    text = BASE.replace("indicator: minutes,", "indicator: first_response_minutes_median,").replace(
        "indicator: rate,", "indicator: engagement_rate_by_rech,")
    path = write(tmp_path, text)
    found = mistakes(path, None)
    assert found == [(f"{path}:25: objectives[0].indicators[0].indicator: unknown indicator "
                     "'engagement_rate_by_rech' (did you mean engagement_rate_by_reach?): not in the indicator catalog")]


def test_a_missing_file(tmp_path, catalog):
    assert mistakes(tmp_path / "nope.yml", catalog) == [f"{tmp_path / 'nope.yml'}:1: no such file"]


# --- the Dagster asset -------------------------------------------------------------------------------------------

def materialize(tmp_path: Path, strategy: Path, monkeypatch) -> dg.ExecuteInProcessResult:
    monkeypatch.setenv("ANIMATEUR_STRATEGY", str(strategy))
    return dg.materialize([strategy_tables], resources={"warehouse": Warehouse(path=str(tmp_path / "w.duckdb"))},
                          raise_on_error=False)


def test_the_asset_writes_the_tables_the_file_says(tmp_path, monkeypatch):
    result = materialize(tmp_path, DEMO_STRATEGY, monkeypatch)
    assert result.success
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == {f"strategy/{table}" for table in STRATEGY_TABLES}
    expected = load_strategy(DEMO_STRATEGY).table_rows()
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        for table, columns in STRATEGY_TABLES.items():
            described = con.execute(f"describe strategy.{table}").fetchall()
            assert [(c[0], c[1].lower()) for c in described] == [(n, t) for n, t in columns.items()], table
            rows = con.execute(f"select * from strategy.{table}").fetchall()
            assert sorted(rows, key=repr) == sorted(expected[table], key=repr), table
        assert con.execute(
            "select target, green_threshold, amber_threshold, direction from strategy.indicator_targets "
            "where objective_id = 'exemplary_contents' and indicator_id = 'engagement_rate_by_reach'"
        ).fetchall() == [(0.037, 0.037, 0.033, "higher_is_better")]
        # a preset objective the demo file keeps as it is
        assert con.execute("select count(*) from strategy.indicator_targets "
                           "where objective_id = 'reactive_answers'").fetchone()[0] > 0
        assert con.execute("select * from strategy.response_slas where channel_id = 'zendesk'").fetchall() == [
            ("zendesk", 480.0, 2880.0)]
        assert con.execute("select name, field from strategy.organisation").fetchall() == [
            ("Maison Lumière", "luxury_brand")]


def test_a_wrong_file_fails_the_asset_with_its_lines_and_keeps_the_previous_tables(tmp_path, monkeypatch):
    assert materialize(tmp_path, DEMO_STRATEGY, monkeypatch).success
    wrong = write(tmp_path, DEMO_STRATEGY.read_text(encoding="utf-8").replace("field: luxury_brand", "field: luxury"),
                  "wrong.yml")
    line = next(i for i, text in enumerate(wrong.read_text(encoding="utf-8").splitlines(), 1) if "field:" in text)
    result = materialize(tmp_path, wrong, monkeypatch)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert f"{wrong}:{line}: organisation.field: 'luxury'" in failure.step_failure_data.error.message
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select field from strategy.organisation").fetchall() == [("luxury_brand",)]


# --- the command line --------------------------------------------------------------------------------------------

def test_cli_check_a_good_file_prints_ok_and_a_summary(capsys):
    assert cli_main(["strategy", "check", str(DEMO_STRATEGY)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"OK {DEMO_STRATEGY}")
    assert "organisation: Maison Lumière (luxury_brand, Europe/Paris)" in out
    assert ("channels: facebook (response 2h), x (response 1h), instagram (response 4h), blog, "
            "zendesk (response 8h, resolution 2d)") in out


def test_cli_check_a_wrong_file_exits_1_with_the_line(tmp_path):
    path = write(tmp_path, BASE.replace("use_preset: false", "use_preset: false\nbusiness_hour: {}"))
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "strategy", "check", str(path)],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1
    assert f"{path}:7: unknown key 'business_hour' (did you mean 'business_hours'?)" in result.stderr
    assert result.stdout == ""


def test_cli_init_prints_a_valid_starting_file(tmp_path, capsys):
    assert cli_main(["strategy", "init", "--field", "media"]) == 0
    path = write(tmp_path, capsys.readouterr().out)
    assert cli_main(["strategy", "check", str(path)]) == 0


def test_default_strategy_path(tmp_path, monkeypatch):
    from pipelines import settings

    monkeypatch.delenv("ANIMATEUR_STRATEGY", raising=False)
    monkeypatch.setenv("ANIMATEUR_DATA_DIR", str(tmp_path))
    assert settings.strategy_path() == DEMO_STRATEGY
    (tmp_path / "strategy.yml").write_text(BASE)
    assert settings.strategy_path() == tmp_path / "strategy.yml"
    monkeypatch.setenv("ANIMATEUR_STRATEGY", str(tmp_path / "other.yml"))
    assert settings.strategy_path() == tmp_path / "other.yml"


# --- kpi_attainment's dbt unit test -------------------------------------------------------------------------------

def test_kpi_attainment_dbt_unit_test(tmp_path):
    """The dbt unit test (hand-computed rows: green/amber/red for both directions, no_data, a target of 0) against
    a scratch warehouse holding only kpi_attainment's two parents, empty (dbt reads their column types)."""
    warehouse = tmp_path / "unit.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema staging; create schema marts")
        targets = STRATEGY_TABLES["indicator_targets"]
        con.execute("create table staging.stg_strategy__indicator_targets ("
                    + ", ".join(f"{name} {sql_type}" for name, sql_type in targets.items()) + ")")
        con.execute("create table marts.kpi_values (indicator_id varchar, grain varchar, period_start date, "
                    "period_end date, channel_id varchar, numerator double, denominator double, value double)")
    env = {**os.environ, "ANIMATEUR_WAREHOUSE": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "test", "--select", "kpi_attainment,test_type:unit",
         "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "PASS=1 " in result.stdout
