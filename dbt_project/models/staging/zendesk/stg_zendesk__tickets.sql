with

source as (

    select * from {{ source('zendesk', 'tickets') }}

),

renamed as (

    select
        ----------  ids
        ticket_id,
        requester_id,
        assignee_id,

        ----------  text
        subject as ticket_subject,
        status as ticket_status,
        priority as ticket_priority,
        ticket_type,
        via_channel,
        tags,
        satisfaction_score,

        ----------  booleans
        status in ('solved', 'closed') as is_solved,
        assignee_id is not null as is_assigned,

        ----------  timestamps
        created_at,
        updated_at,
        _loaded_at as loaded_at

    from source
    -- a ticket exported again after an update keeps its latest state
    {{ keep_latest_record('ticket_id') }}

)

select * from renamed
