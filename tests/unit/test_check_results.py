"""check_results: the latest result of every asset check, read from a real (ephemeral) Dagster instance, and
published with the marts (pipelines/lib/check_results.py, pipelines/lib/publish.py)."""

from __future__ import annotations

import dagster as dg
import duckdb

from pipelines.lib.check_results import (
    CHECK_RESULT_COLUMNS,
    check_results_of_asset_graph,
    latest_check_results,
)
from pipelines.lib.publish import publish

OUTCOME = {"rows_ok": True}


@dg.asset
def orders() -> None:
    return None


@dg.asset_check(asset=orders, description="every order has a customer")
def orders_have_customers() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=OUTCOME["rows_ok"], metadata={"failing_rows": 0 if OUTCOME["rows_ok"] else 3})


@dg.asset_check(asset=orders)
def orders_are_recent() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN, description="2 days behind")


@dg.asset_check(asset=orders, description="never selected")
def orders_never_run() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


DEFS = dg.Definitions(assets=[orders], asset_checks=[orders_have_customers, orders_are_recent, orders_never_run])


def _run(instance: dg.DagsterInstance, *checks) -> None:
    result = dg.materialize([orders, *checks], instance=instance)
    assert result.success


def test_latest_result_of_each_check_with_its_status():
    instance = dg.DagsterInstance.ephemeral()
    OUTCOME["rows_ok"] = True
    _run(instance, orders_have_customers, orders_are_recent)
    OUTCOME["rows_ok"] = False  # the latest execution wins
    _run(instance, orders_have_customers, orders_are_recent)

    frame = check_results_of_asset_graph(instance, DEFS.get_repository_def().asset_graph)
    assert tuple(frame.columns) == CHECK_RESULT_COLUMNS
    rows = {r["check_name"]: r for r in frame.to_dict("records")}
    assert set(rows) == {"orders_have_customers", "orders_are_recent", "orders_never_run"}

    failed = rows["orders_have_customers"]
    assert (failed["status"], failed["passed"], failed["severity"]) == ("failed", False, "ERROR")
    assert failed["asset_key"] == "orders" and failed["description"] == "every order has a customer"
    assert '"failing_rows": 3' in failed["metadata"] and failed["evaluated_at"] is not None
    warned = rows["orders_are_recent"]
    assert (warned["status"], warned["passed"], warned["severity"], warned["description"]) == \
        ("warned", False, "WARN", "2 days behind")
    never = rows["orders_never_run"]
    assert (never["status"], never["description"]) == ("not_run", "never selected")
    assert never["passed"] is None or str(never["passed"]) == "<NA>"


def test_no_check_gives_an_empty_table_with_the_columns():
    frame = latest_check_results(dg.DagsterInstance.ephemeral(), [])
    assert frame.empty and tuple(frame.columns) == CHECK_RESULT_COLUMNS


def test_check_results_are_published_with_the_marts(tmp_path, monkeypatch):
    import pipelines.lib.publish as publish_module

    instance = dg.DagsterInstance.ephemeral()
    OUTCOME["rows_ok"] = True
    _run(instance, orders_have_customers)
    checks = check_results_of_asset_graph(instance, DEFS.get_repository_def().asset_graph)

    monkeypatch.setattr(publish_module, "PUBLISHED_TABLES", {"dim_dates": "marts.dim_dates"})
    monkeypatch.setattr(publish_module, "PUBLISHED_SEEDS", {})
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create table marts.dim_dates as select date '2026-06-28' as date_day")
    target = tmp_path / "published.duckdb"
    counts = publish(con, target, extra_tables={"check_results": checks})
    assert counts["check_results"] == 3

    published = duckdb.connect(str(target), read_only=True)
    status = dict(published.execute("select check_name, status from check_results").fetchall())
    assert status == {"orders_have_customers": "passed", "orders_are_recent": "not_run", "orders_never_run": "not_run"}
    types = dict(published.execute("select column_name, data_type from information_schema.columns "
                                   "where table_name = 'check_results'").fetchall())
    assert types["passed"] == "BOOLEAN" and types["evaluated_at"].startswith("TIMESTAMP")
    assert types["severity"] == types["partition"] == types["metadata"] == "VARCHAR"
