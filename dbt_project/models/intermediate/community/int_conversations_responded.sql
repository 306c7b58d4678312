-- Inbound messages that expect an answer from the brand, each with the time of the brand's first
-- answer (NULL while unanswered). One CTE pair per channel, then unioned. Helpdesk tickets also carry their
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

brand_accounts as (

    select * from {{ ref('int_brand_accounts_identified') }}

),

facebook_pages as (

    select account_id as page_id from brand_accounts where channel_id = 'facebook'

),

x_brand_users as (

    select account_id as user_id from brand_accounts where channel_id = 'x'

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

    select
        'facebook:' || facebook_inbound.comment_id as conversation_id,
        'facebook' as channel_id,
        facebook_inbound.author_id,
        facebook_inbound.started_at,
        min(facebook_page_replies.replied_at) as first_response_at

    from facebook_inbound
    left join facebook_page_replies
        on facebook_inbound.comment_id = facebook_page_replies.parent_comment_id
        -- guards against clock skew: an answer cannot precede the question
        and facebook_page_replies.replied_at >= facebook_inbound.started_at
    group by 1, 2, 3, 4

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

    select
        'x:' || x_inbound.tweet_id as conversation_id,
        'x' as channel_id,
        x_inbound.author_id,
        x_inbound.started_at,
        min(x_brand_replies.replied_at) as first_response_at

    from x_inbound
    left join x_brand_replies
        on x_inbound.tweet_id = x_brand_replies.replied_to_tweet_id
        and x_brand_replies.replied_at >= x_inbound.started_at
    group by 1, 2, 3, 4

),

-- Zendesk: every ticket; Zendesk itself measures the first public agent reply
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

zendesk_conversations as (

    select
        'zendesk:' || cast(zendesk_tickets.ticket_id as varchar) as conversation_id,
        'zendesk' as channel_id,
        cast(zendesk_tickets.requester_id as varchar) as author_id,
        zendesk_tickets.created_at as started_at,
        zendesk_tickets.created_at
            + to_minutes(zendesk_latest_metrics.reply_time_calendar_minutes) as first_response_at,
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

),

unioned as (

    -- by name: social conversations have no resolved_at nor satisfaction_score (NULL)
    select * from facebook_conversations
    union all by name
    select * from x_conversations
    union all by name
    select * from zendesk_conversations

)

select * from unioned
