"""Time partitions shared by every time-based asset."""

import dagster as dg

from pipelines import settings

# One partition per UTC day: a day's files land and parse together, and backfills run as one vectorised
# pass over a range of days (single-run backfill policy on every partitioned asset).
DAILY_PARTITIONS = dg.DailyPartitionsDefinition(start_date=settings.partitions_start(), timezone="UTC")
