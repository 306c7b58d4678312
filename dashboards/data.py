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
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from dashboards.formatting import ALL_CHANNELS_ID
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


def require_published(path: Path | str | None = None) -> Path:
    """Return the published path, or show a friendly message and stop the script run."""
    path = Path(path) if path else published_path()
    if not published_exists(path):
        st.info(
            "**No published data yet.** The dashboards read a published copy of the warehouse "
            f"at `{path}`, which does not exist yet.\n\n"
            "Run `make demo` to generate demo data, run the pipeline and publish the copy, "
            "then reload this page.",
            icon=":material/hourglass_empty:",
        )
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
