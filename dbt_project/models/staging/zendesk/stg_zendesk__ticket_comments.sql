with

source as (

    select * from {{ source('zendesk', 'ticket_comments') }}

),

renamed as (

    select
        ----------  ids
        comment_id,
        audit_id,
        ticket_id,
        author_id,

        ----------  text
        nullif(trim(body), '') as comment_body,

        ----------  booleans
        -- false: an internal note, which only agents see (never an answer to the requester)
        is_public,

        ----------  timestamps
        created_at,
        _loaded_at as loaded_at

    from source
    -- audits never change, but a day re-fetched or overlapping days land the same comment again
    {{ keep_latest_record('comment_id') }}

)

select * from renamed
