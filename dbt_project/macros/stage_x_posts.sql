{#- The three X feeds (the brand's timeline, its mentions, the listening search) share the X API v2
    post shape: one staging body for all, so the three can never drift apart. -#}
{% macro stage_x_posts(source_relation) -%}
with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        ----------  ids
        tweet_id,
        author_id,
        conversation_id,
        in_reply_to_user_id,
        replied_to_tweet_id,
        quoted_tweet_id,
        retweeted_tweet_id,

        ----------  text
        author_username,
        author_name,
        text as tweet_text,
        lang as language_code,

        ----------  numerics (public_metrics, as last reported)
        retweet_count,
        reply_count,
        like_count,
        quote_count,
        bookmark_count,
        impression_count,

        ----------  booleans
        replied_to_tweet_id is not null as is_reply,
        quoted_tweet_id is not null as is_quote,
        retweeted_tweet_id is not null as is_retweet,

        ----------  timestamps
        created_at as tweeted_at,
        _loaded_at as loaded_at

    from source
    {{ keep_latest_record('tweet_id') }}

)

select * from renamed
{%- endmacro %}
