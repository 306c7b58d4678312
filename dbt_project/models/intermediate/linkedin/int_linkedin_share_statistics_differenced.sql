-- Daily activity on each LinkedIn post, from the lifetime counters LinkedIn reports: each snapshot minus what
-- the earlier snapshots of the post had already counted.
--
-- * The first snapshot of a post counts its whole value (what happened before it was first fetched).
-- * A later snapshot counts what it adds above the highest value seen so far. A counter that went down
--   (LinkedIn removes spam or deleted reactions from its totals) counts 0, never a negative figure, and the
--   row is flagged; the drop is not counted again when the counter climbs back, so the daily figures of a post
--   always add up to the highest lifetime value LinkedIn reported.
-- * A snapshot after a gap (days not fetched) carries the activity of the whole gap: days_since_previous_snapshot
--   says how many days it covers.
-- * Unique members reached are not additive across days: their daily figure is the growth of the lifetime
--   reach, members reached for the first time.
{%- set counters = [
    ('impression_count', 'impressions'),
    ('unique_impressions_count', 'new_members_reached'),
    ('click_count', 'clicks'),
    ('like_count', 'likes'),
    ('comment_count', 'comments'),
    ('share_count', 'shares'),
] %}
with

snapshots as (

    select * from {{ ref('stg_linkedin__share_statistics') }}

),

compared as (

    select
        *,
        lag(snapshot_date) over by_post as previous_snapshot_date,
        {%- for counter, _ in counters %}
        lag({{ counter }}) over by_post as previous_{{ counter }},
        max({{ counter }}) over before_this as highest_earlier_{{ counter }}{{ ',' if not loop.last }}
        {%- endfor %}
    from snapshots
    window
        by_post as (partition by post_id order by snapshot_date),
        before_this as (
            partition by post_id order by snapshot_date rows between unbounded preceding and 1 preceding
        )

),

differenced as (

    select
        ----------  ids
        share_statistic_id,
        post_id,
        organization_id,

        ----------  numerics: activity since the previous snapshot
        {%- for counter, daily in counters %}
        case
            when {{ counter }} is null then null
            when highest_earlier_{{ counter }} is null then {{ counter }}
            else greatest({{ counter }} - highest_earlier_{{ counter }}, 0)
        end as {{ daily }},
        {%- endfor %}

        ----------  numerics: lifetime, as reported
        {%- for counter, _ in counters %}
        {{ counter }},
        {%- endfor %}
        engagement_rate,

        ----------  text and booleans
        {{ decreased_counters(counters) }},
        previous_snapshot_date is null as is_first_snapshot,

        ----------  dates
        snapshot_date,
        previous_snapshot_date,
        snapshot_date - previous_snapshot_date as days_since_previous_snapshot

    from compared

)

select * from differenced
