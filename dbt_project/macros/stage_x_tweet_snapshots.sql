{#- The brand's timeline and its account archive carry the same public_metrics: one snapshot body for both (one
    row per tweet and inbox day; the *_tweets staging models keep only the latest). -#}
{% macro stage_x_tweet_snapshots(source_relation) -%}
with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        ----------  ids
        tweet_id || '/' || strftime(_partition_date, '%Y-%m-%d') as tweet_snapshot_id,
        tweet_id,

        ----------  numerics (public_metrics at the time of the fetch)
        retweet_count,
        reply_count,
        like_count,
        quote_count,
        impression_count,

        ----------  dates and timestamps
        _partition_date as snapshot_date,
        created_at as tweeted_at,
        _loaded_at as loaded_at

    from source
    {{ keep_latest_record('tweet_id, _partition_date') }}

)

select * from renamed
{%- endmacro %}
