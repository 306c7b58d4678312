"""Jobs and schedules."""

from datetime import timedelta

import dagster as dg

# Files re-delivered for recent days (late comments, updated counters) are re-parsed on each run.
LOOKBACK_DAYS = 14

refresh_warehouse = dg.define_asset_job(
    "refresh_warehouse",
    selection=dg.AssetSelection.all() | dg.AssetSelection.all_asset_checks(),
    description="Ingest a range of days, rebuild the dbt models and their checks, and publish the copy.",
)


def partition_range_tags(first_day: str, last_day: str) -> dict[str, str]:
    """Run tags that make every partitioned asset process the range in a single run."""
    return {"dagster/asset_partition_range_start": first_day, "dagster/asset_partition_range_end": last_day}


@dg.schedule(job=refresh_warehouse, cron_schedule="0 6 * * 1", execution_timezone="UTC")
def weekly_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Every Monday 06:00 UTC, before the weekly report is read: the last full week plus a lookback."""
    last_day = (context.scheduled_execution_time - timedelta(days=1)).date()
    first_day = last_day - timedelta(days=LOOKBACK_DAYS - 1)
    return dg.RunRequest(
        run_key=f"weekly-{last_day.isoformat()}",
        tags=partition_range_tags(first_day.isoformat(), last_day.isoformat()),
    )
