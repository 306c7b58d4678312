-- Inbound messages that expect an answer from the brand, each with the time of the brand's first
-- answer (NULL while unanswered). One CTE pair per social channel (its inbound messages, the brand's answers),
-- joined by the macro conversations_with_first_answer, then unioned. Helpdesk tickets also carry their
-- resolution (solved_at) and the requester's satisfaction rating; social messages have neither (NULL).
with

facebook_comments as (

    select * from {{ ref('stg_facebook__comments') }}

),

x_mentions as (

    select * from {{ ref('stg_x__mentions') }}

),

x_tweets as (

    select * from {{ ref('stg_x__tweets') }}

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

mastodon_notifications as (

    select * from {{ ref('stg_mastodon__notifications') }}

),

mastodon_replies as (

    select * from {{ ref('stg_mastodon__replies') }}

),

mastodon_statuses as (

    -- the brand's timeline, and its answers as they appear in the threads below its statuses
    select * from {{ ref('stg_mastodon__statuses') }}
    union all by name
    select * from mastodon_replies

),

zendesk_tickets as (

    -- a deleted ticket (the incremental export still lists it) is not a conversation left unanswered
    select * from {{ ref('stg_zendesk__tickets') }}
    where ticket_status is distinct from 'deleted'

),

zendesk_ticket_metrics as (

    select * from {{ ref('stg_zendesk__ticket_metrics') }}

),

zendesk_satisfaction_ratings as (

    select * from {{ ref('stg_zendesk__satisfaction_ratings') }}

),

zendesk_ticket_comments as (

    select * from {{ ref('stg_zendesk__ticket_comments') }}

),

brand_accounts as (

    select * from {{ ref('int_brand_accounts_identified') }}

),

facebook_pages as (

    select account_id as page_id from brand_accounts where channel_id = 'facebook'

),

x_brand_users as (

    select account_id as user_id from brand_accounts where channel_id = 'x'

),

instagram_brand_users as (

    select account_id as user_id from brand_accounts where channel_id = 'instagram'

),

-- a comment's 'from' id is Instagram-scoped (IGSID), maybe not the ig_user_id: the username tells too
instagram_brand_usernames as (

    select distinct lower(account_username) as username
    from instagram_media
    where account_username is not null

),

youtube_brand_channels as (

    select account_id as channel_id from brand_accounts where channel_id = 'youtube'

),

mastodon_brand_accounts as (

    select account_id from brand_accounts where channel_id = 'mastodon'

),

-- Facebook: a member's top-level comment on a brand post opens a conversation ...
facebook_inbound as (

    select
        comment_id,
        author_id,
        commented_at as started_at

    from facebook_comments
    where not is_reply
        -- post ids start with the id of the page that owns the post
        and split_part(post_id, '_', 1) in (select page_id from facebook_pages)
        -- an unknown author is a member, never the page
        and coalesce(author_id not in (select page_id from facebook_pages), true)

),

-- ... answered by the page's earliest reply to that very comment
facebook_page_replies as (

    select
        parent_comment_id,
        commented_at as replied_at

    from facebook_comments
    where is_reply
        and author_id in (select page_id from facebook_pages)

),

facebook_conversations as (

    {{ conversations_with_first_answer(
        'facebook', messages='facebook_inbound', message_key='comment_id',
        answers='facebook_page_replies', answered_key='parent_comment_id'
    ) }}

),

-- X: a member's mention opens a conversation ...
x_inbound as (

    select
        tweet_id,
        author_id,
        tweeted_at as started_at

    from x_mentions
    -- the brand mentioning itself expects no answer
    where coalesce(author_id not in (select user_id from x_brand_users), true)

),

-- ... answered by the brand's earliest tweet replying to that mention
x_brand_replies as (

    select
        replied_to_tweet_id,
        tweeted_at as replied_at

    from x_tweets
    where is_reply
        and author_id in (select user_id from x_brand_users)

),

x_conversations as (

    {{ conversations_with_first_answer(
        'x', messages='x_inbound', message_key='tweet_id',
        answers='x_brand_replies', answered_key='replied_to_tweet_id'
    ) }}

),

-- Instagram: a member's top-level comment on a brand media opens a conversation ...
instagram_inbound as (

    select
        comment_id,
        author_id,
        commented_at as started_at

    from instagram_comments
    -- a reply continues a conversation, as on Facebook
    where not is_reply
        -- the media feed lists only the brand account's own media
        and media_id in (select media_id from instagram_media)
        -- an unknown author (no 'from' in the payload) is a member, never the brand
        and coalesce(author_id not in (select user_id from instagram_brand_users), true)
        and coalesce(lower(author_username) not in (select username from instagram_brand_usernames), true)

),

-- ... answered by the brand account's earliest reply to that comment (Instagram nests replies one level deep)
instagram_brand_replies as (

    select
        parent_comment_id,
        commented_at as replied_at

    from instagram_comments
    where is_reply
        and (
            author_id in (select user_id from instagram_brand_users)
            or lower(author_username) in (select username from instagram_brand_usernames)
        )

),

instagram_conversations as (

    {{ conversations_with_first_answer(
        'instagram', messages='instagram_inbound', message_key='comment_id',
        answers='instagram_brand_replies', answered_key='parent_comment_id'
    ) }}

),

-- YouTube: a member's top-level comment opens a thread, a conversation ...
youtube_inbound as (

    select
        comment_id,
        author_channel_id as author_id,
        commented_at as started_at

    from youtube_comments
    -- the threads are fetched for the brand's channel only (allThreadsRelatedToChannelId): all on its videos
    where not is_reply
        -- the channel owner opening a thread on its own video expects no answer
        and coalesce(author_channel_id not in (select channel_id from youtube_brand_channels), true)

),

-- ... answered by the channel owner's earliest reply in that thread
youtube_brand_replies as (

    select
        thread_id,
        commented_at as replied_at

    from youtube_comments
    where is_reply
        and author_channel_id in (select channel_id from youtube_brand_channels)

),

youtube_conversations as (

    -- a thread's id is its top-level comment's
    {{ conversations_with_first_answer(
        'youtube', messages='youtube_inbound', message_key='comment_id',
        answers='youtube_brand_replies', answered_key='thread_id'
    ) }}

),

-- Mastodon: a member's status mentioning the brand opens a conversation, as an X mention does: the mention
-- notifications, and the members' replies to the brand in the threads below its statuses (a reply mentions
-- whom it answers, but the notifications may no longer reach back to it)
mastodon_inbound_statuses as (

    select
        status_id,
        account_id as author_id,
        coalesce(status_posted_at, notified_at) as started_at

    from mastodon_notifications
    where is_mention
        -- a mention without its status (not in the payload) leaves nothing to answer
        and status_id is not null

    union all

    select
        status_id,
        account_id as author_id,
        posted_at as started_at

    from mastodon_replies
    where in_reply_to_account_id in (select account_id from mastodon_brand_accounts)

),

mastodon_inbound as (

    -- a status both notified and found in a thread is one conversation
    select
        status_id,
        min(author_id) as author_id,
        min(started_at) as started_at

    from mastodon_inbound_statuses
    -- the brand mentioning itself (or answering itself) expects no answer
    where coalesce(author_id not in (select account_id from mastodon_brand_accounts), true)
    group by 1

),

-- ... answered by the brand's earliest status replying to that status
mastodon_brand_replies as (

    select
        in_reply_to_status_id,
        posted_at as replied_at

    from mastodon_statuses
    where is_reply
        and account_id in (select account_id from mastodon_brand_accounts)

),

mastodon_conversations as (

    {{ conversations_with_first_answer(
        'mastodon', messages='mastodon_inbound', message_key='status_id',
        answers='mastodon_brand_replies', answered_key='in_reply_to_status_id'
    ) }}

),

-- Zendesk: every ticket; Zendesk itself measures the first public agent reply (metric set), else the
-- conversation (ticket audits) shows it
zendesk_latest_metrics as (

    select *
    from zendesk_ticket_metrics
    -- one metric set per ticket is expected; keep the freshest if Zendesk ever sends two
    qualify row_number() over (
        partition by ticket_id
        order by updated_at desc nulls last, loaded_at desc, ticket_metric_id desc
    ) = 1

),

-- the requester's latest rating of each ticket ('offered' / 'unoffered' are no rating)
zendesk_latest_ratings as (

    select
        ticket_id,
        satisfaction_score

    from zendesk_satisfaction_ratings
    where satisfaction_score in ('good', 'bad')
    qualify row_number() over (
        partition by ticket_id
        order by updated_at desc nulls last, created_at desc nulls last, satisfaction_rating_id desc
    ) = 1

),

-- the first public comment on the ticket by someone other than its requester, after the ticket's creation: what
-- Zendesk counts as the first agent reply. The audits name no roles (no users table is fetched) and the
-- assignees alone would miss an agent answering an unassigned ticket, so an agent is any author but the
-- requester: an end user in CC answering publicly would count as a reply. An internal note is never one.
zendesk_first_agent_replies as (

    select
        zendesk_tickets.ticket_id,
        min(zendesk_ticket_comments.created_at) as replied_at

    from zendesk_tickets
    inner join zendesk_ticket_comments
        on zendesk_tickets.ticket_id = zendesk_ticket_comments.ticket_id
    where zendesk_ticket_comments.is_public
        and zendesk_ticket_comments.author_id is distinct from zendesk_tickets.requester_id
        -- strictly after: the opening comment of a ticket an agent created for a customer answers nothing
        and zendesk_ticket_comments.created_at > zendesk_tickets.created_at
    group by 1

),

zendesk_conversations as (

    select
        'zendesk:' || cast(zendesk_tickets.ticket_id as varchar) as conversation_id,
        'zendesk' as channel_id,
        cast(zendesk_tickets.requester_id as varchar) as author_id,
        zendesk_tickets.created_at as started_at,
        coalesce(
            zendesk_tickets.created_at + to_minutes(zendesk_latest_metrics.reply_time_calendar_minutes),
            zendesk_first_agent_replies.replied_at
        ) as first_response_at,
        -- solved_at of a ticket reopened since is stale: only a solved or closed ticket is resolved
        case
            when zendesk_tickets.is_solved then zendesk_latest_metrics.solved_at
        end as resolved_at,
        -- the ratings endpoint first, else the score the ticket carries (both 'good' / 'bad' once rated)
        coalesce(
            zendesk_latest_ratings.satisfaction_score,
            case when zendesk_tickets.satisfaction_score in ('good', 'bad') then zendesk_tickets.satisfaction_score end
        ) as satisfaction_score

    from zendesk_tickets
    left join zendesk_latest_metrics
        on zendesk_tickets.ticket_id = zendesk_latest_metrics.ticket_id
    left join zendesk_latest_ratings
        on zendesk_tickets.ticket_id = zendesk_latest_ratings.ticket_id
    left join zendesk_first_agent_replies
        on zendesk_tickets.ticket_id = zendesk_first_agent_replies.ticket_id

),

unioned as (

    -- by name: social conversations have no resolved_at nor satisfaction_score (NULL)
    select * from facebook_conversations
    union all by name
    select * from x_conversations
    union all by name
    select * from instagram_conversations
    union all by name
    select * from youtube_conversations
    union all by name
    select * from mastodon_conversations
    union all by name
    select * from zendesk_conversations

)

select * from unioned
