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

long_measures as (

{%- set sep = joiner('    union all') %}
{%- for relation, measures in [
    ('content_measures', content_measures), ('conversation_measures', conversation_measures),
    ('answer_measures', answer_measures), ('sla_measures', sla_measures),
    ('resolution_measures', resolution_measures), ('rating_measures', rating_measures),
    ('mention_measures', mention_measures), ('lead_measures', lead_measures)] %}
{%- for measure in measures %}
    {{ sep() }}
    select grain, period_start, channel_id, '{{ measure }}' as measure_id, cast({{ measure }} as double) as value
    from {{ relation }}
{%- endfor %}
{%- endfor %}

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
