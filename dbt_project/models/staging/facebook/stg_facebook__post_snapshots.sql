-- Every day's copy of each page post's lifetime counters (stg_facebook__posts keeps only the latest): the page
-- feed is fetched again while a post is recent, with its counters grown. One row per post and inbox day.
with

source as (

    select * from {{ source('facebook', 'posts') }}

),

renamed as (

    select
        ----------  ids
        post_id || '/' || strftime(_partition_date, '%Y-%m-%d') as post_snapshot_id,
        post_id,

        ----------  numerics (lifetime counters at the time of the fetch)
        reactions_count,
        comments_count,
        shares_count,
        impressions as impressions_count,
        reach as reach_count,
        clicks as clicks_count,

        ----------  dates and timestamps
        _partition_date as snapshot_date,
        created_at as published_at,
        _loaded_at as loaded_at

    from source
    -- a day fetched again keeps its latest copy
    {{ keep_latest_record('post_id, _partition_date') }}

)

select * from renamed
