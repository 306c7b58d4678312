-- Lifetime insights of the account's media, latest fetch of each metric (values[] and total_value shapes).
-- A successor metric fetched in place of a retired one (views for impressions...) is flagged.
with

source as (

    select * from {{ source('instagram', 'media_insights') }}

),

renamed as (

    select
        ----------  ids
        insight_id,
        media_id,

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
        response_shape = 'total_value' as is_total_value,

        ----------  timestamps
        end_time as period_ended_at,
        _loaded_at as loaded_at

    from source
    {{ keep_latest_record('insight_id') }}

)

select * from renamed
