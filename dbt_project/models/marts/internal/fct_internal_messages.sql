-- One row per internal chat message (Slack, Mattermost, imported), without any person: whether its author is an
-- employee, and how many employees replied to or reacted on it (README, "Internal communication").
with

messages as (

    select * from {{ ref('int_internal_messages_unioned') }}

),

employees as (

    select employee_key from {{ ref('int_internal_employees') }}

),

thread_repliers as (

    select
        thread_message_id as message_id,
        list(distinct author_key) as replier_keys

    from messages
    where is_thread_reply and not is_bot and author_key is not null
    group by 1

),

engagements as (

    -- distinct employees other than the author who reacted or replied (stated by the platform or as replies)
    select
        messages.message_id,
        count(distinct actors.actor_key) as employees_engaged

    from messages
    left join thread_repliers
        on messages.message_id = thread_repliers.message_id
    cross join lateral (
        select unnest(list_concat(
            messages.reactor_keys, messages.replier_keys, coalesce(thread_repliers.replier_keys, [])
        )) as actor_key
    ) as actors
    inner join employees
        on actors.actor_key = employees.employee_key
    where actors.actor_key is distinct from messages.author_key
    group by 1

),

final as (

    select
        messages.message_id,
        messages.platform,
        messages.workspace_channel_id,
        messages.workspace_channel_name,
        {{ utc_date('messages.posted_at') }} as posted_date,
        messages.posted_at,
        messages.is_thread_reply,
        messages.is_bot,
        messages.is_system,
        messages.is_announcement,
        coalesce(messages.author_key in (select employee_key from employees), false) as is_employee_author,
        messages.reply_count,
        messages.reaction_count,
        coalesce(engagements.employees_engaged, 0) as employees_engaged

    from messages
    left join engagements
        on messages.message_id = engagements.message_id

)

select * from final
