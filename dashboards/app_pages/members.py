"""Members page (member-level: analysts and community managers only): pseudonymous members with their level,
activity and ambassador flag, and one member's monthly level history.

UI only: queries in dashboards.data, strings in dashboards.i18n.
"""

from __future__ import annotations

import streamlit as st

from dashboards import data, ui

ui.require_member_level()  # the navigation already hides this page from executives: this is the second lock

lang = ui.lang()
tr = ui.tr
published = data.require_published(lang=lang)
st.title(tr("members.title"))
st.caption(tr("members.caption"))

if not ui.require_tables("dim_members", "member_levels_monthly"):
    st.stop()

level_box, ambassador_box = st.columns(2, vertical_alignment="bottom")
level = ui.url_choice(tr("filter.level"), ["", *data.member_levels(published)], param="level",
                      key="members_level", format_func=lambda v: v or tr("filter.any"), container=level_box)
ambassadors_only = ui.url_toggle(tr("filter.ambassadors_only"), param="ambassadors", key="members_ambassadors",
                                 container=ambassador_box)
members = data.members(level, ambassadors_only, published)
st.caption(tr("explore.rows", count=len(members)))
headers = {"member_key": "col.member", "level": "col.level", "lifecycle_state": "col.lifecycle",
           "activity_tier": "col.tier", "is_ambassador": "col.ambassador", "activities": "col.activities",
           "first_seen_at": "col.first_seen", "last_active_at": "col.last_active", "channels": "col.channels"}
ui.show_table(members, "members", headers=headers,
              formats={"first_seen_at": "timestamp", "last_active_at": "timestamp", "is_ambassador": "bool",
                       "activities": "count"},
              height=360)

st.subheader(tr("members.history"))
keys = members["member_key"].tolist()
if keys:
    member_key = ui.url_choice(tr("members.member"), keys, param="member", key="members_member")
    history = data.member_history(member_key, published)
    ui.show_table(
        history,
        "member_history",
        headers={"month_start": "col.month", "activity_score": "col.activity_score", "level": "col.level",
                 "previous_level": "col.previous_level", "level_move": "col.move", "lifecycle_state": "col.lifecycle",
                 "activity_tier": "col.tier", "is_ambassador": "col.ambassador"},
        formats={"month_start": "month", "activity_score": "number", "is_ambassador": "bool"},
    )
