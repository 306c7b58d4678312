with

source as (

    select * from {{ source('facebook', 'post_insights_export') }}

),

renamed as (

    select
        ----------  ids
        post_id,
        split_part(post_id, '_', 1) as page_id,

        ----------  text
        message as post_text,
        permalink as post_url,
        post_type,
        layout as export_layout,

        ----------  numerics (lifetime counters, as of the export)
        reach as reach_count,
        organic_reach as organic_reach_count,
        paid_reach as paid_reach_count,
        impressions as impressions_count,
        engaged_users as engaged_users_count,
        reactions as reactions_count,
        comments as comments_count,
        shares as shares_count,
        clicks as clicks_count,
        negative_feedback as negative_feedback_count,

        ----------  booleans
        layout = 'classic' as is_classic_layout,

        ----------  timestamps
        -- the exporter's local time, as written in the file (Meta does not state the zone)
        published_at as published_at_local,
        _loaded_at as loaded_at

    from source
    -- a post appears in every export covering it: the latest imported export wins
    {{ keep_latest_record('post_id') }}

)

select * from renamed
