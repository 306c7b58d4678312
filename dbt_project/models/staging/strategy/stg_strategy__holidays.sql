-- Days the team is closed.
with

source as (

    select * from {{ source('strategy', 'holidays') }}

),

renamed as (

    select
        holiday

    from source

)

select * from renamed
