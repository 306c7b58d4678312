with

source as (

    select * from {{ source('zendesk', 'ticket_metrics') }}

),

renamed as (

    select
        ----------  ids
        ticket_metric_id,
        ticket_id,

        ----------  numerics (calendar minutes unless stated)
        replies as reply_count,
        reply_time_calendar_minutes,
        reply_time_business_minutes,
        first_resolution_calendar_minutes,
        full_resolution_calendar_minutes,

        ----------  booleans
        -- Zendesk leaves reply_time null until the first public agent reply
        reply_time_calendar_minutes is not null as has_reply,

        ----------  timestamps
        created_at,
        updated_at,
        solved_at,
        _loaded_at as loaded_at

    from source
    {{ keep_latest_record('ticket_metric_id') }}

)

select * from renamed
