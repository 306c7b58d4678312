with

source as (

    select * from {{ source('imported', 'internal_messages') }}

),

renamed as (

    select
        ----------  ids
        message_id,
        author_id,
        thread_id,

        ----------  text
        channel_name,
        message_text,

        ----------  booleans
        thread_id is not null and thread_id <> message_id as is_thread_reply,

        ----------  timestamps
        posted_at,

        ----------  lineage
        url_decode(nullif(regexp_extract(_source_file, '[?&]mapping=([^&]+)', 1), '')) as import_mapping,
        _loaded_at as loaded_at

    from source
    -- the same record in several imported files: the latest import wins
    {{ keep_latest_record('message_id') }}

)

select * from renamed
