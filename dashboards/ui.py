"""Streamlit helpers shared by the pages: the session's language, filters kept in the URL, tables with their
CSV and Excel downloads, and the on-screen notice for a table the published copy does not hold yet.

Queries stay in ``dashboards.data``, strings in ``dashboards.i18n``, value formatting in ``dashboards.formatting``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.access import can_see_member_level
from dashboards.formatting import ALL_CHANNELS_ID, format_frame
from dashboards.i18n import DEFAULT_LANGUAGE, LANGUAGES, t

LANG_PARAM = "lang"
LANG_STATE = "language"  # session-state key of the sidebar switch
ROLE_STATE = "animateur_role"
EXCEL_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --------------------------------------------------------------------------- language
def lang() -> str:
    """The session's language (set by the switch in the sidebar, see dashboards/app.py)."""
    value = st.session_state.get(LANG_STATE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def tr(key: str, **values: object) -> str:
    return t(key, lang(), **values)


def role() -> str | None:
    return st.session_state.get(ROLE_STATE)


def require_member_level() -> None:
    """Stop a member-level page for a role that may not see it (the navigation hides it already)."""
    if not can_see_member_level(role()):
        st.error(tr("app.member_level_denied"), icon=":material/lock:")
        st.stop()


# --------------------------------------------------------------------------- URL-backed filters
def _encode(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _sync_param(param: str, encoded: str | None) -> None:
    if encoded is None:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != encoded:
        st.query_params[param] = encoded


def url_choice(
    label: str,
    options: Iterable[Any],
    *,
    param: str,
    key: str | None = None,
    default: Any = None,
    format_func: Callable[[Any], str] = str,
    container: Any = None,
    widget: str = "selectbox",
) -> Any:
    """A selectbox (or segmented control) whose value is kept in the URL as ``?<param>=<value>``.

    The URL sets the value when the widget first appears (a shared link opens the same view); a change
    writes it back; the default value is left out of the URL. Values are stable ids (channel ids, ISO
    dates), never translated labels, so a link works in both languages.
    """
    options = list(options)
    if not options:
        return None
    key = key or f"filter_{param}"
    default = default if default in options else options[0]
    by_code = {_encode(o): o for o in options}
    if key not in st.session_state:
        st.session_state[key] = by_code.get(st.query_params.get(param), default)
    elif st.session_state[key] not in options:
        st.session_state[key] = default
    target = container if container is not None else st
    labels = {o: format_func(o) for o in options}  # formatted now, in the session's language
    format_func = labels.__getitem__
    if widget == "segmented":
        value = target.segmented_control(label, options, key=key, format_func=format_func, required=True)
    else:
        value = target.selectbox(label, options, key=key, format_func=format_func)
    _sync_param(param, None if value == default else _encode(value))
    return value


def url_text(label: str, *, param: str, key: str | None = None, container: Any = None) -> str:
    key = key or f"filter_{param}"
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(param, "")
    value = (container if container is not None else st).text_input(label, key=key).strip()
    _sync_param(param, value or None)
    return value


def url_toggle(label: str, *, param: str, key: str | None = None, container: Any = None) -> bool:
    key = key or f"filter_{param}"
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(param) == "1"
    value = bool((container if container is not None else st).toggle(label, key=key))
    _sync_param(param, "1" if value else None)
    return value


def channel_choice(channels: pd.DataFrame, *, key: str, container: Any = None, include_all: bool = True) -> str:
    """The channel filter (``?channel=``), 'all' first."""
    names = dict(zip(channels["channel_id"], channels["channel_name"], strict=True))
    options = ([ALL_CHANNELS_ID] if include_all else []) + channels["channel_id"].tolist()
    return url_choice(
        tr("filter.channel"),
        options,
        param="channel",
        key=key,
        format_func=lambda cid: tr("all_channels") if cid == ALL_CHANNELS_ID else names.get(cid, cid),
        container=container,
    )


def channel_label(channels: pd.DataFrame) -> Callable[[str], str]:
    names = dict(zip(channels["channel_id"], channels["channel_name"], strict=True))
    return lambda cid: tr("all_channels") if cid == ALL_CHANNELS_ID else names.get(cid, cid)


# --------------------------------------------------------------------------- tables and downloads
def _excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel has no time zones: aware timestamps become naive UTC; lists become text."""
    safe = frame.copy()
    for column in safe.columns:
        series = safe[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            safe[column] = series.dt.tz_convert("UTC").dt.tz_localize(None)
        elif series.dtype == object and series.map(lambda v: isinstance(v, list | tuple | dict)).any():
            safe[column] = series.map(lambda v: ", ".join(map(str, v)) if isinstance(v, list | tuple) else v)
        elif series.dtype == object and series.map(lambda v: isinstance(v, datetime) and v.tzinfo).any():
            safe[column] = pd.to_datetime(series, utc=True).dt.tz_localize(None)
    return safe


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM, so that Excel opens accents right when the CSV is double-clicked."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def excel_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        _excel_safe(frame).to_excel(writer, sheet_name=re.sub(r"[\[\]:*?/\\]", "_", sheet)[:31], index=False)
    return buffer.getvalue()


def show_table(
    frame: pd.DataFrame,
    name: str,
    *,
    headers: Mapping[str, str] | None = None,
    formats: Mapping[str, str] | None = None,
    height: int | str = "auto",
    style: Callable[[pd.DataFrame], Any] | None = None,
) -> None:
    """Show ``frame`` (columns renamed with the i18n keys of ``headers``, values formatted per ``formats``
    for the session's language) with CSV and Excel downloads of the same rows, values left raw."""
    headers = headers or {}
    columns = [c for c in headers if c in frame.columns] if headers else list(frame.columns)
    raw = frame[columns].rename(columns={c: tr(k) for c, k in headers.items()})
    # the whole frame: an 'indicator' format reads each row's unit and formula
    shown = format_frame(frame, formats or {}, lang())[columns].rename(columns={c: tr(k) for c, k in headers.items()})
    if frame.empty:
        st.caption(tr("no_rows"))
    else:
        st.dataframe(style(shown) if style else shown, hide_index=True, height=height)
    download_buttons(raw, name)


def download_buttons(frame: pd.DataFrame, name: str) -> None:
    """The CSV and Excel downloads of ``frame`` (one helper for every table of the dashboards)."""
    stem = f"animateur_{name}"
    left, right, _ = st.columns([1, 1, 6])
    left.download_button(
        tr("download.csv"), csv_bytes(frame), file_name=f"{stem}.csv", mime="text/csv", key=f"dl_{name}_csv",
        icon=":material/download:", help=tr("download.help"), on_click="ignore",
    )
    right.download_button(
        tr("download.excel"), excel_bytes(frame, name), file_name=f"{stem}.xlsx", mime=EXCEL_MIME,
        key=f"dl_{name}_xlsx", icon=":material/download:", help=tr("download.help"), on_click="ignore",
    )


def require_tables(*names: str) -> bool:
    """True when the published copy holds every table of ``names``; else say which are missing, on screen."""
    missing = data.missing_tables(*names)
    for name in missing:
        st.warning(tr("missing_table", table=name), icon=":material/table_view:")
    return not missing
