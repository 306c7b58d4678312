-- Every indicator of the catalog (seeds/indicator_catalog.csv) for every week, month and quarter of dim_dates and
-- every channel of dim_channels plus 'all': value = numerator * scale / denominator, from the measures of
-- int_indicator_measures. A period without any row of the fact gives 0 for a count (zero_when_empty) and NULL
-- otherwise; a ratio is NULL when its denominator is 0 or NULL. Formulas: see the catalog and _reporting__models.yml.
with

catalog as (

    select * from {{ ref('indicator_catalog') }}

),

dates as (

    select * from {{ ref('dim_dates') }}

),

channels as (

    select * from {{ ref('dim_channels') }}

),

measures as (

    select * from {{ ref('int_indicator_measures') }}

),

periods as (

    select distinct 'week' as grain, week_start as period_start, cast(week_start + 6 as date) as period_end
    from dates
    union all
    select distinct 'month' as grain, month_start as period_start, last_day(month_start) as period_end
    from dates
    union all
    select distinct
        'quarter' as grain,
        quarter_start as period_start,
        cast(quarter_start + interval 3 month - interval 1 day as date) as period_end
    from dates

),

report_channels as (

    select channel_id from channels
    union all
    select 'all' as channel_id

),

spine as (

    select
        catalog.indicator_id,
        catalog.numerator_measure,
        catalog.denominator_measure,
        catalog.scale,
        catalog.zero_when_empty,
        periods.grain,
        periods.period_start,
        periods.period_end,
        report_channels.channel_id

    from catalog
    cross join periods
    cross join report_channels

),

joined as (

    select
        spine.*,
        case
            when numerators.measure_id is null and spine.zero_when_empty then 0
            else numerators.value
        end as numerator,
        denominators.value as denominator

    from spine
    left join measures as numerators
        on spine.numerator_measure = numerators.measure_id
        and spine.grain = numerators.grain
        and spine.period_start = numerators.period_start
        and spine.channel_id = numerators.channel_id
    left join measures as denominators
        on spine.denominator_measure = denominators.measure_id
        and spine.grain = denominators.grain
        and spine.period_start = denominators.period_start
        and spine.channel_id = denominators.channel_id

),

final as (

    select
        cast(indicator_id as varchar) as indicator_id,
        cast(grain as varchar) as grain,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(channel_id as varchar) as channel_id,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        cast(
            case
                when denominator_measure is null then numerator * scale
                else {{ safe_divide('numerator * scale', 'denominator') }}
            end as double
        ) as value

    from joined

)

select * from final
