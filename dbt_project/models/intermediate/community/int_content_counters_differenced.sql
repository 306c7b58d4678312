-- What happened to each content on each day its platform re-reported it: every snapshot of the lifetime
-- counters the typed tables hold (one per content and inbox day, staging's *_snapshots views), turned into
-- deltas, whatever the content's publication date. The period indicators (interactions_in_period, ...) sum
-- these deltas by snapshot day; the lifetime indicators read fct_contents (latest counters) by publication day.
--
-- * The first snapshot of a content counts its whole value, on its own day (what happened before the first
--   fetch, the publication day included).
-- * A later snapshot counts its value minus the previous value reported for the counter. A counter that went
--   down (deleted comments, reactions withdrawn, spam removed) gives a NEGATIVE delta, flagged
--   (has_decreased_counter): a content's deltas then always add up to its latest reported value, so the period
--   sums over all days equal the lifetime sums. (int_linkedin_share_statistics_differenced, LinkedIn's own
--   daily view, counts 0 instead.)
-- * A counter not reported in a snapshot gives NULL (not 0); the next one reported counts from the last value
--   reported before it (or its whole value when none was).
-- * A snapshot after days without a fetch carries the activity of the whole gap (days_since_previous_snapshot).
-- * interactions = reactions + comments + shares as fct_contents defines them per snapshot (NULL only when none
--   of the three is reported), differenced as a counter of its own.
-- * Reach (unique people) is not additive: reach_growth is the growth of the content's lifetime reach, people
--   reached for the first time by that content; summed over contents it counts a person once per content.
--
-- One source per content, as int_contents_unioned picks it: a Facebook post known from the API takes its series
-- from the API's copies only (an Insights export's figures are not mixed in), an X tweet from the API's
-- timeline before the archive, an imported content only when its platform's own source does not know it.
{%- set counters = [
    ('reactions_count', 'reactions'),
    ('comments_count', 'comments'),
    ('shares_count', 'shares'),
    ('interactions_count', 'interactions'),
    ('impressions_count', 'impressions'),
    ('reach_count', 'reach_growth'),
    ('clicks_count', 'clicks'),
    ('views_count', 'views'),
] %}
with

facebook_api as (

    select
        'facebook:' || post_id as content_id,
        'facebook' as channel_id,
        'facebook.posts' as source_table,
        post_id as platform_content_id,
        published_at,
        snapshot_date,
        reactions_count,
        comments_count,
        shares_count,
        impressions_count,
        reach_count,
        clicks_count,
        cast(null as bigint) as views_count

    from {{ ref('stg_facebook__post_snapshots') }}

),

facebook_export as (

    select
        'facebook:' || post_id as content_id,
        'facebook' as channel_id,
        'facebook.post_insights_export' as source_table,
        post_id as platform_content_id,
        timezone('{{ var("meta_insights_export_timezone", "UTC") }}', published_at_local) as published_at,
        snapshot_date,
        reactions_count,
        comments_count,
        shares_count,
        impressions_count,
        reach_count,
        clicks_count,
        cast(null as bigint) as views_count

    from {{ ref('stg_facebook__post_insights_export_snapshots') }}

),

{% for relation, source_table in [
    ('stg_x__tweet_snapshots', 'x.tweets'), ('stg_x__archive_tweet_snapshots', 'x.archive_tweets')] %}
{{ 'x_api' if loop.first else 'x_archive' }} as (

    select
        'x:' || tweet_id as content_id,
        'x' as channel_id,
        '{{ source_table }}' as source_table,
        tweet_id as platform_content_id,
        tweeted_at as published_at,
        snapshot_date,
        like_count as reactions_count,
        reply_count as comments_count,
        -- as int_contents_unioned: reposts + quotes (archives report no quotes)
        retweet_count + coalesce(quote_count, 0) as shares_count,
        impression_count as impressions_count,
        cast(null as bigint) as reach_count,
        cast(null as bigint) as clicks_count,
        cast(null as bigint) as views_count

    from {{ ref(relation) }}

),

{% endfor %}
instagram as (

    select
        'instagram:' || media_id as content_id,
        'instagram' as channel_id,
        'instagram.media' as source_table,
        media_id as platform_content_id,
        published_at,
        snapshot_date,
        like_count as reactions_count,
        comments_count,
        shares_count,
        -- as int_contents_unioned: views where Meta retired impressions (April 2025)
        coalesce(impressions_count, views_count) as impressions_count,
        reach_count,
        cast(null as bigint) as clicks_count,
        views_count

    from {{ ref('stg_instagram__media_snapshots') }}

),

youtube as (

    select
        'youtube:' || video_id as content_id,
        'youtube' as channel_id,
        'youtube.videos' as source_table,
        video_id as platform_content_id,
        published_at,
        snapshot_date,
        like_count as reactions_count,
        comment_count as comments_count,
        cast(null as bigint) as shares_count,
        cast(null as bigint) as impressions_count,
        cast(null as bigint) as reach_count,
        cast(null as bigint) as clicks_count,
        view_count as views_count

    from {{ ref('stg_youtube__video_snapshots') }}

),

linkedin as (

    select
        'linkedin:' || post_id as content_id,
        'linkedin' as channel_id,
        'linkedin.share_statistics' as source_table,
        post_id as platform_content_id,
        cast(null as timestamptz) as published_at,
        snapshot_date,
        like_count as reactions_count,
        comment_count as comments_count,
        share_count as shares_count,
        impression_count as impressions_count,
        unique_impressions_count as reach_count,
        click_count as clicks_count,
        cast(null as bigint) as views_count

    from {{ ref('stg_linkedin__share_statistics') }}

),

mastodon as (

    select
        'mastodon:' || status_id as content_id,
        'mastodon' as channel_id,
        'mastodon.statuses' as source_table,
        status_id as platform_content_id,
        posted_at as published_at,
        snapshot_date,
        favourites_count as reactions_count,
        replies_count as comments_count,
        reblogs_count as shares_count,
        cast(null as bigint) as impressions_count,
        cast(null as bigint) as reach_count,
        cast(null as bigint) as clicks_count,
        cast(null as bigint) as views_count

    from {{ ref('stg_mastodon__status_snapshots') }}

),

imported as (

    select
        channel_id || ':' || content_id as content_id,
        channel_id,
        'imported.contents' as source_table,
        content_id as platform_content_id,
        published_at,
        snapshot_date,
        reactions_count,
        comments_count,
        shares_count,
        impressions_count,
        reach_count,
        clicks_count,
        cast(null as bigint) as views_count

    from {{ ref('stg_imported__content_snapshots') }}

),

platform_snapshots as (

    select * from facebook_api
    union all
    select * from facebook_export
    where content_id not in (select content_id from facebook_api)
    union all
    select * from x_api
    union all
    select * from x_archive
    where content_id not in (select content_id from x_api)
    union all
    select * from instagram
    union all
    select * from youtube
    union all
    select * from linkedin
    union all
    select * from mastodon

),

snapshots as (

    select
        *,
        -- as fct_contents: NULL only when the platform reports none of the three counters
        case
            when reactions_count is null and comments_count is null and shares_count is null then null
            else coalesce(reactions_count, 0) + coalesce(comments_count, 0) + coalesce(shares_count, 0)
        end as interactions_count

    from (
        select * from platform_snapshots
        union all
        select * from imported
        where content_id not in (select content_id from platform_snapshots)
    )

),

compared as (

    select
        *,
        lag(snapshot_date) over by_content as previous_snapshot_date,
        {%- for counter, _ in counters %}
        last_value({{ counter }} ignore nulls) over before_this as previous_{{ counter }}{{ ',' if not loop.last }}
        {%- endfor %}
    from snapshots
    window
        by_content as (partition by content_id order by snapshot_date),
        before_this as (
            partition by content_id order by snapshot_date rows between unbounded preceding and 1 preceding
        )

),

differenced as (

    select
        ----------  ids
        content_id || '/' || strftime(snapshot_date, '%Y-%m-%d') as content_snapshot_id,
        content_id,
        channel_id,
        platform_content_id,
        source_table,

        ----------  numerics: activity since the previous snapshot (negative when the counter went down)
        {%- for counter, delta in counters %}
        {{ counter }} - coalesce(previous_{{ counter }}, 0) as {{ delta }},
        {%- endfor %}

        ----------  numerics: lifetime, as reported in this snapshot
        {%- for counter, _ in counters %}
        {{ counter }},
        {%- endfor %}

        ----------  text and booleans
        {{ decreased_counters(counters) }},
        previous_snapshot_date is null as is_first_snapshot,

        ----------  dates and timestamps
        snapshot_date,
        previous_snapshot_date,
        snapshot_date - previous_snapshot_date as days_since_previous_snapshot,
        published_at

    from compared

)

select * from differenced
