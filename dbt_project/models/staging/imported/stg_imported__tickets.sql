with

source as (

    select * from {{ source('imported', 'tickets') }}

),

renamed as (

    select
        ----------  ids
        ticket_id,
        requester_id,

        ----------  text
        channel as ticket_channel,
        status as ticket_status,

        ----------  numerics
        satisfaction_score,

        ----------  booleans
        solved_at is not null as is_solved,

        ----------  timestamps
        created_at,
        first_response_at,
        solved_at,

        ----------  lineage
        url_decode(nullif(regexp_extract(_source_file, '[?&]mapping=([^&]+)', 1), '')) as import_mapping,
        _loaded_at as loaded_at

    from source
    -- the same record in several imported files: the latest import wins
    {{ keep_latest_record('ticket_id') }}

)

select * from renamed
