{#- dbt-duckdb's incremental materialization writes a Python model's new rows to a "<model>__dbt_tmp<timestamp>"
    table in the target's default schema and does not drop it (SQL models get a real temporary table): a post-hook
    drops them, so that a rebuild leaves the warehouse as it found it. -#}
{% macro drop_python_temp_tables(relation) %}
    {% if execute %}
        {% set leftovers = run_query(
            "select table_schema, table_name from information_schema.tables"
            ~ " where starts_with(table_name, '" ~ relation.identifier ~ "__dbt_tmp')"
        ) %}
        {% for leftover in leftovers %}
            {% do run_query('drop table if exists "' ~ leftover[0] ~ '"."' ~ leftover[1] ~ '"') %}
        {% endfor %}
    {% endif %}
    select 1
{% endmacro %}
