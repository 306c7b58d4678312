-- Every value of kpi_values that the strategy sets a target for, with its gap to the target and its status.
-- One row per objective's target (stg_strategy__indicator_targets) and period of kpi_values with the same
-- indicator, grain and channel. Status: green when the value reaches the green threshold, amber when it reaches
-- the amber one, red otherwise ("reaches": >= when higher is better, <= when lower is better); no_data when the
-- period has no value.
with

targets as (

    select * from {{ ref('stg_strategy__indicator_targets') }}

),

kpi_values as (

    select * from {{ ref('kpi_values') }}

),

joined as (

    select
        targets.objective_id,
        targets.job,
        targets.indicator_id,
        targets.grain,
        kpi_values.period_start,
        targets.channel_id,
        kpi_values.value,
        targets.target,
        targets.green_threshold,
        targets.amber_threshold,
        targets.direction

    from targets
    inner join kpi_values
        on kpi_values.indicator_id = targets.indicator_id
        and kpi_values.grain = targets.grain
        and kpi_values.channel_id = targets.channel_id

),

final as (

    select
        objective_id,
        job,
        indicator_id,
        grain,
        period_start,
        channel_id,
        value,
        target,
        value - target as gap,
        value / nullif(target, 0) as attainment,
        case
            when value is null then 'no_data'
            when direction = 'higher_is_better' then
                case
                    when value >= green_threshold then 'green'
                    when value >= amber_threshold then 'amber'
                    else 'red'
                end
            else
                case
                    when value <= green_threshold then 'green'
                    when value <= amber_threshold then 'amber'
                    else 'red'
                end
        end as status,
        direction

    from joined

)

select * from final
