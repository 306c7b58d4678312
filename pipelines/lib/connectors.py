"""What a platform connector provides: a Dagster resource holding its base URL and credentials (from the
environment only), and, on each FeedSpec it feeds, a ``fetch`` function returning the pages of one day.

The ingestion asset of the feed then lands those pages as one batch (``land_api_pages``) and parses them
exactly like export files: same typed tables, same quarantine, same reconciliation."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

import dagster as dg

from pipelines.lib.http import ApiClient, ApiPage


class ApiSource(dg.ConfigurableResource):
    """Base of every platform API resource. A connector without credentials is simply not used: the asset
    then reads the inbox files only (exports, the demo)."""

    base_url: str
    max_attempts: int = 6
    max_wait_seconds: float = 120.0
    backoff_initial_seconds: float = 1.0

    def is_configured(self) -> bool:
        raise NotImplementedError

    def auth_headers(self) -> dict[str, str]:
        return {}

    def auth_params(self) -> dict[str, str]:
        return {}

    def client(self) -> ApiClient:
        return ApiClient(base_url=self.base_url, headers={"User-Agent": "animateur", **self.auth_headers()},
                         params=self.auth_params(), max_attempts=self.max_attempts,
                         max_wait_seconds=self.max_wait_seconds, backoff_initial_seconds=self.backoff_initial_seconds)


def day_window(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a UTC day, the window of a daily partition."""
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def refresh_window(day: date, days: int) -> tuple[datetime, datetime]:
    """[end - ``days`` days, end), end being the end of the UTC day: the contents created in the ``days`` days
    up to the day's end, fetched again with that day's lifetime counters (``days`` < 1: the day alone)."""
    _, end = day_window(day)
    return end - timedelta(days=max(1, days)), end


def iso_z(moment: datetime) -> str:
    """'2026-06-01T00:00:00Z': the form X, Zendesk and most APIs accept for time filters."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fetch_all(pages: Iterable[ApiPage]) -> list[ApiPage]:
    """Drain a paginator (pages are landed together, as one batch)."""
    return list(pages)


def env_vars(*names: str) -> dict[str, dg.EnvVar | None]:
    """Secrets and settings of a connector, from the environment only (``dg.EnvVar``, resolved at run time, so
    their values never enter the code location); None where unset, which leaves the connector idle."""
    return {name: dg.EnvVar(name) if os.environ.get(name) else None for name in names}
