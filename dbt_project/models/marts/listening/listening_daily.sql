-- Listening per day, entity (the brand and each competitor) and channel ('all' and every channel that has a
-- mention), on a zero-filled day spine, with spike detection against a trailing baseline that excludes the day
-- itself. Method (README, "Listening marts"): over the `window` days before the day, the baseline is the median
-- of the daily counts and the spread 1.4826 × their median absolute deviation (MAD), floored at the square root
-- of the median (Poisson noise) and at 1 mention; robust z = (count − median) / spread. A day is a spike when it has at least `min_history` days of baseline,
-- reaches the minimum volume and its robust z exceeds `z_threshold`. Negative spikes apply the same rule to the
-- negative mentions (sentiment_label = 'negative'; unscored mentions are not negative).
{%- set window_days = var('listening_spike_window_days', 28) %}
{%- set min_history_days = var('listening_spike_min_history_days', 14) %}
{%- set z_threshold = var('listening_spike_z_threshold', 3.5) %}
{%- set min_spike_mentions = var('listening_spike_min_mentions', 5) %}
{%- set min_negative_spike_mentions = var('listening_negative_spike_min_mentions', 3) %}
{%- set spread_floor = 1.0 %}

with

mentions as (

    select
        {{ utc_date('mentioned_at') }} as date_day,
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

-- listening starts with its first mention: each channel's days run from its first mention ('all': the first
-- mention of any channel) to the data's last day (of dim_dates or of the mentions; no wall clock), so that the
-- days before a source was collected are not read as days without mention
last_day as (

    select max(date_day) as last_day
    from (
        select date_day from dates
        union all
        select date_day from mentions
    )

),

channels as (

    select channel_id, min(date_day) as first_day
    from mentions
    group by channel_id
    union all
    select 'all' as channel_id, min(date_day) as first_day
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

spine as (

    select
        channel_days.date_day,
        entities.entity_name,
        entities.entity_type,
        channel_days.channel_id

    from channel_days
    cross join entities

),

daily_counts as (

    -- per channel, and 'all' pooling every channel (GROUPING SETS)
    select
        date_day,
        entity_name,
        case when grouping(channel_id) = 1 then 'all' else channel_id end as channel_id,
        count(*) as mentions,
        count(*) filter (where sentiment_label = 'negative') as negative_mentions,
        count(sentiment_label) as scored_mentions

    from mentions
    group by grouping sets ((date_day, entity_name, channel_id), (date_day, entity_name))

),

filled as (

    select
        spine.date_day,
        spine.entity_name,
        spine.entity_type,
        spine.channel_id,
        coalesce(daily_counts.mentions, 0) as mentions,
        coalesce(daily_counts.negative_mentions, 0) as negative_mentions,
        coalesce(daily_counts.scored_mentions, 0) as scored_mentions

    from spine
    left join daily_counts
        on spine.date_day = daily_counts.date_day
        and spine.entity_name = daily_counts.entity_name
        and spine.channel_id = daily_counts.channel_id

),

baselined as (

    select
        *,
        count(*) over baseline_window as baseline_days,
        median(mentions) over baseline_window as baseline_median,
        mad(mentions) over baseline_window as baseline_mad,
        median(negative_mentions) over baseline_window as negative_baseline_median,
        mad(negative_mentions) over baseline_window as negative_baseline_mad

    from filled
    window baseline_window as (
        partition by entity_name, channel_id
        order by date_day
        rows between {{ window_days }} preceding and 1 preceding
    )

),

scored as (

    select
        *,
        baseline_days >= {{ min_history_days }} as has_baseline,
        -- MAD scaled to a standard deviation, floored by the Poisson noise of the median (its square root) and by
        -- one mention: a flat baseline (MAD 0) does not make every small move a spike
        greatest(1.4826 * baseline_mad, sqrt(baseline_median), {{ spread_floor }}) as baseline_spread,
        greatest(1.4826 * negative_baseline_mad, sqrt(negative_baseline_median), {{ spread_floor }})
            as negative_baseline_spread

    from baselined

),

final as (

    select
        cast(date_day as date) as date_day,
        cast(entity_name as varchar) as entity_name,
        cast(entity_type as varchar) as entity_type,
        cast(channel_id as varchar) as channel_id,
        cast(mentions as bigint) as mentions,
        cast(negative_mentions as bigint) as negative_mentions,
        cast(scored_mentions as bigint) as scored_mentions,
        cast(baseline_days as integer) as baseline_days,
        has_baseline,
        cast(case when has_baseline then baseline_median end as double) as baseline_median,
        cast(case when has_baseline then baseline_mad end as double) as baseline_mad,
        cast(case when has_baseline then baseline_spread end as double) as baseline_spread,
        cast(case when has_baseline then (mentions - baseline_median) / baseline_spread end as double)
            as volume_z_score,
        cast(case when has_baseline then baseline_median + {{ z_threshold }} * baseline_spread end as double)
            as volume_threshold,
        cast(case when has_baseline then negative_baseline_median end as double) as negative_baseline_median,
        cast(case when has_baseline then negative_baseline_mad end as double) as negative_baseline_mad,
        cast(case when has_baseline then negative_baseline_spread end as double) as negative_baseline_spread,
        cast(case when has_baseline then (negative_mentions - negative_baseline_median) / negative_baseline_spread end
            as double) as negative_z_score,
        cast(case when has_baseline
            then negative_baseline_median + {{ z_threshold }} * negative_baseline_spread end as double)
            as negative_threshold,
        cast({{ z_threshold }} as double) as z_threshold,
        cast({{ min_spike_mentions }} as integer) as min_spike_mentions,
        cast({{ min_negative_spike_mentions }} as integer) as min_negative_spike_mentions,
        coalesce(
            has_baseline
            and mentions >= {{ min_spike_mentions }}
            and (mentions - baseline_median) / baseline_spread > {{ z_threshold }},
            false
        ) as is_volume_spike,
        coalesce(
            has_baseline
            and negative_mentions >= {{ min_negative_spike_mentions }}
            and (negative_mentions - negative_baseline_median) / negative_baseline_spread > {{ z_threshold }},
            false
        ) as is_negative_spike

    from scored

)

select * from final
