"""Pure display helpers for the dashboards (no Streamlit, no DuckDB).

Every string a KPI card shows is produced here, so tests can compute the
expected on-screen text from raw numbers with the very same functions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

DASH = "—"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

ALL_CHANNELS_ID = "all"
ALL_CHANNELS_LABEL = "All channels"


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(value)
    except TypeError:
        return False


def _round_half_up(value: float, ndigits: int = 0) -> float:
    """Deterministic rounding (Python's round() is banker's rounding)."""
    factor = 10**ndigits
    return math.floor(abs(value) * factor + 0.5) / factor * (1 if value >= 0 else -1)


# --------------------------------------------------------------------------- values
def format_count(value: Any) -> str:
    """1234 -> '1,234'; None/NaN -> '—'."""
    if _is_missing(value):
        return DASH
    return f"{int(_round_half_up(float(value))):,}"


def format_percent(rate: Any, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.0423 -> '4.2%'; None/NaN -> '—'."""
    if _is_missing(rate):
        return DASH
    return f"{_round_half_up(float(rate) * 100, decimals):.{decimals}f}%"


def format_duration(minutes: Any) -> str:
    """Calendar minutes for humans.

    None -> '—'; 0.2 -> '< 1 min'; 42.4 -> '42 min'; 85 -> '1 h 25 min'; 120 -> '2 h';
    1565 -> '1 d 2 h' (minutes dropped beyond a day).
    """
    if _is_missing(minutes):
        return DASH
    minutes = float(minutes)
    if minutes < 0:
        return "-" + format_duration(-minutes)
    total = int(_round_half_up(minutes))
    if total == 0:
        return "0 min" if minutes == 0 else "< 1 min"
    if total < 60:
        return f"{total} min"
    if total < 24 * 60:
        hours, mins = divmod(total, 60)
        return f"{hours} h" if mins == 0 else f"{hours} h {mins} min"
    days, rest = divmod(total, 24 * 60)
    hours = rest // 60
    return f"{days} d" if hours == 0 else f"{days} d {hours} h"


# --------------------------------------------------------------------------- deltas
# Deltas are strings that start with '+' or '-' (Streamlit picks the arrow and colour
# from the first character) or are exactly the zero form, which the card shows in grey.
def format_count_delta(current: Any, previous: Any) -> str | None:
    """Difference of two counts: '+3', '-1,204', '0'; None when either side is missing."""
    if _is_missing(current) or _is_missing(previous):
        return None
    diff = int(_round_half_up(float(current) - float(previous)))
    if diff == 0:
        return "0"
    return f"{diff:+,}"


def format_rate_delta(current: Any, previous: Any, decimals: int = 1) -> str | None:
    """Difference of two fractions in percentage points: '+1.2 pp', '-0.4 pp', '0.0 pp'."""
    if _is_missing(current) or _is_missing(previous):
        return None
    diff = _round_half_up(float(current) * 100 - float(previous) * 100, decimals)
    if diff == 0:
        return f"{0:.{decimals}f} pp"
    return f"{diff:+.{decimals}f} pp"


def format_duration_delta(current: Any, previous: Any) -> str | None:
    """Difference of two durations in minutes: '-12 min', '+1 h 5 min', '0 min'."""
    if _is_missing(current) or _is_missing(previous):
        return None
    diff = float(current) - float(previous)
    if int(_round_half_up(abs(diff))) == 0:
        return "0 min"
    return ("+" if diff > 0 else "-") + format_duration(abs(diff))


ZERO_DELTAS = frozenset({"0", "0 min"} | {f"{0:.{d}f} pp" for d in range(4)})


def is_zero_delta(delta: str | None) -> bool:
    return delta is not None and delta in ZERO_DELTAS


# --------------------------------------------------------------------------- dates
def format_date(value: date | datetime | None) -> str:
    """date(2026, 6, 28) -> '28 Jun 2026'."""
    if value is None:
        return DASH
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def format_timestamp(value: datetime | None) -> str:
    """An aware datetime -> '28 Jun 2026, 06:12 UTC' (naive values are taken as UTC)."""
    if value is None:
        return DASH
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return f"{format_date(value)}, {value:%H:%M} UTC"


def format_date_range(start: date, end: date) -> str:
    """'22–28 Jun 2026', '29 Jun – 5 Jul 2026', '29 Dec 2025 – 4 Jan 2026'."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {MONTHS[end.month - 1]} {end.year}"
    if start.year == end.year:
        return f"{start.day} {MONTHS[start.month - 1]} – {end.day} {MONTHS[end.month - 1]} {end.year}"
    return f"{format_date(start)} – {format_date(end)}"


def format_week_label(week_start: date) -> str:
    """ISO week label: date(2026, 6, 22) -> 'Week 26 · 22–28 Jun 2026'."""
    week_end = week_start + timedelta(days=6)
    return f"Week {week_start.isocalendar().week} · {format_date_range(week_start, week_end)}"


def format_week_short(week_start: date) -> str:
    """'W26' — compact label used for delta descriptions and chart ticks."""
    return f"W{week_start.isocalendar().week}"


# --------------------------------------------------------------------------- KPI cards
PUBLISHING = "Publishing"
CONVERSATIONS = "Conversations"


@dataclass(frozen=True)
class KpiSpec:
    key: str  # column of kpi_weekly
    label: str
    kind: str  # 'count' | 'rate' | 'duration'
    lower_is_better: bool
    help: str
    group: str  # PUBLISHING | CONVERSATIONS: the page shows one row of cards per group


KPI_SPECS: tuple[KpiSpec, ...] = (
    KpiSpec(
        "contents_published",
        "Contents published",
        "count",
        False,
        "**Count** of brand contents published in the week (Facebook posts, original X tweets, "
        "blog posts).\n\nDenominator: none (a count).",
        PUBLISHING,
    ),
    KpiSpec(
        "interactions",
        "Interactions",
        "count",
        False,
        "**Sum of interactions** (reactions + comments + shares; lifetime counters as last "
        "reported) of the contents published in the week.\n\nDenominator: none (a count). "
        "Blog posts report no interactions.",
        PUBLISHING,
    ),
    KpiSpec(
        "engagement_rate_by_reach",
        "Engagement rate by reach",
        "rate",
        False,
        "**Sum of interactions ÷ sum of reach**, over the contents published in the week that "
        "report a reach > 0.\n\nDenominator: the reach of those contents (— when it is 0). "
        "Delta in percentage points (pp).",
        PUBLISHING,
    ),
    KpiSpec(
        "conversations",
        "Conversations",
        "count",
        False,
        "**Count** of inbound messages that expect a brand answer, started in the week: top-level "
        "member comments on Facebook posts, member mentions on X, helpdesk tickets.\n\n"
        "Denominator: none (a count). It is the denominator of the response rate.",
        CONVERSATIONS,
    ),
    KpiSpec(
        "response_rate",
        "Response rate",
        "rate",
        False,
        "**Conversations answered ÷ conversations started** in the week (top-level member "
        "comments on Facebook, member mentions on X, helpdesk tickets).\n\nDenominator: "
        "conversations started in the week (— when none). Delta in percentage points (pp).",
        CONVERSATIONS,
    ),
    KpiSpec(
        "median_first_response_minutes",
        "Median first response time",
        "duration",
        True,
        "**Median of the first-response time** (calendar time) over the conversations started "
        "in the week that were answered.\n\nDenominator: answered conversations (— when none). "
        "Lower is better.",
        CONVERSATIONS,
    ),
)

ALL_CHANNELS_HELP_NOTE = (
    "\n\n*All channels* applies the same formula to all channels pooled together "
    "(not an average of channel rates)."
)

_VALUE_FORMATTERS = {"count": format_count, "rate": format_percent, "duration": format_duration}
_DELTA_FORMATTERS = {
    "count": format_count_delta,
    "rate": format_rate_delta,
    "duration": format_duration_delta,
}


@dataclass(frozen=True)
class KpiCard:
    key: str
    label: str
    value: str
    delta: str | None
    delta_color: str  # 'normal' | 'inverse' | 'off'
    delta_arrow: str  # 'auto' | 'off'
    help: str
    group: str


def build_kpi_cards(
    current: Mapping[str, Any] | None,
    previous: Mapping[str, Any] | None,
    channel_id: str = ALL_CHANNELS_ID,
) -> list[KpiCard]:
    """The KPI cards of the weekly page (in KPI_SPECS order), from two kpi_weekly rows (as mappings).

    A missing row (no data for that week/channel) gives '—' values and no delta.
    Zero deltas are grey without an arrow; for the response time lower is better
    (delta_color='inverse').
    """
    current = current or {}
    previous = previous or {}
    cards = []
    for spec in KPI_SPECS:
        cur = current.get(spec.key)
        prev = previous.get(spec.key)
        delta = _DELTA_FORMATTERS[spec.kind](cur, prev)
        if is_zero_delta(delta):
            color, arrow = "off", "off"
        else:
            color, arrow = ("inverse" if spec.lower_is_better else "normal"), "auto"
        help_text = spec.help + (ALL_CHANNELS_HELP_NOTE if channel_id == ALL_CHANNELS_ID else "")
        cards.append(
            KpiCard(
                key=spec.key,
                label=spec.label,
                value=_VALUE_FORMATTERS[spec.kind](cur),
                delta=delta,
                delta_color=color,
                delta_arrow=arrow,
                help=help_text,
                group=spec.group,
            )
        )
    return cards
