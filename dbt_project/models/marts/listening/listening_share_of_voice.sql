-- Share of voice and net sentiment per grain (ISO week, month, quarter, on UTC dates), period, channel ('all'
-- pooling every channel, and each channel that has a mention) and entity (the brand and each competitor of
-- strategy.yml). share_of_voice = the entity's mentions / the mentions of every tracked entity in the same period
-- and channel; net_sentiment = (positive − negative) / scored mentions (mentions with a sentiment_label), NULL
-- when none is scored. Every period from a channel's first mention to the data's last day is present (0 when
-- nothing was said).
with

mentions as (

    select
        {{ utc_date('mentioned_at') }} as activity_date,
        channel_id,
        entity_name,
        sentiment_label

    from {{ ref('fct_mentions') }}

),

entities as (

    select distinct entity_name, entity_type
    from {{ ref('stg_strategy__listening_keywords') }}

),

dates as (

    select date_day from {{ ref('dim_dates') }}

),

grains as (

    select grain from (values ('week'), ('month'), ('quarter')) as grains (grain)

),

-- listening starts with its first mention: each channel's periods run from the period of its first mention
-- ('all': of any channel) to the period of the data's last day (of dim_dates or of the mentions; no wall clock)
last_day as (

    select max(date_day) as last_day
    from (
        select date_day from dates
        union all
        select activity_date as date_day from mentions
    )

),

channels as (

    select channel_id, min(activity_date) as first_day
    from mentions
    group by channel_id
    union all
    select 'all' as channel_id, min(activity_date) as first_day
    from mentions

),

channel_days as (

    select
        channels.channel_id,
        cast(unnest(generate_series(channels.first_day, last_day.last_day, interval 1 day)) as date) as date_day

    from channels
    cross join last_day
    where channels.first_day is not null

),

channel_periods as (

    select distinct
        grains.grain,
        case grains.grain
            when 'week' then {{ iso_week_start('channel_days.date_day') }}
            when 'month' then cast(date_trunc('month', channel_days.date_day) as date)
            else cast(date_trunc('quarter', channel_days.date_day) as date)
        end as period_start,
        channel_days.channel_id

    from channel_days
    cross join grains

),

spine as (

    select
        channel_periods.grain,
        channel_periods.period_start,
        channel_periods.channel_id,
        entities.entity_name,
        entities.entity_type

    from channel_periods
    cross join entities

),

mentions_by_period as (

    select
        grains.grain,
        case grains.grain
            when 'week' then {{ iso_week_start('mentions.activity_date') }}
            when 'month' then cast(date_trunc('month', mentions.activity_date) as date)
            else cast(date_trunc('quarter', mentions.activity_date) as date)
        end as period_start,
        mentions.channel_id,
        mentions.entity_name,
        mentions.sentiment_label

    from mentions
    cross join grains

),

counts as (

    select
        grain,
        period_start,
        case when grouping(channel_id) = 1 then 'all' else channel_id end as channel_id,
        entity_name,
        count(*) as mentions,
        count(*) filter (where sentiment_label = 'positive') as positive,
        count(*) filter (where sentiment_label = 'neutral') as neutral,
        count(*) filter (where sentiment_label = 'negative') as negative

    from mentions_by_period
    group by grouping sets ((grain, period_start, channel_id, entity_name), (grain, period_start, entity_name))

),

filled as (

    select
        spine.*,
        coalesce(counts.mentions, 0) as mentions,
        coalesce(counts.positive, 0) as positive,
        coalesce(counts.neutral, 0) as neutral,
        coalesce(counts.negative, 0) as negative

    from spine
    left join counts
        on spine.grain = counts.grain
        and spine.period_start = counts.period_start
        and spine.channel_id = counts.channel_id
        and spine.entity_name = counts.entity_name

),

totals as (

    select
        *,
        sum(mentions) over (partition by grain, period_start, channel_id) as tracked_mentions,
        positive + neutral + negative as scored_mentions

    from filled

),

final as (

    select
        cast(grain as varchar) as grain,
        cast(period_start as date) as period_start,
        cast(case grain
            when 'week' then period_start + 6
            when 'month' then last_day(period_start)
            else period_start + interval 3 month - interval 1 day
        end as date) as period_end,
        cast(channel_id as varchar) as channel_id,
        cast(entity_name as varchar) as entity_name,
        cast(entity_type as varchar) as entity_type,
        cast(mentions as bigint) as mentions,
        cast(tracked_mentions as bigint) as tracked_mentions,
        {{ safe_divide('mentions', 'tracked_mentions') }} as share_of_voice,
        cast(positive as bigint) as positive,
        cast(neutral as bigint) as neutral,
        cast(negative as bigint) as negative,
        cast(scored_mentions as bigint) as scored_mentions,
        cast(mentions - scored_mentions as bigint) as unscored_mentions,
        {{ safe_divide('positive - negative', 'scored_mentions') }} as net_sentiment

    from totals

)

select * from final
