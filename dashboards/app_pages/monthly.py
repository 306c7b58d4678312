"""Monthly page: 13-month trends per channel and per job (kpi_values), audience growth, the month's best formats,
sentiment and listening (listening marts), moves between community levels (member marts), leads.

UI only: queries in dashboards.data, strings in dashboards.i18n.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboards import data, ui
from dashboards.formatting import ALL_CHANNELS_ID, format_month, format_value, indicator_kind

TREND_MONTHS = 13
JOBS = ("marketing", "customer_service", "public_relations", "business_development", "internal_communication")
JOB_LABELS = {
    "marketing": ("Marketing", "Marketing"),
    "customer_service": ("Customer service", "Service client"),
    "public_relations": ("Public relations", "Relations publiques"),
    "business_development": ("Business development", "Développement commercial"),
    "internal_communication": ("Internal communication", "Communication interne"),
}
AUDIENCE_HINTS = ("follower", "subscriber", "audience", "fans")
LEAD_INDICATORS = ("leads", "social_leads", "leads_converted")
DEFAULT_INDICATORS = ("interactions", "conversations", "brand_mentions", "leads", "active_members")

lang = ui.lang()
tr = ui.tr
published = data.require_published(lang=lang)
channels = data.channels(published)
label_channel = ui.channel_label(channels)


def _month_add(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(month: date) -> date:
    return _month_add(month, 1) - timedelta(days=1)


st.title(tr("monthly.title"))

first_day, last_day = data.data_horizon(published)
if last_day is None:
    st.info(tr("weekly.no_full_week"), icon=":material/hourglass_empty:")
    st.stop()
latest_full = data.latest_full_month(published)
last_month = date(last_day.year, last_day.month, 1)
first_month = date(first_day.year, first_day.month, 1) if first_day else last_month
months = []
month = last_month
while month >= first_month and len(months) < 60:
    months.append(month)
    month = _month_add(month, -1)


def _month_label(value: date) -> str:
    label = format_month(value, lang)
    return label if _month_end(value) <= last_day else f"{label} ({tr('partial')})"


header, month_box, channel_box = st.columns([2, 1, 1], vertical_alignment="bottom")
with month_box:
    month = ui.url_choice(tr("filter.month"), months, param="month", key="monthly_month",
                          default=latest_full or last_month, format_func=_month_label)
with channel_box:
    channel_id = ui.channel_choice(channels, key="monthly_channel")
first_trend = _month_add(month, -(TREND_MONTHS - 1))
with header:
    st.markdown(f"### {_month_label(month)}")
    st.caption(tr("monthly.caption", month=format_month(month, lang)))

values = data.indicator_values("month", first_trend, month, published, lang=lang)
catalog = data.catalog(published, lang=lang)

# --------------------------------------------------------------------------- 13-month trends
st.subheader(tr("monthly.trends"))
jobs = [j for j in JOBS if j in set(catalog["job"])]
job_box, indicator_box = st.columns(2)
job = ui.url_choice(tr("filter.job"), jobs, param="job", key="monthly_job",
                    format_func=lambda j: JOB_LABELS.get(j, (j, j))[lang == "fr"], container=job_box)
job_catalog = catalog[catalog["job"] == job]
labels = dict(zip(job_catalog["indicator_id"], job_catalog["label"], strict=True))
job_indicators = job_catalog["indicator_id"].tolist()
indicator = ui.url_choice(tr("monthly.indicator"), job_indicators, param="indicator", key="monthly_indicator",
                          default=next((i for i in DEFAULT_INDICATORS if i in job_indicators), None),
                          format_func=lambda i: labels.get(i, i), container=indicator_box)
series = values[values["indicator_id"] == indicator]
if channel_id != ALL_CHANNELS_ID:
    series = series[series["channel_id"].isin([channel_id])]
selected = job_catalog[job_catalog["indicator_id"] == indicator]
kind = indicator_kind(selected["unit"].iloc[0], selected["formula"].iloc[0]) if len(selected) else "count"
if series.empty:
    st.caption(tr("no_rows"))
else:
    plotted = series.assign(
        month=[format_month(m, lang) for m in series["period_start"]],
        channel=series["channel_id"].map(label_channel),
    )
    figure = px.line(plotted, x="month", y="value", color="channel", markers=True,
                     labels={"month": tr("col.month"), "value": labels.get(indicator, indicator),
                             "channel": tr("col.channel")})
    figure.update_xaxes(type="category")
    if kind == "rate":
        figure.update_yaxes(tickformat=".1%")
    figure.update_layout(height=320, margin={"l": 8, "r": 8, "t": 28, "b": 8},
                         separators=",\u202f" if lang == "fr" else ".,")
    st.plotly_chart(figure, key="monthly_trend", config={"displayModeBar": False})
trend_table = values[values["job"] == job].assign(channel_id=lambda f: f["channel_id"].map(label_channel))
ui.show_table(
    trend_table,
    f"monthly_{job}",
    headers={"label": "col.indicator", "channel_id": "col.channel", "period_start": "col.month",
             "value": "col.value"},
    formats={"period_start": "month", "value": "indicator"},
    height=260,
)

# --------------------------------------------------------------------------- audience growth
st.subheader(tr("monthly.audience"))
audience_ids = [i for i in catalog["indicator_id"] if any(h in i for h in AUDIENCE_HINTS)]
if not audience_ids:
    st.caption(tr("monthly.no_audience"))
else:
    audience = values[values["indicator_id"].isin(audience_ids)].assign(
        channel_id=lambda f: f["channel_id"].map(label_channel))
    ui.show_table(audience, "audience", headers={"label": "col.indicator", "channel_id": "col.channel",
                                                 "period_start": "col.month", "value": "col.value"},
                  formats={"period_start": "month", "value": "indicator"})

# --------------------------------------------------------------------------- best formats
st.subheader(tr("monthly.formats"))
formats = data.content_formats(month, _month_end(month), channel_id, published)
formats = formats.assign(channel_id=formats["channel_id"].map(label_channel))
if len(formats):
    top = formats.iloc[0]
    st.caption(tr("monthly.best_format", format=top["content_format"], channel=top["channel_id"],
                  per_content=format_value("number", top["interactions_per_content"], lang)))
ui.show_table(
    formats,
    "formats",
    headers={"channel_id": "col.channel", "content_format": "col.format", "contents": "col.contents",
             "interactions": "col.interactions", "interactions_per_content": "col.interactions_per_content",
             "engagement_rate": "col.engagement_rate"},
    formats={"contents": "count", "interactions": "count", "interactions_per_content": "number",
             "engagement_rate": "rate"},
)

# --------------------------------------------------------------------------- sentiment and listening
st.subheader(tr("monthly.sentiment"))
if ui.require_tables("listening_share_of_voice", "listening_keywords"):
    voice = data.share_of_voice("month", month, month, channel_id, published)
    ui.show_table(
        voice,
        "sentiment",
        headers={"entity_name": "col.entity", "mentions": "col.mentions", "share_of_voice": "col.share_of_voice",
                 "positive": "col.positive", "neutral": "col.neutral", "negative": "col.negative",
                 "net_sentiment": "col.net_sentiment"},
        formats={"mentions": "count", "share_of_voice": "rate", "positive": "count", "neutral": "count",
                 "negative": "count", "net_sentiment": "number"},
    )
    st.markdown(f"**{tr('monthly.keywords')}**")
    keywords = data.top_keywords("month", month, 10, published)
    ui.show_table(keywords, "keywords", headers={"entity_name": "col.entity", "rank": "col.rank",
                                                 "keyword": "col.keyword", "mentions": "col.mentions"},
                  formats={"mentions": "count"}, height=260)

# --------------------------------------------------------------------------- community levels
st.subheader(tr("monthly.levels"))
st.caption(tr("monthly.levels_caption"))
if ui.require_tables("member_levels_monthly"):
    moves = data.level_moves(first_trend, month, published)
    if not moves.empty:
        plotted = moves.assign(month=[format_month(m, lang) for m in moves["month_start"]])
        figure = px.bar(plotted, x="month", y="members", color="level_move",
                        labels={"month": tr("col.month"), "members": tr("col.members"), "level_move": tr("col.move")})
        figure.update_xaxes(type="category")
        figure.update_layout(height=300, margin={"l": 8, "r": 8, "t": 28, "b": 8})
        st.plotly_chart(figure, key="monthly_moves", config={"displayModeBar": False})
    ui.show_table(moves, "level_moves", headers={"month_start": "col.month", "level_move": "col.move",
                                                 "members": "col.members"},
                  formats={"month_start": "month", "members": "count"}, height=220)

# --------------------------------------------------------------------------- leads
st.subheader(tr("monthly.leads"))
leads = values[values["indicator_id"].isin(LEAD_INDICATORS) & (values["channel_id"] == ALL_CHANNELS_ID)]
pivot = (
    leads.pivot_table(index="period_start", columns="indicator_id", values="value", aggfunc="sum")
    .reindex(columns=list(LEAD_INDICATORS))
    .reset_index()
    if not leads.empty else pd.DataFrame(columns=["period_start", *LEAD_INDICATORS])
)
ui.show_table(
    pivot,
    "leads",
    headers={"period_start": "col.month", "leads": "col.leads", "social_leads": "impact.social_leads",
             "leads_converted": "col.converted"},
    formats={"period_start": "month", "leads": "count", "social_leads": "count", "leads_converted": "count"},
    height=220,
)
by_channel = data.leads_by_channel(month, _month_end(month), published)
by_channel = by_channel.assign(channel_id=by_channel["channel_id"].map(label_channel))
ui.show_table(by_channel, "leads_by_channel",
              headers={"channel_id": "col.channel", "leads": "col.leads", "converted": "col.converted"},
              formats={"leads": "count", "converted": "count"})
