-- Every message of the internal chat, one row per message: Slack (Web API and workspace exports, the same
-- message once: the latest load wins), Mattermost and imported internal messages. Keys are prefixed by the
-- platform ('slack:<channel>:<ts>', 'mattermost:<post id>', 'imported:<id>'), authors and reactors are
-- '<platform>:<user id>'. An ANNOUNCEMENT is a top-level message (not a thread reply, not a system message)
-- of a channel declared in strategy.yml internal.announcement_channels, by name (without '#') or id.
with

slack_messages as (

    select * from {{ ref('stg_slack__messages') }}
    union all by name
    select * from {{ ref('stg_slack__export_messages') }}

),

slack_channels as (

    select channel_id, channel_name from {{ ref('stg_slack__export_channels') }}

),

mattermost_posts as (

    select * from {{ ref('stg_mattermost__posts') }}

),

imported_messages as (

    select * from {{ ref('stg_imported__internal_messages') }}

),

announcement_channels as (

    select channel_key from {{ ref('stg_strategy__announcement_channels') }}

),

slack as (

    select
        'slack:' || messages.message_id as message_id,
        'slack' as platform,
        messages.channel_id as workspace_channel_id,
        coalesce(messages.channel_name, slack_channels.channel_name) as workspace_channel_name,
        'slack:' || messages.user_id as author_key,
        case when messages.thread_ts is not null then 'slack:' || messages.channel_id || ':' || messages.thread_ts end
            as thread_message_id,
        messages.thread_ts is not null and messages.thread_ts <> messages.message_ts as is_thread_reply,
        messages.is_bot,
        -- joins, leaves, topic changes...: not something someone said
        not messages.is_bot and messages.message_subtype is not null
            and messages.message_subtype not in ('thread_broadcast', 'file_share', 'me_message') as is_system,
        messages.reply_count,
        messages.reaction_count,
        list_transform(messages.reactor_user_ids, lambda user_id: 'slack:' || user_id) as reactor_keys,
        list_transform(coalesce(messages.reply_user_ids, []), lambda user_id: 'slack:' || user_id) as replier_keys,
        messages.posted_at

    from slack_messages as messages
    left join slack_channels
        on messages.channel_id = slack_channels.channel_id
    -- a message both fetched and exported: the latest load wins (its counters are the freshest)
    qualify row_number() over (partition by messages.message_id order by messages.loaded_at desc) = 1

),

mattermost as (

    select
        'mattermost:' || post_id as message_id,
        'mattermost' as platform,
        channel_id as workspace_channel_id,
        cast(null as varchar) as workspace_channel_name,
        'mattermost:' || user_id as author_key,
        'mattermost:' || root_post_id as thread_message_id,
        is_reply as is_thread_reply,
        -- integrations post with from_bot / from_webhook props; the feed types neither: system posts only
        false as is_bot,
        is_system,
        coalesce(reply_count, 0) as reply_count,
        len(reactor_user_ids) as reaction_count,
        list_transform(reactor_user_ids, lambda user_id: 'mattermost:' || user_id) as reactor_keys,
        []::varchar[] as replier_keys,
        created_at as posted_at

    from mattermost_posts
    where not is_deleted

),

imported as (

    select
        'imported:' || message_id as message_id,
        'imported' as platform,
        channel_name as workspace_channel_id,
        channel_name as workspace_channel_name,
        'imported:' || author_id as author_key,
        'imported:' || thread_id as thread_message_id,
        is_thread_reply,
        false as is_bot,
        false as is_system,
        cast(null as bigint) as reply_count,
        cast(null as bigint) as reaction_count,
        []::varchar[] as reactor_keys,
        []::varchar[] as replier_keys,
        posted_at

    from imported_messages

),

unioned as (

    select * from slack
    union all by name
    select * from mattermost
    union all by name
    select * from imported

),

final as (

    select
        message_id,
        platform,
        workspace_channel_id,
        workspace_channel_name,
        author_key,
        thread_message_id,
        is_thread_reply,
        is_bot,
        is_system,
        not is_thread_reply and not is_system and (
            lower(workspace_channel_id) in (select channel_key from announcement_channels)
            or coalesce(lower(ltrim(workspace_channel_name, '#')) in (select channel_key from announcement_channels), false)
        ) as is_announcement,
        reply_count,
        reaction_count,
        reactor_keys,
        replier_keys,
        posted_at

    from unioned

)

select * from final
