-- Each recent LinkedIn post's lifetime statistics, one snapshot per post and day fetched.
with

source as (

    select * from {{ source('linkedin', 'share_statistics') }}

),

renamed as (

    select
        ----------  ids
        post_urn || '/' || strftime(_partition_date, '%Y-%m-%d') as share_statistic_id,
        post_urn as post_id,
        regexp_extract(organization_urn, '([0-9]+)$', 1) as organization_id,

        ----------  numerics (lifetime totals at the time of the fetch)
        impression_count,
        unique_impressions_count,
        click_count,
        like_count,
        comment_count,
        share_count,
        engagement as engagement_rate,

        ----------  dates and timestamps
        _partition_date as snapshot_date,
        _loaded_at as fetched_at,
        _loaded_at as loaded_at

    from source
    -- a day fetched again keeps its latest snapshot
    {{ keep_latest_record('post_urn, _partition_date') }}

)

select * from renamed
