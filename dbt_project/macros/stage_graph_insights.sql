{#- Graph API insights (Facebook page insights, Instagram media and account insights) share one shape:
    one row per metric x period x end of period, from the old values[] or the new total_value responses.
    A successor metric fetched in place of a retired one is flagged: its series does not continue the old one. -#}
{% macro stage_graph_insights(source_relation, object_id_column) -%}
with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        ----------  ids
        insight_id,
        {{ object_id_column }},

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
        value_json is not null as has_breakdown_value,

        ----------  timestamps
        end_time as period_ended_at,
        _loaded_at as loaded_at

    from source
    -- a value fetched again (the next day's window overlaps) keeps its latest figure
    {{ keep_latest_record('insight_id') }}

)

select * from renamed
{%- endmacro %}
