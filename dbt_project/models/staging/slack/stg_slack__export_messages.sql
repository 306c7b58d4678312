-- Every message of an imported Slack workspace export, in the shape of stg_slack__messages, plus the
-- channel's name and the files and attachments shared. Counters are as of the export.
with

source as (

    select * from {{ source('slack', 'export_messages') }}

),

renamed as (

    select
        ----------  ids
        message_id,
        channel_id,
        ts as message_ts,
        thread_ts,
        user_id,
        bot_id,

        ----------  text
        channel_name,
        subtype as message_subtype,
        text as message_text,

        ----------  numerics
        coalesce(reply_count, 0) as reply_count,
        coalesce(reply_users_count, 0) as reply_users_count,
        reaction_count,
        file_count,
        attachment_count,

        ----------  lists
        -- who reacted (every emoji's users, distinct); replies are messages of their own in an export
        coalesce(list_sort(list_distinct(json_extract_string(payload, '$.reactions[*].users[*]'))), [])
            as reactor_user_ids,

        ----------  booleans
        thread_ts is not null and thread_ts = ts as is_thread_parent,
        thread_ts is not null and thread_ts <> ts as is_thread_reply,
        bot_id is not null or coalesce(subtype = 'bot_message', false) as is_bot,
        subtype is null and bot_id is null as is_member_message,
        edited_at is not null as is_edited,
        file_count > 0 as has_files,

        ----------  timestamps
        posted_at,
        latest_reply_at,
        edited_at,
        _loaded_at as loaded_at

    from source
    -- overlapping exports repeat messages: the latest import wins (its counters are the freshest)
    {{ keep_latest_record('message_id') }}

)

select * from renamed
