-- The team's business hours as instants: one row per local business day (an open ISO weekday of the strategy's
-- business_hours that is not one of its holidays), with its opening and closing converted from local wall-clock
-- time to UTC in the strategy's time zone (so a DST change moves the UTC hours, never the local ones).
-- Spans the local days of the conversations, from the first start to the last instant the data knows of (a
-- start, an answer or a resolution); dim_dates cannot be used: it is built from fct_conversations, which this
-- calendar feeds. Response times in business minutes sum the overlap of an interval with these rows.
with

business_hours as (

    select * from {{ ref('stg_strategy__business_hours') }}

),

holidays as (

    select * from {{ ref('stg_strategy__holidays') }}

),

conversations as (

    select * from {{ ref('int_conversations_responded') }}

),

organisation_zone as (

    -- the strategy loader writes the organisation's zone on every row: one zone
    select min(timezone) as timezone from business_hours

),

bounds as (

    -- local dates (timezone(zone, timestamptz) gives the wall-clock time there)
    select
        min(cast(timezone(organisation_zone.timezone, conversations.started_at) as date)) as first_day,
        max(cast(timezone(
            organisation_zone.timezone,
            greatest(conversations.started_at, conversations.first_response_at, conversations.resolved_at)
        ) as date)) as last_day

    from conversations
    cross join organisation_zone

),

days as (

    -- no conversation or no business hours: bounds are NULL and the series is empty
    select cast(day_timestamp as date) as business_date
    from bounds, generate_series(bounds.first_day, bounds.last_day, interval 1 day) as series (day_timestamp)

),

business_days as (

    select
        days.business_date,
        business_hours.weekday,
        business_hours.timezone,
        -- timezone(zone, timestamp) reads the timestamp as wall-clock time of the zone: the UTC instant
        timezone(business_hours.timezone, days.business_date + business_hours.opens_at) as opens_at,
        timezone(business_hours.timezone, days.business_date + business_hours.closes_at) as closes_at

    from days
    inner join business_hours
        on isodow(days.business_date) = business_hours.weekday
    where not exists (select 1 from holidays where holidays.holiday = days.business_date)

),

final as (

    select
        business_date,
        weekday,
        timezone,
        opens_at,
        closes_at,
        (epoch_us(closes_at) - epoch_us(opens_at)) / 60000000.0 as business_minutes

    from business_days

)

select * from final
