-- Everything the brand publishes, one row per content, in a single shape for all channels.
-- Lifetime counters are those of the latest fetch; NULL means the platform does not report it.
with

facebook_posts as (

    select * from {{ ref('stg_facebook__posts') }}

),

x_tweets as (

    select * from {{ ref('stg_x__tweets') }}

),

blog_posts as (

    select * from {{ ref('stg_blog__posts') }}

),

brand_accounts as (

    select * from {{ ref('int_brand_accounts_identified') }}

),

facebook_contents as (

    select
        'facebook:' || post_id as content_id,
        'facebook' as channel_id,
        post_id as platform_content_id,
        published_at,
        post_text as content_text,
        post_url as content_url,
        case status_type
            when 'added_photos' then 'photo'
            when 'added_video' then 'video'
            when 'shared_story' then 'link'
            when 'mobile_status_update' then 'status'
            else 'other'
        end as content_format,
        reach_count as reach,
        impressions_count as impressions,
        reactions_count as reactions,
        comments_count as comments,
        shares_count as shares,
        clicks_count as clicks

    from facebook_posts

),

x_contents as (

    select
        'x:' || tweet_id as content_id,
        'x' as channel_id,
        tweet_id as platform_content_id,
        tweeted_at as published_at,
        tweet_text as content_text,
        -- x.com resolves /i/status/<id> when the handle is unknown
        'https://x.com/' || coalesce(author_username, 'i') || '/status/' || tweet_id as content_url,
        case when is_quote then 'quote' else 'tweet' end as content_format,
        -- X reports no reach (unique people), only impressions
        cast(null as bigint) as reach,
        impression_count as impressions,
        like_count as reactions,
        reply_count as comments,
        retweet_count + quote_count as shares,
        cast(null as bigint) as clicks

    from x_tweets
    -- replies are answers to members (conversations), retweets are someone else's content
    where not is_reply
        and not is_retweet
        and author_id in (select account_id from brand_accounts where channel_id = 'x')

),

blog_contents as (

    select
        'blog:' || post_id as content_id,
        'blog' as channel_id,
        post_id as platform_content_id,
        published_at,
        post_title as content_text,
        post_url as content_url,
        'article' as content_format,
        -- RSS carries no audience nor engagement counters
        cast(null as bigint) as reach,
        cast(null as bigint) as impressions,
        cast(null as bigint) as reactions,
        cast(null as bigint) as comments,
        cast(null as bigint) as shares,
        cast(null as bigint) as clicks

    from blog_posts

),

unioned as (

    select * from facebook_contents
    union all
    select * from x_contents
    union all
    select * from blog_contents

)

select * from unioned
