{#- The conversations of one social channel (int_conversations_responded): each inbound message of the CTE
    `messages` (message_key, author_id, started_at) with the brand's earliest answer to it, from the CTE
    `answers` (answered_key: the message answered, replied_at), as first_response_at (NULL while unanswered).
    One body for every channel, so the rule cannot drift from one to another. -#}
{% macro conversations_with_first_answer(channel_id, messages, message_key, answers, answered_key) -%}
select
    '{{ channel_id }}:' || {{ messages }}.{{ message_key }} as conversation_id,
    '{{ channel_id }}' as channel_id,
    {{ messages }}.author_id,
    {{ messages }}.started_at,
    min({{ answers }}.replied_at) as first_response_at

from {{ messages }}
left join {{ answers }}
    on {{ messages }}.{{ message_key }} = {{ answers }}.{{ answered_key }}
    -- guards against clock skew: an answer cannot precede the question
    and {{ answers }}.replied_at >= {{ messages }}.started_at
group by 1, 2, 3, 4
{%- endmacro %}
