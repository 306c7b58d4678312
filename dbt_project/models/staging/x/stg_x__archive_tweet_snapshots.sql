-- Every day's copy of the public_metrics of each of the brand's archived tweets (X account archive) (stg_x__archive_tweets
-- keeps only the latest): one row per tweet and inbox day.
with

source as (

    select * from {{ source('x', 'archive_tweets') }}

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
