-- Mentions of the brand and of its competitors, one row per text and entity named (the grain of share of
-- voice: a text naming two competitors counts once for each).
with

mentions as (

    select * from {{ ref('int_mentions_matched') }}

),

final as (

    select
        mention_id,
        text_id,
        channel_id,
        item_id,
        origin,
        entity_name,
        entity_type,
        is_brand_mention,
        matched_keyword,
        author_id,
        author_handle,
        mention_text,
        mention_url,
        language_code,
        sentiment_label,
        sentiment_score,
        mentioned_at,
        cast(mentioned_at as date) as mentioned_on

    from mentions

)

select * from final
