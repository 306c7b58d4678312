{#- Calendar helpers. Dates and weeks are computed on UTC whatever the session time zone:
    casting a timestamptz to date directly would use the session's TimeZone setting. -#}
{% macro utc_date(column_name) -%}
cast(timezone('UTC', {{ column_name }}) as date)
{%- endmacro %}

{#- ISO week: starts on Monday (DuckDB's date_trunc('week') is ISO). -#}
{% macro iso_week_start(date_expression) -%}
cast(date_trunc('week', {{ date_expression }}) as date)
{%- endmacro %}
