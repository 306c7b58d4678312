-- Page insights, one row per metric x period x end of period. A successor metric fetched in place of a
-- retired one (page_media_view for page_impressions...) is flagged: its series does not continue the old one.
with

source as (

    select * from {{ source('facebook', 'page_insights') }}

),

renamed as (

    select
        ----------  ids
        insight_id,
        page_id,

        ----------  text
        metric as metric_name,
        period as period_name,
        title as metric_title,
        response_shape,
        replaces_metric as replaced_metric_name,

        ----------  numerics
        value as metric_value,
        value_json as metric_value_json,
        breakdowns as metric_breakdowns,

        ----------  booleans
        is_successor_metric,
        value_json is not null as has_breakdown_value,

        ----------  timestamps
        end_time as period_ended_at,
        _loaded_at as loaded_at

    from source
    -- a value fetched again (the next day's window overlaps) keeps its latest figure
    {{ keep_latest_record('insight_id') }}

)

select * from renamed
