-- The team's own people (strategy.yml team:): one row per account, handles lowercased without '@'.
with

source as (

    select * from {{ source('strategy', 'team') }}

),

renamed as (

    select
        name as teammate_name,
        channel_id,
        account,
        lower(trim(email)) as email

    from source

)

select * from renamed
