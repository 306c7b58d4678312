{#- The snapshot's lifetime counters that went down since the previous snapshot (deleted comments, reactions
    withdrawn), as `decreased_counters` (their names, comma-separated; NULL when none) and `has_decreased_counter`.
    `counters`: (counter column, delta name) pairs; each counter needs its `previous_<counter>` column. Shared by
    the differencing models so that they flag a decrease the same way. -#}
{% macro decreased_counters(counters) -%}
nullif(concat_ws(', '
    {%- for counter, _ in counters %},
    case when {{ counter }} < previous_{{ counter }} then '{{ counter }}' end
    {%- endfor %}
), '') as decreased_counters,
coalesce(
    {%- for counter, _ in counters %}
    {{ counter }} < previous_{{ counter }}{{ ' or' if not loop.last }}
    {%- endfor %},
    false
) as has_decreased_counter
{%- endmacro %}
