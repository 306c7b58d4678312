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

from dashboards.i18n import DEFAULT_LANGUAGE, t

DASH = "—"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS_FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
MONTH_NAMES = {"en": MONTHS, "fr": MONTHS_FR}

ALL_CHANNELS_ID = "all"
ALL_CHANNELS_LABEL = "All channels"

# French typography (CLDR): a narrow no-break space groups thousands and precedes '%'; the comma is decimal.
NNBSP = "\u202f"


def _localise(text: str, lang: str) -> str:
    """'1,234.5' (Python's own format) -> '1 234,5' in French."""
    if lang != "fr":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", NNBSP)


def _months(lang: str) -> tuple[str, ...]:
    return MONTH_NAMES.get(lang, MONTHS)


def _is_missing(value: Any) -> bool:
    if value is None or type(value).__name__ in ("NaTType", "NAType"):  # pandas missing values
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
def format_count(value: Any, lang: str = "en") -> str:
    """1234 -> '1,234' ('1 234' in French); None/NaN -> '—'."""
    if _is_missing(value):
        return DASH
    return _localise(f"{int(_round_half_up(float(value))):,}", lang)


def format_number(value: Any, decimals: int = 1, lang: str = "en") -> str:
    """A plain number with ``decimals`` digits: 1234.56 -> '1,234.6' ('1 234,6' in French)."""
    if _is_missing(value):
        return DASH
    return _localise(f"{_round_half_up(float(value), decimals):,.{decimals}f}", lang)


def format_percent(rate: Any, decimals: int = 1, lang: str = "en") -> str:
    """A fraction as a percentage: 0.0423 -> '4.2%' ('4,2 %' in French); None/NaN -> '—'."""
    if _is_missing(rate):
        return DASH
    number = _localise(f"{_round_half_up(float(rate) * 100, decimals):.{decimals}f}", lang)
    return f"{number}{NNBSP}%" if lang == "fr" else f"{number}%"


def format_duration(minutes: Any, lang: str = "en") -> str:
    """Calendar minutes for humans.

    None -> '—'; 0.2 -> '< 1 min'; 42.4 -> '42 min'; 85 -> '1 h 25 min'; 120 -> '2 h';
    1565 -> '1 d 2 h' (minutes dropped beyond a day; '1 j 2 h' in French).
    """
    if _is_missing(minutes):
        return DASH
    minutes = float(minutes)
    if minutes < 0:
        return "-" + format_duration(-minutes, lang)
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
    day = "j" if lang == "fr" else "d"
    return f"{days} {day}" if hours == 0 else f"{days} {day} {hours} h"


# --------------------------------------------------------------------------- deltas
# Deltas are strings that start with '+' or '-' (Streamlit picks the arrow and colour
# from the first character) or are exactly the zero form, which the card shows in grey.
def format_count_delta(current: Any, previous: Any, lang: str = "en") -> str | None:
    """Difference of two counts: '+3', '-1,204', '0'; None when either side is missing."""
    if _is_missing(current) or _is_missing(previous):
        return None
    diff = int(_round_half_up(float(current) - float(previous)))
    if diff == 0:
        return "0"
    return _localise(f"{diff:+,}", lang)


POINTS = {"en": "pp", "fr": "pt"}


def format_rate_delta(current: Any, previous: Any, decimals: int = 1, lang: str = "en") -> str | None:
    """Difference of two fractions in percentage points: '+1.2 pp', '-0.4 pp', '0.0 pp' ('+1,2 pt')."""
    if _is_missing(current) or _is_missing(previous):
        return None
    unit = POINTS.get(lang, "pp")
    diff = _round_half_up(float(current) * 100 - float(previous) * 100, decimals)
    if diff == 0:
        return f"{_localise(f'{0:.{decimals}f}', lang)} {unit}"
    return f"{_localise(f'{diff:+.{decimals}f}', lang)} {unit}"


def format_duration_delta(current: Any, previous: Any, lang: str = "en") -> str | None:
    """Difference of two durations in minutes: '-12 min', '+1 h 5 min', '0 min'."""
    if _is_missing(current) or _is_missing(previous):
        return None
    diff = float(current) - float(previous)
    if int(_round_half_up(abs(diff))) == 0:
        return "0 min"
    return ("+" if diff > 0 else "-") + format_duration(abs(diff), lang)


ZERO_DELTAS = frozenset(
    {"0", "0 min"}
    | {f"{0:.{d}f} {unit}" for d in range(4) for unit in POINTS.values()}
    | {f"{0:.{d}f} {unit}".replace(".", ",") for d in range(4) for unit in POINTS.values()}
)


def is_zero_delta(delta: str | None) -> bool:
    return delta is not None and delta in ZERO_DELTAS


# --------------------------------------------------------------------------- dates
def format_date(value: date | datetime | None, lang: str = "en") -> str:
    """date(2026, 6, 28) -> '28 Jun 2026' ('28 juin 2026')."""
    if value is None:
        return DASH
    return f"{value.day} {_months(lang)[value.month - 1]} {value.year}"


def format_month(value: date | None, lang: str = "en") -> str:
    """date(2026, 6, 1) -> 'Jun 2026' ('juin 2026')."""
    if value is None:
        return DASH
    return f"{_months(lang)[value.month - 1]} {value.year}"


def format_quarter(value: date | None, lang: str = "en") -> str:
    """date(2026, 4, 1) -> 'Q2 2026' ('T2 2026': trimestre)."""
    if value is None:
        return DASH
    return f"{'T' if lang == 'fr' else 'Q'}{(value.month - 1) // 3 + 1} {value.year}"


def format_timestamp(value: datetime | None, lang: str = "en") -> str:
    """An aware datetime -> '28 Jun 2026, 06:12 UTC' (naive values are taken as UTC)."""
    if value is None:
        return DASH
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return f"{format_date(value, lang)}, {value:%H:%M} UTC"


def format_date_range(start: date, end: date, lang: str = "en") -> str:
    """'22–28 Jun 2026', '29 Jun – 5 Jul 2026', '29 Dec 2025 – 4 Jan 2026'."""
    months = _months(lang)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {months[end.month - 1]} {end.year}"
    if start.year == end.year:
        return f"{start.day} {months[start.month - 1]} – {end.day} {months[end.month - 1]} {end.year}"
    return f"{format_date(start, lang)} – {format_date(end, lang)}"


def format_week_label(week_start: date, lang: str = "en") -> str:
    """ISO week label: date(2026, 6, 22) -> 'Week 26 · 22–28 Jun 2026' ('Semaine 26 · 22–28 juin 2026')."""
    week_end = week_start + timedelta(days=6)
    return f"{t('week', lang)} {week_start.isocalendar().week} · {format_date_range(week_start, week_end, lang)}"


def format_week_short(week_start: date, lang: str = "en") -> str:
    """'W26' ('S26') — compact label used for delta descriptions and chart ticks."""
    return f"{'S' if lang == 'fr' else 'W'}{week_start.isocalendar().week}"


# --------------------------------------------------------------------------- KPI cards
PUBLISHING = "publishing"
CONVERSATIONS = "conversations"


@dataclass(frozen=True)
class KpiSpec:
    key: str  # column of kpi_weekly; its label and help are the i18n keys 'kpi.<key>' and 'kpi_help.<key>'
    kind: str  # 'count' | 'rate' | 'duration'
    lower_is_better: bool
    group: str  # PUBLISHING | CONVERSATIONS: the page shows one row of cards per group (i18n key 'group.<group>')


KPI_SPECS: tuple[KpiSpec, ...] = (
    KpiSpec("contents_published", "count", False, PUBLISHING),
    KpiSpec("interactions", "count", False, PUBLISHING),
    KpiSpec("engagement_rate_by_reach", "rate", False, PUBLISHING),
    KpiSpec("conversations", "count", False, CONVERSATIONS),
    KpiSpec("response_rate", "rate", False, CONVERSATIONS),
    KpiSpec("median_first_response_minutes", "duration", True, CONVERSATIONS),
)

_VALUE_FORMATTERS = {"count": format_count, "rate": format_percent, "duration": format_duration}
_DELTA_FORMATTERS = {
    "count": format_count_delta,
    "rate": format_rate_delta,
    "duration": format_duration_delta,
}


def format_value(kind: str, value: Any, lang: str = "en") -> str:
    """Format by kind: 'count', 'rate' (a fraction), 'duration' (minutes), or 'number'."""
    if kind == "rate":
        return format_percent(value, lang=lang)
    if kind == "number":
        return format_number(value, lang=lang)
    return _VALUE_FORMATTERS[kind](value, lang=lang)


def format_delta(kind: str, current: Any, previous: Any, lang: str = "en") -> str | None:
    if kind == "rate":
        return format_rate_delta(current, previous, lang=lang)
    return _DELTA_FORMATTERS[kind](current, previous, lang=lang)


def indicator_kind(unit: str | None, formula: str | None = "") -> str:
    """How a catalog indicator's value is shown: 'count', 'duration' (minutes), 'rate' (a fraction shown as a
    percentage) or 'number' (a ratio per content, such as comments per content published)."""
    if unit == "count":
        return "count"
    if unit == "minutes":
        return "duration"
    if unit == "ratio":
        return "number" if "number of contents" in (formula or "") else "rate"
    return "number"


@dataclass(frozen=True)
class KpiCard:
    key: str
    label: str
    value: str
    delta: str | None
    delta_color: str  # 'normal' | 'inverse' | 'off'
    delta_arrow: str  # 'auto' | 'off'
    help: str
    group: str  # the group's displayed name


def build_kpi_cards(
    current: Mapping[str, Any] | None,
    previous: Mapping[str, Any] | None,
    channel_id: str = ALL_CHANNELS_ID,
    lang: str = DEFAULT_LANGUAGE,
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
        delta = format_delta(spec.kind, cur, prev, lang)
        if is_zero_delta(delta):
            color, arrow = "off", "off"
        else:
            color, arrow = ("inverse" if spec.lower_is_better else "normal"), "auto"
        help_text = t(f"kpi_help.{spec.key}", lang) + (
            t("kpi_help.all_channels_note", lang) if channel_id == ALL_CHANNELS_ID else ""
        )
        cards.append(
            KpiCard(
                key=spec.key,
                label=t(f"kpi.{spec.key}", lang),
                value=format_value(spec.kind, cur, lang),
                delta=delta,
                delta_color=color,
                delta_arrow=arrow,
                help=help_text,
                group=t(f"group.{spec.group}", lang),
            )
        )
    return cards


# --------------------------------------------------------------------------- tables
def _format_cell(kind: str, value: Any, lang: str) -> str:
    if kind in ("count", "rate", "duration", "number"):
        return format_value(kind, value, lang)
    if value is None or (not isinstance(value, str) and _is_missing(value)):
        return DASH
    if kind == "date":
        return format_date(value, lang)
    if kind == "timestamp":
        return format_timestamp(value.to_pydatetime() if hasattr(value, "to_pydatetime") else value, lang)
    if kind == "month":
        return format_month(value, lang)
    if kind == "bool":
        return ("oui" if value else "non") if lang == "fr" else ("yes" if value else "no")
    return str(value)


def format_frame(frame: Any, formats: Mapping[str, str], lang: str = "en") -> Any:
    """A copy of a pandas frame with the columns of ``formats`` (column -> kind: count | rate | duration |
    number | date | timestamp | month | bool | indicator) turned into display strings for ``lang``.
    ``indicator``: rows of several catalog indicators, each value shown by its row's ``unit`` and ``formula``."""
    shown = frame.copy()
    for column, kind in formats.items():
        if column not in shown.columns:
            continue
        if kind == "indicator":
            kinds = [indicator_kind(u, f) for u, f in zip(frame["unit"], frame["formula"], strict=True)]
            shown[column] = [format_value(k, v, lang) for k, v in zip(kinds, shown[column].tolist(), strict=True)]
        else:
            shown[column] = [_format_cell(kind, v, lang) for v in shown[column].tolist()]
    return shown
