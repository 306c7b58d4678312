-- kpi_values' week rows must equal kpi_weekly for the indicators both compute (kpi_weekly stays for the weekly
-- dashboard): same weeks, same channels, same values (NULL where the other is NULL). Returns the differences.
with

weekly as (

    select * from {{ ref('kpi_weekly') }}

),

weekly_long as (

    {%- set shared = [
        ('contents_published', 'contents_published'), ('interactions', 'interactions'), ('reach', 'reach'),
        ('engagement_rate_by_reach', 'engagement_rate_by_reach'), ('conversations', 'conversations'),
        ('conversations_answered', 'conversations_answered'), ('response_rate', 'response_rate'),
        ('first_response_minutes_median', 'median_first_response_minutes')] %}
    {%- for indicator_id, column in shared %}
    select week_start, channel_id, '{{ indicator_id }}' as indicator_id, cast({{ column }} as double) as value
    from weekly
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

values_weeks as (

    select period_start as week_start, channel_id, indicator_id, value
    from {{ ref('kpi_values') }}
    where grain = 'week'
        and indicator_id in (select distinct indicator_id from weekly_long)

)

select
    coalesce(weekly_long.week_start, values_weeks.week_start) as week_start,
    coalesce(weekly_long.channel_id, values_weeks.channel_id) as channel_id,
    coalesce(weekly_long.indicator_id, values_weeks.indicator_id) as indicator_id,
    weekly_long.value as kpi_weekly_value,
    values_weeks.value as kpi_values_value

from weekly_long
full outer join values_weeks
    on weekly_long.week_start = values_weeks.week_start
    and weekly_long.channel_id = values_weeks.channel_id
    and weekly_long.indicator_id = values_weeks.indicator_id
where weekly_long.indicator_id is null
    or values_weeks.indicator_id is null
    or (
        weekly_long.value is distinct from values_weeks.value
        -- the same formula summed in another order may differ in the last bits
        and not coalesce(abs(weekly_long.value - values_weeks.value) <= 1e-9 * greatest(abs(weekly_long.value), 1), false)
    )
