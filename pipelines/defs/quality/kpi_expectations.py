"""Great Expectations suite on the kpi_weekly mart, run as a blocking asset check: a failed expectation stops
the publication of the dashboards' copy, so executives never see impossible numbers.

GX's SQL datasource cannot validate DuckDB reliably, so the mart is read into a pandas frame first."""


import os

import dagster as dg
import pandas as pd
from dagster_dbt import get_asset_key_for_model

from pipelines.defs.resources import WAREHOUSE_POOL, Warehouse
from pipelines.defs.transformation.dbt_models import dbt_models
from pipelines.lib.strategy import load_reportable_channels

KPI_WEEKLY_EXPECTATIONS_CHECK = "kpi_weekly_expectations"
# every channel a strategy.yml can declare (the dbt seed channels.csv), not only the demo's
KPI_CHANNELS = [*load_reportable_channels(), "all"]


def build_kpi_weekly_suite():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name="kpi_weekly")
    for expectation in (
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["week_start", "channel_id"]),
        gxe.ExpectColumnValuesToNotBeNull(column="week_start"),
        gxe.ExpectColumnValuesToBeInSet(column="channel_id", value_set=KPI_CHANNELS),
        gxe.ExpectColumnValuesToBeBetween(column="contents_published", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="interactions", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="engagement_rate_by_reach", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="response_rate", min_value=0, max_value=1),
        gxe.ExpectColumnValuesToBeBetween(column="median_first_response_minutes", min_value=0),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="conversations", column_B="conversations_answered", or_equal=True, ignore_row_if="either_value_is_missing"
        ),
    ):
        suite.add_expectation(expectation)
    return suite


def validate_kpi_weekly(frame: pd.DataFrame):
    """Validate a kpi_weekly frame; returns GX's ExpectationSuiteValidationResult."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    batch_definition = (
        context.data_sources.add_pandas("warehouse")
        .add_dataframe_asset("kpi_weekly")
        .add_batch_definition_whole_dataframe("whole")
    )
    suite = context.suites.add(build_kpi_weekly_suite())
    return batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(suite)


@dg.asset_check(
    asset=get_asset_key_for_model([dbt_models], "kpi_weekly"),
    name=KPI_WEEKLY_EXPECTATIONS_CHECK,
    blocking=True,
    pool=WAREHOUSE_POOL,
    description="Great Expectations suite: keys unique, channels known, rates within bounds, answered <= total.",
)
def kpi_weekly_expectations(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        frame = con.execute("select * from marts.kpi_weekly").df()
    result = validate_kpi_weekly(frame)
    failed = [
        f"{r.expectation_config.type}({r.expectation_config.kwargs.get('column') or ''})"
        for r in result.results
        if not r.success
    ]
    return dg.AssetCheckResult(
        passed=bool(result.success),
        metadata={
            "expectations": len(result.results),
            "failed": dg.MetadataValue.json(failed),
            "rows_validated": len(frame),
        },
    )
