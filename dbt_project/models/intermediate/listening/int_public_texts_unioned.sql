-- Every public text the warehouse holds that someone else than the brand could have written: the platforms'
-- mention timelines, the texts where keyword queries look (comments, forum posts, search results), the alert
-- feeds and the listening tools' exports. One row per text, whoever wrote it (int_mentions_matched leaves out the
-- brand's own). Scored once by int_public_texts_scored; its text is NULL once retention removed it.
with

-- X: the mentions timeline and the listening search, one staging shape (stage_x_posts); a tweet in both counts
-- once, as a mention
x_posts as (

    select *, 'platform_mention' as origin from {{ ref('stg_x__mentions') }}
    union all
    select *, 'keyword_query' as origin from {{ ref('stg_x__search_results') }}
    where tweet_id not in (select tweet_id from {{ ref('stg_x__mentions') }})

),

x_texts as (

    select
        'x' as channel_id,
        tweet_id as item_id,
        origin,
        author_id,
        author_username as author_handle,
        tweet_text as mention_text,
        'https://x.com/' || coalesce(author_username, 'i') || '/status/' || tweet_id as mention_url,
        language_code,
        tweeted_at as mentioned_at,
        cast(null as varchar) as match_hint,
        cast(null as varchar) as sentiment_label

    from x_posts

),

facebook_comments as (

    select
        'facebook' as channel_id,
        comment_id as item_id,
        'keyword_query' as origin,
        author_id,
        author_name as author_handle,
        comment_text as mention_text,
        'https://www.facebook.com/' || comment_id as mention_url,
        cast(null as varchar) as language_code,
        commented_at as mentioned_at,
        cast(null as varchar) as match_hint,
        cast(null as varchar) as sentiment_label

    from {{ ref('stg_facebook__comments') }}

),

instagram_comments as (

    select
        'instagram' as channel_id,
        comment_id as item_id,
        'keyword_query' as origin,
        author_id,
        author_username as author_handle,
        comment_text as mention_text,
        cast(null as varchar) as mention_url,
        cast(null as varchar) as language_code,
        commented_at as mentioned_at,
        cast(null as varchar) as match_hint,
        cast(null as varchar) as sentiment_label

    from {{ ref('stg_instagram__comments') }}

),

youtube_comments as (

    select
        'youtube' as channel_id,
        comment_id as item_id,
        'keyword_query' as origin,
        author_channel_id as author_id,
        author_name as author_handle,
        comment_text as mention_text,
        'https://www.youtube.com/watch?v=' || video_id || '&lc=' || comment_id as mention_url,
        cast(null as varchar) as language_code,
        commented_at as mentioned_at,
        cast(null as varchar) as match_hint,
        cast(null as varchar) as sentiment_label

    from {{ ref('stg_youtube__comments') }}

),

mastodon_mentions as (

    select
        'mastodon' as channel_id,
        coalesce(status_id, notification_id) as item_id,
        'platform_mention' as origin,
        account_id as author_id,
        account_acct as author_handle,
        status_text as mention_text,
        status_url as mention_url,
        language_code,
        coalesce(status_posted_at, notified_at) as mentioned_at,
        cast(null as varchar) as match_hint,
        cast(null as varchar) as sentiment_label

    from {{ ref('stg_mastodon__notifications') }}
    where is_mention

),

discourse_posts as (

    select
        'discourse' as channel_id,
        post_id::varchar as item_id,
        'keyword_query' as origin,
        user_id::varchar as author_id,
        username as author_handle,
        trim(regexp_replace(post_html, '<[^>]+>', ' ', 'g')) as mention_text,
        cast(null as varchar) as mention_url,
        cast(null as varchar) as language_code,
        created_at as mentioned_at,
        cast(null as varchar) as match_hint,
        cast(null as varchar) as sentiment_label

    from {{ ref('stg_discourse__posts') }}
    where not is_deleted

),

wordpress_comments as (

    select
        'blog' as channel_id,
        comment_id::varchar as item_id,
        'keyword_query' as origin,
        -- a registered commenter with id 0 is a visitor: no account to compare with the brand's
        nullif(author_id::varchar, '0') as author_id,
        author_name as author_handle,
        trim(regexp_replace(comment_text, '<[^>]+>', ' ', 'g')) as mention_text,
        comment_url as mention_url,
        cast(null as varchar) as language_code,
        commented_at as mentioned_at,
        cast(null as varchar) as match_hint,
        cast(null as varchar) as sentiment_label

    from {{ ref('stg_wordpress__comments') }}
    where is_approved

),

alert_items as (

    select
        'web' as channel_id,
        item_id,
        'alert_feed' as origin,
        cast(null as varchar) as author_id,
        author_name as author_handle,
        concat_ws(' — ', item_title, item_summary) as mention_text,
        item_url as mention_url,
        cast(null as varchar) as language_code,
        published_at as mentioned_at,
        -- the alert's own name says what it tracks ('Google Alert - Maison Lumière')
        alert_name as match_hint,
        cast(null as varchar) as sentiment_label

    from {{ ref('stg_listening__alert_items') }}

),

listening_exports as (

    select
        coalesce(lower(platform), 'web') as channel_id,
        mention_id as item_id,
        'listening_export' as origin,
        cast(null as varchar) as author_id,
        author_handle,
        mention_text,
        mention_url,
        language as language_code,
        mentioned_at,
        -- the tool's query says what it tracked
        matched_query as match_hint,
        sentiment_label

    from {{ ref('stg_imported__mentions') }}

),

public_texts as (

    select * from x_texts
    union all
    select * from facebook_comments
    union all
    select * from instagram_comments
    union all
    select * from youtube_comments
    union all
    select * from mastodon_mentions
    union all
    select * from discourse_posts
    union all
    select * from wordpress_comments
    union all
    select * from alert_items
    union all
    select * from listening_exports

),

final as (

    select
        channel_id || ':' || item_id as text_id,
        channel_id,
        item_id,
        origin,
        author_id,
        author_handle,
        mention_text as text,
        mention_url as text_url,
        language_code,
        sentiment_label,
        mentioned_at as posted_at,
        match_hint

    from public_texts

)

select * from final
