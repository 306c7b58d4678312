with

conversations as (

    select * from {{ ref('int_conversations_responded') }}

),

final as (

    select
        conversation_id,
        channel_id,
        started_at,
        {{ utc_date('started_at') }} as started_date,
        {{ iso_week_start(utc_date('started_at')) }} as week_start,
        author_id,
        first_response_at,
        -- calendar minutes, fractional (epoch() keeps sub-second precision)
        (epoch(first_response_at) - epoch(started_at)) / 60.0 as first_response_minutes,
        first_response_at is not null as has_response

    from conversations

)

select * from final
