"""What each report shows, read from the published copy (read-only, short-lived connection).

Every number is computed in SQL by DuckDB; Python only shapes the few rows a report prints. Sections that need
a mart another part of the project publishes (listening, community) appear when the table is there."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from pipelines.lib.reports.i18n import PER_CONTENT_RATES
from pipelines.lib.reports.periods import add_months, next_start, period_end, previous_start

CONNECT_RETRIES = 5

WEEKLY_HEADLINE = ("contents_published", "interactions", "reach", "engagement_rate_by_reach", "conversations",
                   "conversations_answered", "response_rate", "median_first_response_minutes")
HEADLINE_UNITS = {"engagement_rate_by_reach": "ratio", "response_rate": "ratio",
                  "median_first_response_minutes": "minutes"}
TREND_INDICATORS = ("contents_published", "interactions", "engagement_rate_by_reach", "conversations",
                    "response_rate", "first_response_business_minutes_median")
AUDIENCE_INDICATORS = ("reach", "impressions")
IMPACT_INDICATORS = ("contents_published", "interactions", "reach", "engagement_rate_by_reach",
                     "conversations_answered", "response_rate", "first_response_business_minutes_median",
                     "sla_breach_rate", "csat", "brand_mentions", "share_of_voice", "active_members",
                     "ambassadors", "peer_support_ratio", "leads")
MEMBER_INDICATORS = ("active_members", "new_members", "returning_members", "ambassadors", "core_member_share",
                     "peer_support_ratio")


@contextmanager
def published(path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published copy, retried while the pipeline swaps the file."""
    for attempt in range(1, CONNECT_RETRIES + 1):
        try:
            con = duckdb.connect(str(path), read_only=True)
            break
        except duckdb.IOException:
            if attempt == CONNECT_RETRIES or not Path(path).exists():
                raise
            time.sleep(0.2 * attempt)
    try:
        con.execute("set TimeZone = 'UTC'")
        yield con
    finally:
        con.close()


def records(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables where table_name = ?",
                            [name]).fetchone()[0])


def publication(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    rows = records(con, "select published_at, warehouse_max_date from publication order by published_at desc limit 1")
    return rows[0] if rows else {"published_at": None, "warehouse_max_date": None}


def channels(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return records(con, "select channel_id, channel_name from dim_channels order by sort_order, channel_id")


def catalog(con: duckdb.DuckDBPyConnection, language: str = "en") -> dict[str, dict[str, Any]]:
    """The indicator catalog, labels in ``language``; the unit of a per-content rate is ``per_content`` (a number,
    not a share)."""
    label = "label_fr" if language == "fr" else "label"
    rows = records(con, f"select indicator_id, {label} as label, job, unit, direction from indicator_catalog")
    return {row["indicator_id"]: {**row, "unit": "per_content" if row["indicator_id"] in PER_CONTENT_RATES
                                  else row["unit"]} for row in rows}


def principle_labels(con: duckdb.DuckDBPyConnection, language: str = "en") -> dict[str, str]:
    """The ten principles' (and the extraordinary experiences') names in ``language``."""
    label = "label_fr" if language == "fr" else "label"
    return {row["principle"]: row["label"] for row in records(con, f"select principle, {label} as label from principles")}


def indicator_values(con: duckdb.DuckDBPyConnection, grain: str, periods: list[date],
                     indicators: tuple[str, ...] | None = None, channel_id: str | None = "all") -> dict:
    """``kpi_values`` as {(indicator_id, channel_id, period_start): value}."""
    rows = con.execute(
        """
        select indicator_id, channel_id, period_start, value
        from kpi_values
        where grain = ? and list_contains(?, period_start)
          and (? is null or list_contains(?, indicator_id))
          and (? is null or channel_id = ?)
        """,
        [grain, periods, indicators is None, list(indicators or []), channel_id, channel_id],
    ).fetchall()
    return {(i, c, p): v for i, c, p, v in rows}


def alerts_between(alerts_path: Path | None, first_day: date, last_day: date) -> list[dict[str, Any]]:
    """Alerts about the period (``period_start`` inside it), from the alert sensor's file, when it exists."""
    if alerts_path is None or not Path(alerts_path).exists():
        return []
    for attempt in range(1, CONNECT_RETRIES + 1):
        try:
            con = duckdb.connect(str(alerts_path), read_only=True)
            break
        except duckdb.IOException:  # the sensor is writing: it holds the lock for a moment
            if attempt == CONNECT_RETRIES:
                return []
            time.sleep(0.3 * attempt)
    try:
        if not has_table(con, "alerts"):
            return []
        return records(
            con,
            """
            select rule, indicator_id, channel_id, grain, period_start, observed_value, threshold, severity,
                   message, raised_at, delivery_status
            from alerts
            where period_start between ? and ? and delivery_status <> 'suppressed'
            order by period_start, severity, rule, channel_id
            """,
            [first_day, last_day],
        )
    finally:
        con.close()


# --- weekly ------------------------------------------------------------------------------------------------------

def weekly(con: duckdb.DuckDBPyConnection, week_start: date, alerts_path: Path | None = None) -> dict[str, Any]:
    week_end = period_end("weekly", week_start)
    previous = previous_start("weekly", week_start)
    kpis = records(
        con,
        f"""
        select week_start, channel_id, {', '.join(WEEKLY_HEADLINE)}
        from kpi_weekly
        where week_start in (?, ?)
        """,
        [week_start, previous],
    )
    by_channel: dict[str, dict[str, dict[str, Any]]] = {}
    for row in kpis:
        by_channel.setdefault(row["channel_id"], {})["current" if row["week_start"] == week_start else "previous"] = row
    service = records(
        con,
        """
        select channel_id,
               count(*) as inbound,
               count(*) filter (where has_response) as answered,
               count(*) filter (where has_response) / nullif(count(*), 0) as response_rate,
               median(first_response_minutes) as median_first_response,
               median(first_response_business_minutes) as median_business,
               max(response_sla_minutes) as sla_minutes,
               count(*) filter (where is_sla_breached) as breaches,
               count(*) filter (where is_sla_breached)
                   / nullif(count(*) filter (where response_sla_minutes is not null), 0) as breach_rate
        from fct_conversations
        where week_start = ?
        group by channel_id
        order by channel_id
        """,
        [week_start],
    )
    best = records(
        con,
        """
        select c.channel_id, d.channel_name, c.published_date, c.content_format, c.text, c.url,
               c.interactions, c.reach
        from fct_contents as c
        left join dim_channels as d using (channel_id)
        where c.week_start = ?
        order by c.interactions desc nulls last, c.published_at, c.content_id
        limit 5
        """,
        [week_start],
    )
    waiting = records(
        con,
        """
        select channel_id,
               count(*) as waiting,
               count(*) filter (where started_date >= ?) as waiting_this_week,
               min(started_at) as oldest
        from fct_conversations
        where not has_response and started_date <= ?
        group by channel_id
        order by channel_id
        """,
        [week_start, week_end],
    )
    first_trend_week = week_start - timedelta(weeks=11)
    trend = records(
        con,
        """
        select week_start, interactions, conversations
        from kpi_weekly
        where channel_id = 'all' and week_start between ? and ?
        order by week_start
        """,
        [first_trend_week, week_start],
    )
    weeks = [first_trend_week + timedelta(weeks=i) for i in range(12)]
    trend_by_week = {row["week_start"]: row for row in trend}
    return {
        "week_start": week_start, "week_end": week_end, "previous_start": previous,
        "kpis": by_channel, "service": service, "best_contents": best, "waiting": waiting,
        "trend_weeks": weeks,
        "trend_interactions": [(trend_by_week.get(w) or {}).get("interactions") for w in weeks],
        "trend_conversations": [(trend_by_week.get(w) or {}).get("conversations") for w in weeks],
        "alerts": alerts_between(alerts_path, week_start, week_end),
    }


# --- monthly -----------------------------------------------------------------------------------------------------

def listening(con: duckdb.DuckDBPyConnection, grain: str, start: date) -> list[dict[str, Any]]:
    """Mentions, share of voice and sentiment per brand/competitor for one period: L's
    ``listening_share_of_voice`` when published, else counted from ``fct_mentions``."""
    if has_table(con, "listening_share_of_voice"):
        return records(
            con,
            """
            select entity_name, entity_type, mentions, share_of_voice, positive, neutral, negative, net_sentiment,
                   null as unscored
            from listening_share_of_voice
            where grain = ? and period_start = ? and channel_id = 'all'
            order by entity_type, mentions desc, entity_name
            """,
            [grain, start],
        )
    kind = {"week": "weekly", "month": "monthly", "quarter": "quarterly"}[grain]
    return records(
        con,
        """
        with counted as (
            select entity_name, entity_type,
                   count(*) as mentions,
                   count(*) filter (where sentiment_label = 'positive') as positive,
                   count(*) filter (where sentiment_label = 'neutral') as neutral,
                   count(*) filter (where sentiment_label = 'negative') as negative,
                   count(*) filter (where sentiment_label is null) as unscored
            from fct_mentions
            where mentioned_on >= ? and mentioned_on < ?
            group by entity_name, entity_type
        )
        select entity_name, entity_type, mentions,
               mentions / sum(mentions) over () as share_of_voice,
               positive, neutral, negative,
               (positive - negative) / nullif(positive + neutral + negative, 0) as net_sentiment,
               unscored
        from counted
        order by entity_type, mentions desc, entity_name
        """,
        [start, next_start(kind, start)],
    )


def monthly(con: duckdb.DuckDBPyConnection, month_start: date) -> dict[str, Any]:
    months = [add_months(month_start, -i) for i in range(12, -1, -1)]
    previous, last_year = add_months(month_start, -1), add_months(month_start, -12)
    trends = indicator_values(con, "month", months, TREND_INDICATORS, channel_id=None)
    per_job = records(
        con,
        """
        select c.job, c.indicator_id,
               case when list_contains(?, c.indicator_id) then 'per_content' else c.unit end as unit,
               max(v.value) filter (where v.period_start = ?) as current,
               max(v.value) filter (where v.period_start = ?) as previous,
               max(v.value) filter (where v.period_start = ?) as last_year
        from indicator_catalog as c
        join kpi_values as v on v.indicator_id = c.indicator_id and v.grain = 'month' and v.channel_id = 'all'
        where v.period_start in (?, ?, ?)
        group by all
        having current is not null or previous is not null
        order by c.job, c.indicator_id
        """,
        [sorted(PER_CONTENT_RATES), month_start, previous, last_year, month_start, previous, last_year],
    )
    audience = indicator_values(con, "month", [month_start, previous], AUDIENCE_INDICATORS, channel_id=None)
    formats = records(
        con,
        """
        select channel_id, content_format,
               count(*) as contents,
               sum(interactions) as interactions,
               sum(interactions) / count(*) as interactions_per_content,
               sum(interactions) filter (where has_reach) / nullif(sum(reach) filter (where has_reach), 0)
                   as engagement_by_reach
        from fct_contents
        where published_date >= ? and published_date < ?
        group by channel_id, content_format
        order by interactions_per_content desc nulls last, channel_id, content_format
        """,
        [month_start, next_start("monthly", month_start)],
    )
    community = []
    if has_table(con, "community_health_monthly"):
        community = records(
            con, "select * from community_health_monthly where month_start = ? and channel_id = 'all'", [month_start]
        )
    return {
        "month_start": month_start, "months": months, "previous_start": previous, "last_year_start": last_year,
        "trends": trends, "per_job": per_job, "audience": audience, "formats": formats,
        "listening": listening(con, "month", month_start), "community": community,
    }


# --- quarterly ---------------------------------------------------------------------------------------------------

def quarterly(con: duckdb.DuckDBPyConnection, quarter_start: date) -> dict[str, Any]:
    quarter_end = period_end("quarterly", quarter_start)
    previous = previous_start("quarterly", quarter_start)
    scorecard = records(
        con,
        """
        with in_quarter as (
            select *,
                   row_number() over (partition by objective_id, indicator_id, grain, channel_id
                                      order by period_start desc) as recency
            from kpi_attainment
            where period_start between ? and ? and grain in ('week', 'month', 'quarter')
              and status <> 'no_data'
        )
        select objective_id, job, indicator_id, grain, channel_id, direction,
               max(target) filter (where recency = 1) as target,
               max(value) filter (where recency = 1) as last_value,
               max(period_start) filter (where recency = 1) as last_period,
               max(status) filter (where recency = 1) as last_status,
               count(*) filter (where status = 'green') as green,
               count(*) filter (where status = 'amber') as amber,
               count(*) filter (where status = 'red') as red
        from in_quarter
        group by all
        order by job, objective_id, indicator_id, grain, channel_id
        """,
        [quarter_start, quarter_end],
    )
    barometer = records(
        con,
        """
        select principle,
               max(score) filter (where period_start = ?) as score,
               max(score) filter (where period_start = ?) as previous_score,
               max(proxies_used) filter (where period_start = ?) as proxies_used
        from kpi_barometer
        where grain = 'quarter' and channel_id = 'all' and period_start in (?, ?)
        group by principle
        order by principle
        """,
        [quarter_start, previous, quarter_start, quarter_start, previous],
    )
    impact = indicator_values(con, "quarter", [quarter_start, previous], IMPACT_INDICATORS)
    sov_by_channel = indicator_values(con, "quarter", [quarter_start, previous], ("share_of_voice",), None)
    return {
        "quarter_start": quarter_start, "quarter_end": quarter_end, "previous_start": previous,
        "scorecard": scorecard, "barometer": barometer, "impact": impact, "sov_by_channel": sov_by_channel,
        "listening": listening(con, "quarter", quarter_start),
        "members": {k: v for k, v in indicator_values(con, "quarter", [quarter_start, previous],
                                                       MEMBER_INDICATORS).items() if v is not None},
    }
