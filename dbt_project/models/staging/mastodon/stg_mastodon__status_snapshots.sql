-- Every day's copy of each of the brand's statuses' counters (stg_mastodon__statuses keeps only the latest): one
-- row per status and inbox day.
with

source as (

    select * from {{ source('mastodon', 'statuses') }}

),

renamed as (

    select
        ----------  ids
        status_id || '/' || strftime(_partition_date, '%Y-%m-%d') as status_snapshot_id,
        status_id,

        ----------  numerics (lifetime counters at the time of the fetch)
        replies_count,
        reblogs_count,
        favourites_count,

        ----------  dates and timestamps
        _partition_date as snapshot_date,
        created_at as posted_at,
        _loaded_at as loaded_at

    from source
    {{ keep_latest_record('status_id, _partition_date') }}

)

select * from renamed
