-- Top keywords (topics) of the mentions per grain (ISO week, month, quarter, UTC dates), period and entity: the
-- keywords the offline text enrichment found in each mention's text (int_public_texts_scored.keywords: a few
-- content words per text, lower-cased, without accents, stopwords, @handles and links out), counted once per
-- mention, minus every word of the tracked keywords themselves (strategy.yml's brand and competitors: 'maison',
-- 'lumiere', 'maisonlumiere', ...), ranked by the number of mentions that carry them; the top 20 of each
-- (grain, period, entity) kept. The keywords are kept when retention removes the text, so are these counts.
{%- set top_n = var('listening_keywords_top_n', 20) %}

with

mentions as (

    select
        mention_id,
        text_id,
        entity_name,
        {{ utc_date('mentioned_at') }} as activity_date

    from {{ ref('fct_mentions') }}

),

scored_texts as (

    select text_id, keywords
    from {{ ref('int_public_texts_scored') }}

),

-- every word of every tracked keyword ('@maisonlumiere' -> maisonlumiere, 'maisonlumiere.example' ->
-- maisonlumiere, example)
tracked_words as (

    select distinct unnest(regexp_split_to_array(lower(strip_accents(keyword)), '[^\pL\pN]+')) as keyword
    from {{ ref('stg_strategy__listening_keywords') }}

),

mention_keywords as (

    select distinct
        mentions.mention_id,
        mentions.entity_name,
        mentions.activity_date,
        unnest(scored_texts.keywords) as keyword

    from mentions
    inner join scored_texts
        on mentions.text_id = scored_texts.text_id

),

topic_keywords as (

    select *
    from mention_keywords
    where keyword is not null
        and keyword not in (select keyword from tracked_words where keyword <> '')

),

grains as (

    select grain from (values ('week'), ('month'), ('quarter')) as grains (grain)

),

by_period as (

    select
        grains.grain,
        case grains.grain
            when 'week' then {{ iso_week_start('topic_keywords.activity_date') }}
            when 'month' then cast(date_trunc('month', topic_keywords.activity_date) as date)
            else cast(date_trunc('quarter', topic_keywords.activity_date) as date)
        end as period_start,
        topic_keywords.entity_name,
        topic_keywords.keyword,
        topic_keywords.mention_id

    from topic_keywords
    cross join grains

),

counted as (

    select
        grain,
        period_start,
        entity_name,
        keyword,
        count(distinct mention_id) as mentions

    from by_period
    group by all

),

ranked as (

    select
        *,
        -- ties broken alphabetically, so that the top 20 is the same at every rebuild
        row_number() over (partition by grain, period_start, entity_name order by mentions desc, keyword) as rank

    from counted

),

final as (

    select
        cast(grain as varchar) as grain,
        cast(period_start as date) as period_start,
        cast(entity_name as varchar) as entity_name,
        cast(keyword as varchar) as keyword,
        cast(mentions as bigint) as mentions,
        cast(rank as integer) as rank

    from ranked
    where rank <= {{ top_n }}

)

select * from final
