"""Text retention: message texts older than strategy.yml's ``privacy.text_retention_days`` are removed."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from pipelines import settings
from pipelines.defs.ingestion.registry import ALL_FEEDS
from pipelines.defs.resources import WAREHOUSE_POOL, Warehouse
from pipelines.defs.transformation.dbt_models import dbt_models
from pipelines.lib.erasure import rewrite_database_file
from pipelines.lib.strategy import load_strategy
from pipelines.lib.text_retention import raw_layouts, remove_old_texts


class TextRetentionConfig(dg.Config):
    """``cutoff`` (YYYY-MM-DD): remove the texts published before that day, whatever strategy.yml says (a one-off
    purge, or a test on the demo's own dates). Empty: today minus privacy.text_retention_days."""

    cutoff: str = ""


@dg.asset(
    key=["privacy", "text_retention"],
    group_name="privacy",
    # after scoring and matching: what a removed text named and how it scored stays in those incremental models
    deps=[get_asset_key_for_model([dbt_models], "int_public_texts_scored"),
          get_asset_key_for_model([dbt_models], "int_public_texts_matched"),
          get_asset_key_for_model([dbt_models], "fct_mentions")],
    pool=WAREHOUSE_POOL,
    kinds={"duckdb"},
    description="Nulls the message texts published more than privacy.text_retention_days ago (strategy.yml) in "
                "the typed tables, their raw pages and fct_mentions; scores, matches and aggregates stay.",
)
def text_retention(context: dg.AssetExecutionContext, config: TextRetentionConfig,
                   warehouse: Warehouse) -> dg.MaterializeResult:
    days = load_strategy(settings.strategy_path()).privacy.text_retention_days
    if config.cutoff:
        cutoff = datetime.combine(date.fromisoformat(config.cutoff), datetime.min.time(), tzinfo=UTC)
    elif days is None:
        context.log.info("privacy.text_retention_days is null: every text is kept")
        return dg.MaterializeResult(metadata={"retention_days": None, "texts_removed": 0})
    else:
        cutoff = datetime.now(UTC) - timedelta(days=days)
    with warehouse.connect() as con:
        counts = remove_old_texts(con, cutoff, raw_layouts(ALL_FEEDS))
    if any(counts.values()):
        # freed blocks of the file still hold the removed texts: copy the live content into a new file
        rewrite_database_file(Path(warehouse.path))
    context.log.info(f"removed texts published before {cutoff:%Y-%m-%d}: {counts}")
    return dg.MaterializeResult(
        metadata={
            "retention_days": days,
            "cutoff": cutoff.isoformat(),
            "texts_removed": sum(v for k, v in counts.items() if ":" not in k and k != "marts.fct_mentions"),
            **{f"removed_{k.replace(':', '_').replace('.', '_')}": v for k, v in counts.items()},
        }
    )
