"""Weekly page: the last full week against the previous one, and 12-week trends per channel.

UI only: every query lives in dashboards.data, every displayed string in dashboards.formatting.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from dashboards import data
from dashboards.formatting import (
    ALL_CHANNELS_ID,
    ALL_CHANNELS_LABEL,
    build_kpi_cards,
    format_week_label,
    format_week_short,
)

TREND_WEEKS = 12
BAR_COLOR = "#99D5CE"
BAR_HIGHLIGHT = "#0F766E"
LINE_COLOR = "#C2410C"
CARDS_PER_ROW = 3

published = data.require_published()
last_week = data.latest_full_week(published)

st.title("Weekly performance")

if last_week is None:
    st.info(
        "The published data does not cover a full week (Monday to Sunday) yet. "
        "Come back once the pipeline has loaded at least one complete week.",
        icon=":material/hourglass_empty:",
    )
    st.stop()

prev_week = data.previous_week(last_week)
channels = data.channels(published)
channel_names = dict(zip(channels["channel_id"], channels["channel_name"], strict=True))

header, selector = st.columns([3, 1], vertical_alignment="bottom")
with header:
    st.markdown(f"### {format_week_label(last_week)}")
    st.caption(f"Last full week (Monday–Sunday, UTC), compared with {format_week_label(prev_week)}.")
with selector:
    channel_id = st.selectbox(
        "Channel",
        [ALL_CHANNELS_ID, *channels["channel_id"].tolist()],
        index=0,
        format_func=lambda cid: ALL_CHANNELS_LABEL if cid == ALL_CHANNELS_ID else channel_names.get(cid, cid),
        key="weekly_channel",
    )

cards = build_kpi_cards(
    data.kpis(last_week, channel_id, published),
    data.kpis(prev_week, channel_id, published),
    channel_id=channel_id,
)
delta_description = f"vs {format_week_short(prev_week)}"
for group in dict.fromkeys(card.group for card in cards):
    st.markdown(f"**{group}**")
    group_cards = [card for card in cards if card.group == group]
    for column, card in zip(st.columns(CARDS_PER_ROW), group_cards, strict=False):
        column.metric(
            card.label,
            card.value,
            card.delta,
            delta_color=card.delta_color,
            delta_arrow=card.delta_arrow,
            delta_description=delta_description if card.delta is not None else None,
            help=card.help,
            border=True,
        )

# --------------------------------------------------------------------------- trends
st.space("medium")
st.subheader(f"Last {TREND_WEEKS} weeks by channel")
st.caption(
    "Bars: interactions on the contents published that week (contents published, for channels "
    "that report no interactions). Line: conversations started that week. "
    "The dark bar is the week above. Full weeks only."
)


def _has_values(column: pd.Series) -> bool:
    return bool(column.notna().any() and (column.fillna(0) > 0).any())


def channel_figure(frame: pd.DataFrame, highlight_week: date) -> go.Figure | None:
    """Bars (interactions, else contents published) and a conversations line; None if empty."""
    weeks = [format_week_short(w) for w in frame["week_start"]]
    hover_weeks = [format_week_label(w) for w in frame["week_start"]]
    bar_column = next((c for c in ("interactions", "contents_published") if _has_values(frame[c])), None)
    bar_name = {"interactions": "Interactions", "contents_published": "Contents published"}.get(bar_column)
    show_line = _has_values(frame["conversations"])
    if bar_column is None and not show_line:
        return None

    dual = bar_column is not None and show_line
    fig = make_subplots(specs=[[{"secondary_y": dual}]])
    if bar_column is not None:
        fig.add_trace(
            go.Bar(
                x=weeks,
                y=frame[bar_column].fillna(0),
                name=bar_name,
                marker_color=[
                    BAR_HIGHLIGHT if w == highlight_week else BAR_COLOR for w in frame["week_start"]
                ],
                customdata=hover_weeks,
                hovertemplate=f"%{{customdata}}<br>{bar_name}: %{{y:,}}<extra></extra>",
            ),
            secondary_y=False,
        )
        fig.update_yaxes(title_text=bar_name, secondary_y=False)
    if show_line:
        fig.add_trace(
            go.Scatter(
                x=weeks,
                y=frame["conversations"].fillna(0),
                name="Conversations",
                mode="lines+markers",
                line={"color": LINE_COLOR, "width": 2},
                marker={"size": 6},
                customdata=hover_weeks,
                hovertemplate="%{customdata}<br>Conversations: %{y:,}<extra></extra>",
            ),
            secondary_y=dual,
        )
        fig.update_yaxes(
            title_text="Conversations", showgrid=not dual, title_font_color=LINE_COLOR, secondary_y=dual
        )
    fig.update_yaxes(rangemode="tozero", tickformat=",d", tickmode="auto", nticks=5)
    fig.update_xaxes(type="category")
    fig.update_layout(
        height=260,
        margin={"l": 8, "r": 8, "t": 28, "b": 8},
        showlegend=True,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        bargap=0.35,
        hovermode="x unified",
    )
    return fig


series = data.weekly_series(last_week, TREND_WEEKS, published)
channel_rows = list(channels.itertuples(index=False))
for start in range(0, len(channel_rows), 2):  # a grid of two charts per row, in sort order
    for column, row in zip(st.columns(2), channel_rows[start : start + 2], strict=False):
        with column.container(border=True):
            st.markdown(f"**{row.channel_name}**")
            figure = channel_figure(series[series["channel_id"] == row.channel_id], last_week)
            if figure is None:
                st.caption("No activity recorded in these weeks.")
                continue
            st.plotly_chart(figure, key=f"trend_{row.channel_id}", config={"displayModeBar": False})
