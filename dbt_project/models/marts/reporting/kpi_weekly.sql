-- Weekly KPIs per channel plus an 'all' row. Every week of dim_dates x every channel is present,
-- with 0 counts and NULL sums and rates when nothing happened (SQL semantics: a sum over no reported
-- value is NULL, "not measured", not 0). The 'all' row re-applies each formula to
-- the pooled rows (grouping sets), so its rates are ratios of sums, not averages of channel rates.
-- Formulas and denominators: see _reporting__models.yml.
with

dates as (

    select * from {{ ref('dim_dates') }}

),

channels as (

    select * from {{ ref('dim_channels') }}

),

contents as (

    select * from {{ ref('fct_contents') }}

),

conversations as (

    select * from {{ ref('fct_conversations') }}

),

weeks as (

    select distinct week_start from dates

),

report_channels as (

    select channel_id from channels
    union all
    select 'all' as channel_id

),

spine as (

    select
        weeks.week_start,
        report_channels.channel_id

    from weeks
    cross join report_channels

),

content_metrics as (

    select
        week_start,
        case when grouping(channel_id) = 1 then 'all' else channel_id end as channel_id,
        count(*) as contents_published,
        sum(interactions) as interactions,
        sum(reach) as reach,
        -- engagement is only measurable on contents whose platform reports a reach
        sum(interactions) filter (where reach > 0) as reached_interactions,
        sum(reach) filter (where reach > 0) as reached_reach

    from contents
    group by grouping sets ((week_start, channel_id), (week_start))

),

conversation_metrics as (

    select
        week_start,
        case when grouping(channel_id) = 1 then 'all' else channel_id end as channel_id,
        count(*) as conversations,
        count(*) filter (where has_response) as conversations_answered,
        median(first_response_minutes) filter (where has_response) as median_first_response_minutes

    from conversations
    group by grouping sets ((week_start, channel_id), (week_start))

),

final as (

    select
        spine.week_start,
        cast(spine.week_start + 6 as date) as week_end,
        spine.channel_id,
        cast(coalesce(content_metrics.contents_published, 0) as bigint) as contents_published,
        cast(content_metrics.interactions as bigint) as interactions,
        cast(content_metrics.reach as bigint) as reach,
        {{ safe_divide('content_metrics.reached_interactions', 'content_metrics.reached_reach') }}
            as engagement_rate_by_reach,
        cast(coalesce(conversation_metrics.conversations, 0) as bigint) as conversations,
        cast(coalesce(conversation_metrics.conversations_answered, 0) as bigint) as conversations_answered,
        {{ safe_divide('conversation_metrics.conversations_answered', 'conversation_metrics.conversations') }}
            as response_rate,
        cast(conversation_metrics.median_first_response_minutes as double) as median_first_response_minutes

    from spine
    left join content_metrics
        on spine.week_start = content_metrics.week_start
        and spine.channel_id = content_metrics.channel_id
    left join conversation_metrics
        on spine.week_start = conversation_metrics.week_start
        and spine.channel_id = conversation_metrics.channel_id

)

select * from final
