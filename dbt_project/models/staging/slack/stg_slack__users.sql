with

source as (

    select * from {{ source('slack', 'users') }}

),

renamed as (

    select
        ----------  ids
        user_id,
        team_id,

        ----------  text
        name as user_name,
        real_name,
        display_name,
        tz as time_zone,

        ----------  booleans
        coalesce(is_bot, false) as is_bot,
        coalesce(is_admin, false) as is_admin,
        coalesce(deleted, false) as is_deleted,

        ----------  timestamps
        updated_at,
        _loaded_at as loaded_at

    from source
    -- every fetch is a snapshot of the whole workspace: the latest one wins
    {{ keep_latest_record('user_id') }}

)

select * from renamed
