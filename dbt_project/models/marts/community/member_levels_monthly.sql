-- One row per community member and month (int_member_levels_monthly: level, lifecycle, tier, ambassador),
-- identified by the member's pseudonym only.
with

levels as (

    select * from {{ ref('int_member_levels_monthly') }}

),

pseudonyms as (

    select * from {{ ref('member_pseudonyms') }}

),

final as (

    select
        pseudonyms.member_key,
        levels.month_start,
        levels.activities,
        cast(levels.monthly_weight as double) as monthly_weight,
        cast(levels.activity_score as double) as activity_score,
        levels.answers_to_members,
        levels.level,
        levels.previous_level,
        levels.level_move,
        levels.lifecycle_state,
        levels.activity_tier,
        levels.is_ambassador

    from levels
    inner join pseudonyms
        on levels.member_id = pseudonyms.member_id

)

select * from final
