-- The brand's tweets from its X account archive (counters as of the export; X's archive has no
-- impressions, replies, quotes nor conversation ids).
{{ stage_x_posts(source('x', 'archive_tweets')) }}
