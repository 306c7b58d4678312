-- Every day's copy of the public_metrics of each of the brand's tweets (user timeline) (stg_x__tweets
-- keeps only the latest): one row per tweet and inbox day.
{{ stage_x_tweet_snapshots(source('x', 'tweets')) }}
