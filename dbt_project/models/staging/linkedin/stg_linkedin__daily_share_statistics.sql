-- The brand's LinkedIn page: organic activity on all its posts, per UTC day.
with

source as (

    select * from {{ source('linkedin', 'daily_share_statistics') }}

),

renamed as (

    select
        ----------  ids
        statistic_id as daily_share_statistic_id,
        regexp_extract(organization_urn, '([0-9]+)$', 1) as organization_id,

        ----------  numerics (activity during the day)
        impression_count,
        unique_impressions_count,
        click_count,
        like_count,
        comment_count,
        share_count,
        engagement as engagement_rate,

        ----------  dates and timestamps
        {{ utc_date('period_start_at') }} as statistics_date,
        period_start_at,
        period_end_at,
        _loaded_at as loaded_at

    from source
    -- a day fetched again (LinkedIn completes the recent days later) keeps its latest figures
    {{ keep_latest_record('statistic_id') }}

)

select * from renamed
