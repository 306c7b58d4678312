-- Every imported post Insights export's counters of each post (stg_facebook__post_insights_exports keeps only
-- the latest export): one row per post and import day.
with

source as (

    select * from {{ source('facebook', 'post_insights_export') }}

),

renamed as (

    select
        ----------  ids
        post_id || '/' || strftime(_partition_date, '%Y-%m-%d') as post_snapshot_id,
        post_id,

        ----------  numerics (lifetime counters as of the export)
        reactions as reactions_count,
        comments as comments_count,
        shares as shares_count,
        impressions as impressions_count,
        reach as reach_count,
        clicks as clicks_count,

        ----------  dates and timestamps
        _partition_date as snapshot_date,
        -- the exporter's local time, as written in the file (int_contents_unioned converts it)
        published_at as published_at_local,
        _loaded_at as loaded_at

    from source
    {{ keep_latest_record('post_id, _partition_date') }}

)

select * from renamed
