-- Every day's copy of the public_metrics of each of the brand's archived tweets (X account archive)
-- (stg_x__archive_tweets keeps only the latest): one row per tweet and inbox day.
{{ stage_x_tweet_snapshots(source('x', 'archive_tweets')) }}
