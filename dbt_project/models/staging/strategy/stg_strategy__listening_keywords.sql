-- The brand's and the competitors' keywords (same columns as the former listening_keywords seed).
with

source as (

    select * from {{ source('strategy', 'listening_keywords') }}

),

renamed as (

    select
        entity_name,
        entity_type,
        keyword

    from source

)

select * from renamed
