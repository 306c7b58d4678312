-- Every day's copy of each video's statistics (stg_youtube__videos keeps only the latest): one row per video and
-- inbox day.
with

source as (

    select * from {{ source('youtube', 'videos') }}

),

renamed as (

    select
        ----------  ids
        video_id || '/' || strftime(_partition_date, '%Y-%m-%d') as video_snapshot_id,
        video_id,

        ----------  numerics (lifetime statistics at the time of the fetch)
        view_count,
        like_count,
        comment_count,

        ----------  dates and timestamps
        _partition_date as snapshot_date,
        published_at,
        _loaded_at as loaded_at

    from source
    {{ keep_latest_record('video_id, _partition_date') }}

)

select * from renamed
