-- Which brand or competitor each public text names: one row per text and entity named, plus one row with a
-- NULL entity for a text that names none (so that its text_id is known). Incremental: a run re-matches every
-- text whose text is still there (delete + insert by text_id, so new or removed keywords apply to them) and
-- keeps the rows of texts that retention emptied: their mentions stay counted. full_refresh is off for that
-- reason (a full refresh would forget what removed texts named).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='text_id',
        full_refresh=false,
        on_schema_change='append_new_columns'
    )
}}

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

texts as (

    select * from {{ ref('int_public_texts_unioned') }}
    {% if is_incremental() %}
    -- texts still there, and texts never seen (even without a text: an export's query may name an entity)
    where text is not null
        or text_id not in (select text_id from {{ this }})
    {% endif %}

),

normalised as (

    select
        text_id,
        lower(strip_accents(concat_ws(' ', text, match_hint))) as normalised_text

    from texts

),

matched as (

    select
        normalised.text_id,
        keywords.entity_name,
        keywords.entity_type,
        keywords.keyword as matched_keyword

    from normalised
    inner join keywords
        on regexp_matches(normalised.normalised_text, keywords.keyword_pattern)
    -- one row per text and entity: the first keyword (alphabetically) that matched stands for it
    qualify row_number() over (
        partition by normalised.text_id, keywords.entity_name
        order by keywords.keyword
    ) = 1

),

unmatched as (

    select
        text_id,
        cast(null as varchar) as entity_name,
        cast(null as varchar) as entity_type,
        cast(null as varchar) as matched_keyword

    from normalised
    where text_id not in (select text_id from matched)

),

final as (

    select * from matched
    union all
    select * from unmatched

)

select * from final
