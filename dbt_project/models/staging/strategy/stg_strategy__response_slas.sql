-- Response SLAs per channel, in minutes (column names as in the source: the issue-4 contract).
with

source as (

    select * from {{ source('strategy', 'response_slas') }}

),

renamed as (

    select
        channel_id,
        first_response_minutes,
        resolution_minutes

    from source

)

select * from renamed
