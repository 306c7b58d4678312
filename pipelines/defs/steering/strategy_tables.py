"""The community strategy (``strategy.yml``) as warehouse tables: schema ``strategy``, dbt source ``strategy``.

The file is validated on every materialization; a wrong file fails the asset with every mistake as
``<file>:<line>: <what is wrong>``, and the tables of the previous strategy stay as they were."""

import dagster as dg

from pipelines import settings
from pipelines.defs.resources import WAREHOUSE_POOL, Warehouse
from pipelines.lib.strategy import STRATEGY_TABLES, StrategyError, load_strategy, write_tables

TABLE_DESCRIPTIONS = {
    "indicator_targets": "One row per objective and indicator target of strategy.yml (preset objectives "
                         "included): grain, channel, target, green and amber thresholds, direction.",
    "channels": "The channels the strategy declares (strategy.yml channels:), one row each: the channels "
                "dim_channels and kpi_values report on.",
    "response_slas": "First response and resolution SLAs per channel, in minutes.",
    "listening_keywords": "The brand's and the competitors' keywords that listening matches.",
    "business_hours": "Opening hours per ISO weekday, in the organisation's time zone.",
    "holidays": "Days the team is closed.",
    "organisation": "The organisation: name, field (its preset), time zone, default language.",
    "team": "The team's people (strategy.yml team:): one row per account (channel, id or lowercased handle) "
            "and e-mail; their accounts are teammates, kept out of community metrics.",
    "announcement_channels": "The internal chat channels whose top-level messages are announcements "
                             "(strategy.yml internal.announcement_channels): a channel name or id.",
}
assert set(TABLE_DESCRIPTIONS) == set(STRATEGY_TABLES)


@dg.multi_asset(
    name="strategy_tables",
    specs=[
        dg.AssetSpec(
            key=["strategy", table],
            group_name="steering",
            kinds={"duckdb", "yaml"},
            description=TABLE_DESCRIPTIONS[table],
            metadata={"dagster/column_schema": dg.TableSchema(
                columns=[dg.TableColumn(name, sql_type) for name, sql_type in columns.items()])},
        )
        for table, columns in STRATEGY_TABLES.items()
    ],
    pool=WAREHOUSE_POOL,
    description="Validates strategy.yml (ANIMATEUR_STRATEGY) and rewrites the strategy tables in one transaction.",
)
def strategy_tables(context: dg.AssetExecutionContext, warehouse: Warehouse):
    path = settings.strategy_path()
    try:
        strategy = load_strategy(path)
    except StrategyError as exc:
        raise dg.Failure(
            description=f"{path} is not a valid strategy ({len(exc.issues)} mistake(s)):\n{exc}",
            metadata={"strategy_file": str(path), "mistakes": dg.MetadataValue.md(
                "\n".join(f"- `{issue}`" for issue in exc.issues))},
        ) from None
    context.log.info(f"{path}:\n{strategy.summary()}")
    with warehouse.connect() as con:
        counts = write_tables(con, strategy)
    for table, count in counts.items():
        yield dg.MaterializeResult(
            asset_key=["strategy", table],
            metadata={"strategy_file": str(path), "dagster/row_count": count},
        )
