-- Every imported file's counters of each content (stg_imported__contents keeps only the latest import): one row
-- per content and import day.
with

source as (

    select * from {{ source('imported', 'contents') }}

),

renamed as (

    select
        ----------  ids
        channel_id || ':' || content_id || '/' || strftime(_partition_date, '%Y-%m-%d') as content_snapshot_id,
        content_id,
        channel_id,

        ----------  numerics (counters as of the import)
        reach as reach_count,
        impressions as impressions_count,
        reactions as reactions_count,
        comments as comments_count,
        shares as shares_count,
        clicks as clicks_count,

        ----------  dates and timestamps
        _partition_date as snapshot_date,
        published_at,
        _loaded_at as loaded_at

    from source
    {{ keep_latest_record('channel_id, content_id, _partition_date') }}

)

select * from renamed
