-- Every account that acted in the community (int_member_actions_unioned), plus the helpdesk agents, one row
-- per account_key '<channel_id>:<account_id>', with what the platforms state of it (handle, name, e-mail,
-- the accounts it links to) and whether it is a teammate or a bot. Rule (README, "Members and community
-- health"): an account is a TEAMMATE when it is a brand account (int_brand_accounts_identified: the owners
-- of the ingested page posts, tweets, Instagram media, YouTube videos and Mastodon statuses), a Zendesk agent
-- (an assignee of a ticket), a Discourse staff member (admin, moderator, staff), a site user of the blog
-- export, an employee of the internal chat (int_internal_employees: the Slack workspace's users, Mattermost
-- authors), or is listed under team: in strategy.yml (by account id, by handle, or by e-mail); it is a BOT
-- when its platform says so (Slack is_bot / bot_id, Mastodon bot accounts, Discourse system users with
-- id <= 0, Mattermost integration posts, blog pingbacks and trackbacks). Teammates and bots stay here
-- (their answers count for the peer support ratio) but are kept out of every community metric.
with

actions as (

    select * from {{ ref('int_member_actions_unioned') }}

),

internal_employees as (

    select employee_key from {{ ref('int_internal_employees') }}

),

brand_accounts as (

    select channel_id || ':' || account_id as account_key
    from {{ ref('int_brand_accounts_identified') }}

),

zendesk_agents as (

    select
        'zendesk' as channel_id,
        cast(assignee_id as varchar) as account_id,
        min(created_at) as first_seen_at,
        max(updated_at) as last_seen_at

    from {{ ref('stg_zendesk__tickets') }}
    where assignee_id is not null
    group by 1, 2

),

slack_users as (

    select * from {{ ref('stg_slack__users') }}
    union all by name
    select * from {{ ref('stg_slack__export_users') }}

),

slack_profiles as (

    select
        'slack:' || user_id as account_key,
        arg_max(user_name, loaded_at) as handle,
        arg_max(coalesce(nullif(display_name, ''), real_name), loaded_at) as display_name,
        bool_or(is_bot) as is_bot

    from slack_users
    where user_id is not null
    group by 1

),

team as (

    select * from {{ ref('stg_strategy__team') }}

),

-- the accounts each account states as its own: a Zendesk ticket received from an X account
x_accounts_by_handle as (

    select distinct
        lower(handle) as normalised_handle,
        account_key

    from actions
    where channel_id = 'x' and handle is not null

),

linked as (

    select
        actions.account_key,
        list(distinct x_accounts_by_handle.account_key order by x_accounts_by_handle.account_key)
            as linked_accounts

    from actions
    inner join x_accounts_by_handle
        on lower(actions.linked_x_handle) = x_accounts_by_handle.normalised_handle
    where actions.linked_x_handle is not null
    group by 1

),

acting_accounts as (

    select
        account_key,
        channel_id,
        account_id,
        -- the latest value the platform gave
        arg_max(handle, occurred_at) filter (where handle is not null) as handle,
        arg_max(display_name, occurred_at) filter (where display_name is not null) as display_name,
        arg_max(email, occurred_at) filter (where email is not null) as email,
        bool_or(is_platform_bot) as is_platform_bot,
        bool_or(is_platform_staff) as is_platform_staff,
        min(occurred_at) as first_seen_at,
        max(occurred_at) as last_seen_at

    from actions
    group by 1, 2, 3

),

agent_accounts as (

    select
        'zendesk:' || account_id as account_key,
        channel_id,
        account_id,
        cast(null as varchar) as handle,
        cast(null as varchar) as display_name,
        cast(null as varchar) as email,
        false as is_platform_bot,
        true as is_platform_staff,
        first_seen_at,
        last_seen_at

    from zendesk_agents
    where 'zendesk:' || account_id not in (select account_key from acting_accounts)

),

accounts as (

    select * from acting_accounts
    union all
    select * from agent_accounts

),

final as (

    select
        accounts.account_key,
        accounts.channel_id,
        accounts.account_id,
        coalesce(accounts.handle, slack_profiles.handle) as handle,
        coalesce(accounts.display_name, slack_profiles.display_name) as display_name,
        lower(trim(accounts.email)) as email,
        coalesce(linked.linked_accounts, []::varchar[]) as linked_accounts,
        (
            accounts.account_key in (select account_key from brand_accounts)
            or accounts.account_key in (select 'zendesk:' || account_id from zendesk_agents)
            or accounts.is_platform_staff
            -- the internal chat's employees (int_internal_employees: Slack and Mattermost are the internal chat)
            or accounts.account_key in (select employee_key from internal_employees)
            or exists (
                select 1
                from team
                where team.channel_id = accounts.channel_id
                    and (
                        team.account = accounts.account_id
                        or team.account = lower(ltrim(coalesce(accounts.handle, slack_profiles.handle), '@'))
                    )
            )
            or coalesce(lower(trim(accounts.email)) in (select email from team where email is not null), false)
        ) as is_teammate,
        coalesce(accounts.is_platform_bot or slack_profiles.is_bot, accounts.is_platform_bot) as is_bot,
        accounts.first_seen_at,
        accounts.last_seen_at

    from accounts
    left join slack_profiles
        on accounts.account_key = slack_profiles.account_key
    left join linked
        on accounts.account_key = linked.account_key

)

select * from final
