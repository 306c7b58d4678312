-- The internal chat channels declared as announcements (strategy.yml internal.announcement_channels): a name
-- (without '#') or an id, lowercased to match either case-insensitively.
with

source as (

    select * from {{ source('strategy', 'announcement_channels') }}

),

renamed as (

    select distinct
        lower(trim(channel)) as channel_key

    from source
    where nullif(trim(channel), '') is not null

)

select * from renamed
