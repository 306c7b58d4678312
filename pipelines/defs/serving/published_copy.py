"""The last asset: the dashboards' read-only copy of the marts."""

from pathlib import Path

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from pipelines import settings
from pipelines.defs.resources import WAREHOUSE_POOL, Warehouse
from pipelines.defs.transformation.dbt_models import dbt_models
from pipelines.lib.publish import PUBLISHED_TABLES, publish

PUBLISHED_MARTS = [
    get_asset_key_for_model([dbt_models], relation.split(".")[-1])
    for relation in PUBLISHED_TABLES.values()
    if relation.startswith("marts.")
]


@dg.asset(
    key=["serving", "published_warehouse"],
    group_name="serving",
    deps=[*PUBLISHED_MARTS, dg.AssetKey(["quality", "load_summary"])],
    pool=WAREHOUSE_POOL,
    kinds={"duckdb"},
    description="Read-only DuckDB copy of the marts that Streamlit reads (replaced atomically).",
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    target = Path(settings.published_path())
    with warehouse.connect() as con:
        counts = publish(con, target)
    context.log.info(f"published {sum(counts.values())} rows to {target}")
    return dg.MaterializeResult(
        metadata={"path": dg.MetadataValue.path(str(target)), **{f"rows_{k}": v for k, v in counts.items()}}
    )
