-- Listening: every public text that names the brand or a competitor, one row per text and entity named (the
-- texts are int_public_texts_unioned, what they name is int_public_texts_matched). Texts the brand itself
-- wrote are not mentions. Language and sentiment: the platform's or the export's own first, else the offline
-- scores of int_public_texts_scored (which stay when retention has removed the text).
with

texts as (

    select * from {{ ref('int_public_texts_unioned') }}

),

matches as (

    select * from {{ ref('int_public_texts_matched') }}
    where entity_name is not null

),

scores as (

    select * from {{ ref('int_public_texts_scored') }}

),

brand_accounts as (

    select * from {{ ref('int_brand_accounts_identified') }}

),

others_texts as (

    select * from texts
    where not exists (
        select 1 from brand_accounts
        where brand_accounts.channel_id = texts.channel_id
            and brand_accounts.account_id = texts.author_id
    )

),

final as (

    select
        others_texts.text_id || ':' || matches.entity_name as mention_id,
        others_texts.text_id,
        others_texts.channel_id,
        others_texts.item_id,
        others_texts.origin,
        matches.entity_name,
        matches.entity_type,
        matches.entity_type = 'brand' as is_brand_mention,
        matches.matched_keyword,
        others_texts.author_id,
        others_texts.author_handle,
        others_texts.text as mention_text,
        others_texts.text_url as mention_url,
        coalesce(nullif(lower(others_texts.language_code), 'und'), scores.language_code) as language_code,
        coalesce(lower(others_texts.sentiment_label), scores.sentiment_label) as sentiment_label,
        scores.sentiment_score,
        others_texts.posted_at as mentioned_at

    from others_texts
    inner join matches on matches.text_id = others_texts.text_id
    left join scores on scores.text_id = others_texts.text_id

)

select * from final
