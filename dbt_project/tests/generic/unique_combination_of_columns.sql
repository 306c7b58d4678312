{#- Fails on every combination of the given columns that occurs more than once (the grain check
    of dbt_utils.unique_combination_of_columns, written here because the project uses no packages). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

{%- set columns_csv = combination_of_columns | join(', ') %}

select
    {{ columns_csv }},
    count(*) as occurrences

from {{ model }}
group by {{ columns_csv }}
having count(*) > 1

{% endtest %}
