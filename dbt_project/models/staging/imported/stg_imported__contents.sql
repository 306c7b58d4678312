with

source as (

    select * from {{ source('imported', 'contents') }}

),

renamed as (

    select
        ----------  ids
        content_id,
        channel_id,

        ----------  text
        content_text,
        content_url,
        content_format,

        ----------  numerics
        reach as reach_count,
        impressions as impressions_count,
        reactions as reactions_count,
        comments as comments_count,
        shares as shares_count,
        clicks as clicks_count,

        ----------  timestamps
        published_at,

        ----------  lineage
        url_decode(nullif(regexp_extract(_source_file, '[?&]mapping=([^&]+)', 1), '')) as import_mapping,
        _loaded_at as loaded_at

    from source
    -- the same record in several imported files: the latest import wins
    {{ keep_latest_record('content_id') }}

)

select * from renamed
