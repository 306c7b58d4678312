-- One row per inbound message expecting an answer, with its first answer in calendar and in business minutes,
-- the channel's response SLA (business minutes) and whether it was breached, and for helpdesk tickets the
-- resolution and the requester's satisfaction.
-- Business minutes: the overlap of an interval with the business hours of int_business_calendar (local hours
-- of the strategy, holidays excluded), summed in whole microseconds (exact) then turned into minutes.
with

conversations as (

    select * from {{ ref('int_conversations_responded') }}

),

business_calendar as (

    select * from {{ ref('int_business_calendar') }}

),

response_slas as (

    select * from {{ ref('stg_strategy__response_slas') }}

),

data_end as (

    -- the latest instant the data knows of: an unanswered conversation is late once its SLA has elapsed by then
    select max(greatest(started_at, first_response_at, resolved_at)) as data_ends_at
    from conversations

),

spans as (

    -- waiting: to the first answer, or (unanswered) to the end of the data
    select
        conversations.conversation_id,
        'waiting' as span,
        conversations.started_at as span_start,
        coalesce(conversations.first_response_at, data_end.data_ends_at) as span_end

    from conversations
    cross join data_end

    union all

    -- resolution: to the ticket's resolution
    select
        conversation_id,
        'resolution' as span,
        started_at as span_start,
        resolved_at as span_end

    from conversations
    where resolved_at is not null

),

span_business_minutes as (

    select
        spans.conversation_id,
        spans.span,
        -- no business hour in the span: 0. least / greatest skip NULLs: only the matched business days count
        coalesce(
            sum(
                epoch_us(least(spans.span_end, business_calendar.closes_at))
                - epoch_us(greatest(spans.span_start, business_calendar.opens_at))
            ) filter (where business_calendar.opens_at is not null),
            0
        ) / 60000000.0 as business_minutes

    from spans
    left join business_calendar
        on business_calendar.opens_at < spans.span_end
        and business_calendar.closes_at > spans.span_start
        -- an interval ending before it starts (clock skew) has no business minute
        and spans.span_end > spans.span_start
    group by spans.conversation_id, spans.span

),

final as (

    select
        conversations.conversation_id,
        conversations.channel_id,
        conversations.started_at,
        {{ utc_date('conversations.started_at') }} as started_date,
        {{ iso_week_start(utc_date('conversations.started_at')) }} as week_start,
        conversations.author_id,
        conversations.first_response_at,
        -- calendar minutes, fractional (epoch() keeps sub-second precision)
        (epoch(conversations.first_response_at) - epoch(conversations.started_at)) / 60.0 as first_response_minutes,
        conversations.first_response_at is not null as has_response,

        ----------  business hours and SLA
        case when conversations.first_response_at is not null then waiting.business_minutes end
            as first_response_business_minutes,
        response_slas.first_response_minutes as response_sla_minutes,
        -- answered: answered after the SLA; unanswered: the SLA has elapsed by the end of the data
        -- (NULL on a channel without SLA)
        case
            when response_slas.first_response_minutes is not null
                then waiting.business_minutes > response_slas.first_response_minutes
        end as is_sla_breached,

        ----------  resolution (helpdesk tickets)
        conversations.resolved_at,
        resolution.business_minutes as resolution_business_minutes,
        conversations.resolved_at is not null as is_resolved,

        ----------  satisfaction (helpdesk tickets)
        conversations.satisfaction_score,
        case conversations.satisfaction_score
            when 'good' then true
            when 'bad' then false
        end as is_satisfied

    from conversations
    left join span_business_minutes as waiting
        on conversations.conversation_id = waiting.conversation_id
        and waiting.span = 'waiting'
    left join span_business_minutes as resolution
        on conversations.conversation_id = resolution.conversation_id
        and resolution.span = 'resolution'
    left join response_slas
        on conversations.channel_id = response_slas.channel_id

)

select * from final
