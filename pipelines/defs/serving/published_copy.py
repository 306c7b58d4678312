"""The last asset: the dashboards' read-only copy of the marts."""

from pathlib import Path

import dagster as dg
from dagster._check import CheckError
from dagster_dbt import get_asset_key_for_model

from pipelines import settings
from pipelines.defs.resources import WAREHOUSE_POOL, Warehouse
from pipelines.defs.transformation.dbt_models import dbt_models
from pipelines.lib.check_results import check_results_of_asset_graph
from pipelines.lib.publish import PUBLISHED_TABLES, publish

PUBLISHED_MARTS = [
    get_asset_key_for_model([dbt_models], relation.split(".")[-1])
    for relation in PUBLISHED_TABLES.values()
    if relation.startswith("marts.")
]


def _asset_graph(context: dg.AssetExecutionContext):
    """The code location's asset graph; a job run in process (`animateur build`) has no repository, and its job
    (refresh_warehouse: every asset and check) carries the same checks."""
    try:
        return context.repository_def.asset_graph
    except CheckError:
        return context.job_def.asset_layer.asset_graph


@dg.asset(
    key=["serving", "published_warehouse"],
    group_name="serving",
    deps=[*PUBLISHED_MARTS, dg.AssetKey(["quality", "load_summary"])],
    pool=WAREHOUSE_POOL,
    kinds={"duckdb"},
    description="Read-only DuckDB copy of the marts that Streamlit reads (replaced atomically), with the latest "
    "result of every asset check (check_results).",
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    target = Path(settings.published_path())
    # the latest result of every asset check (dbt tests, GX suites, ingestion checks): the Data health page
    checks = check_results_of_asset_graph(context.instance, _asset_graph(context))
    with warehouse.connect() as con:
        counts = publish(con, target, extra_tables={"check_results": checks})
    context.log.info(f"published {sum(counts.values())} rows to {target}")
    return dg.MaterializeResult(
        metadata={"path": dg.MetadataValue.path(str(target)), **{f"rows_{k}": v for k, v in counts.items()}}
    )
