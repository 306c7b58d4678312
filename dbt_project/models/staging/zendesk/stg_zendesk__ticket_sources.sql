-- Who sent each ticket, as Zendesk itself states it in the ticket's via.source.from (the e-mail address of a
-- ticket received by e-mail, the X or Facebook account of a ticket received from those channels).
-- Identity resolution reads it: a requester whose ticket came from an X account is that X account's person.
with

source as (

    select * from {{ source('zendesk', 'tickets') }}

),

renamed as (

    select
        ----------  ids
        ticket_id,
        requester_id,

        ----------  text
        via_channel,
        nullif(lower(trim(payload ->> '$.via.source.from.address')), '') as from_email,
        nullif(trim(payload ->> '$.via.source.from.name'), '') as from_name,
        -- X and Facebook channels: the handle of the account the ticket came from, without '@'
        nullif(ltrim(trim(coalesce(
            payload ->> '$.via.source.from.username',
            payload ->> '$.via.source.from.screen_name'
        )), '@'), '') as from_handle,
        nullif(trim(payload ->> '$.via.source.from.profile_url'), '') as from_profile_url,

        ----------  timestamps
        created_at,
        _loaded_at as loaded_at

    from source
    -- a ticket exported again after an update keeps its latest state
    {{ keep_latest_record('ticket_id') }}

)

select * from renamed
