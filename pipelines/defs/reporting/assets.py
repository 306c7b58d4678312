"""Report documents as partitioned assets: one HTML + PDF per week (Monday to Sunday), month and quarter,
rendered from the published copy into ``<data_dir>/reports/<kind>/<period_start>.{html,pdf}``.

They are kept out of ``refresh_warehouse`` (``animateur build``): each has its own job and schedule, which
renders the last complete period in the organisation's timezone (Monday 07:00, the 1st of the month 07:00, the
1st of the quarter 07:00). By hand: ``animateur report weekly 2026-06-22``."""


from datetime import date

import dagster as dg

from pipelines import settings
from pipelines.lib.reports import build_report
from pipelines.lib.reports.periods import last_complete_period

PUBLISHED = dg.AssetKey(["serving", "published_warehouse"])
REPORTING_GROUP = "reporting"
SCHEDULE_HOUR = 7


def organisation_timezone() -> str:
    """The timezone of strategy.yml (reports follow the organisation's calendar); UTC if it cannot be read."""
    from pipelines.lib.strategy import StrategyError, load_strategy

    try:
        return load_strategy(settings.strategy_path()).organisation.timezone
    except (StrategyError, OSError):
        return "UTC"


TIMEZONE = organisation_timezone()
# Weeks start on Monday (day_offset=1); the first partition is the first period after ANIMATEUR_PARTITIONS_START.
REPORT_PARTITIONS: dict[str, dg.TimeWindowPartitionsDefinition] = {
    "weekly": dg.WeeklyPartitionsDefinition(start_date=settings.partitions_start(), day_offset=1, timezone=TIMEZONE),
    "monthly": dg.MonthlyPartitionsDefinition(start_date=settings.partitions_start(), timezone=TIMEZONE),
    "quarterly": dg.TimeWindowPartitionsDefinition(start=settings.partitions_start(), fmt="%Y-%m-%d",
                                                   cron_schedule="0 0 1 1,4,7,10 *", timezone=TIMEZONE),
}
# What the schedules resolve to (checked by the tests): the partitions' own cron at 07:00, organisation timezone.
SCHEDULE_CRONS = {"weekly": "0 7 * * 1", "monthly": "0 7 1 * *", "quarterly": "0 7 1 1,4,7,10 *"}


def report_asset(kind: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=f"{kind}_report",
        key_prefix=["reporting"],
        group_name=REPORTING_GROUP,
        partitions_def=REPORT_PARTITIONS[kind],
        deps=[PUBLISHED],
        kinds={"html", "pdf"},
        description=(f"The {kind} report as a standalone HTML file and its PDF (Chromium), from the published "
                     f"copy: <data_dir>/reports/{kind}/<period_start>.html|pdf."),
    )
    def _report(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        files = build_report(kind, date.fromisoformat(context.partition_key))
        context.log.info(f"{kind} report {context.partition_key} ({files.language}): {files.html}, {files.pdf}")
        return dg.MaterializeResult(metadata={
            "html": dg.MetadataValue.path(str(files.html)),
            "pdf": dg.MetadataValue.path(str(files.pdf)) if files.pdf else None,
            "language": files.language,
            "html_bytes": files.html.stat().st_size,
        })

    return _report


REPORT_ASSETS = {kind: report_asset(kind) for kind in REPORT_PARTITIONS}
REPORT_JOBS = {
    kind: dg.define_asset_job(f"{kind}_report", selection=dg.AssetSelection.assets(asset),
                              partitions_def=REPORT_PARTITIONS[kind],
                              description=f"Render the {kind} report (HTML and PDF) of one period.")
    for kind, asset in REPORT_ASSETS.items()
}
REPORT_SCHEDULES = {
    kind: dg.build_schedule_from_partitioned_job(
        REPORT_JOBS[kind], name=f"{kind}_report_schedule", hour_of_day=SCHEDULE_HOUR, minute_of_hour=0,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"Renders the {kind} report of the last complete period ({SCHEDULE_CRONS[kind]}, {TIMEZONE}).",
    )
    for kind in ("weekly", "monthly")
}


# A custom cron partition (the quarter) takes no hour offset in build_schedule_from_partitioned_job: this schedule
# asks for the last complete quarter itself.
@dg.schedule(job=REPORT_JOBS["quarterly"], name="quarterly_report_schedule", cron_schedule=SCHEDULE_CRONS["quarterly"],
             execution_timezone=TIMEZONE, default_status=dg.DefaultScheduleStatus.RUNNING,
             description=f"Renders the quarterly report of the last complete quarter ({SCHEDULE_CRONS['quarterly']}, "
                         f"{TIMEZONE}).")
def quarterly_report_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    quarter = last_complete_period("quarterly", context.scheduled_execution_time.date()).isoformat()
    return dg.RunRequest(run_key=f"quarterly-report-{quarter}", partition_key=quarter)


REPORT_SCHEDULES["quarterly"] = quarterly_report_schedule


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=list(REPORT_ASSETS.values()), jobs=list(REPORT_JOBS.values()),
                          schedules=list(REPORT_SCHEDULES.values()))
