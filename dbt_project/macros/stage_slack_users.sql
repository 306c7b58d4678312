{#- Slack's workspace users, from the Web API (users.list) or a workspace export (users.json): the same
    member objects, staged by one body so the two cannot drift apart. -#}
{% macro stage_slack_users(source_relation) -%}
with

source as (

    select * from {{ source_relation }}

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
        -- multi-channel (is_restricted) and single-channel (is_ultra_restricted) guests
        coalesce(try_cast(json_extract_string(payload, '$.is_restricted') as boolean), false)
            or coalesce(try_cast(json_extract_string(payload, '$.is_ultra_restricted') as boolean), false)
            as is_guest,

        ----------  timestamps
        updated_at,
        _loaded_at as loaded_at

    from source
    -- every fetch or export is a snapshot of the whole workspace: the latest one wins
    {{ keep_latest_record('user_id') }}

)

select * from renamed
{%- endmacro %}
