-- Opening hours per ISO weekday, local time of the organisation.
with

source as (

    select * from {{ source('strategy', 'business_hours') }}

),

renamed as (

    select
        weekday,
        opens_at,
        closes_at,
        timezone

    from source

)

select * from renamed
