"""Report periods: a week starts on Monday, a month on the 1st, a quarter on the 1st of Jan/Apr/Jul/Oct.

A period is named by its first day (the Dagster partition key, ``2026-06-22``); the CLI also reads ``2026-06``
(a month), ``2026-Q2`` (a quarter) and any day inside the period."""

from __future__ import annotations

import re
from datetime import date, timedelta

KINDS = ("weekly", "monthly", "quarterly")
GRAIN_OF = {"weekly": "week", "monthly": "month", "quarterly": "quarter"}


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_start(kind: str, day: date) -> date:
    """First day of the ``kind`` period that contains ``day``."""
    if kind == "weekly":
        return day - timedelta(days=day.weekday())
    if kind == "monthly":
        return day.replace(day=1)
    if kind == "quarterly":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    raise ValueError(f"unknown report kind {kind!r}: one of {', '.join(KINDS)}")


def next_start(kind: str, start: date) -> date:
    if kind == "weekly":
        return start + timedelta(days=7)
    return add_months(start, 1 if kind == "monthly" else 3)


def previous_start(kind: str, start: date) -> date:
    if kind == "weekly":
        return start - timedelta(days=7)
    return add_months(start, -1 if kind == "monthly" else -3)


def period_end(kind: str, start: date) -> date:
    """Last day of the period (inclusive)."""
    return next_start(kind, start) - timedelta(days=1)


def last_complete_period(kind: str, today: date) -> date:
    """Start of the latest period that ended before ``today``."""
    return previous_start(kind, period_start(kind, today))


def parse_period(kind: str, text: str) -> date:
    """``2026-06-22`` (any day of the period), ``2026-06`` (a month), ``2026-Q2`` (a quarter) -> period start."""
    text = text.strip()
    quarter = re.fullmatch(r"(\d{4})-?[Qq]([1-4])", text)
    if quarter:
        day = date(int(quarter.group(1)), (int(quarter.group(2)) - 1) * 3 + 1, 1)
    elif re.fullmatch(r"\d{4}-\d{2}", text):
        day = date.fromisoformat(f"{text}-01")
    else:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a period: write a day (2026-06-22), a month (2026-06) "
                             "or a quarter (2026-Q2)") from None
    return period_start(kind, day)
