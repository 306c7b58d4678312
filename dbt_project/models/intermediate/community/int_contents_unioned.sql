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

instagram_media as (

    select * from {{ ref('stg_instagram__media_items') }}

),

-- each media's lifetime insights as last fetched (fetched again while the media is recent)
instagram_media_insights as (

    select
        media_id,
        max(metric_value) filter (where metric_name = 'reach') as reach_count,
        max(metric_value) filter (where metric_name = 'impressions') as impressions_count,
        max(metric_value) filter (where metric_name = 'views') as views_count,
        max(metric_value) filter (where metric_name = 'shares') as shares_count

    from (
        select * from {{ ref('stg_instagram__media_insights') }}
        where period_name = 'lifetime'
        qualify row_number() over (
            partition by media_id, metric_name order by period_ended_at desc nulls last, loaded_at desc
        ) = 1
    )
    group by media_id

),

youtube_videos as (

    select * from {{ ref('stg_youtube__videos') }}

),

-- the page's published posts; a reshare without a word of the page's own is someone else's content
linkedin_posts as (

    select * from {{ ref('stg_linkedin__posts') }}
    where is_published
        and not (is_reshare and coalesce(trim(post_text), '') = '')

),

-- each post's lifetime statistics as last fetched (LinkedIn reports them for recent posts only)
linkedin_post_statistics as (

    select * from {{ ref('stg_linkedin__share_statistics') }}
    qualify row_number() over (partition by post_id order by snapshot_date desc) = 1

),

mastodon_api_statuses as (

    select
        status_id,
        status_text,
        status_url,
        visibility,
        is_reply,
        is_reblog,
        replies_count,
        reblogs_count,
        favourites_count,
        posted_at

    from {{ ref('stg_mastodon__statuses') }}

),

-- the API's counters are fresher; an imported archive (no counters) brings the statuses older than the API's
mastodon_statuses as (

    select * from mastodon_api_statuses

    union all

    select
        status_id,
        status_text,
        status_url,
        visibility,
        is_reply,
        is_reblog,
        cast(null as bigint) as replies_count,
        cast(null as bigint) as reblogs_count,
        cast(null as bigint) as favourites_count,
        posted_at

    from {{ ref('stg_mastodon__archive_statuses') }}
    where status_id not in (select status_id from mastodon_api_statuses)

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

instagram_contents as (

    select
        'instagram:' || media.media_id as content_id,
        'instagram' as channel_id,
        media.media_id as platform_content_id,
        media.published_at,
        media.media_caption as content_text,
        media.media_url as content_url,
        case
            when media.is_reel or media.media_type = 'VIDEO' then 'video'
            when media.media_type = 'IMAGE' then 'photo'
            when media.media_type = 'CAROUSEL_ALBUM' then 'carousel'
            else 'other'
        end as content_format,
        insights.reach_count as reach,
        -- Meta retired impressions (April 2025) for views, which also counts repeated displays
        coalesce(insights.impressions_count, insights.views_count) as impressions,
        media.like_count as reactions,
        media.comments_count as comments,
        insights.shares_count as shares,
        -- Instagram reports no clicks on a media
        cast(null as bigint) as clicks

    from instagram_media as media
    left join instagram_media_insights as insights
        on media.media_id = insights.media_id

),

youtube_contents as (

    select
        'youtube:' || video_id as content_id,
        'youtube' as channel_id,
        video_id as platform_content_id,
        published_at,
        video_title as content_text,
        video_url as content_url,
        'video' as content_format,
        -- the Data API reports views (plays), not reach, impressions, shares nor clicks (YouTube Analytics does)
        cast(null as bigint) as reach,
        cast(null as bigint) as impressions,
        like_count as reactions,
        comment_count as comments,
        cast(null as bigint) as shares,
        cast(null as bigint) as clicks

    from youtube_videos

),

linkedin_contents as (

    select
        'linkedin:' || posts.post_id as content_id,
        'linkedin' as channel_id,
        posts.post_id as platform_content_id,
        posts.published_at,
        posts.post_text as content_text,
        posts.post_url as content_url,
        case
            when posts.is_reshare then 'quote'
            when posts.media_type = 'video' then 'video'
            when posts.media_type = 'image' or posts.content_type = 'multiImage' then 'photo'
            when posts.content_type = 'article' then 'link'
            when posts.content_type is null then 'status'
            else 'other'
        end as content_format,
        -- unique impressions: the members reached
        statistics.unique_impressions_count as reach,
        statistics.impression_count as impressions,
        statistics.like_count as reactions,
        statistics.comment_count as comments,
        statistics.share_count as shares,
        statistics.click_count as clicks

    from linkedin_posts as posts
    left join linkedin_post_statistics as statistics
        on posts.post_id = statistics.post_id

),

mastodon_contents as (

    select
        'mastodon:' || status_id as content_id,
        'mastodon' as channel_id,
        status_id as platform_content_id,
        posted_at as published_at,
        status_text as content_text,
        status_url as content_url,
        'status' as content_format,
        -- Mastodon reports no reach, impressions nor clicks
        cast(null as bigint) as reach,
        cast(null as bigint) as impressions,
        favourites_count as reactions,
        replies_count as comments,
        reblogs_count as shares,
        cast(null as bigint) as clicks

    from mastodon_statuses
    -- as on X: replies are answers (conversations), boosts someone else's content; direct messages are private
    where not is_reply
        and not is_reblog
        and visibility is distinct from 'direct'

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
    select * from instagram_contents
    union all
    select * from youtube_contents
    union all
    select * from linkedin_contents
    union all
    select * from mastodon_contents
    union all
    -- a content already known from its platform's own source is not counted twice
    select * from other_contents
    where content_id not in (
        select content_id from facebook_contents
        union all select content_id from x_contents
        union all select content_id from blog_contents
        union all select content_id from instagram_contents
        union all select content_id from youtube_contents
        union all select content_id from linkedin_contents
        union all select content_id from mastodon_contents
    )

)

select * from unioned
