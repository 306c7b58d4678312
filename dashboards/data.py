"""Every query the dashboards run, against the published DuckDB copy only.

Rules:
- the path comes from ``ANIMATEUR_PUBLISHED`` (default ``$ANIMATEUR_DATA_DIR/published/animateur.duckdb``,
  ``ANIMATEUR_DATA_DIR`` defaulting to ``<repo>/data``);
- each query opens its own short-lived ``read_only`` connection, retried a few times on
  ``duckdb.IOException`` because the pipeline replaces the file atomically (``os.replace``);
- values are always bound as ``?`` parameters;
- results are cached with ``st.cache_data``, keyed also by the file's version (mtime, size,
  inode), so a new publication is picked up on the next rerun.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from dashboards.formatting import ALL_CHANNELS_ID
from dashboards.i18n import t
from pipelines import settings

REPO_ROOT = Path(__file__).resolve().parents[1]

CONNECT_RETRIES = 5
RETRY_BACKOFF_SECONDS = 0.2
CACHE_MAX_ENTRIES = 256

FileVersion = tuple[int, int, int]


class PublishedDataMissing(RuntimeError):
    """The published copy does not exist (the pipeline has not published yet)."""


def published_path() -> Path:
    """Path of the published DuckDB copy: the pipeline's own setting (``ANIMATEUR_PUBLISHED``, see .env.example)."""
    return settings.published_path()


def published_version(path: Path | str | None = None) -> FileVersion | None:
    """(mtime_ns, size, inode) of the published file, or None when it does not exist."""
    try:
        stat = os.stat(path or published_path())
    except FileNotFoundError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def published_exists(path: Path | str | None = None) -> bool:
    return published_version(path) is not None


def require_published(path: Path | str | None = None, lang: str = "en") -> Path:
    """Return the published path, or show a friendly message and stop the script run."""
    path = Path(path) if path else published_path()
    if not published_exists(path):
        st.info(t("app.no_published_data", lang, path=path), icon=":material/hourglass_empty:")
        st.stop()
    return path


# --------------------------------------------------------------------------- low level
def _query(path: str, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> tuple[list[str], list[tuple]]:
    """Run one parameterised query on a fresh read-only connection; retry on IOException."""
    last_error: duckdb.IOException | None = None
    for attempt in range(1, CONNECT_RETRIES + 1):
        try:
            con = duckdb.connect(path, read_only=True)
            try:
                cursor = con.execute(sql, list(params))
                columns = [d[0] for d in cursor.description]
                return columns, cursor.fetchall()
            finally:
                con.close()
        except duckdb.IOException as exc:  # file being swapped, or briefly absent
            last_error = exc
            if attempt < CONNECT_RETRIES:
                time.sleep(RETRY_BACKOFF_SECONDS * attempt)
    if not os.path.exists(path):
        raise PublishedDataMissing(f"Published copy not found: {path}") from last_error
    assert last_error is not None
    raise last_error


def _frame(path: str, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> pd.DataFrame:
    columns, rows = _query(path, sql, params)
    return pd.DataFrame.from_records(rows, columns=columns)


def _records(path: str, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    columns, rows = _query(path, sql, params)
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _resolve(path: Path | str | None) -> tuple[str, FileVersion]:
    resolved = Path(path) if path else published_path()
    version = published_version(resolved)
    if version is None:
        raise PublishedDataMissing(f"Published copy not found: {resolved}")
    return str(resolved), version


# --------------------------------------------------------------------------- cached queries
# The `version` argument is unused in the body: it is part of the cache key.
@dataclass(frozen=True)
class Publication:
    published_at: datetime
    warehouse_max_date: date


@st.cache_data(show_spinner=False, max_entries=CACHE_MAX_ENTRIES)
def _publication(path: str, version: FileVersion) -> Publication | None:
    rows = _records(
        path,
        "select published_at, warehouse_max_date from publication order by published_at desc limit 1",
    )
    if not rows:
        return None
    return Publication(rows[0]["published_at"], rows[0]["warehouse_max_date"])


@st.cache_data(show_spinner=False, max_entries=CACHE_MAX_ENTRIES)
def _latest_full_week(path: str, version: FileVersion) -> date | None:
    rows = _records(
        path,
        """
        select max(k.week_start) as week_start
        from kpi_weekly as k
        where k.week_end <= (select max(p.warehouse_max_date) from publication as p)
        """,
    )
    return rows[0]["week_start"] if rows else None


@st.cache_data(show_spinner=False, max_entries=CACHE_MAX_ENTRIES)
def _kpis(path: str, version: FileVersion, week_start: date, channel_id: str) -> dict[str, Any] | None:
    rows = _records(
        path,
        """
        select week_start, week_end, channel_id, contents_published, interactions, reach,
               engagement_rate_by_reach, conversations, conversations_answered, response_rate,
               median_first_response_minutes
        from kpi_weekly
        where week_start = ? and channel_id = ?
        """,
        [week_start, channel_id],
    )
    return rows[0] if rows else None


@st.cache_data(show_spinner=False, max_entries=CACHE_MAX_ENTRIES)
def _weekly_series(path: str, version: FileVersion, first_week: date, last_week: date) -> pd.DataFrame:
    return _frame(
        path,
        """
        select k.week_start, k.week_end, k.channel_id, k.contents_published, k.interactions,
               k.reach, k.engagement_rate_by_reach, k.conversations, k.conversations_answered,
               k.response_rate, k.median_first_response_minutes
        from kpi_weekly as k
        where k.week_start between ? and ?
        order by k.channel_id, k.week_start
        """,
        [first_week, last_week],
    )


@st.cache_data(show_spinner=False, max_entries=CACHE_MAX_ENTRIES)
def _channels(path: str, version: FileVersion) -> pd.DataFrame:
    return _frame(
        path,
        """
        select channel_id, channel_name, channel_kind, sort_order
        from dim_channels
        order by sort_order, channel_id
        """,
    )


# --------------------------------------------------------------------------- public API
def publication(path: Path | str | None = None) -> Publication | None:
    """The row of table ``publication`` (when the copy was published, data horizon)."""
    return _publication(*_resolve(path))


def latest_full_week(path: Path | str | None = None) -> date | None:
    """Latest ``week_start`` whose ``week_end`` <= ``publication.warehouse_max_date``."""
    return _latest_full_week(*_resolve(path))


def previous_week(week_start: date) -> date:
    return week_start - timedelta(days=7)


def kpis(week_start: date, channel_id: str = ALL_CHANNELS_ID, path: Path | str | None = None) -> dict | None:
    """One ``kpi_weekly`` row as a dict (None when the week/channel has no row)."""
    return _kpis(*_resolve(path), week_start, channel_id)


def weekly_series(last_week: date, weeks: int = 12, path: Path | str | None = None) -> pd.DataFrame:
    """``kpi_weekly`` rows of every channel (and 'all') for the ``weeks`` weeks ending at
    ``last_week`` (inclusive), ordered by channel then week."""
    first_week = last_week - timedelta(days=7 * (weeks - 1))
    return _weekly_series(*_resolve(path), first_week, last_week)


def channels(path: Path | str | None = None) -> pd.DataFrame:
    """``dim_channels`` in sort order: channel_id, channel_name, channel_kind, sort_order."""
    return _channels(*_resolve(path))


# =========================================================================== pages of issue 6
# Every function below reads the published copy through the same cached, parameterised path. A table that
# a helper's pipeline publishes may be absent from an older copy: pages call `missing_tables` first and say
# so on screen (never a silent empty state).
_SEEN_VERSIONS: dict[str, FileVersion] = {}
_SEEN_LOCK = threading.Lock()


def refresh_cache_if_republished(path: Path | str | None = None) -> bool:
    """Clear every ``st.cache_data`` entry when the published file's version changed since the last call.

    The version is part of every cache key already, so stale entries are never *served*; clearing them makes
    sure none stays in memory either (an erased member must leave the dashboards' cache). Returns True when
    the cache was cleared.
    """
    resolved = str(Path(path) if path else published_path())
    version = published_version(resolved)
    with _SEEN_LOCK:
        previous = _SEEN_VERSIONS.get(resolved)
        if version is not None:
            _SEEN_VERSIONS[resolved] = version
        if previous is not None and previous != version:
            st.cache_data.clear()
            return True
    return False


@st.cache_data(show_spinner=False, max_entries=CACHE_MAX_ENTRIES)
def _tables(path: str, version: FileVersion) -> frozenset[str]:
    _, rows = _query(path, "select table_name from information_schema.tables where table_schema = 'main'")
    return frozenset(name for (name,) in rows)


def missing_tables(*names: str, path: Path | str | None = None) -> list[str]:
    """The names among ``names`` that the published copy does not hold."""
    present = _tables(*_resolve(path))
    return [name for name in names if name not in present]


@st.cache_data(show_spinner=False, max_entries=CACHE_MAX_ENTRIES)
def _select(path: str, version: FileVersion, sql: str, params: tuple[Any, ...]) -> pd.DataFrame:
    return _frame(path, sql, params)


def _df(sql: str, params: tuple[Any, ...] | list[Any] = (), path: Path | str | None = None) -> pd.DataFrame:
    """A cached, parameterised select (the SQL text is a constant of this module; values are bound)."""
    return _select(*_resolve(path), sql, tuple(params))


def _channel_filter(column: str = "channel_id") -> str:
    """SQL fragment that keeps every channel when the bound value is 'all' (two parameters: value, value)."""
    return f"(? = '{ALL_CHANNELS_ID}' or {column} = ?)"


# --------------------------------------------------------------------------- strategy, horizon
def organisation(path: Path | str | None = None) -> dict[str, Any] | None:
    """The strategy's organisation row (name, field, timezone, default_language), None when not published."""
    if missing_tables("organisation", path=path):
        return None
    frame = _df("select name, field, timezone, default_language from organisation limit 1", path=path)
    return frame.iloc[0].to_dict() if len(frame) else None


def data_horizon(path: Path | str | None = None) -> tuple[date | None, date | None]:
    """(first day with activity, warehouse_max_date): the span the period selectors offer."""
    frame = _df(
        """
        select
            (select min(k.week_start) from kpi_weekly as k
             where coalesce(k.contents_published, 0) > 0 or coalesce(k.conversations, 0) > 0) as first_day,
            (select max(p.warehouse_max_date) from publication as p) as last_day
        """,
        path=path,
    )
    row = frame.iloc[0]
    first = row["first_day"] if pd.notna(row["first_day"]) else None
    last = row["last_day"] if pd.notna(row["last_day"]) else None
    return first, last


# An indicator's display name in the page's language: the catalog's label_fr on French pages (the seed
# indicator_catalog.csv is the one source of both names), its label otherwise.
_LABEL_SQL = "case when ? = 'fr' then coalesce(c.label_fr, c.label) else c.label end"


def catalog(path: Path | str | None = None, lang: str = "en") -> pd.DataFrame:
    """``indicator_catalog``: indicator_id, label (in ``lang``), job, unit, direction, kind, scale, description."""
    return _df(
        f"select indicator_id, {_LABEL_SQL} as label, job, principle, unit, direction, kind, scale, formula, "
        "description from indicator_catalog as c order by job, indicator_id",
        (lang,),
        path=path,
    )


# --------------------------------------------------------------------------- weekly
def top_contents(week_start: date, channel_id: str = ALL_CHANNELS_ID, limit: int = 5,
                 path: Path | str | None = None) -> pd.DataFrame:
    """The week's contents by interactions (then reach), best first."""
    return _df(
        f"""
        select content_id, channel_id, published_at, content_format, text, url, reach, interactions,
               interactions / nullif(reach, 0) as engagement_rate
        from fct_contents
        where week_start = ? and {_channel_filter()}
        order by interactions desc nulls last, reach desc nulls last, published_at, content_id
        limit ?
        """,
        (week_start, channel_id, channel_id, limit),
        path=path,
    )


def sla_by_channel(week_start: date, path: Path | str | None = None) -> pd.DataFrame:
    """Per channel (and 'all'), conversations started in the week: answered, SLA, median first response in
    business minutes, breaches and breach rate (over the conversations that have an SLA)."""
    return _df(
        """
        with week as (
            select * from fct_conversations where week_start = ?
        ),
        per_channel as (
            select w.channel_id,
                   count(*) as conversations,
                   count(*) filter (where w.has_response) as answered,
                   max(w.response_sla_minutes) as response_sla_minutes,
                   median(w.first_response_business_minutes) as median_first_response_business_minutes,
                   count(*) filter (where w.is_sla_breached) as sla_breaches,
                   count(*) filter (where w.is_sla_breached) / nullif(count(*) filter (
                       where w.response_sla_minutes is not null), 0) as sla_breach_rate
            from week as w
            group by w.channel_id
        ),
        pooled as (
            select 'all' as channel_id,
                   count(*), count(*) filter (where w.has_response), null::double,
                   median(w.first_response_business_minutes),
                   count(*) filter (where w.is_sla_breached),
                   count(*) filter (where w.is_sla_breached) / nullif(count(*) filter (
                       where w.response_sla_minutes is not null), 0)
            from week as w
        )
        select p.*
        from (select * from per_channel union all select * from pooled) as p
        left join dim_channels as c using (channel_id)
        where p.conversations > 0
        order by coalesce(c.sort_order, 1000), p.channel_id
        """,
        (week_start,),
        path=path,
    )


def waiting_conversations(channel_id: str = ALL_CHANNELS_ID, limit: int = 200,
                          path: Path | str | None = None) -> pd.DataFrame:
    """Conversations without an answer, oldest first, with their wait up to the data's own latest instant
    (the latest start, first response or resolution in fct_conversations, as its SLA breaches count: no wall
    clock)."""
    return _df(
        f"""
        with horizon as (
            select greatest(max(started_at), max(first_response_at), max(resolved_at)) as latest_at
            from fct_conversations
        )
        select c.conversation_id, c.channel_id, c.started_at,
               date_diff('minute', c.started_at, h.latest_at) as waiting_minutes,
               c.response_sla_minutes, c.is_sla_breached
        from fct_conversations as c
        cross join horizon as h
        where not c.has_response and {_channel_filter('c.channel_id')}
        order by c.started_at, c.conversation_id
        limit ?
        """,
        (channel_id, channel_id, limit),
        path=path,
    )


def waiting_horizon(waiting: pd.DataFrame) -> pd.Timestamp | None:
    """The instant the waits of ``waiting_conversations`` run to (each row's start + wait: the same for all)."""
    if waiting.empty:
        return None
    return (waiting["started_at"] + pd.to_timedelta(waiting["waiting_minutes"], unit="m")).max()


def waiting_count(channel_id: str = ALL_CHANNELS_ID, path: Path | str | None = None) -> int:
    frame = _df(
        f"select count(*) as n from fct_conversations where not has_response and {_channel_filter()}",
        (channel_id, channel_id),
        path=path,
    )
    return int(frame.iloc[0]["n"])


ALERT_COLUMNS = [
    "alert_id", "rule", "indicator_id", "channel_id", "grain", "period_start", "observed_value", "threshold",
    "severity", "message", "raised_at", "delivered_at", "delivery_status",
]


def alerts_path() -> Path:
    """The alert sensor's own DuckDB file (``ANIMATEUR_ALERTS``, default ``<data_dir>/alerts/alerts.duckdb``)."""
    return settings.alerts_path()


@st.cache_data(show_spinner=False, ttl=30, max_entries=CACHE_MAX_ENTRIES)
def _alerts(path: str, version: FileVersion, first_day: date, last_day: date) -> pd.DataFrame:
    return _frame(
        path,
        f"""
        select {', '.join(ALERT_COLUMNS)}
        from alerts
        where cast(raised_at as date) between ? and ? or period_start between ? and ?
        order by raised_at desc, alert_id
        """,
        [first_day, last_day, first_day, last_day],
    )


def alerts(first_day: date, last_day: date, path: Path | str | None = None) -> pd.DataFrame | None:
    """Alerts raised in [first_day, last_day] or about a period starting in it, newest first; None when the
    alerts file does not exist yet (no alert ever raised). Read-only, short-lived, retried like the copy."""
    resolved = Path(path) if path else alerts_path()
    version = published_version(resolved)
    if version is None:
        return None
    return _alerts(str(resolved), version, first_day, last_day)


# --------------------------------------------------------------------------- monthly
def latest_full_month(path: Path | str | None = None) -> date | None:
    """First day of the latest month that ends on or before ``warehouse_max_date``."""
    frame = _df(
        """
        select max(d.month_start) as month_start
        from dim_dates as d
        where d.month_start + interval 1 month - interval 1 day
              <= (select max(p.warehouse_max_date) from publication as p)
        """,
        path=path,
    )
    value = frame.iloc[0]["month_start"]
    return value if pd.notna(value) else None


def indicator_values(grain: str, first_period: date, last_period: date,
                     path: Path | str | None = None, lang: str = "en") -> pd.DataFrame:
    """``kpi_values`` of one grain in [first_period, last_period], with the catalog's label (in ``lang``), job,
    unit."""
    return _df(
        f"""
        select v.indicator_id, {_LABEL_SQL} as label, c.job, c.unit, c.formula, c.direction, v.channel_id, v.period_start,
               v.numerator, v.denominator, v.value
        from kpi_values as v
        join indicator_catalog as c using (indicator_id)
        where v.grain = ? and v.period_start between ? and ?
        order by c.job, v.indicator_id, v.channel_id, v.period_start
        """,
        (lang, grain, first_period, last_period),
        path=path,
    )


def content_formats(first_day: date, last_day: date, channel_id: str = ALL_CHANNELS_ID,
                    path: Path | str | None = None) -> pd.DataFrame:
    """Per channel and format, the contents published in [first_day, last_day]: count, interactions,
    interactions per content, engagement rate by reach; best first."""
    return _df(
        f"""
        select channel_id, content_format, count(*) as contents, sum(interactions) as interactions,
               sum(interactions) / count(*) as interactions_per_content,
               sum(interactions) filter (where reach > 0) / nullif(sum(reach) filter (where reach > 0), 0)
                   as engagement_rate
        from fct_contents
        where published_date between ? and ? and {_channel_filter()}
        group by channel_id, content_format
        order by interactions_per_content desc nulls last, contents desc, channel_id, content_format
        """,
        (first_day, last_day, channel_id, channel_id),
        path=path,
    )


def share_of_voice(grain: str, first_period: date, last_period: date, channel_id: str = ALL_CHANNELS_ID,
                   path: Path | str | None = None) -> pd.DataFrame:
    """``listening_share_of_voice`` summed over the periods of ``grain`` in [first, last]: per entity the
    mentions, positive/neutral/negative, the share of voice (recomputed over the span) and the net sentiment
    (mention-weighted mean of the periods' values; equal to the mart's own for a single period)."""
    return _df(
        """
        with periods as (
            select * from listening_share_of_voice
            where grain = ? and period_start between ? and ? and channel_id = ?
        )
        select entity_name, any_value(entity_type) as entity_type,
               sum(mentions) as mentions,
               sum(mentions) / nullif(sum(sum(mentions)) over (), 0) as share_of_voice,
               sum(positive) as positive, sum(neutral) as neutral, sum(negative) as negative,
               sum(net_sentiment * mentions) / nullif(sum(mentions) filter (where net_sentiment is not null), 0)
                   as net_sentiment
        from periods
        group by entity_name
        order by mentions desc, entity_name
        """,
        (grain, first_period, last_period, channel_id),
        path=path,
    )


def top_keywords(grain: str, period_start: date, limit: int = 10, path: Path | str | None = None) -> pd.DataFrame:
    return _df(
        """
        select entity_name, keyword, mentions, rank
        from listening_keywords
        where grain = ? and period_start = ? and rank <= ?
        order by entity_name, rank, keyword
        """,
        (grain, period_start, limit),
        path=path,
    )


def level_moves(first_month: date, last_month: date, path: Path | str | None = None) -> pd.DataFrame:
    """Members per (month, level move) from ``member_levels_monthly`` (aggregates only)."""
    return _df(
        """
        select month_start, level_move, count(*) as members
        from member_levels_monthly
        where month_start between ? and ? and level_move is not null
        group by month_start, level_move
        order by month_start, level_move
        """,
        (first_month, last_month),
        path=path,
    )


def community_monthly(first_month: date, last_month: date, path: Path | str | None = None) -> pd.DataFrame:
    """``community_health_monthly`` for all channels: active, new, returning members, ambassadors, core
    members and the peer support ratio per month."""
    return _df(
        """
        select month_start, active_members, new_members, returning_members, ambassadors, core_members,
               peer_support_ratio
        from community_health_monthly
        where channel_id = 'all' and month_start between ? and ?
        order by month_start
        """,
        (first_month, last_month),
        path=path,
    )


def leads_by_channel(first_day: date, last_day: date, path: Path | str | None = None) -> pd.DataFrame:
    return _df(
        """
        select coalesce(attributed_channel_id, '—') as channel_id, count(*) as leads,
               count(*) filter (where is_converted) as converted
        from fct_leads
        where created_on between ? and ?
        group by all
        order by leads desc, channel_id
        """,
        (first_day, last_day),
        path=path,
    )


# --------------------------------------------------------------------------- strategic
def attainment(first_month: date, last_month: date, path: Path | str | None = None,
               lang: str = "en") -> pd.DataFrame:
    """Monthly ``kpi_attainment`` (channel as the objective states it) with the catalog's label (in ``lang``)
    and unit."""
    return _df(
        f"""
        select a.objective_id, a.job, a.indicator_id, {_LABEL_SQL} as label, c.unit, c.formula, a.channel_id, a.period_start,
               a.value, a.target, a.attainment, a.status, a.direction
        from kpi_attainment as a
        join indicator_catalog as c using (indicator_id)
        where a.grain = 'month' and a.period_start between ? and ?
        order by a.job, a.objective_id, a.indicator_id, a.channel_id, a.period_start
        """,
        (lang, first_month, last_month),
        path=path,
    )


def barometer(first_quarter: date, last_quarter: date, path: Path | str | None = None,
              lang: str = "en") -> pd.DataFrame:
    """Score per principle over the quarters in [first, last] (all channels): the mean of the quarters'
    scores (a quarter's own score when the span is one quarter), with the principle's name in ``lang``
    (principle_label, from the seed principles.csv)."""
    return _df(
        """
        select b.principle,
               coalesce(any_value(case when ? = 'fr' then p.label_fr else p.label end),
                        replace(b.principle, '_', ' ')) as principle_label,
               avg(b.score) as score, max(b.proxies_defined) as proxies_defined,
               max(b.proxies_with_data) as proxies_with_data
        from kpi_barometer as b
        left join principles as p using (principle)
        where b.grain = 'quarter' and b.channel_id = 'all' and b.period_start between ? and ?
        group by b.principle
        order by b.principle
        """,
        (lang, first_quarter, last_quarter),
        path=path,
    )


def indicator_totals(indicator_ids: tuple[str, ...], first_quarter: date, last_quarter: date,
                     path: Path | str | None = None) -> dict[str, float | None]:
    """All-channel values over the quarters in [first, last]: a count sums its quarters, a ratio divides the
    summed numerators by the summed denominators (only additive indicators belong here)."""
    frame = _df(
        """
        select v.indicator_id,
               case when count(v.denominator) > 0
                    then sum(v.numerator) / nullif(sum(v.denominator), 0) * any_value(c.scale)
                    else sum(v.numerator) end as value
        from kpi_values as v
        join indicator_catalog as c using (indicator_id)
        where v.grain = 'quarter' and v.channel_id = 'all' and v.period_start between ? and ?
          and list_contains(?, v.indicator_id)
        group by v.indicator_id
        """,
        (first_quarter, last_quarter, list(indicator_ids)),
        path=path,
    )
    values = dict(zip(frame["indicator_id"], frame["value"], strict=True))
    return {i: (None if pd.isna(values.get(i)) else float(values[i])) if i in values else None
            for i in indicator_ids}


# --------------------------------------------------------------------------- explore
EXPLORE_LIMIT = 5_000


def explore_contents(first_day: date, last_day: date, channel_id: str = ALL_CHANNELS_ID, search: str = "",
                     path: Path | str | None = None) -> pd.DataFrame:
    return _df(
        f"""
        select published_at, channel_id, content_format, text, reach, impressions, reactions, comments,
               shares, clicks, interactions, url
        from fct_contents
        where published_date between ? and ? and {_channel_filter()}
          and (? = '' or text ilike '%' || ? || '%')
        order by published_at desc, content_id
        limit {EXPLORE_LIMIT}
        """,
        (first_day, last_day, channel_id, channel_id, search, search),
        path=path,
    )


def explore_conversations(first_day: date, last_day: date, channel_id: str = ALL_CHANNELS_ID,
                          waiting_only: bool = False, path: Path | str | None = None) -> pd.DataFrame:
    return _df(
        f"""
        select conversation_id, channel_id, started_at, has_response, first_response_minutes,
               first_response_business_minutes, response_sla_minutes, is_sla_breached, is_resolved,
               satisfaction_score
        from fct_conversations
        where started_date between ? and ? and {_channel_filter()}
          and (not ? or not has_response)
        order by started_at desc, conversation_id
        limit {EXPLORE_LIMIT}
        """,
        (first_day, last_day, channel_id, channel_id, waiting_only),
        path=path,
    )


def mention_entities(path: Path | str | None = None) -> list[str]:
    frame = _df("select distinct entity_name from fct_mentions order by entity_name", path=path)
    return frame["entity_name"].tolist()


def explore_mentions(first_day: date, last_day: date, channel_id: str = ALL_CHANNELS_ID, entity: str = "",
                     sentiment: str = "", search: str = "", path: Path | str | None = None) -> pd.DataFrame:
    return _df(
        f"""
        select mentioned_at, channel_id, entity_name, entity_type, language_code, sentiment_label,
               mention_text, mention_url
        from fct_mentions
        where mentioned_on between ? and ? and {_channel_filter()}
          and (? = '' or entity_name = ?)
          and (? = '' or sentiment_label = ?)
          and (? = '' or mention_text ilike '%' || ? || '%')
        order by mentioned_at desc, mention_id
        limit {EXPLORE_LIMIT}
        """,
        (first_day, last_day, channel_id, channel_id, entity, entity, sentiment, sentiment, search, search),
        path=path,
    )


# --------------------------------------------------------------------------- members (member-level)
def members(level: str = "", ambassadors_only: bool = False, path: Path | str | None = None) -> pd.DataFrame:
    """``dim_members`` (pseudonymous), community members only (no teammates, no bots)."""
    return _df(
        f"""
        select *
        from dim_members
        where not coalesce(is_teammate, false) and not coalesce(is_bot, false)
          and (? = '' or cast(level as varchar) = ?)
          and (not ? or coalesce(is_ambassador, false))
        order by last_active_at desc nulls last, member_key
        limit {EXPLORE_LIMIT}
        """,
        (level, level, ambassadors_only),
        path=path,
    )


def member_levels(path: Path | str | None = None) -> list[str]:
    frame = _df("select distinct cast(level as varchar) as level from member_levels_monthly order by 1", path=path)
    return [v for v in frame["level"].tolist() if v is not None]


def member_history(member_key: str, path: Path | str | None = None) -> pd.DataFrame:
    return _df(
        """
        select month_start, activity_score, level, previous_level, level_move, lifecycle_state, activity_tier,
               is_ambassador
        from member_levels_monthly
        where member_key = ?
        order by month_start
        """,
        (member_key,),
        path=path,
    )


# --------------------------------------------------------------------------- data health
def freshness(path: Path | str | None = None) -> pd.DataFrame:
    """Per source and table (``load_summary``): latest day loaded, days behind the data horizon, last load,
    records read, loaded and quarantined."""
    return _df(
        """
        select source, entity, max(partition_date) as last_partition,
               date_diff('day', max(partition_date), (select max(warehouse_max_date) from publication))
                   as days_behind,
               max(loaded_at) as last_loaded_at, count(distinct source_file) as files,
               sum(records_in) as records_in, sum(records_loaded) as records_loaded,
               sum(records_quarantined) as records_quarantined
        from load_summary
        group by source, entity
        order by source, entity
        """,
        path=path,
    )


def quarantine(path: Path | str | None = None) -> pd.DataFrame:
    return _df(
        """
        select source, entity, quarantine_reasons as reason, sum(records_quarantined) as records_quarantined,
               count(distinct source_file) as files, max(partition_date) as last_partition
        from load_summary
        where records_quarantined > 0
        group by all
        order by records_quarantined desc, source, entity
        """,
        path=path,
    )


def attainment_coverage(path: Path | str | None = None) -> tuple[int, int]:
    """(objective indicators with a value, objective indicators) for the latest month of kpi_attainment."""
    frame = _df(
        """
        select count(*) filter (where status <> 'no_data') as with_value, count(*) as total
        from kpi_attainment
        where grain = 'month' and period_start = (select max(period_start) from kpi_attainment where grain = 'month'
            and period_start <= (select max(warehouse_max_date) from publication))
        """,
        path=path,
    )
    return int(frame.iloc[0]["with_value"]), int(frame.iloc[0]["total"])


# --------------------------------------------------------------------------- asset checks (Data health)
CHECK_STATUSES = ("failed", "warned", "running", "not_run", "passed")  # worst first


def check_results(path: Path | str | None = None) -> pd.DataFrame:
    """``check_results`` (the latest result of every Dagster asset check, written at publication: dbt tests, GX
    suites, ingestion checks): check_name, asset_key, status, passed, severity, description, evaluated_at;
    the worst first (failed, warned, running, not run, passed), then by asset and check."""
    return _df(
        """
        select check_name, asset_key, status, passed, severity, description, metadata, evaluated_at
        from check_results
        order by list_position(?, status) nulls last, asset_key, check_name
        """,
        (list(CHECK_STATUSES),),
        path=path,
    )


def check_status_counts(path: Path | str | None = None) -> dict[str, int]:
    """Number of checks per status (every status of CHECK_STATUSES, 0 when none)."""
    frame = _df("select status, count(*) as checks from check_results group by status", path=path)
    counts = dict(zip(frame["status"], frame["checks"], strict=True))
    return {status: int(counts.get(status, 0)) for status in CHECK_STATUSES}
