"""Explore page: contents, conversations and mentions, filtered (period, channel, text, entity, sentiment),
each table downloadable. Aggregate roles see it too: rows are contents and messages, not people (member-level
drill-down is the Members page).

UI only: queries in dashboards.data, strings in dashboards.i18n.
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboards import data, ui

SENTIMENTS = ("", "positive", "neutral", "negative")
SENTIMENT_LABELS = {"positive": ("positive", "positive"), "neutral": ("neutral", "neutre"),
                    "negative": ("negative", "négative")}

lang = ui.lang()
tr = ui.tr
published = data.require_published(lang=lang)
channels = data.channels(published)
label_channel = ui.channel_label(channels)

st.title(tr("explore.title"))
st.caption(tr("explore.caption"))

first_day, last_day = data.data_horizon(published)
if last_day is None:
    st.info(tr("weekly.no_full_week"), icon=":material/hourglass_empty:")
    st.stop()
weeks_back = [last_day - timedelta(days=7 * n - 1) for n in (1, 4, 13, 26, 52)]
period_box, channel_box = st.columns(2)
start = ui.url_choice(
    tr("filter.from"), weeks_back, param="from", key="explore_from", default=weeks_back[1],
    format_func=lambda d: tr("explore.last_days", days=(last_day - d).days + 1),
    container=period_box,
)
channel_id = ui.channel_choice(channels, key="explore_channel", container=channel_box)

tab_contents, tab_conversations, tab_mentions = st.tabs(
    [tr("explore.contents"), tr("explore.conversations"), tr("explore.mentions")])

with tab_contents:
    search = ui.url_text(tr("filter.search"), param="q", key="explore_contents_q")
    contents = data.explore_contents(start, last_day, channel_id, search, published)
    st.caption(tr("explore.rows", count=len(contents)))
    ui.show_table(
        contents.assign(channel_id=contents["channel_id"].map(label_channel)),
        "contents",
        headers={"published_at": "col.published_at", "channel_id": "col.channel", "content_format": "col.format",
                 "text": "col.text", "reach": "col.reach", "interactions": "col.interactions", "url": "col.url"},
        formats={"published_at": "timestamp", "reach": "count", "interactions": "count"},
        height=400,
    )

with tab_conversations:
    waiting_only = ui.url_toggle(tr("filter.waiting_only"), param="waiting", key="explore_waiting")
    conversations = data.explore_conversations(start, last_day, channel_id, waiting_only, published)
    st.caption(tr("explore.rows", count=len(conversations)))
    ui.show_table(
        conversations.assign(channel_id=conversations["channel_id"].map(label_channel)),
        "conversations",
        headers={"conversation_id": "col.conversation", "channel_id": "col.channel", "started_at": "col.started_at",
                 "has_response": "col.answered", "first_response_minutes": "col.first_response",
                 "first_response_business_minutes": "col.median_business", "response_sla_minutes": "col.sla",
                 "is_sla_breached": "col.sla_breached", "is_resolved": "col.resolved"},
        formats={"started_at": "timestamp", "has_response": "bool", "first_response_minutes": "duration",
                 "first_response_business_minutes": "duration", "response_sla_minutes": "duration",
                 "is_sla_breached": "bool", "is_resolved": "bool"},
        height=400,
    )

with tab_mentions:
    entity_box, sentiment_box, search_box = st.columns(3)
    entity = ui.url_choice(tr("filter.entity"), ["", *data.mention_entities(published)], param="entity",
                           key="explore_entity", format_func=lambda e: e or tr("filter.any"), container=entity_box)
    sentiment = ui.url_choice(tr("filter.sentiment"), SENTIMENTS, param="sentiment", key="explore_sentiment",
                              format_func=lambda s: SENTIMENT_LABELS[s][lang == "fr"] if s else tr("filter.any"),
                              container=sentiment_box)
    search = ui.url_text(tr("filter.search"), param="mq", key="explore_mentions_q", container=search_box)
    mentions = data.explore_mentions(start, last_day, channel_id, entity, sentiment, search, published)
    st.caption(tr("explore.rows", count=len(mentions)))
    ui.show_table(
        mentions.assign(channel_id=mentions["channel_id"].map(label_channel)),
        "mentions",
        headers={"mentioned_at": "col.mentioned_at", "channel_id": "col.channel", "entity_name": "col.entity",
                 "language_code": "col.language", "sentiment_label": "col.sentiment", "mention_text": "col.text",
                 "mention_url": "col.url"},
        formats={"mentioned_at": "timestamp"},
        height=400,
    )
