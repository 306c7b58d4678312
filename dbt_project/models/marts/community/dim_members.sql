-- One row per member (every identity of int_member_identities_resolved, teammates and bots flagged), with
-- their current level and lifecycle (the data's latest month), identified by the member's pseudonym only:
-- no name, handle, e-mail or platform id.
with

accounts as (

    select * from {{ ref('int_member_accounts_unioned') }}

),

identities as (

    select * from {{ ref('int_member_identities_resolved') }}

),

activities as (

    select * from {{ ref('int_member_activities_unioned') }}

),

levels as (

    select * from {{ ref('int_member_levels_monthly') }}

),

pseudonyms as (

    select * from {{ ref('member_pseudonyms') }}

),

members as (

    select
        identities.member_id,
        min(accounts.first_seen_at) as first_seen_at,
        list(distinct accounts.channel_id order by accounts.channel_id) as channels,
        count(*) as accounts,
        bool_or(identities.match_rule <> 'own') as is_resolved_across_accounts,
        bool_or(accounts.is_teammate) as is_teammate,
        bool_or(accounts.is_bot) as is_bot

    from identities
    inner join accounts
        on identities.account_key = accounts.account_key
    group by 1

),

last_activities as (

    select
        member_id,
        max(occurred_at) as last_active_at,
        count(*) as activities

    from activities
    group by 1

),

current_levels as (

    select *
    from levels
    qualify row_number() over (partition by member_id order by month_start desc) = 1

),

final as (

    select
        pseudonyms.member_key,
        members.first_seen_at,
        last_activities.last_active_at,
        members.channels,
        members.accounts,
        members.is_resolved_across_accounts,
        members.is_teammate,
        members.is_bot,
        coalesce(last_activities.activities, 0) as activities,
        current_levels.level,
        current_levels.lifecycle_state,
        current_levels.activity_tier,
        coalesce(current_levels.is_ambassador, false) as is_ambassador

    from members
    inner join pseudonyms
        on members.member_id = pseudonyms.member_id
    left join last_activities
        on members.member_id = last_activities.member_id
    left join current_levels
        on members.member_id = current_levels.member_id

)

select * from final
