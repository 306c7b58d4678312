-- Every audience count a source reports, one row per (channel, account, source, day): the platform's follower,
-- fan or subscriber count as it stood that day. Lifetime totals only (a count of new followers is not an
-- audience: Instagram's follower_count insight is the daily number of new followers, so it is left out).
-- source_priority orders the sources of one channel and day (1 = the platform's own figure; the generic import
-- comes last): fct_audience_daily keeps the best.
with

facebook_page_insights as (

    select * from {{ ref('stg_facebook__page_insights') }}

),

youtube_channel_snapshots as (

    select * from {{ ref('stg_youtube__channel_snapshots') }}

),

linkedin_follower_counts as (

    select * from {{ ref('stg_linkedin__follower_counts') }}

),

x_archive_followers as (

    select * from {{ ref('stg_x__archive_followers') }}

),

imported_audience_snapshots as (

    select * from {{ ref('stg_imported__audience_snapshots') }}

),

facebook_audience as (

    -- page_fans (people who like the page, retired by Meta in November 2025) and its successor page_follows
    -- (people who follow the page): when a day has both, page_follows, the series Meta keeps counting.
    -- A day's value has end_time the next day (Meta's day ends at midnight Pacific time, 07:00 or 08:00 UTC):
    -- it is the count at the end of the UTC day before end_time.
    select
        'facebook' as channel_id,
        page_id as account_id,
        'facebook_page_insights.' || metric_name as source,
        1 as source_priority,
        {{ utc_date("period_ended_at - interval 1 day") }} as measured_on,
        metric_value as followers

    from facebook_page_insights
    where metric_name in ('page_fans', 'page_follows')
        and period_name in ('day', 'lifetime')
        and response_shape = 'values'
        and metric_value is not null
    qualify row_number() over (
        partition by page_id, {{ utc_date("period_ended_at - interval 1 day") }}
        order by metric_name = 'page_follows' desc, period_name = 'day' desc
    ) = 1

),

youtube_audience as (

    select
        'youtube' as channel_id,
        channel_id as account_id,
        'youtube_channel_snapshots.subscriber_count' as source,
        1 as source_priority,
        snapshot_date as measured_on,
        subscriber_count as followers

    from youtube_channel_snapshots
    -- a channel that hides its count reports a rounded or empty one
    where not is_subscriber_count_hidden
        and subscriber_count is not null

),

linkedin_audience as (

    select
        'linkedin' as channel_id,
        organization_id as account_id,
        'linkedin_follower_counts.follower_count' as source,
        1 as source_priority,
        snapshot_date as measured_on,
        follower_count as followers

    from linkedin_follower_counts
    where follower_count is not null

),

x_audience as (

    -- the archive's follower list, counted: the audience on the day of the archive's import
    select
        'x' as channel_id,
        account_id,
        'x_archive_followers' as source,
        2 as source_priority,
        measured_on,
        count(*) as followers

    from x_archive_followers
    group by all

),

imported_audience as (

    select
        channel_id,
        cast(null as varchar) as account_id,
        'imported_audience_snapshots' as source,
        3 as source_priority,
        measured_on,
        followers_count as followers

    from imported_audience_snapshots
    where followers_count is not null
    -- two imported snapshots of one channel and day: the latest import wins
    qualify row_number() over (partition by channel_id, measured_on order by loaded_at desc, snapshot_id desc) = 1

),

unioned as (

    select * from facebook_audience
    union all
    select * from youtube_audience
    union all
    select * from linkedin_audience
    union all
    select * from x_audience
    union all
    select * from imported_audience

),

final as (

    select
        channel_id || ':' || coalesce(account_id, '') || ':' || source || ':' || strftime(measured_on, '%Y-%m-%d')
            as snapshot_id,
        channel_id,
        account_id,
        source,
        source_priority,
        cast(measured_on as date) as measured_on,
        cast(followers as bigint) as followers

    from unioned

)

select * from final
