-- Every day's copy of each media's counters (stg_instagram__media_items keeps only the latest), with the
-- lifetime insights fetched the same day (reach, impressions, views, shares, saves): one row per media and day.
with

media as (

    select * from {{ source('instagram', 'media') }}
    {{ keep_latest_record('media_id, _partition_date') }}

),

insights as (

    select * from {{ source('instagram', 'media_insights') }}
    where period = 'lifetime'
    {{ keep_latest_record('media_id, metric, _partition_date') }}

),

insights_pivoted as (

    select
        media_id,
        _partition_date,
        max(value) filter (where metric = 'reach') as reach_count,
        max(value) filter (where metric = 'impressions') as impressions_count,
        max(value) filter (where metric = 'views') as views_count,
        max(value) filter (where metric = 'shares') as shares_count,
        max(value) filter (where metric = 'saved') as saved_count

    from insights
    group by media_id, _partition_date

),

renamed as (

    select
        ----------  ids
        coalesce(media.media_id, insights.media_id) || '/'
            || strftime(coalesce(media._partition_date, insights._partition_date), '%Y-%m-%d') as media_snapshot_id,
        coalesce(media.media_id, insights.media_id) as media_id,

        ----------  numerics (lifetime counters at the time of the fetch; NULL when not fetched that day)
        media.like_count,
        media.comments_count,
        insights.shares_count,
        insights.saved_count,
        insights.impressions_count,
        insights.views_count,
        insights.reach_count,

        ----------  dates and timestamps
        coalesce(media._partition_date, insights._partition_date) as snapshot_date,
        media.created_at as published_at

    from media
    full outer join insights_pivoted as insights
        on media.media_id = insights.media_id
        and media._partition_date = insights._partition_date

)

select * from renamed
