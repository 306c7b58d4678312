"""Strategic page (a quarter or a year): the impact of the community work in numbers, objectives against
targets as a scorecard with status colours (kpi_attainment), the principle barometer as a radar
(kpi_barometer), share of voice against competitors (listening marts), members and ambassadors (member marts).

UI only: queries in dashboards.data, strings in dashboards.i18n.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards import data, ui
from dashboards.formatting import format_delta, format_month, format_quarter, format_value, indicator_kind

STATUS_COLOURS = {"green": "#BBF7D0", "amber": "#FDE68A", "red": "#FECACA", "no_data": "#E5E7EB"}
IMPACT = (  # (indicator_id, kind): additive indicators only (see data.indicator_totals)
    ("contents_published", "count"),
    ("interactions", "count"),
    ("conversations_answered", "count"),
    ("response_rate", "rate"),
    ("brand_mentions", "count"),
    ("share_of_voice", "rate"),
    ("leads", "count"),
    ("social_leads", "count"),
)
CARDS_PER_ROW = 5

lang = ui.lang()
tr = ui.tr
published = data.require_published(lang=lang)
st.title(tr("strategic.title"))

first_day, last_day = data.data_horizon(published)
if last_day is None:
    st.info(tr("weekly.no_full_week"), icon=":material/hourglass_empty:")
    st.stop()
first_day = first_day or last_day


def _quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _quarter_add(quarter: date, quarters: int) -> date:
    index = quarter.year * 4 + (quarter.month - 1) // 3 + quarters
    return date(index // 4, index % 4 * 3 + 1, 1)


quarters = []
quarter = _quarter_start(last_day)
while quarter >= _quarter_start(first_day) and len(quarters) < 40:
    quarters.append(quarter)
    quarter = _quarter_add(quarter, -1)
years = sorted({q.year for q in quarters}, reverse=True)

header, grain_box, period_box = st.columns([2, 1, 1], vertical_alignment="bottom")
grain = ui.url_choice(tr("filter.grain"), ["quarter", "year"], param="horizon", key="strategic_grain",
                      format_func=lambda g: tr(f"grain.{g}"), container=grain_box, widget="segmented")
if grain == "year":
    year = ui.url_choice(tr("filter.period"), years, param="period", key="strategic_year", container=period_box)
    first_q, last_q = date(year, 1, 1), date(year, 10, 1)
    previous_first, previous_last = date(year - 1, 1, 1), date(year - 1, 10, 1)
    period_label, previous_label = str(year), str(year - 1)
else:
    first_q = ui.url_choice(tr("filter.period"), quarters, param="period", key="strategic_quarter",
                            format_func=lambda q: format_quarter(q, lang), container=period_box)
    last_q = first_q
    previous_first = previous_last = _quarter_add(first_q, -1)
    period_label, previous_label = format_quarter(first_q, lang), format_quarter(previous_first, lang)
first_month, last_month = first_q, date(last_q.year, last_q.month + 2, 1)
with header:
    st.markdown(f"### {period_label}")
    st.caption(tr("strategic.caption", period=period_label))

# --------------------------------------------------------------------------- impact in numbers
st.subheader(tr("strategic.impact"))
st.caption(tr("strategic.impact_caption", previous=previous_label))
ids = tuple(i for i, _ in IMPACT)
current = data.indicator_totals(ids, first_q, last_q, published)
previous = data.indicator_totals(ids, previous_first, previous_last, published)
cards = [(tr(f"impact.{i}"), format_value(kind, current[i], lang), format_delta(kind, current[i], previous[i], lang))
         for i, kind in IMPACT]
has_members = not data.missing_tables("community_health_monthly", path=published)
if has_members:
    community = data.community_monthly(first_month, last_month, published)
    before = data.community_monthly(
        date(previous_last.year, previous_last.month + 2, 1), date(previous_last.year, previous_last.month + 2, 1),
        published)
    for column, key in (("active_members", "impact.active_members"), ("ambassadors", "impact.ambassadors")):
        now = community[column].iloc[-1] if len(community) else None
        then = before[column].iloc[-1] if len(before) else None
        cards.append((tr(key), format_value("count", now, lang), format_delta("count", now, then, lang)))
for start in range(0, len(cards), CARDS_PER_ROW):
    for column, (label, value, delta) in zip(st.columns(CARDS_PER_ROW), cards[start:start + CARDS_PER_ROW],
                                             strict=False):
        column.metric(label, value, delta, border=True)
impact_table = pd.DataFrame(
    [(tr(f"impact.{i}"), current[i], previous[i]) for i in ids],
    columns=[tr("col.indicator"), period_label, previous_label])
ui.download_buttons(impact_table, "impact")

# --------------------------------------------------------------------------- scorecard
st.subheader(tr("strategic.scorecard"))
st.caption(tr("strategic.scorecard_caption"))
attainment = data.attainment(first_month, last_month, published, lang=lang)
if attainment.empty:
    st.caption(tr("no_rows"))
else:
    month_columns = {m: format_month(m, lang) for m in sorted(set(attainment["period_start"]))}
    status_text = {s: tr(f"status.{s}") for s in STATUS_COLOURS}
    label_of = {v: k for k, v in status_text.items()}
    scorecard = (
        attainment.assign(month=attainment["period_start"].map(month_columns),
                          status=attainment["status"].map(status_text))
        .pivot_table(index=["objective_id", "label", "channel_id"], columns="month", values="status",
                     aggfunc="first")
        .reindex(columns=list(month_columns.values()))
        .reset_index()
    )
    latest = attainment.sort_values("period_start").groupby(["objective_id", "indicator_id", "channel_id"]).last()
    latest = latest.reset_index()
    kinds = [indicator_kind(u, f) for u, f in zip(latest["unit"], latest["formula"], strict=True)]
    latest["value_text"] = [format_value(k, v, lang) for k, v in zip(kinds, latest["value"], strict=True)]
    latest["target_text"] = [format_value(k, v, lang) for k, v in zip(kinds, latest["target"], strict=True)]
    scorecard = scorecard.merge(
        latest[["objective_id", "label", "channel_id", "value_text", "target_text"]],
        on=["objective_id", "label", "channel_id"], how="left")

    def _colour(shown: pd.DataFrame):
        def cell(value):
            status = label_of.get(value)
            return f"background-color: {STATUS_COLOURS[status]}" if status else ""
        return shown.style.map(cell)

    headers = {"objective_id": "col.objective", "label": "col.indicator", "channel_id": "col.channel"}
    shown = scorecard.rename(columns={"value_text": tr("col.value"), "target_text": tr("col.target")})
    display = shown.rename(columns={k: tr(v) for k, v in headers.items()})
    st.dataframe(_colour(display), hide_index=True)
    raw = attainment.rename(columns={"objective_id": tr("col.objective"), "label": tr("col.indicator"),
                                     "channel_id": tr("col.channel"), "period_start": tr("col.month"),
                                     "value": tr("col.value"), "target": tr("col.target"),
                                     "status": tr("col.status")})
    ui.download_buttons(raw.drop(columns=["job", "indicator_id", "unit", "formula", "direction"]), "scorecard")

# --------------------------------------------------------------------------- barometer
st.subheader(tr("strategic.barometer"))
st.caption(tr("strategic.barometer_caption"))
baro = data.barometer(first_q, last_q, published, lang=lang)
if baro.empty:
    st.caption(tr("no_rows"))
else:
    radar = go.Figure(go.Scatterpolar(
        r=[*baro["score"].fillna(0), baro["score"].fillna(0).iloc[0]],
        theta=[*baro["principle_label"], baro["principle_label"].iloc[0]],
        fill="toself", line={"color": "#0F766E"}, name=period_label,
    ))
    radar.update_layout(polar={"radialaxis": {"range": [0, 100], "visible": True}}, height=420,
                        margin={"l": 40, "r": 40, "t": 30, "b": 30}, showlegend=False)
    st.plotly_chart(radar, key="barometer_radar", config={"displayModeBar": False})
    ui.show_table(baro, "barometer", headers={"principle_label": "col.principle", "score": "col.score"},
                  formats={"score": "number"}, height=260)

# --------------------------------------------------------------------------- share of voice
st.subheader(tr("strategic.share_of_voice"))
if ui.require_tables("listening_share_of_voice"):
    voice = data.share_of_voice("quarter", first_q, last_q, "all", published)
    if not voice.empty:
        bars = go.Figure(go.Bar(x=voice["entity_name"], y=voice["share_of_voice"],
                                marker_color=["#0F766E" if t == "brand" else "#99D5CE" for t in voice["entity_type"]]))
        bars.update_yaxes(tickformat=".0%", range=[0, 1])
        bars.update_layout(height=300, margin={"l": 8, "r": 8, "t": 28, "b": 8},
                           separators=",\u202f" if lang == "fr" else ".,")
        st.plotly_chart(bars, key="share_of_voice", config={"displayModeBar": False})
    ui.show_table(voice, "share_of_voice",
                  headers={"entity_name": "col.entity", "mentions": "col.mentions",
                           "share_of_voice": "col.share_of_voice", "net_sentiment": "col.net_sentiment"},
                  formats={"mentions": "count", "share_of_voice": "rate", "net_sentiment": "number"})

# --------------------------------------------------------------------------- members and ambassadors
st.subheader(tr("strategic.members"))
if ui.require_tables("community_health_monthly"):
    community = data.community_monthly(first_month, last_month, published)
    ui.show_table(community, "members_ambassadors",
                  headers={"month_start": "col.month", "active_members": "col.active_members",
                           "new_members": "col.new_members", "returning_members": "col.returning_members",
                           "core_members": "col.core_members", "ambassadors": "col.ambassadors",
                           "peer_support_ratio": "col.peer_support_ratio"},
                  formats={"month_start": "month", "active_members": "count", "new_members": "count",
                           "returning_members": "count", "core_members": "count", "ambassadors": "count",
                           "peer_support_ratio": "rate"})
