"""Jobs and schedules."""

from datetime import date, timedelta

import dagster as dg

from pipelines import settings
from pipelines.defs.partitions import DAILY_PARTITIONS
from pipelines.lib.inbox import inbox_files, newest_drop_mtime

# Files re-delivered for recent days (late comments, updated counters) are re-parsed on each run.
LOOKBACK_DAYS = 14

# Everything the daily-partitioned refresh builds: the report documents (group reporting, weekly/monthly/quarterly
# partitions) have their own jobs and schedules.
WAREHOUSE_ASSETS = dg.AssetSelection.all() - dg.AssetSelection.groups("reporting")

refresh_warehouse = dg.define_asset_job(
    "refresh_warehouse",
    selection=WAREHOUSE_ASSETS | dg.AssetSelection.all_asset_checks(),
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


@dg.sensor(job=refresh_warehouse, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def inbox_files_dropped(context: dg.SensorEvaluationContext):
    """Files dropped into the inbox (an export, a re-delivered day) are landed, modelled and published.

    The cursor is the newest modification time seen. On its first evaluation the sensor only records where the
    inbox stands: files already there are built by `animateur build` (as `make demo` does), not twice."""
    feeds_dir = settings.feeds_dir()
    if context.cursor is None:
        newest = max([newest_drop_mtime(feeds_dir), *(f.mtime_ns for f in inbox_files(feeds_dir))])
        context.update_cursor(str(newest))
        return dg.SkipReason(f"watching {feeds_dir} for files newer than the ones already there")
    cursor = int(context.cursor)
    dropped = inbox_files(feeds_dir, newer_than_ns=cursor)
    newest_export = newest_drop_mtime(feeds_dir)
    if not dropped and newest_export <= cursor:
        return dg.SkipReason(f"no new file in {feeds_dir}")
    newest = max([newest_export, *(f.mtime_ns for f in dropped)])
    context.update_cursor(str(newest))
    days = [f.day for f in dropped]
    if newest_export > cursor:  # an export is imported into the latest day (the day of its import)
        days.append(date.fromisoformat(DAILY_PARTITIONS.get_last_partition_key()))
    first_day, last_day = min(days).isoformat(), max(days).isoformat()
    context.log.info(f"{len(dropped)} new or changed daily file(s), "
                     f"{'an' if newest_export > cursor else 'no'} export dropped: {first_day}..{last_day}")
    return dg.RunRequest(run_key=f"inbox-{newest}", tags=partition_range_tags(first_day, last_day))
