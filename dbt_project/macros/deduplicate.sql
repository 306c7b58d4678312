{#- Keep one row per natural key. The same record can be fetched again in a later file or load
    (re-fetch of a day, counters updated): the latest load wins, then the latest partition, then
    the last position in its file (contract: _loaded_at, _partition_date, _record_index). -#}
{% macro keep_latest_record(natural_key) -%}
qualify row_number() over (
    partition by {{ natural_key }}
    order by _loaded_at desc nulls last, _partition_date desc nulls last, _record_index desc nulls last
) = 1
{%- endmacro %}
