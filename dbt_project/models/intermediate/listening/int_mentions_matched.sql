-- Listening: every public text the warehouse holds that names the brand or a competitor, one row per
-- text and entity named. Three ways in: the platforms' own mention timelines and the keyword queries run
-- over every ingested public text (comments, forum posts, search results), the alert feeds, and the
-- listening tools' exports. Texts the brand itself wrote are not mentions.
with

keywords as (

    select
        entity_name,
        entity_type,
        keyword,
        -- whole word, case- and accent-insensitive
        '(^|[^[:alnum:]_])' || regexp_escape(lower(strip_accents(keyword))) || '($|[^[:alnum:]_])' as keyword_pattern

    from {{ ref('stg_strategy__listening_keywords') }}

),

brand_accounts as (

    select * from {{ ref('int_brand_accounts_identified') }}

),

x_mentions as (

    select
        'x' as channel_id,
        tweet_id as item_id,
        'platform_mention' as origin,
        author_id,
        author_username as author_handle,
        tweet_text as mention_text,
        'https://x.com/' || coalesce(author_username, 'i') || '/status/' || tweet_id as mention_url,
        language_code,
        tweeted_at as mentioned_at,
        cast(null as varchar) as match_hint,
        cast(null as varchar) as sentiment_label

    from {{ ref('stg_x__mentions') }}

),

x_search_results as (

    select
        'x' as channel_id,
        tweet_id as item_id,
        'keyword_query' as origin,
        author_id,
        author_username as author_handle,
        tweet_text as mention_text,
        'https://x.com/' || coalesce(author_username, 'i') || '/status/' || tweet_id as mention_url,
        language_code,
        tweeted_at as mentioned_at,
        cast(null as varchar) as match_hint,
        cast(null as varchar) as sentiment_label

    from {{ ref('stg_x__search_results') }}

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

    select * from x_mentions
    union all
    -- a tweet both in the mentions timeline and in the search results counts once
    select * from x_search_results where item_id not in (select item_id from x_mentions)
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

others_texts as (

    select
        *,
        lower(strip_accents(concat_ws(' ', mention_text, match_hint))) as normalised_text

    from public_texts
    where not exists (
        select 1 from brand_accounts
        where brand_accounts.channel_id = public_texts.channel_id
            and brand_accounts.account_id = public_texts.author_id
    )

),

matched as (

    select
        others_texts.*,
        keywords.entity_name,
        keywords.entity_type,
        keywords.keyword as matched_keyword

    from others_texts
    inner join keywords
        on regexp_matches(others_texts.normalised_text, keywords.keyword_pattern)
    -- one row per text and entity: the first keyword (alphabetically) that matched stands for it
    qualify row_number() over (
        partition by others_texts.channel_id, others_texts.item_id, keywords.entity_name
        order by keywords.keyword
    ) = 1

),

final as (

    select
        channel_id || ':' || item_id || ':' || entity_name as mention_id,
        channel_id,
        item_id,
        origin,
        entity_name,
        entity_type,
        entity_type = 'brand' as is_brand_mention,
        matched_keyword,
        author_id,
        author_handle,
        mention_text,
        mention_url,
        language_code,
        sentiment_label,
        mentioned_at

    from matched

)

select * from final
