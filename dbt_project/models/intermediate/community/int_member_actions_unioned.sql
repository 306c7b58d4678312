-- Every public act of a person in the community, one row per act, from every staging source that names
-- people: who (channel account, handle, name, e-mail, what the platform says of the account) did what, when,
-- and to whose message it answered. int_member_accounts_unioned (accounts) and int_member_activities_unioned
-- (weighted activities) are built on it. Kinds of act: post (a member starts a thread / topic / standalone
-- message), comment (on a brand content), reply (to a message), mention, quote, share (retweet, boost),
-- like (favourite), ticket (a helpdesk request).
with

facebook_comments as (

    select * from {{ ref('stg_facebook__comments') }}

),

instagram_comments as (

    select * from {{ ref('stg_instagram__comments') }}

),

instagram_media as (

    select * from {{ ref('stg_instagram__media_items') }}

),

youtube_comments as (

    select * from {{ ref('stg_youtube__comments') }}

),

youtube_videos as (

    select * from {{ ref('stg_youtube__videos') }}

),

wordpress_comments as (

    select * from {{ ref('stg_wordpress__comments') }}

),

blog_wxr_comments as (

    select * from {{ ref('stg_blog__wxr_comments') }}

),

x_mentions as (

    select * from {{ ref('stg_x__mentions') }}

),

x_search_results as (

    select * from {{ ref('stg_x__search_results') }}

),

x_tweets as (

    select * from {{ ref('stg_x__tweets') }}

),

mastodon_statuses as (

    select * from {{ ref('stg_mastodon__statuses') }}

),

mastodon_replies as (

    select * from {{ ref('stg_mastodon__replies') }}

),

mastodon_notifications as (

    select * from {{ ref('stg_mastodon__notifications') }}

),

discourse_posts as (

    select * from {{ ref('stg_discourse__posts') }}

),

slack_messages as (

    select * from {{ ref('stg_slack__messages') }}
    union all by name
    select * exclude (channel_name, is_thread_reply, file_count, attachment_count, has_files)
    from {{ ref('stg_slack__export_messages') }}

),

mattermost_posts as (

    select * from {{ ref('stg_mattermost__posts') }}

),

zendesk_tickets as (

    select * from {{ ref('stg_zendesk__tickets') }}
    where ticket_status is distinct from 'deleted'

),

zendesk_ticket_sources as (

    select * from {{ ref('stg_zendesk__ticket_sources') }}

),

imported_interactions as (

    select * from {{ ref('stg_imported__interactions') }}

),

imported_tickets as (

    select * from {{ ref('stg_imported__tickets') }}

),

----------  one CTE per source, all in one shape
facebook_acts as (

    select
        'facebook:' || comment_id as action_id,
        'facebook' as channel_id,
        author_id as account_id,
        cast(null as varchar) as handle,
        author_name as display_name,
        cast(null as varchar) as email,
        cast(null as varchar) as linked_x_handle,
        false as is_platform_bot,
        false as is_platform_staff,
        case when is_reply then 'reply' else 'comment' end as action_type,
        commented_at as occurred_at,
        -- a top-level comment answers the page's post (the brand), a reply answers its parent comment
        'facebook:' || parent_comment_id as parent_action_id,
        case when not is_reply then 'facebook:' || split_part(post_id, '_', 1) end as parent_account_key,
        false as is_accepted_answer

    from facebook_comments
    where author_id is not null

),

instagram_acts as (

    select
        'instagram:' || instagram_comments.comment_id as action_id,
        'instagram' as channel_id,
        instagram_comments.author_id as account_id,
        instagram_comments.author_username as handle,
        cast(null as varchar) as display_name,
        cast(null as varchar) as email,
        cast(null as varchar) as linked_x_handle,
        false as is_platform_bot,
        false as is_platform_staff,
        case when instagram_comments.is_reply then 'reply' else 'comment' end as action_type,
        instagram_comments.commented_at as occurred_at,
        'instagram:' || instagram_comments.parent_comment_id as parent_action_id,
        case
            when not instagram_comments.is_reply then 'instagram:' || instagram_media.ig_user_id
        end as parent_account_key,
        false as is_accepted_answer

    from instagram_comments
    left join instagram_media
        on instagram_comments.media_id = instagram_media.media_id
    where instagram_comments.author_id is not null

),

youtube_acts as (

    select
        'youtube:' || youtube_comments.comment_id as action_id,
        'youtube' as channel_id,
        youtube_comments.author_channel_id as account_id,
        cast(null as varchar) as handle,
        youtube_comments.author_name as display_name,
        cast(null as varchar) as email,
        cast(null as varchar) as linked_x_handle,
        false as is_platform_bot,
        false as is_platform_staff,
        case when youtube_comments.is_reply then 'reply' else 'comment' end as action_type,
        youtube_comments.commented_at as occurred_at,
        'youtube:' || youtube_comments.parent_comment_id as parent_action_id,
        case
            when not youtube_comments.is_reply
                then 'youtube:' || coalesce(youtube_videos.channel_id, youtube_comments.channel_id)
        end as parent_account_key,
        false as is_accepted_answer

    from youtube_comments
    left join youtube_videos
        on youtube_comments.video_id = youtube_videos.video_id
    where youtube_comments.author_channel_id is not null

),

-- blog comments: a registered author is the site's user id, an anonymous one is known by name only
wordpress_acts as (

    select
        'blog:' || cast(comment_id as varchar) as action_id,
        'blog' as channel_id,
        case
            when is_registered_author then 'user:' || cast(author_id as varchar)
            else 'name:' || lower(trim(author_name))
        end as account_id,
        cast(null as varchar) as handle,
        author_name as display_name,
        cast(null as varchar) as email,
        cast(null as varchar) as linked_x_handle,
        comment_type in ('pingback', 'trackback') as is_platform_bot,
        false as is_platform_staff,
        case when is_reply then 'reply' else 'comment' end as action_type,
        commented_at as occurred_at,
        'blog:' || cast(parent_comment_id as varchar) as parent_action_id,
        cast(null as varchar) as parent_account_key,
        false as is_accepted_answer

    from wordpress_comments
    where is_approved
        and (is_registered_author or nullif(trim(author_name), '') is not null)

),

blog_wxr_acts as (

    select
        'blog:' || comment_key as action_id,
        'blog' as channel_id,
        case
            when wordpress_user_id is not null then 'user:' || wordpress_user_id
            else 'name:' || lower(trim(author_name))
        end as account_id,
        cast(null as varchar) as handle,
        author_name as display_name,
        cast(null as varchar) as email,
        cast(null as varchar) as linked_x_handle,
        comment_type in ('pingback', 'trackback') as is_platform_bot,
        -- the site's users who comment are its authors and moderators
        is_from_site_user as is_platform_staff,
        case when is_reply then 'reply' else 'comment' end as action_type,
        commented_at as occurred_at,
        'blog:' || parent_comment_key as parent_action_id,
        cast(null as varchar) as parent_account_key,
        false as is_accepted_answer

    from blog_wxr_comments
    where is_approved
        and (wordpress_user_id is not null or nullif(trim(author_name), '') is not null)

),

-- X: members' mentions of the brand, search results (the same tweet in both counts once), brand replies
x_member_tweets as (

    select * from x_mentions
    union all
    select * from x_search_results
    where tweet_id not in (select tweet_id from x_mentions)

),

x_acts as (

    select
        'x:' || tweet_id as action_id,
        'x' as channel_id,
        author_id as account_id,
        author_username as handle,
        author_name as display_name,
        cast(null as varchar) as email,
        cast(null as varchar) as linked_x_handle,
        false as is_platform_bot,
        false as is_platform_staff,
        case
            when is_retweet then 'share'
            when is_reply then 'reply'
            when is_quote then 'quote'
            else 'mention'
        end as action_type,
        tweeted_at as occurred_at,
        'x:' || replied_to_tweet_id as parent_action_id,
        'x:' || in_reply_to_user_id as parent_account_key,
        false as is_accepted_answer

    from x_member_tweets
    where author_id is not null

    union all

    select
        'x:' || tweet_id as action_id,
        'x' as channel_id,
        author_id as account_id,
        author_username as handle,
        author_name as display_name,
        cast(null as varchar) as email,
        cast(null as varchar) as linked_x_handle,
        false as is_platform_bot,
        false as is_platform_staff,
        'reply' as action_type,
        tweeted_at as occurred_at,
        'x:' || replied_to_tweet_id as parent_action_id,
        'x:' || in_reply_to_user_id as parent_account_key,
        false as is_accepted_answer

    from x_tweets
    -- the brand's replies: the team answering members (its original tweets are contents, not acts)
    where is_reply
        and tweet_id not in (select tweet_id from x_member_tweets)

),

-- Mastodon: the brand account's statuses (replies only), the replies to them, the notifications
-- (mentions, boosts, favourites of the brand's statuses); a status seen twice counts once
mastodon_status_acts as (

    select
        status_id,
        account_id,
        account_acct,
        account_display_name,
        is_reply,
        is_reblog,
        in_reply_to_status_id,
        in_reply_to_account_id,
        posted_at

    from mastodon_statuses
    where is_reply

    union all

    select
        status_id,
        account_id,
        account_acct,
        account_display_name,
        is_reply,
        is_reblog,
        in_reply_to_status_id,
        in_reply_to_account_id,
        posted_at

    from mastodon_replies
    where status_id not in (select status_id from mastodon_statuses)

),

mastodon_acts as (

    select
        'mastodon:' || status_id as action_id,
        'mastodon' as channel_id,
        account_id,
        account_acct as handle,
        account_display_name as display_name,
        cast(null as varchar) as email,
        cast(null as varchar) as linked_x_handle,
        false as is_platform_bot,
        false as is_platform_staff,
        case when is_reblog then 'share' when is_reply then 'reply' else 'mention' end as action_type,
        posted_at as occurred_at,
        'mastodon:' || in_reply_to_status_id as parent_action_id,
        'mastodon:' || in_reply_to_account_id as parent_account_key,
        false as is_accepted_answer

    from mastodon_status_acts

    union all

    select
        case
            when notification_type = 'mention' then 'mastodon:' || status_id
            else 'mastodon:notification:' || notification_id
        end as action_id,
        'mastodon' as channel_id,
        account_id,
        account_acct as handle,
        account_display_name as display_name,
        cast(null as varchar) as email,
        cast(null as varchar) as linked_x_handle,
        coalesce(is_bot_account, false) as is_platform_bot,
        false as is_platform_staff,
        case
            when notification_type = 'reblog' then 'share'
            when notification_type = 'favourite' then 'like'
            when is_reply then 'reply'
            else 'mention'
        end as action_type,
        coalesce(status_posted_at, notified_at) as occurred_at,
        case when notification_type = 'mention' then 'mastodon:' || status_in_reply_to_id end as parent_action_id,
        case
            when notification_type = 'mention' then 'mastodon:' || status_in_reply_to_account_id
            else 'mastodon:' || status_account_id
        end as parent_account_key,
        false as is_accepted_answer

    from mastodon_notifications
    where notification_type in ('mention', 'reblog', 'favourite')
        and account_id is not null
        -- a mention that is also a status of the replies counts once
        and (notification_type <> 'mention'
            or status_id not in (select status_id from mastodon_status_acts))

),

-- Discourse: every visible post; a post answers the post it replies to, else the topic's first post
discourse_acts as (

    select
        'discourse:' || cast(posts.post_id as varchar) as action_id,
        'discourse' as channel_id,
        cast(posts.user_id as varchar) as account_id,
        posts.username as handle,
        cast(null as varchar) as display_name,
        cast(null as varchar) as email,
        cast(null as varchar) as linked_x_handle,
        -- Discourse's own users (system, discobot) have ids <= 0
        posts.user_id <= 0 as is_platform_bot,
        coalesce(posts.is_by_staff or posts.is_by_admin or posts.is_by_moderator, false) as is_platform_staff,
        case when posts.is_topic_opener then 'post' else 'reply' end as action_type,
        posts.created_at as occurred_at,
        'discourse:' || cast(parent.post_id as varchar) as parent_action_id,
        cast(null as varchar) as parent_account_key,
        coalesce(posts.is_accepted_answer, false) as is_accepted_answer

    from discourse_posts as posts
    left join discourse_posts as parent
        on posts.topic_id = parent.topic_id
        and parent.post_number = case
            when posts.is_topic_opener then null
            else coalesce(posts.reply_to_post_number, 1)
        end
    where not coalesce(posts.is_deleted, false)
        and posts.user_id is not null

),

-- Slack: member messages (joins, topic changes and other subtypes are not acts); a thread reply answers
-- the thread's parent message
slack_acts as (

    select
        'slack:' || messages.message_id as action_id,
        'slack' as channel_id,
        coalesce(messages.user_id, messages.bot_id) as account_id,
        cast(null as varchar) as handle,
        cast(null as varchar) as display_name,
        cast(null as varchar) as email,
        cast(null as varchar) as linked_x_handle,
        coalesce(messages.is_bot, false) as is_platform_bot,
        false as is_platform_staff,
        case
            when messages.thread_ts is not null and messages.thread_ts <> messages.message_ts then 'reply'
            else 'post'
        end as action_type,
        messages.posted_at as occurred_at,
        'slack:' || parent.message_id as parent_action_id,
        cast(null as varchar) as parent_account_key,
        false as is_accepted_answer

    from slack_messages as messages
    left join slack_messages as parent
        on messages.channel_id = parent.channel_id
        and messages.thread_ts = parent.message_ts
        and messages.thread_ts <> messages.message_ts
    where (messages.is_member_message or coalesce(messages.is_bot, false))
        and coalesce(messages.user_id, messages.bot_id) is not null
    qualify row_number() over (partition by messages.message_id order by messages.posted_at) = 1

),

mattermost_acts as (

    select
        'mattermost:' || post_id as action_id,
        'mattermost' as channel_id,
        user_id as account_id,
        cast(null as varchar) as handle,
        cast(null as varchar) as display_name,
        cast(null as varchar) as email,
        cast(null as varchar) as linked_x_handle,
        -- integrations post with a 'system_' / 'custom_' type
        coalesce(post_type like 'custom_%', false) as is_platform_bot,
        false as is_platform_staff,
        case when is_reply then 'reply' else 'post' end as action_type,
        created_at as occurred_at,
        'mattermost:' || root_post_id as parent_action_id,
        cast(null as varchar) as parent_account_key,
        false as is_accepted_answer

    from mattermost_posts
    where not coalesce(is_system, false)
        and not coalesce(is_deleted, false)
        and user_id is not null

),

-- Zendesk: each ticket is its requester's request; the sender Zendesk states (e-mail address, X account)
-- describes the requester's account
zendesk_acts as (

    select
        'zendesk:' || cast(tickets.ticket_id as varchar) as action_id,
        'zendesk' as channel_id,
        cast(tickets.requester_id as varchar) as account_id,
        cast(null as varchar) as handle,
        sources.from_name as display_name,
        sources.from_email as email,
        case when sources.via_channel = 'twitter' then sources.from_handle end as linked_x_handle,
        false as is_platform_bot,
        false as is_platform_staff,
        'ticket' as action_type,
        tickets.created_at as occurred_at,
        cast(null as varchar) as parent_action_id,
        cast(null as varchar) as parent_account_key,
        false as is_accepted_answer

    from zendesk_tickets as tickets
    left join zendesk_ticket_sources as sources
        on tickets.ticket_id = sources.ticket_id
    where tickets.requester_id is not null

),

imported_interaction_acts as (

    select
        'imported:' || interaction_id as action_id,
        channel_id,
        'handle:' || lower(ltrim(trim(author_handle), '@')) as account_id,
        ltrim(trim(author_handle), '@') as handle,
        cast(null as varchar) as display_name,
        cast(null as varchar) as email,
        cast(null as varchar) as linked_x_handle,
        false as is_platform_bot,
        false as is_platform_staff,
        case
            when interaction_type in ('comment', 'reply', 'mention', 'quote', 'share', 'like')
                then interaction_type
            else 'comment'
        end as action_type,
        occurred_at,
        cast(null as varchar) as parent_action_id,
        cast(null as varchar) as parent_account_key,
        false as is_accepted_answer

    from imported_interactions
    where nullif(trim(author_handle), '') is not null

),

imported_ticket_acts as (

    select
        'imported:ticket:' || ticket_id as action_id,
        'helpdesk' as channel_id,
        requester_id as account_id,
        cast(null as varchar) as handle,
        cast(null as varchar) as display_name,
        cast(null as varchar) as email,
        cast(null as varchar) as linked_x_handle,
        false as is_platform_bot,
        false as is_platform_staff,
        'ticket' as action_type,
        created_at as occurred_at,
        cast(null as varchar) as parent_action_id,
        cast(null as varchar) as parent_account_key,
        false as is_accepted_answer

    from imported_tickets
    where requester_id is not null

),

unioned as (

    select * from facebook_acts
    union all
    select * from instagram_acts
    union all
    select * from youtube_acts
    union all
    select * from wordpress_acts
    union all
    select * from blog_wxr_acts
    union all
    select * from x_acts
    union all
    select * from mastodon_acts
    union all
    select * from discourse_acts
    union all
    select * from slack_acts
    union all
    select * from mattermost_acts
    union all
    select * from zendesk_acts
    union all
    select * from imported_interaction_acts
    union all
    select * from imported_ticket_acts

),

final as (

    select
        unioned.action_id,
        unioned.channel_id || ':' || unioned.account_id as account_key,
        unioned.channel_id,
        unioned.account_id,
        nullif(trim(unioned.handle), '') as handle,
        nullif(trim(unioned.display_name), '') as display_name,
        unioned.email,
        unioned.linked_x_handle,
        unioned.is_platform_bot,
        unioned.is_platform_staff,
        unioned.action_type,
        unioned.occurred_at,
        -- the author of the message answered: stated by the platform, else the parent act's author
        coalesce(
            unioned.parent_account_key,
            parent.channel_id || ':' || parent.account_id
        ) as parent_account_key,
        unioned.is_accepted_answer

    from unioned
    left join unioned as parent
        on unioned.parent_action_id = parent.action_id
    where unioned.occurred_at is not null
    -- the same act from two feeds counts once
    qualify row_number() over (partition by unioned.action_id order by unioned.occurred_at) = 1

)

select * from final
