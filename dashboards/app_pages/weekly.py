"""Weekly page: the last full week against the previous one — publishing, conversations, response time
against the SLA, the conversations still waiting, the week's alerts — and 12-week trends per channel.

UI only: every query lives in dashboards.data, every displayed string in dashboards.i18n / formatting.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from dashboards import data, ui
from dashboards.formatting import (
    build_kpi_cards,
    format_count,
    format_timestamp,
    format_week_label,
    format_week_short,
)

TREND_WEEKS = 12
BAR_COLOR = "#99D5CE"
BAR_HIGHLIGHT = "#0F766E"
LINE_COLOR = "#C2410C"
CARDS_PER_ROW = 3

lang = ui.lang()
tr = ui.tr
published = data.require_published(lang=lang)
last_week = data.latest_full_week(published)

st.title(tr("weekly.title"))

if last_week is None:
    st.info(tr("weekly.no_full_week"), icon=":material/hourglass_empty:")
    st.stop()

prev_week = data.previous_week(last_week)
channels = data.channels(published)
channel_names = dict(zip(channels["channel_id"], channels["channel_name"], strict=True))
label_channel = ui.channel_label(channels)

header, selector = st.columns([3, 1], vertical_alignment="bottom")
with header:
    st.markdown(f"### {format_week_label(last_week, lang)}")
    st.caption(tr("weekly.compared_with", previous=format_week_label(prev_week, lang)))
with selector:
    channel_id = ui.channel_choice(channels, key="weekly_channel")

cards = build_kpi_cards(
    data.kpis(last_week, channel_id, published),
    data.kpis(prev_week, channel_id, published),
    channel_id=channel_id,
    lang=lang,
)
delta_description = tr("weekly.vs", week=format_week_short(prev_week, lang))
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

# --------------------------------------------------------------------------- best contents
st.subheader(tr("weekly.best_contents"))
st.caption(tr("weekly.best_contents_caption"))
best = data.top_contents(last_week, channel_id, 5, published)
best = best.assign(channel_id=best["channel_id"].map(label_channel))
ui.show_table(
    best,
    "best_contents",
    headers={
        "published_at": "col.published_at", "channel_id": "col.channel", "content_format": "col.format",
        "text": "col.text", "reach": "col.reach", "interactions": "col.interactions",
        "engagement_rate": "col.engagement_rate", "url": "col.url",
    },
    formats={"published_at": "timestamp", "reach": "count", "interactions": "count", "engagement_rate": "rate"},
)

# --------------------------------------------------------------------------- SLA and waiting conversations
st.subheader(tr("weekly.sla"))
st.caption(tr("weekly.sla_caption"))
sla = data.sla_by_channel(last_week, published)
sla = sla.assign(channel_id=sla["channel_id"].map(label_channel))
ui.show_table(
    sla,
    "response_sla",
    headers={
        "channel_id": "col.channel", "conversations": "col.conversations", "answered": "col.answered",
        "response_sla_minutes": "col.sla", "median_first_response_business_minutes": "col.median_business",
        "sla_breaches": "col.breaches", "sla_breach_rate": "col.breach_rate",
    },
    formats={
        "conversations": "count", "answered": "count", "response_sla_minutes": "duration",
        "median_first_response_business_minutes": "duration", "sla_breaches": "count", "sla_breach_rate": "rate",
    },
)

st.subheader(tr("weekly.waiting"))
waiting = data.waiting_conversations(channel_id, 200, published)
horizon = data.waiting_horizon(waiting)
st.caption(tr(
    "weekly.waiting_caption",
    count=format_count(data.waiting_count(channel_id, published), lang),
    horizon=format_timestamp(horizon.to_pydatetime() if horizon is not None else None, lang),
))
waiting = waiting.assign(channel_id=waiting["channel_id"].map(label_channel))
ui.show_table(
    waiting,
    "waiting_conversations",
    headers={
        "conversation_id": "col.conversation", "channel_id": "col.channel", "started_at": "col.started_at",
        "waiting_minutes": "col.waiting", "response_sla_minutes": "col.sla", "is_sla_breached": "col.sla_breached",
    },
    formats={"started_at": "timestamp", "waiting_minutes": "duration", "response_sla_minutes": "duration",
             "is_sla_breached": "bool"},
    height=300,
)

# --------------------------------------------------------------------------- alerts
st.subheader(tr("weekly.alerts"))
week_alerts = data.alerts(last_week, last_week + timedelta(days=6))
if week_alerts is None:
    st.caption(tr("weekly.alerts_file_missing", path=data.alerts_path()))
elif week_alerts.empty:
    st.caption(tr("weekly.no_alerts"))
else:
    week_alerts = week_alerts.assign(channel_id=week_alerts["channel_id"].map(label_channel))
    ui.show_table(
        week_alerts,
        "alerts",
        headers={
            "raised_at": "col.raised_at", "severity": "col.severity", "rule": "col.rule",
            "indicator_id": "col.indicator", "channel_id": "col.channel", "observed_value": "col.observed",
            "threshold": "col.threshold", "message": "col.message", "delivery_status": "col.delivery",
        },
        formats={"raised_at": "timestamp", "observed_value": "number", "threshold": "number"},
    )

# --------------------------------------------------------------------------- trends
st.space("medium")
st.subheader(tr("weekly.trends", weeks=TREND_WEEKS))
st.caption(tr("weekly.trends_caption"))


def _has_values(column: pd.Series) -> bool:
    return bool(column.notna().any() and (column.fillna(0) > 0).any())


def channel_figure(frame: pd.DataFrame, highlight_week: date) -> go.Figure | None:
    """Bars (interactions, else contents published) and a conversations line; None if empty."""
    weeks = [format_week_short(w, lang) for w in frame["week_start"]]
    hover_weeks = [format_week_label(w, lang) for w in frame["week_start"]]
    bar_column = next((c for c in ("interactions", "contents_published") if _has_values(frame[c])), None)
    bar_name = tr(f"kpi.{bar_column}") if bar_column else None
    line_name = tr("kpi.conversations")
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
                name=line_name,
                mode="lines+markers",
                line={"color": LINE_COLOR, "width": 2},
                marker={"size": 6},
                customdata=hover_weeks,
                hovertemplate=f"%{{customdata}}<br>{line_name}: %{{y:,}}<extra></extra>",
            ),
            secondary_y=dual,
        )
        fig.update_yaxes(
            title_text=line_name, showgrid=not dual, title_font_color=LINE_COLOR, secondary_y=dual
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
        separators=", " if lang == "fr" else ".,",
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
                st.caption(tr("weekly.no_activity"))
                continue
            st.plotly_chart(figure, key=f"trend_{row.channel_id}", config={"displayModeBar": False})
