-- The 'all' row pools the channels: its counts and sums equal the sums of the channel rows of the
-- same week (its rates are then ratios of these pooled sums, checked by unit tests).
with

kpis as (

    select * from {{ ref('kpi_weekly') }}

),

channel_totals as (

    select
        week_start,
        sum(contents_published) as contents_published,
        sum(interactions) as interactions,
        sum(reach) as reach,
        sum(conversations) as conversations,
        sum(conversations_answered) as conversations_answered

    from kpis
    where channel_id <> 'all'
    group by week_start

),

all_rows as (

    select * from kpis where channel_id = 'all'

)

select
    all_rows.week_start,
    all_rows.contents_published,
    channel_totals.contents_published as channels_contents_published,
    all_rows.conversations,
    channel_totals.conversations as channels_conversations

from all_rows
inner join channel_totals
    on all_rows.week_start = channel_totals.week_start
where all_rows.contents_published <> channel_totals.contents_published
    or all_rows.interactions is distinct from channel_totals.interactions
    or all_rows.reach is distinct from channel_totals.reach
    or all_rows.conversations <> channel_totals.conversations
    or all_rows.conversations_answered <> channel_totals.conversations_answered
