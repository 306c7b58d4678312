-- The brand channel's audience, one snapshot per channel and day fetched.
with

source as (

    select * from {{ source('youtube', 'channel_statistics') }}

),

renamed as (

    select
        ----------  ids
        channel_id || '/' || strftime(_partition_date, '%Y-%m-%d') as channel_snapshot_id,
        channel_id,
        uploads_playlist_id,

        ----------  text
        channel_title,
        custom_url as channel_handle,
        country as country_code,

        ----------  numerics (lifetime totals at the time of the fetch)
        subscriber_count,
        view_count,
        video_count,

        ----------  booleans
        coalesce(hidden_subscriber_count, false) as is_subscriber_count_hidden,

        ----------  dates and timestamps
        _partition_date as snapshot_date,
        channel_created_at,
        _loaded_at as fetched_at,
        _loaded_at as loaded_at

    from source
    -- a day fetched again keeps its latest snapshot
    {{ keep_latest_record('channel_id, _partition_date') }}

)

select * from renamed
