-- The audience of every channel, one row per channel and day: the platform's follower, fan or subscriber count
-- as last reported that day, carried forward over the days without a report (is_carried_forward), from the
-- channel's first report to the latest day any channel reports (the data's own latest day, not today).
-- A day reported by several sources keeps the best (int_audience_snapshots_unioned.source_priority: the
-- platform's own figure before an archive, an archive before the generic import); a source reporting several
-- accounts of one channel (two pages) gives their sum.
with

snapshots as (

    select * from {{ ref('int_audience_snapshots_unioned') }}

),

reported_days as (

    select
        channel_id,
        measured_on,
        source,
        sum(followers) as followers

    from snapshots
    group by channel_id, measured_on, source, source_priority
    qualify row_number() over (partition by channel_id, measured_on order by source_priority, source) = 1

),

channel_spans as (

    select
        channel_id,
        min(measured_on) as first_reported_on

    from reported_days
    group by channel_id

),

days as (

    select
        channel_spans.channel_id,
        cast(days.day as date) as date_day

    from channel_spans
    cross join lateral (
        select unnest(generate_series(
            channel_spans.first_reported_on,
            (select max(measured_on) from reported_days),
            interval 1 day
        )) as day
    ) as days

),

carried as (

    select
        days.channel_id,
        days.date_day,
        reported_days.measured_on,
        -- the last report on or before the day
        last_value(reported_days.measured_on ignore nulls) over channel_days as reported_on,
        last_value(reported_days.followers ignore nulls) over channel_days as followers,
        last_value(reported_days.source ignore nulls) over channel_days as source

    from days
    left join reported_days
        on days.channel_id = reported_days.channel_id
        and days.date_day = reported_days.measured_on
    window channel_days as (
        partition by days.channel_id order by days.date_day rows between unbounded preceding and current row
    )

),

final as (

    select
        channel_id,
        date_day,
        cast(followers as bigint) as followers,
        source,
        reported_on,
        measured_on is null as is_carried_forward,
        cast(date_day - reported_on as integer) as days_since_report

    from carried

)

select * from final
