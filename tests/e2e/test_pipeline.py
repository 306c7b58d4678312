"""End to end: the whole pipeline materialized for real (Dagster run, DuckDB, dbt build with its tests, the GX
check, publication) on demo data generated with a fixed seed, checked against values this test computes itself
from the generated files (tests/e2e/expected_kpis.py reads the JSON/XML with the standard library)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

import duckdb
import pytest

from tests.conftest import DEMO_END, fail_with_output
from tests.e2e.expected_kpis import expected_kpi_weekly

pytestmark = pytest.mark.e2e

CHANNELS = ["facebook", "x", "blog", "zendesk", "all"]
KPI_COLUMNS = [
    "contents_published", "interactions", "reach", "engagement_rate_by_reach", "conversations",
    "conversations_answered", "response_rate", "median_first_response_minutes",
]
LAST_WEEK = DEMO_END - timedelta(days=6)
CHECKED_WEEKS = [LAST_WEEK - timedelta(weeks=n) for n in range(4)]


def read_only(path):
    con = duckdb.connect(str(path), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    return con


@pytest.mark.parametrize("week_start", CHECKED_WEEKS, ids=str)
@pytest.mark.parametrize("channel_id", CHANNELS)
def test_kpi_weekly_equals_values_computed_from_the_generated_files(built_warehouse, week_start, channel_id):
    with read_only(built_warehouse.warehouse_path) as con:
        row = con.execute(
            f"select {', '.join(KPI_COLUMNS)} from marts.kpi_weekly where week_start = ? and channel_id = ?",
            [week_start, channel_id],
        ).fetchone()
    assert row is not None, f"no kpi_weekly row for {week_start} / {channel_id}"
    actual = dict(zip(KPI_COLUMNS, row, strict=True))
    expected = expected_kpi_weekly(built_warehouse.inbox, week_start, channel_id)
    for column in KPI_COLUMNS:
        if expected[column] is None:
            assert actual[column] is None, column
        else:
            assert actual[column] == pytest.approx(expected[column], rel=1e-9), column


def test_the_demo_week_has_activity_on_every_channel(built_warehouse):
    # Guards the test above against vacuous success on an empty week.
    for channel_id in ["facebook", "x", "blog"]:
        assert expected_kpi_weekly(built_warehouse.inbox, LAST_WEEK, channel_id)["contents_published"] > 0
    for channel_id in ["facebook", "x", "zendesk"]:
        expected = expected_kpi_weekly(built_warehouse.inbox, LAST_WEEK, channel_id)
        assert expected["conversations"] > expected["conversations_answered"] > 0
    assert expected_kpi_weekly(built_warehouse.inbox, LAST_WEEK, "all")["engagement_rate_by_reach"] > 0


def count_records(inbox, source, feed, array_key) -> int:
    """Records in the generated files, counted with the standard library."""
    total = 0
    for path in sorted((inbox / source / feed).glob("*")):
        if path.suffix == ".xml":
            total += len(ElementTree.parse(path).getroot().findall("./channel/item"))
        else:
            total += len(json.loads(path.read_text()).get(array_key, []))
    return total


@pytest.mark.parametrize(
    ("source", "feed", "table", "array_key"),
    [
        ("facebook", "posts", "posts", "data"),
        ("facebook", "comments", "comments", "data"),
        ("x", "tweets", "tweets", "data"),
        ("x", "mentions", "mentions", "data"),
        ("x", "search", "search", "data"),
        ("blog", "rss", "posts", None),
        ("zendesk", "tickets", "tickets", "tickets"),
        ("zendesk", "tickets", "ticket_metrics", "metric_sets"),
    ],
)
def test_raw_equals_loaded_plus_quarantined(built_warehouse, source, feed, table, array_key):
    records_in = count_records(built_warehouse.inbox, source, feed, array_key)
    with read_only(built_warehouse.warehouse_path) as con:
        loaded = con.execute(f"select count(*) from {source}.{table}").fetchone()[0]
        quarantined = con.execute(
            "select count(*) from raw.quarantine where source = ? and entity = ?", [source, table]
        ).fetchone()[0]
        logged = con.execute(
            "select sum(records_in), sum(records_loaded), sum(records_quarantined) from raw.loads "
            "where source = ? and entity = ?", [source, table],
        ).fetchone()
    assert records_in > 0
    assert records_in == loaded + quarantined
    assert logged == (records_in, loaded, quarantined)


@pytest.mark.parametrize(
    ("source", "table", "reason"),
    [
        ("facebook", "posts", 'invalid or missing created_time: "not-a-date"'),
        ("facebook", "comments", "invalid or missing from.id: absent"),
        ("x", "mentions", "invalid or missing id: absent"),
        ("zendesk", "tickets", "invalid or missing created_at: null"),
    ],
)
def test_malformed_demo_records_end_in_quarantine_with_their_reason(built_warehouse, source, table, reason):
    with read_only(built_warehouse.warehouse_path) as con:
        rows = con.execute(
            "select source_file, record_index, payload from raw.quarantine "
            "where source = ? and entity = ? and reason = ?", [source, table, reason],
        ).fetchall()
    assert rows, f"no quarantined {source}.{table} record with reason {reason!r}"
    for source_file, record_index, payload in rows:
        # The quarantine row points at the exact record of the exact file, and keeps it whole.
        page = json.loads(Path(source_file).read_text())
        records = page["data"] if "data" in page else page["tickets"]
        assert json.loads(payload) == records[record_index - 1]


def fingerprint(path) -> dict[str, tuple]:
    """Row count and an order-independent hash of every table's rows."""
    with read_only(path) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where not temporary order by all"
        ).fetchall()
        return {
            f"{schema}.{table}": con.execute(
                f'select count(*), sum(hash(t)) from "{schema}"."{table}" as t'
            ).fetchone()
            for schema, table in tables
        }


def test_rematerializing_the_same_partitions_leaves_every_table_unchanged(built_warehouse):
    before = fingerprint(built_warehouse.warehouse_path)
    published_before = fingerprint(built_warehouse.published_path)
    fail_with_output(built_warehouse.run_build(), "the second build")
    after = fingerprint(built_warehouse.warehouse_path)
    published_after = fingerprint(built_warehouse.published_path)
    assert before.keys() == after.keys()
    assert {k: v for k, v in after.items() if v != before[k]} == {}
    assert len(before) > 15 and all(count > 0 for count, _ in (before[t] for t in ("marts.kpi_weekly", "raw.pages")))
    published_before.pop("main.publication")  # records when it was published, by design
    published_after.pop("main.publication")
    assert published_before == published_after


def test_published_copy_holds_the_marts_the_dashboards_read(built_warehouse):
    with read_only(built_warehouse.published_path) as con:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        assert {"kpi_weekly", "dim_channels", "dim_dates", "fct_contents", "fct_conversations",
                "publication", "load_summary"} <= tables
        max_date = con.execute("select warehouse_max_date from publication").fetchone()[0]
    assert max_date == DEMO_END


def test_kpi_values_cover_the_catalog_and_equal_plain_sql_over_the_facts(built_warehouse):
    """kpi_values has every catalog indicator at every grain, and five indicators equal a computation written
    here in plain DuckDB SQL over the published facts (not through int_indicator_measures nor kpi_values)."""
    import csv

    catalog_path = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "indicator_catalog.csv"
    with catalog_path.open(newline="") as f:
        indicator_ids = {row["indicator_id"] for row in csv.DictReader(f)}
    week = LAST_WEEK
    periods = [  # (grain, first day, last day)
        ("week", week, week + timedelta(days=6)),
        ("week", week - timedelta(weeks=1), week - timedelta(days=1)),
        ("month", DEMO_END.replace(day=1), DEMO_END.replace(day=30)),  # June 2026
        ("quarter", DEMO_END.replace(month=4, day=1), DEMO_END.replace(day=30)),  # Q2 2026
    ]
    channel = "(? = 'all' or channel_id = ?)"
    plain_sql = {
        "contents_published": f"select count(*) from marts.fct_contents where published_date between ? and ? and {channel}",
        "interactions": f"select sum(interactions) from marts.fct_contents where published_date between ? and ? and {channel}",
        "response_rate": (
            "select count(*) filter (where has_response) / nullif(count(*), 0) from marts.fct_conversations "
            f"where started_date between ? and ? and {channel}"
        ),
        "first_response_minutes_median": (
            "select median(first_response_minutes) filter (where has_response) from marts.fct_conversations "
            f"where started_date between ? and ? and {channel}"
        ),
        "share_of_voice": (
            "select count(*) filter (where is_brand_mention) / nullif(count(*), 0) from marts.fct_mentions "
            f"where cast(timezone('UTC', mentioned_at) as date) between ? and ? and {channel}"
        ),
    }
    mismatches, checked = [], 0
    with read_only(built_warehouse.warehouse_path) as con:
        coverage = con.execute("select indicator_id, list(distinct grain) from marts.kpi_values group by all").fetchall()
        assert {i: sorted(g) for i, g in coverage} == {i: ["month", "quarter", "week"] for i in indicator_ids}
        channels = [r[0] for r in con.execute("select channel_id from marts.dim_channels order by sort_order").fetchall()]
        for grain, first_day, last_day in periods:
            for channel_id in [*channels, "all"]:
                for indicator_id, sql in plain_sql.items():
                    expected = con.execute(sql, [first_day, last_day, channel_id, channel_id]).fetchone()[0]
                    rows = con.execute(
                        "select period_end, value from marts.kpi_values "
                        "where indicator_id = ? and grain = ? and period_start = ? and channel_id = ?",
                        [indicator_id, grain, first_day, channel_id],
                    ).fetchall()
                    assert len(rows) == 1, (indicator_id, grain, first_day, channel_id, rows)
                    period_end, actual = rows[0]
                    assert period_end == last_day, (grain, first_day, period_end)
                    if expected is None:
                        ok = actual is None
                    else:
                        ok = actual is not None and actual == pytest.approx(float(expected), rel=1e-9)
                        checked += expected != 0
                    if not ok:
                        mismatches.append((indicator_id, grain, first_day, channel_id, expected, actual))
    assert mismatches == []
    assert checked >= 40, "too few non-empty values compared: the check would be vacuous"


def test_kpi_barometer_scores_every_principle_and_listening_equals_plain_sql_over_kpi_values(built_warehouse):
    """Every principle of the method has a score between 0 and 100 for the demo's last month that is over (May
    2026), and listening (one proxy: 100 x response_rate, weight 1) equals plain DuckDB SQL over kpi_values."""
    import csv

    method_path = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "barometer_method.csv"
    with method_path.open(newline="") as f:
        method = list(csv.DictReader(f))
    principles = {row["principle"] for row in method}
    assert len(principles) == 11
    month = (DEMO_END.replace(day=1) - timedelta(days=1)).replace(day=1)  # 2026-05-01
    with read_only(built_warehouse.warehouse_path) as con:
        scores = dict(con.execute(
            "select principle, score from marts.kpi_barometer "
            "where grain = 'month' and period_start = ? and channel_id = 'all'",
            [month],
        ).fetchall())
        expected_listening = con.execute(
            "select round(100 * value, 2) from marts.kpi_values "
            "where indicator_id = 'response_rate' and grain = 'month' and period_start = ? and channel_id = 'all'",
            [month],
        ).fetchone()[0]
        listening_row = con.execute(
            "select score, proxies_used, proxies_with_data, proxies_defined from marts.kpi_barometer "
            "where principle = 'listening' and grain = 'month' and period_start = ? and channel_id = 'all'",
            [month],
        ).fetchone()
    assert scores.keys() == principles
    assert {p: s for p, s in scores.items() if s is None or not 0 <= s <= 100} == {}
    assert [row["proxy_id"] for row in method if row["principle"] == "listening"] == ["response_rate"]
    assert 0 < expected_listening < 100
    assert listening_row == (pytest.approx(float(expected_listening), abs=1e-9), "response_rate", 1, 1)
