"""The code location: what the Dagster UI shows, and that it loads cleanly."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import dagster as dg

from pipelines.definitions import defs
from pipelines.defs.automation import LOOKBACK_DAYS, weekly_refresh
from pipelines.defs.ingestion.factory import RAW_RECONCILES_CHECK
from pipelines.defs.quality.kpi_expectations import KPI_WEEKLY_EXPECTATIONS_CHECK
from pipelines.settings import REPO_ROOT

DEFS = defs()
GRAPH = DEFS.resolve_asset_graph()


def group_of(key: list[str]) -> str:
    return GRAPH.get(dg.AssetKey(key)).group_name


def test_assets_are_grouped_by_layer():
    groups = {GRAPH.get(key).group_name for key in GRAPH.get_all_asset_keys() if GRAPH.get(key).is_materializable}
    assert groups == {"ingestion", "steering", "staging", "marts", "quality", "serving", "privacy", "reporting"}
    assert group_of(["privacy", "text_retention"]) == "privacy"
    assert group_of(["facebook", "posts"]) == "ingestion"
    assert group_of(["staging", "stg_facebook__posts"]) == "staging"
    assert group_of(["marts", "kpi_weekly"]) == "marts"
    assert group_of(["quality", "load_summary"]) == "quality"
    assert group_of(["serving", "published_warehouse"]) == "serving"


def test_ingestion_keys_are_the_dbt_sources_so_lineage_joins():
    staging = GRAPH.get(dg.AssetKey(["staging", "stg_facebook__posts"]))
    assert dg.AssetKey(["facebook", "posts"]) in staging.parent_keys
    for key in GRAPH.get_all_asset_keys():
        node = GRAPH.get(key)
        assert node.is_materializable, f"{key} is not produced by any asset (unwired dbt source?)"


def test_checks_dbt_tests_great_expectations_and_reconciliation():
    check_keys = {(k.asset_key.to_user_string(), k.name) for k in GRAPH.asset_check_keys}
    assert ("marts/kpi_weekly", KPI_WEEKLY_EXPECTATIONS_CHECK) in check_keys
    assert ("facebook/posts", RAW_RECONCILES_CHECK) in check_keys
    dbt_checks = {name for asset, name in check_keys if asset == "marts/kpi_weekly"} - {KPI_WEEKLY_EXPECTATIONS_CHECK}
    assert dbt_checks, "dbt data tests on kpi_weekly should show as asset checks"
    assert any(name.startswith("relationships") for asset, name in check_keys if asset == "marts/fct_conversations")


def test_weekly_schedule_covers_the_last_full_week_with_a_lookback():
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 6, 29, 6, tzinfo=UTC))
    request = weekly_refresh(context)
    assert request.tags["dagster/asset_partition_range_end"] == "2026-06-28"
    start = datetime.fromisoformat(request.tags["dagster/asset_partition_range_start"]).date()
    assert (datetime(2026, 6, 28).date() - start).days == LOOKBACK_DAYS - 1
    assert DEFS.resolve_schedule_def("weekly_refresh").cron_schedule == "0 6 * * 1"


def test_code_location_loads_without_warnings():
    result = subprocess.run(
        [sys.executable, "-m", "dagster", "definitions", "validate", "-w", "data/dagster/workspace.yaml"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Validation successful for code location animateur" in output
    # The validate command warns about itself (superseded by `dg check defs`); nothing else may warn.
    offending = [line for line in output.splitlines()
                 if ("warning" in line.lower() or "missing resource" in line.lower())
                 and "SupersessionWarning: Function `definitions_validate_command`" not in line]
    assert offending == [], offending
