with

source as (

    select * from {{ source('slack', 'messages') }}

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
        subtype as message_subtype,
        text as message_text,

        ----------  numerics
        coalesce(reply_count, 0) as reply_count,
        coalesce(reply_users_count, 0) as reply_users_count,
        reaction_count,

        ----------  lists
        -- who reacted (every emoji's users, distinct; Slack may truncate a long list) and who replied in the
        -- thread (reply_users, on thread parents: replies themselves are not fetched)
        coalesce(list_sort(list_distinct(json_extract_string(payload, '$.reactions[*].users[*]'))), [])
            as reactor_user_ids,
        coalesce(list_sort(list_distinct(json_extract_string(payload, '$.reply_users[*]'))), [])
            as reply_user_ids,

        ----------  booleans
        thread_ts is not null and thread_ts = ts as is_thread_parent,
        bot_id is not null or coalesce(subtype = 'bot_message', false) as is_bot,
        subtype is null and bot_id is null as is_member_message,
        edited_at is not null as is_edited,

        ----------  timestamps
        posted_at,
        latest_reply_at,
        edited_at,
        _loaded_at as loaded_at

    from source
    -- a message fetched again (a day re-fetched, an edit, new replies or reactions) keeps its latest state
    {{ keep_latest_record('message_id') }}

)

select * from renamed
