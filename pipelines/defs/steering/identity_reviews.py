"""The reviewed identity decisions (merge / unmerge CSV, ``settings.identity_reviews_path()``) as the warehouse
table ``strategy.identity_reviews`` (dbt source ``strategy``), read by ``int_member_identities_resolved``."""

import dagster as dg

from pipelines import settings
from pipelines.defs.resources import WAREHOUSE_POOL, Warehouse
from pipelines.lib.identity_reviews import TABLE_COLUMNS, IdentityReviewsError, load_reviews, write_reviews


@dg.asset(
    key=["strategy", "identity_reviews"],
    group_name="steering",
    kinds={"duckdb", "csv"},
    pool=WAREHOUSE_POOL,
    description="Validates the reviewed identity decisions (ANIMATEUR_IDENTITY_REVIEWS) and rewrites "
                "strategy.identity_reviews: a merge joins two accounts' members, an unmerge cuts the rule links "
                "between two accounts.",
    metadata={"dagster/column_schema": dg.TableSchema(
        columns=[dg.TableColumn(name, sql_type) for name, sql_type in TABLE_COLUMNS.items()])},
)
def identity_reviews(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    path = settings.identity_reviews_path()
    try:
        reviews = load_reviews(path)
    except IdentityReviewsError as exc:
        raise dg.Failure(description=f"{path} is not a valid identity review file:\n{exc}") from None
    with warehouse.connect() as con:
        count = write_reviews(con, reviews)
    context.log.info(f"{path}: {count} reviewed decision(s)")
    return dg.MaterializeResult(metadata={"reviews_file": str(path), "dagster/row_count": count})
