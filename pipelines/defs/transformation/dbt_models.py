"""dbt models as Dagster assets; dbt data tests become asset checks, dbt unit tests run in the same build."""

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from pipelines.defs.resources import WAREHOUSE_POOL, Warehouse
from pipelines.defs.transformation.project import dbt_project, ensure_manifest

# restricted (the pseudonym mapping) builds with the marts that join it
LAYER_GROUPS = {"staging": "staging", "intermediate": "staging", "marts": "marts", "restricted": "marts"}


class LayeredTranslator(DagsterDbtTranslator):
    """Groups models by their layer folder (models/<layer>/...); seeds feed the marts."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "marts"
        fqn = dbt_resource_props.get("fqn", [])
        return LAYER_GROUPS.get(fqn[1], fqn[1]) if len(fqn) > 2 else None


@dbt_assets(
    manifest=ensure_manifest(),
    project=dbt_project,
    dagster_dbt_translator=LayeredTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
    pool=WAREHOUSE_POOL,
    name="dbt_models",
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
    # The dbt profile reads ANIMATEUR_WAREHOUSE: make dbt write exactly where the Warehouse resource points.
    os.environ["ANIMATEUR_WAREHOUSE"] = warehouse.path
    yield from dbt.cli(["build"], context=context).stream()
