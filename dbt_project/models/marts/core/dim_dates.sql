-- One row per UTC day from the first to the last day with data (contents, interactions,
-- conversations), so that weekly reports show empty weeks instead of skipping them.
with

contents as (

    select published_date as activity_date from {{ ref('fct_contents') }}

),

interactions as (

    select occurred_date as activity_date from {{ ref('fct_interactions') }}

),

conversations as (

    select started_date as activity_date from {{ ref('fct_conversations') }}

),

activity_dates as (

    select * from contents
    union all
    select * from interactions
    union all
    select * from conversations

),

bounds as (

    select
        min(activity_date) as first_day,
        max(activity_date) as last_day

    from activity_dates

),

days as (

    -- no data at all: bounds are NULL and the series is empty
    select cast(day_timestamp as date) as date_day
    from bounds, generate_series(bounds.first_day, bounds.last_day, interval 1 day) as series (day_timestamp)

),

final as (

    select
        date_day,
        {{ iso_week_start('date_day') }} as week_start,
        cast(date_trunc('month', date_day) as date) as month_start,
        cast(date_trunc('quarter', date_day) as date) as quarter_start,
        cast(year(date_day) as integer) as year,
        -- the ISO year differs from the calendar year around New Year (e.g. 2027-01-01 is in 2026-W53)
        cast(isoyear(date_day) as integer) as iso_year,
        cast(weekofyear(date_day) as integer) as iso_week,
        cast(isodow(date_day) as integer) as day_of_week,
        isodow(date_day) in (6, 7) as is_weekend

    from days

)

select * from final
