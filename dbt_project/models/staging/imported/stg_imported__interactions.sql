with

source as (

    select * from {{ source('imported', 'interactions') }}

),

renamed as (

    select
        ----------  ids
        interaction_id,
        channel_id,
        content_id,

        ----------  text
        interaction_type,
        author_handle,
        interaction_text,

        ----------  booleans
        content_id is not null as has_content,

        ----------  timestamps
        occurred_at,

        ----------  lineage
        url_decode(nullif(regexp_extract(_source_file, '[?&]mapping=([^&]+)', 1), '')) as import_mapping,
        _loaded_at as loaded_at

    from source
    -- the same record in several imported files: the latest import wins
    {{ keep_latest_record('interaction_id') }}

)

select * from renamed
