-- What the strategy aims at: one row per objective, indicator, grain and channel.
with

source as (

    select * from {{ source('strategy', 'indicator_targets') }}

),

renamed as (

    select
        ----------  ids
        objective_id,
        indicator_id,
        grain,
        channel_id,

        ----------  objective
        objective_title,
        job,

        ----------  target and thresholds
        target,
        green_threshold,
        amber_threshold,
        direction

    from source

)

select * from renamed
