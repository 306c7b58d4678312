-- One row per community member (no teammate, no bot: a member with one teammate or bot account is out) and
-- month, from the month of their first activity to the data's latest month (never the wall clock).
-- Rules (README, "Members and community health"):
--   activity_score   the weights of the member's activities over a trailing window of 3 months (the month and
--                    the two before);
--   level            explorer < participant < contributor < leader; entry thresholds on activity_score:
--                    participant 6, contributor 20, leader 50. Promotion: as soon as the score reaches a higher
--                    level's threshold (levels can be skipped). Demotion, with hysteresis: a member keeps their
--                    level while the score stays at or above half its entry threshold, and below that falls to
--                    the level the score reaches. Nobody falls below explorer;
--   level_move       entered (first month), promoted, demoted, unchanged;
--   lifecycle_state  new (first activity this month), active (activity this month and last month), returning
--                    (activity this month, none last month, some before), inactive (none this month);
--   activity_tier    among the members active in the month, ranked by the month's weights: core while the
--                    members ranked before them hold less than 50 % of the month's weight, regular below 80 %,
--                    casual beyond; NULL when inactive;
--   is_ambassador    contributor or leader, with at least 3 answers to other members (or 1 accepted answer)
--                    over the trailing window.
with recursive

activities as (

    select * from {{ ref('int_member_activities_unioned') }}

),

members as (

    select
        member_id,
        bool_or(is_teammate) as is_teammate,
        bool_or(is_bot) as is_bot

    from activities
    group by 1

),

community_activities as (

    select activities.*
    from activities
    inner join members
        on activities.member_id = members.member_id
    where not members.is_teammate
        and not members.is_bot

),

bounds as (

    select cast(date_trunc('month', {{ utc_date('max(occurred_at)') }}) as date) as last_month
    from activities

),

monthly as (

    select
        member_id,
        cast(date_trunc('month', {{ utc_date('occurred_at') }}) as date) as month_start,
        count(*) as activities,
        sum(weight) as monthly_weight,
        count(*) filter (where is_answer_to_member) as answers_to_members,
        count(*) filter (where is_accepted_answer) as accepted_answers

    from community_activities
    group by 1, 2

),

first_months as (

    select
        member_id,
        min(month_start) as first_month

    from monthly
    group by 1

),

spine as (

    select
        first_months.member_id,
        first_months.first_month,
        cast(unnest(generate_series(
            cast(first_months.first_month as timestamp),
            cast(bounds.last_month as timestamp),
            interval 1 month
        )) as date) as month_start

    from first_months
    cross join bounds

),

filled as (

    select
        spine.member_id,
        spine.month_start,
        spine.first_month,
        coalesce(monthly.activities, 0) as activities,
        coalesce(monthly.monthly_weight, 0) as monthly_weight,
        coalesce(monthly.answers_to_members, 0) as answers_to_members,
        coalesce(monthly.accepted_answers, 0) as accepted_answers

    from spine
    left join monthly
        on spine.member_id = monthly.member_id
        and spine.month_start = monthly.month_start

),

windowed as (

    select
        *,
        sum(monthly_weight) over trailing_months as activity_score,
        sum(answers_to_members) over trailing_months as trailing_answers_to_members,
        sum(accepted_answers) over trailing_months as trailing_accepted_answers,
        lag(activities) over (partition by member_id order by month_start) as previous_activities,
        row_number() over (partition by member_id order by month_start) as month_number

    from filled
    window trailing_months as (partition by member_id order by month_start rows between 2 preceding and current row)

),

-- the level the score reaches (1 explorer .. 4 leader), before hysteresis
reached as (

    select
        *,
        case
            when activity_score >= 50 then 4
            when activity_score >= 20 then 3
            when activity_score >= 6 then 2
            else 1
        end as reached_rank

    from windowed

),

-- month after month: promotion at once, demotion below half the current level's entry threshold
levelled (member_id, month_number, level_rank, previous_rank) as (

    select
        member_id,
        month_number,
        reached_rank,
        cast(null as integer)

    from reached
    where month_number = 1

    union all

    select
        reached.member_id,
        reached.month_number,
        case
            when reached.reached_rank >= levelled.level_rank then reached.reached_rank
            when reached.activity_score >= 0.5 * (
                case levelled.level_rank when 4 then 50 when 3 then 20 when 2 then 6 else 0 end
            ) then levelled.level_rank
            else reached.reached_rank
        end,
        levelled.level_rank

    from levelled
    inner join reached
        on levelled.member_id = reached.member_id
        and reached.month_number = levelled.month_number + 1

),

tiered as (

    select
        member_id,
        month_start,
        coalesce(
            sum(monthly_weight) over (
                partition by month_start
                order by monthly_weight desc, member_id
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) / sum(monthly_weight) over (partition by month_start) as weight_share_before

    from filled
    where activities > 0

),

final as (

    select
        reached.member_id,
        reached.month_start,
        reached.activities,
        reached.monthly_weight,
        reached.activity_score,
        reached.answers_to_members,
        case levelled.level_rank
            when 4 then 'leader' when 3 then 'contributor' when 2 then 'participant' else 'explorer'
        end as level,
        case levelled.previous_rank
            when 4 then 'leader' when 3 then 'contributor' when 2 then 'participant' when 1 then 'explorer'
        end as previous_level,
        levelled.level_rank,
        case
            when levelled.previous_rank is null then 'entered'
            when levelled.level_rank > levelled.previous_rank then 'promoted'
            when levelled.level_rank < levelled.previous_rank then 'demoted'
            else 'unchanged'
        end as level_move,
        case
            when reached.month_start = reached.first_month then 'new'
            when reached.activities = 0 then 'inactive'
            when reached.previous_activities > 0 then 'active'
            else 'returning'
        end as lifecycle_state,
        case
            when tiered.weight_share_before < 0.5 then 'core'
            when tiered.weight_share_before < 0.8 then 'regular'
            when tiered.weight_share_before is not null then 'casual'
        end as activity_tier,
        levelled.level_rank >= 3
            and (reached.trailing_answers_to_members >= 3 or reached.trailing_accepted_answers >= 1)
            as is_ambassador

    from reached
    inner join levelled
        on reached.member_id = levelled.member_id
        and reached.month_number = levelled.month_number
    left join tiered
        on reached.member_id = tiered.member_id
        and reached.month_start = tiered.month_start

)

select * from final
