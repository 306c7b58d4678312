-- A table, unlike the other intermediate models: kpi_values and every data test read it, and as a view each
-- would compute all the measures again.
{{ config(materialized='table') }}

-- Every measure the indicator catalog names, as a long table: one row per (grain, period_start, channel_id,
-- measure_id). Grains: ISO week (Monday), calendar month, calendar quarter, on UTC dates. Channels: those of
-- dim_channels, plus 'all' computed by GROUPING SETS on the pooled rows of every channel (medians and p90 of
-- all conversations, never of channel medians). Rows of a channel outside dim_channels (mentions on instagram,
-- leads attributed to 'other', ...) count in 'all' only.
-- A (period, channel) without any row of a fact has no measure of that fact here (kpi_values' spine turns a
-- missing count into 0); a sum over no reported value is present and NULL.
{%- set content_measures = [
    'contents_published', 'interactions', 'reach', 'impressions', 'clicks', 'reactions', 'comments', 'shares',
    'reached_interactions', 'reached_reach', 'impressed_interactions', 'impressed_impressions',
    'contents_reporting_reactions', 'contents_reporting_comments', 'contents_reporting_shares'] %}
{%- set conversation_measures = [
    'conversations', 'conversations_answered', 'first_response_minutes_sum', 'first_response_minutes_median',
    'first_response_minutes_p90'] %}
{%- set answer_measures = [
    'first_response_business_minutes_sum', 'first_response_business_minutes_median',
    'first_response_business_minutes_p90'] %}
{%- set sla_measures = ['sla_conversations', 'sla_breaches'] %}
{%- set resolution_measures = ['conversations_resolved', 'resolution_business_minutes_median'] %}
{%- set rating_measures = ['satisfaction_good', 'satisfaction_rated'] %}
{%- set mention_measures = ['brand_mentions', 'competitor_mentions', 'tracked_mentions'] %}
{%- set lead_measures = ['leads', 'social_leads', 'leads_converted'] %}
{%- set period_start -%}
case grains.grain
    when 'week' then {{ iso_week_start('facts.activity_date') }}
    when 'month' then cast(date_trunc('month', facts.activity_date) as date)
    else cast(date_trunc('quarter', facts.activity_date) as date)
end
{%- endset %}
{%- set report_channel -%}
case when grouping(channel_id) = 1 then 'all' else channel_id end
{%- endset %}
{%- set grouping_sets -%}
group by grouping sets ((grain, period_start, channel_id), (grain, period_start))
-- rows of a channel outside dim_channels form a NULL-channel group: keep them in 'all' only
having grouping(channel_id) = 1 or channel_id is not null
{%- endset %}

with

channels as (

    select channel_id from {{ ref('dim_channels') }}

),

grains as (

    select grain from (values ('week'), ('month'), ('quarter')) as grains (grain)

),

contents as (

    select
        published_date as activity_date,
        channel_id,
        interactions,
        reach,
        impressions,
        clicks,
        reactions,
        comments,
        shares

    from {{ ref('fct_contents') }}

),

conversations as (

    select
        started_date as activity_date,
        channel_id,
        has_response,
        first_response_minutes

    from {{ ref('fct_conversations') }}

),

-- the service facts: subsets of the conversations, each a fact of its own (a period and channel without any
-- measured answer, conversation under an SLA, resolution or rating has no measure of it)
answers as (

    -- answered conversations, measured in business minutes
    select
        started_date as activity_date,
        channel_id,
        first_response_business_minutes

    from {{ ref('fct_conversations') }}
    where first_response_business_minutes is not null

),

sla_conversations as (

    -- conversations on a channel with a response SLA
    select
        started_date as activity_date,
        channel_id,
        is_sla_breached

    from {{ ref('fct_conversations') }}
    where response_sla_minutes is not null

),

resolutions as (

    -- resolved tickets, by the period they were opened in
    select
        started_date as activity_date,
        channel_id,
        resolution_business_minutes

    from {{ ref('fct_conversations') }}
    where resolution_business_minutes is not null

),

ratings as (

    -- rated tickets (good or bad), by the period they were opened in
    select
        started_date as activity_date,
        channel_id,
        is_satisfied

    from {{ ref('fct_conversations') }}
    where is_satisfied is not null

),

mentions as (

    select
        {{ utc_date('mentioned_at') }} as activity_date,
        channel_id,
        is_brand_mention,
        entity_type

    from {{ ref('fct_mentions') }}

),

leads as (

    select
        {{ utc_date('created_at') }} as activity_date,
        attributed_channel_id as channel_id,
        is_social_lead,
        is_converted

    from {{ ref('fct_leads') }}

),

{% for fact in [
    'contents', 'conversations', 'answers', 'sla_conversations', 'resolutions', 'ratings', 'mentions', 'leads'] %}
{{ fact }}_by_period as (

    -- each row once per grain, with the start of its week, month and quarter; channel NULL outside dim_channels
    select
        grains.grain,
        {{ period_start }} as period_start,
        channels.channel_id,
        facts.* exclude (channel_id)

    from {{ fact }} as facts
    cross join grains
    left join channels
        on facts.channel_id = channels.channel_id

),

{% endfor %}
content_measures as (

    select
        grain,
        period_start,
        {{ report_channel }} as channel_id,
        count(*) as contents_published,
        sum(interactions) as interactions,
        sum(reach) as reach,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        sum(reactions) as reactions,
        sum(comments) as comments,
        sum(shares) as shares,
        -- engagement rates are only measurable on contents whose platform reports the denominator
        sum(interactions) filter (where reach > 0) as reached_interactions,
        sum(reach) filter (where reach > 0) as reached_reach,
        sum(interactions) filter (where impressions > 0) as impressed_interactions,
        sum(impressions) filter (where impressions > 0) as impressed_impressions,
        -- Kaushik's rates divide by the contents whose platform reports the counter (blog articles do not)
        count(reactions) as contents_reporting_reactions,
        count(comments) as contents_reporting_comments,
        count(shares) as contents_reporting_shares

    from contents_by_period
    {{ grouping_sets }}

),

conversation_measures as (

    select
        grain,
        period_start,
        {{ report_channel }} as channel_id,
        count(*) as conversations,
        count(*) filter (where has_response) as conversations_answered,
        -- summed as an exact decimal (to the microminute): a sum of doubles depends on the order threads add
        -- them, and a rebuild must give identical values
        cast(sum(cast(first_response_minutes as decimal(18, 6))) filter (where has_response) as double)
            as first_response_minutes_sum,
        -- interpolated between the two middle values for an even count
        quantile_cont(first_response_minutes, 0.5) filter (where has_response) as first_response_minutes_median,
        quantile_cont(first_response_minutes, 0.9) filter (where has_response) as first_response_minutes_p90

    from conversations_by_period
    {{ grouping_sets }}

),

answer_measures as (

    select
        grain,
        period_start,
        {{ report_channel }} as channel_id,
        cast(sum(cast(first_response_business_minutes as decimal(18, 6))) as double)
            as first_response_business_minutes_sum,
        quantile_cont(first_response_business_minutes, 0.5) as first_response_business_minutes_median,
        quantile_cont(first_response_business_minutes, 0.9) as first_response_business_minutes_p90

    from answers_by_period
    {{ grouping_sets }}

),

sla_measures as (

    select
        grain,
        period_start,
        {{ report_channel }} as channel_id,
        count(*) as sla_conversations,
        count(*) filter (where is_sla_breached) as sla_breaches

    from sla_conversations_by_period
    {{ grouping_sets }}

),

resolution_measures as (

    select
        grain,
        period_start,
        {{ report_channel }} as channel_id,
        count(*) as conversations_resolved,
        quantile_cont(resolution_business_minutes, 0.5) as resolution_business_minutes_median

    from resolutions_by_period
    {{ grouping_sets }}

),

rating_measures as (

    select
        grain,
        period_start,
        {{ report_channel }} as channel_id,
        count(*) filter (where is_satisfied) as satisfaction_good,
        count(*) as satisfaction_rated

    from ratings_by_period
    {{ grouping_sets }}

),

mention_measures as (

    select
        grain,
        period_start,
        {{ report_channel }} as channel_id,
        count(*) filter (where is_brand_mention) as brand_mentions,
        count(*) filter (where entity_type = 'competitor') as competitor_mentions,
        count(*) as tracked_mentions

    from mentions_by_period
    {{ grouping_sets }}

),

lead_measures as (

    select
        grain,
        period_start,
        {{ report_channel }} as channel_id,
        count(*) as leads,
        count(*) filter (where is_social_lead) as social_leads,
        count(*) filter (where is_converted) as leads_converted

    from leads_by_period
    {{ grouping_sets }}

),

{%- set listening_sentiment_measures = [
    'brand_net_sentiment_mentions', 'brand_negative_mentions', 'brand_scored_mentions'] %}
{%- set listening_spike_measures = ['brand_spike_days'] %}
-- listening (L): the brand's mentions by sentiment, and its spike days from listening_daily
brand_mentions_by_period as (

    select
        grains.grain,
        {{ period_start }} as period_start,
        channels.channel_id,
        facts.sentiment_label

    from (
        select
            {{ utc_date('mentioned_at') }} as activity_date,
            channel_id,
            sentiment_label

        from {{ ref('fct_mentions') }}
        where is_brand_mention
    ) as facts
    cross join grains
    left join channels
        on facts.channel_id = channels.channel_id

),

listening_sentiment_measures as (

    -- scored = a sentiment_label; unscored brand mentions are in no measure here
    select
        grain,
        period_start,
        {{ report_channel }} as channel_id,
        count(*) filter (where sentiment_label = 'positive')
            - count(*) filter (where sentiment_label = 'negative') as brand_net_sentiment_mentions,
        count(*) filter (where sentiment_label = 'negative') as brand_negative_mentions,
        count(*) filter (where sentiment_label in ('positive', 'neutral', 'negative')) as brand_scored_mentions

    from brand_mentions_by_period
    {{ grouping_sets }}

),

listening_spike_measures as (

    -- listening_daily has its own 'all' series (spikes of the pooled mentions, not a sum of channel spikes):
    -- its rows are taken as they are, per channel of dim_channels and for 'all'
    select
        grains.grain,
        {{ period_start }} as period_start,
        facts.channel_id,
        count(*) filter (where facts.is_volume_spike) as brand_spike_days

    from (
        select
            date_day as activity_date,
            channel_id,
            is_volume_spike

        from {{ ref('listening_daily') }}
        where entity_type = 'brand'
    ) as facts
    cross join grains
    where facts.channel_id = 'all' or facts.channel_id in (select channel_id from channels)
    group by all

),

{%- set member_measures = [
    'active_members', 'new_members', 'returning_members', 'ambassador_members', 'core_members'] %}
{%- set member_answer_measures = ['member_answers_to_members', 'answers_to_members'] %}
-- members (M): community members (teammates and bots out: the members of int_member_levels_monthly) counted as
-- distinct members per period, channel and 'all' (never a sum over channels), and the answers to members
member_activity_days as (

    select distinct
        activities.member_id,
        activities.channel_id,
        {{ utc_date('activities.occurred_at') }} as activity_date,
        levels.activity_tier = 'core' as is_core,
        levels.is_ambassador

    from {{ ref('int_member_activities_unioned') }} as activities
    inner join {{ ref('int_member_levels_monthly') }} as levels
        on activities.member_id = levels.member_id
        and cast(date_trunc('month', {{ utc_date('activities.occurred_at') }}) as date) = levels.month_start

),

member_periods as (

    select
        grains.grain,
        {{ period_start }} as period_start,
        member_channels.channel_id,
        facts.member_id,
        bool_or(facts.is_core) as is_core,
        bool_or(facts.is_ambassador) as is_ambassador

    from member_activity_days as facts
    cross join grains
    cross join lateral (select facts.channel_id union all select 'all') as member_channels (channel_id)
    where member_channels.channel_id = 'all'
        or member_channels.channel_id in (select channel_id from channels)
    group by 1, 2, 3, 4

),

member_measures as (

    select
        grain,
        period_start,
        channel_id,
        count(*) as active_members,
        count(*) filter (where previous_active_period is null) as new_members,
        count(*) filter (where previous_active_period < case grain
            when 'week' then period_start - 7
            when 'month' then cast(period_start - interval 1 month as date)
            else cast(period_start - interval 3 month as date)
        end) as returning_members,
        count(*) filter (where is_ambassador) as ambassador_members,
        count(*) filter (where is_core) as core_members

    from (
        select
            *,
            lag(period_start) over (partition by grain, channel_id, member_id order by period_start)
                as previous_active_period
        from member_periods
    )
    group by 1, 2, 3

),

member_answers as (

    select
        grains.grain,
        {{ period_start }} as period_start,
        channels.channel_id,
        facts.is_peer_answer

    from (
        select
            {{ utc_date('occurred_at') }} as activity_date,
            channel_id,
            is_answer_to_member
                and member_id in (select member_id from {{ ref('int_member_levels_monthly') }}) as is_peer_answer

        from {{ ref('int_member_activities_unioned') }}
        where is_reply_to_member
    ) as facts
    cross join grains
    left join channels
        on facts.channel_id = channels.channel_id

),

member_answer_measures as (

    select
        grain,
        period_start,
        {{ report_channel }} as channel_id,
        count(*) filter (where is_peer_answer) as member_answers_to_members,
        count(*) as answers_to_members

    from member_answers
    {{ grouping_sets }}

),

{%- set audience_measures = ['followers', 'followers_base', 'follower_growth', 'follower_interactions'] %}
-- audience (A): the channels of dim_channels in fct_audience_daily (followers as last reported, carried forward
-- day by day). followers: on the period's last day present (its end, or the data's latest day for the current
-- period); followers_base: on the day before the period starts (none when the channel's audience starts inside
-- the period); follower_growth = followers - followers_base; follower_interactions: the interactions of the
-- channel's contents published in the period (content_measures), counted only when the channel has an audience.
-- 'all' sums the channels' period-end values (not a pooled count: a person following two channels counts
-- twice); its base and growth sum the channels that have a base only, so that a channel starting to report
-- inside the period is no growth.
audience_days as (

    select
        channel_id,
        date_day as activity_date,
        followers

    from {{ ref('fct_audience_daily') }}
    where channel_id in (select channel_id from channels)

),

audience_channel_periods as (

    select
        grains.grain,
        {{ period_start }} as period_start,
        facts.channel_id,
        arg_max(facts.followers, facts.activity_date) as followers

    from audience_days as facts
    cross join grains
    group by all

),

audience_channel_measures as (

    select
        periods.grain,
        periods.period_start,
        periods.channel_id,
        periods.followers,
        bases.followers as followers_base,
        periods.followers - bases.followers as follower_growth,
        contents.interactions as follower_interactions

    from audience_channel_periods as periods
    left join audience_days as bases
        on periods.channel_id = bases.channel_id
        and bases.activity_date = periods.period_start - 1
    left join content_measures as contents
        on periods.grain = contents.grain
        and periods.period_start = contents.period_start
        and periods.channel_id = contents.channel_id

),

audience_measures as (

    select grain, period_start, channel_id, followers, followers_base, follower_growth, follower_interactions
    from audience_channel_measures

    union all

    select
        grain,
        period_start,
        'all' as channel_id,
        sum(followers) as followers,
        sum(followers_base) as followers_base,
        -- NULL for a channel without a base: left out of both
        sum(follower_growth) as follower_growth,
        sum(follower_interactions) as follower_interactions

    from audience_channel_measures
    group by grain, period_start

),

{%- set content_delta_measures = ['interactions_in_period', 'impressions_in_period'] %}
-- engagement in the period (F): the deltas of the contents' lifetime counters (int_content_counters_differenced)
-- reported in the period (snapshot day in it), whatever the content's publication date; only the contents of
-- fct_contents (same channels and contents as the lifetime indicators). No reach: unique people do not add up.
content_deltas_by_period as (

    select
        grains.grain,
        {{ period_start }} as period_start,
        channels.channel_id,
        facts.interactions,
        facts.impressions

    from (
        select
            snapshot_date as activity_date,
            channel_id,
            interactions,
            impressions

        from {{ ref('int_content_counters_differenced') }}
        where content_id in (select content_id from {{ ref('fct_contents') }})
    ) as facts
    cross join grains
    left join channels
        on facts.channel_id = channels.channel_id

),

content_delta_measures as (

    select
        grain,
        period_start,
        {{ report_channel }} as channel_id,
        sum(interactions) as interactions_in_period,
        sum(impressions) as impressions_in_period

    from content_deltas_by_period
    {{ grouping_sets }}

),

long_measures as (

{%- set sep = joiner('    union all') %}
{%- for relation, measures in [
    ('content_measures', content_measures), ('conversation_measures', conversation_measures),
    ('answer_measures', answer_measures), ('sla_measures', sla_measures),
    ('resolution_measures', resolution_measures), ('rating_measures', rating_measures),
    ('mention_measures', mention_measures), ('lead_measures', lead_measures),
    ('listening_sentiment_measures', listening_sentiment_measures),
    ('listening_spike_measures', listening_spike_measures),
    ('member_measures', member_measures), ('member_answer_measures', member_answer_measures),
    ('audience_measures', audience_measures),
    ('content_delta_measures', content_delta_measures)] %}
{%- for measure in measures %}
    {{ sep() }}
    select grain, period_start, channel_id, '{{ measure }}' as measure_id, cast({{ measure }} as double) as value
    from {{ relation }}
{%- endfor %}
{%- endfor %}
    -- internal communication: computed in int_internal_indicator_measures (README, "Internal communication")
    {{ sep() }}
    select grain, period_start, channel_id, measure_id, value
    from {{ ref('int_internal_indicator_measures') }}

),

final as (

    select
        grain,
        period_start,
        cast(case grain
            when 'week' then period_start + 6
            when 'month' then last_day(period_start)
            else period_start + interval 3 month - interval 1 day
        end as date) as period_end,
        channel_id,
        measure_id,
        value

    from long_measures

)

select * from final
