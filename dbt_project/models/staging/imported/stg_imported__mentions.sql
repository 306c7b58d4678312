with

source as (

    select * from {{ source('imported', 'mentions') }}

),

renamed as (

    select
        ----------  ids
        mention_id,

        ----------  text
        platform,
        author_handle,
        author_name,
        url as mention_url,
        text as mention_text,
        language,
        sentiment_label,
        matched_query,
        country,

        ----------  numerics
        sentiment_score,
        reach as reach_count,
        engagement as engagement_count,

        ----------  booleans
        sentiment_label = 'negative' as is_negative,

        ----------  timestamps
        mentioned_at,

        ----------  lineage
        url_decode(nullif(regexp_extract(_source_file, '[?&]mapping=([^&]+)', 1), '')) as import_mapping,
        _loaded_at as loaded_at

    from source
    -- the same record in several imported files: the latest import wins
    {{ keep_latest_record('mention_id') }}

)

select * from renamed
