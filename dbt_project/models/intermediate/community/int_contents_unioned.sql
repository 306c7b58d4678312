-- Everything the brand publishes, one row per content, in a single shape for all channels.
-- Lifetime counters are those of the latest fetch; NULL means the platform does not report it.
with

facebook_api_posts as (

    select * from {{ ref('stg_facebook__posts') }}

),

-- Meta's post Insights export: its times are the page's local time, without a zone
facebook_exported_posts as (

    select
        *,
        timezone('{{ var("meta_insights_export_timezone", "UTC") }}', published_at_local) as published_at

    from {{ ref('stg_facebook__post_insights_exports') }}

),

-- the API's counters are fresher; the export fills what the API does not report (reach and impressions of
-- old posts) and brings the posts older than the API window
facebook_posts as (

    select
        api.post_id,
        api.published_at,
        api.post_text,
        api.post_url,
        api.status_type,
        coalesce(api.reach_count, export.reach_count) as reach_count,
        coalesce(api.impressions_count, export.impressions_count) as impressions_count,
        coalesce(api.reactions_count, export.reactions_count) as reactions_count,
        coalesce(api.comments_count, export.comments_count) as comments_count,
        coalesce(api.shares_count, export.shares_count) as shares_count,
        coalesce(api.clicks_count, export.clicks_count) as clicks_count

    from facebook_api_posts as api
    left join facebook_exported_posts as export
        on api.post_id = export.post_id

    union all

    select
        post_id,
        published_at,
        post_text,
        post_url,
        -- the export's post types ('Photo', 'Video', 'Link', 'Status') in the API's status_type words
        case lower(post_type)
            when 'photo' then 'added_photos'
            when 'photos' then 'added_photos'
            when 'video' then 'added_video'
            when 'videos' then 'added_video'
            when 'link' then 'shared_story'
            when 'links' then 'shared_story'
            when 'status' then 'mobile_status_update'
            else post_type
        end as status_type,
        reach_count,
        impressions_count,
        reactions_count,
        comments_count,
        shares_count,
        clicks_count

    from facebook_exported_posts
    where post_id not in (select post_id from facebook_api_posts)

),

imported_contents as (

    select * from {{ ref('stg_imported__contents') }}

),

channels as (

    select channel_id from {{ ref('channels') }}

),

x_api_tweets as (

    select * from {{ ref('stg_x__tweets') }}

),

x_archive_tweets as (

    select * from {{ ref('stg_x__archive_tweets') }}

),

-- the API's counters are fresher; an imported archive brings the tweets older than the API window
x_tweets as (

    select * from x_api_tweets
    union all
    select * from x_archive_tweets
    where tweet_id not in (select tweet_id from x_api_tweets)

),

blog_feed_posts as (

    select * from {{ ref('stg_blog__posts') }}

),

-- a WordPress blog also comes through its REST API and its WXR export: the same articles, matched by URL
blog_posts as (

    select post_id, post_title, post_url, published_at, cast(null as bigint) as comment_count
    from blog_feed_posts

    union all

    select post_guid, post_title, post_url, published_at, comment_count
    from {{ ref('stg_blog__wxr_posts') }}
    where is_published and post_type = 'post'
        and post_url not in (select post_url from blog_feed_posts where post_url is not null)

    union all

    select post_url, post_title, post_url, published_at, cast(null as bigint)
    from {{ ref('stg_wordpress__posts') }}
    where is_published and post_type = 'post'
        and post_url not in (select post_url from blog_feed_posts where post_url is not null)
        and post_url not in (
            select post_url from {{ ref('stg_blog__wxr_posts') }}
            where is_published and post_type = 'post' and post_url is not null
        )

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
        -- archives report no quotes
        retweet_count + coalesce(quote_count, 0) as shares,
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
        -- a blog reports no audience nor engagement counters; a WXR export counts the comments
        cast(null as bigint) as reach,
        cast(null as bigint) as impressions,
        cast(null as bigint) as reactions,
        comment_count as comments,
        cast(null as bigint) as shares,
        cast(null as bigint) as clicks

    from blog_posts

),

-- contents of a generic import (any tool, through a YAML mapping), on the channels Animateur reports on
-- (stg_imported__contents warns of the others)
other_contents as (

    select
        channel_id || ':' || content_id as content_id,
        channel_id,
        content_id as platform_content_id,
        published_at,
        content_text,
        content_url,
        coalesce(content_format, 'other') as content_format,
        reach_count as reach,
        impressions_count as impressions,
        reactions_count as reactions,
        comments_count as comments,
        shares_count as shares,
        clicks_count as clicks

    from imported_contents
    where channel_id in (select channel_id from channels)

),

unioned as (

    select * from facebook_contents
    union all
    select * from x_contents
    union all
    select * from blog_contents
    union all
    -- a content already known from its platform's own source is not counted twice
    select * from other_contents
    where content_id not in (
        select content_id from facebook_contents
        union all select content_id from x_contents
        union all select content_id from blog_contents
    )

)

select * from unioned
