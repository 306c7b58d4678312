-- kpi_weekly must hold exactly one row per week of dim_dates for every channel of dim_channels
-- plus 'all', even for weeks without any activity (dashboards plot gaps as zeros, not holes).
with

expected as (

    select weeks.week_start, channels.channel_id
    from (select distinct week_start from {{ ref('dim_dates') }}) as weeks
    cross join (
        select channel_id from {{ ref('dim_channels') }}
        union all
        select 'all'
    ) as channels

),

actual as (

    select week_start, channel_id from {{ ref('kpi_weekly') }}

),

missing as (

    select 'missing' as issue, * from (select * from expected except select * from actual)

),

unexpected as (

    select 'unexpected' as issue, * from (select * from actual except select * from expected)

)

select * from missing
union all
select * from unexpected
