-- Community health per month, for all channels ('all') and per channel: members by lifecycle state, level,
-- level move and tier, ambassadors, and the peer support ratio. Community members only (teammates and bots
-- are out, except as answerers in the peer support ratio's denominator). Per channel, lifecycle states are
-- the member's on that channel (new: first activity on the channel; returning: back on the channel after a
-- month without); levels, tiers and ambassadors are the member's overall ones, for the members active on it.
with

activities as (

    select * from {{ ref('int_member_activities_unioned') }}

),

levels as (

    select * from {{ ref('int_member_levels_monthly') }}

),

community as (

    select member_id
    from activities
    group by 1
    having not bool_or(is_teammate) and not bool_or(is_bot)

),

bounds as (

    select cast(date_trunc('month', {{ utc_date('max(occurred_at)') }}) as date) as last_month
    from activities

),

-- activity of community members per channel and month, 'all' included
channel_months as (

    select
        activities.member_id,
        channel.channel_id,
        cast(date_trunc('month', {{ utc_date('activities.occurred_at') }}) as date) as month_start

    from activities
    inner join community
        on activities.member_id = community.member_id
    cross join lateral (
        select activities.channel_id
        union all
        select 'all'
    ) as channel (channel_id)
    group by 1, 2, 3

),

channel_first_months as (

    select
        member_id,
        channel_id,
        min(month_start) as first_month

    from channel_months
    group by 1, 2

),

channel_spine as (

    select
        channel_first_months.member_id,
        channel_first_months.channel_id,
        channel_first_months.first_month,
        cast(unnest(generate_series(
            cast(channel_first_months.first_month as timestamp),
            cast(bounds.last_month as timestamp),
            interval 1 month
        )) as date) as month_start

    from channel_first_months
    cross join bounds

),

channel_states as (

    select
        channel_spine.member_id,
        channel_spine.channel_id,
        channel_spine.month_start,
        case
            when channel_spine.month_start = channel_spine.first_month then 'new'
            when this_month.member_id is null then 'inactive'
            when last_month.member_id is not null then 'active'
            else 'returning'
        end as lifecycle_state

    from channel_spine
    left join channel_months as this_month
        on channel_spine.member_id = this_month.member_id
        and channel_spine.channel_id = this_month.channel_id
        and channel_spine.month_start = this_month.month_start
    left join channel_months as last_month
        on channel_spine.member_id = last_month.member_id
        and channel_spine.channel_id = last_month.channel_id
        and channel_spine.month_start = cast(last_month.month_start + interval 1 month as date)

),

member_counts as (

    select
        channel_states.month_start,
        channel_states.channel_id,
        count(*) filter (where channel_states.lifecycle_state <> 'inactive') as active_members,
        count(*) filter (where channel_states.lifecycle_state = 'new') as new_members,
        count(*) filter (where channel_states.lifecycle_state = 'active') as continuing_members,
        count(*) filter (where channel_states.lifecycle_state = 'returning') as returning_members,
        count(*) filter (where channel_states.lifecycle_state = 'inactive') as inactive_members,
        count(*) filter (where channel_states.lifecycle_state <> 'inactive' and levels.level = 'explorer')
            as explorers,
        count(*) filter (where channel_states.lifecycle_state <> 'inactive' and levels.level = 'participant')
            as participants,
        count(*) filter (where channel_states.lifecycle_state <> 'inactive' and levels.level = 'contributor')
            as contributors,
        count(*) filter (where channel_states.lifecycle_state <> 'inactive' and levels.level = 'leader')
            as leaders,
        count(*) filter (where channel_states.channel_id = 'all' and levels.level_move = 'promoted') as promotions,
        count(*) filter (where channel_states.channel_id = 'all' and levels.level_move = 'demoted') as demotions,
        count(*) filter (where channel_states.lifecycle_state <> 'inactive' and levels.activity_tier = 'core')
            as core_members,
        count(*) filter (where channel_states.lifecycle_state <> 'inactive' and levels.activity_tier = 'regular')
            as regular_members,
        count(*) filter (where channel_states.lifecycle_state <> 'inactive' and levels.activity_tier = 'casual')
            as casual_members,
        count(*) filter (where channel_states.lifecycle_state <> 'inactive' and levels.is_ambassador)
            as ambassadors

    from channel_states
    inner join levels
        on channel_states.member_id = levels.member_id
        and channel_states.month_start = levels.month_start
    group by 1, 2

),

-- answers to community members' messages: by members (peer support) and by anyone but bots
answers as (

    select
        cast(date_trunc('month', {{ utc_date('activities.occurred_at') }}) as date) as month_start,
        channel.channel_id,
        count(*) filter (
            where activities.is_answer_to_member and activities.member_id in (select member_id from community)
        ) as member_answers_to_members,
        count(*) filter (where activities.is_reply_to_member) as answers_to_members

    from activities
    cross join lateral (
        select activities.channel_id
        union all
        select 'all'
    ) as channel (channel_id)
    group by 1, 2

),

final as (

    select
        member_counts.*,
        coalesce(answers.member_answers_to_members, 0) as member_answers_to_members,
        coalesce(answers.answers_to_members, 0) as answers_to_members,
        {{ safe_divide('answers.member_answers_to_members', 'answers.answers_to_members') }} as peer_support_ratio,
        {{ safe_divide('member_counts.core_members', 'member_counts.active_members') }} as core_member_share

    from member_counts
    left join answers
        on member_counts.month_start = answers.month_start
        and member_counts.channel_id = answers.channel_id

)

select * from final
