-- The conversations of an imported Slack export (channels.json; groups.json, mpims.json and dms.json on
-- plans that export them), as of the latest export.
with

source as (

    select * from {{ source('slack', 'export_channels') }}

),

renamed as (

    select
        ----------  ids
        channel_id,
        creator as creator_user_id,

        ----------  text
        name as channel_name,
        channel_kind,
        topic as channel_topic,
        purpose as channel_purpose,

        ----------  numerics
        member_count,

        ----------  booleans
        coalesce(is_archived, false) as is_archived,
        coalesce(is_general, false) as is_general,
        channel_kind in ('public', 'private') as is_channel,

        ----------  timestamps
        created_at,
        _loaded_at as loaded_at

    from source
    {{ keep_latest_record('channel_id') }}

)

select * from renamed
