-- The employees known to the internal chat, one row per '<platform>:<user id>' (the denominator of the internal
-- communication indicators). Rule (README, "Internal communication"): on Slack, the workspace's users (Web API
-- users.list and export users.json, latest state) that are neither bots (nor Slackbot, USLACKBOT), nor
-- deactivated, nor guests; Mattermost and imported internal messages give no user list, so their employees are
-- the authors of a non-system message (anyone who ever posted). One person on two platforms counts twice in 'all'.
with

slack_users as (

    select * from {{ ref('stg_slack__users') }}
    union all by name
    select * from {{ ref('stg_slack__export_users') }}

),

messages as (

    select * from {{ ref('int_internal_messages_unioned') }}

),

slack_employees as (

    select
        'slack:' || user_id as employee_key,
        'slack' as platform,
        'workspace_users' as known_from

    from slack_users
    where user_id is not null
    -- every fetch or export is a snapshot: the latest state of each user
    qualify row_number() over (partition by user_id order by loaded_at desc) = 1
        and not is_bot and not is_deleted and not is_guest and user_id <> 'USLACKBOT'

),

authors as (

    select distinct
        author_key as employee_key,
        platform,
        'authors' as known_from

    from messages
    where platform in ('mattermost', 'imported')
        and author_key is not null
        and not is_bot
        and not is_system

),

final as (

    select * from slack_employees
    union all
    select * from authors

)

select * from final
