-- The organisation (one row).
with

source as (

    select * from {{ source('strategy', 'organisation') }}

),

renamed as (

    select
        name,
        field,
        timezone,
        default_language

    from source

)

select * from renamed
