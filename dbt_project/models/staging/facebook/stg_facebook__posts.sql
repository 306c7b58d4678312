with

source as (

    select * from {{ source('facebook', 'posts') }}

),

renamed as (

    select
        ----------  ids
        post_id,
        page_id,
        author_id,

        ----------  text
        message as post_text,
        permalink_url as post_url,
        status_type,

        ----------  numerics (lifetime counters, as last reported)
        reactions_count,
        comments_count,
        shares_count,
        impressions as impressions_count,
        reach as reach_count,
        clicks as clicks_count,

        ----------  timestamps
        created_at as published_at,
        _loaded_at as loaded_at

    from source
    -- a re-fetched post keeps its latest counters
    {{ keep_latest_record('post_id') }}

)

select * from renamed
