-- The channels the strategy declares: the ones kpi_values reports on.
with

source as (

    select * from {{ source('strategy', 'channels') }}

),

renamed as (

    select
        channel_id

    from source

)

select * from renamed
