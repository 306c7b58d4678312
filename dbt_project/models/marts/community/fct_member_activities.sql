-- One row per activity of a community member (teammates and bots are out), weighted
-- (int_member_activities_unioned), identified by the member's pseudonym only.
with

activities as (

    select * from {{ ref('int_member_activities_unioned') }}

),

pseudonyms as (

    select * from {{ ref('member_pseudonyms') }}

),

members as (

    select
        member_id,
        bool_or(is_teammate) or bool_or(is_bot) as is_team_or_bot

    from activities
    group by 1

),

final as (

    select
        activities.activity_id,
        pseudonyms.member_key,
        activities.channel_id,
        activities.activity_type,
        activities.occurred_at,
        cast(activities.weight as double) as weight,
        activities.is_answer_to_member,
        activities.is_accepted_answer

    from activities
    inner join members
        on activities.member_id = members.member_id
    inner join pseudonyms
        on activities.member_id = pseudonyms.member_id
    where not members.is_team_or_bot

)

select * from final
