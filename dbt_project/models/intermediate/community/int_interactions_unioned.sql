-- Every interaction the platforms record one by one (Facebook comments, X mentions by members,
-- X brand replies), linked to the brand content and to the interaction it answers when those
-- are known to the warehouse (so that marts keep referential integrity).
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

brand_accounts as (

    select * from {{ ref('int_brand_accounts_identified') }}

),

contents as (

    select content_id from {{ ref('int_contents_unioned') }}

),

facebook_interactions as (

    select
        'facebook:' || comment_id as interaction_id,
        'facebook' as channel_id,
        case when is_reply then 'reply' else 'comment' end as interaction_type,
        commented_at as occurred_at,
        author_id,
        coalesce(
            author_id in (select account_id from brand_accounts where channel_id = 'facebook'),
            false
        ) as is_from_brand,
        -- a comment always belongs to a post; a reply answers its parent comment
        'facebook:' || post_id as direct_content_id,
        cast(null as varchar) as thread_content_id,
        'facebook:' || parent_comment_id as parent_candidate_id

    from facebook_comments

),

x_member_interactions as (

    select
        'x:' || tweet_id as interaction_id,
        'x' as channel_id,
        case
            when is_reply then 'reply'
            when is_quote then 'quote'
            else 'mention'
        end as interaction_type,
        tweeted_at as occurred_at,
        author_id,
        false as is_from_brand,
        -- the tweet replied to or quoted, else the tweet that started the thread
        'x:' || coalesce(replied_to_tweet_id, quoted_tweet_id) as direct_content_id,
        'x:' || conversation_id as thread_content_id,
        'x:' || replied_to_tweet_id as parent_candidate_id

    from x_mentions
    -- the brand mentioning itself is not a member interaction
    where coalesce(author_id not in (select account_id from brand_accounts where channel_id = 'x'), true)

),

x_brand_replies as (

    select
        'x:' || tweet_id as interaction_id,
        'x' as channel_id,
        'reply' as interaction_type,
        tweeted_at as occurred_at,
        author_id,
        true as is_from_brand,
        'x:' || replied_to_tweet_id as direct_content_id,
        'x:' || conversation_id as thread_content_id,
        'x:' || replied_to_tweet_id as parent_candidate_id

    from x_tweets
    where is_reply
        and author_id in (select account_id from brand_accounts where channel_id = 'x')

),

unioned as (

    select * from facebook_interactions
    union all
    select * from x_member_interactions
    union all
    select * from x_brand_replies

),

resolved as (

    select
        unioned.interaction_id,
        unioned.channel_id,
        unioned.interaction_type,
        unioned.occurred_at,
        unioned.author_id,
        unioned.is_from_brand,
        coalesce(direct_content.content_id, thread_content.content_id) as content_id,
        parent.interaction_id as parent_interaction_id

    from unioned
    left join contents as direct_content
        on unioned.direct_content_id = direct_content.content_id
    left join contents as thread_content
        on unioned.thread_content_id = thread_content.content_id
    left join unioned as parent
        on unioned.parent_candidate_id = parent.interaction_id

)

select * from resolved
