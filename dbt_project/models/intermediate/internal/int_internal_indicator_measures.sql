-- The internal communication measures (README, "Internal communication"), in the long shape of
-- int_indicator_measures (which unions them): one row per (grain, period_start, channel_id, measure_id).
-- Channels: the chat platform (slack, mattermost; imported internal messages count in 'all' only) when it is
-- in dim_channels, and 'all' (distinct employees over every platform, employees summed over platforms: a user
-- id is per platform). Advocacy is on the channel of the brand content shared (x) and 'all'.
--   internal_employees          employees known (int_internal_employees), in every period with an internal message
--   internal_active_employees   distinct employees who posted, replied or reacted in the period
--   internal_announcements      announcements posted in the period
--   announcement_reached_employees  distinct employees other than its author who replied or reacted to an
--                               announcement posted in the period (a reaction has no time: it counts for the
--                               announcement's period, as does a reply)
--   contents_shared_by_employees  brand contents published in the period (fct_contents) that a teammate's X
--                               account (strategy.yml team:, brand accounts out) retweeted or quoted, at any time
{%- set period_start -%}
case grains.grain
    when 'week' then {{ iso_week_start('facts.activity_date') }}
    when 'month' then cast(date_trunc('month', facts.activity_date) as date)
    else cast(date_trunc('quarter', facts.activity_date) as date)
end
{%- endset %}
with

channels as (

    select channel_id from {{ ref('dim_channels') }}

),

grains as (

    select grain from (values ('week'), ('month'), ('quarter')) as grains (grain)

),

messages as (

    select * from {{ ref('int_internal_messages_unioned') }}

),

employees as (

    select * from {{ ref('int_internal_employees') }}

),

contents as (

    select * from {{ ref('fct_contents') }}

),

x_shares as (

    select tweet_id, author_id, author_username, retweeted_tweet_id, quoted_tweet_id
    from {{ ref('stg_x__mentions') }}
    union all
    select tweet_id, author_id, author_username, retweeted_tweet_id, quoted_tweet_id
    from {{ ref('stg_x__search_results') }}

),

team_x_accounts as (

    select account from {{ ref('stg_strategy__team') }}
    where channel_id = 'x' and account is not null

),

brand_x_accounts as (

    select account_id from {{ ref('int_brand_accounts_identified') }}
    where channel_id = 'x'

),

-- every act of an employee: a message (its author), a reaction and a reply stated by the platform (reply_users),
-- each dated by the message it is on, and whether that message is an announcement the actor did not write
acts as (

    select
        author_key as employee_key,
        platform,
        {{ utc_date('posted_at') }} as activity_date,
        false as is_announcement_reply_or_reaction

    from messages
    where not is_bot and not is_system

    union all

    select
        actor.employee_key,
        messages.platform,
        {{ utc_date('messages.posted_at') }} as activity_date,
        messages.is_announcement and actor.employee_key is distinct from messages.author_key

    from messages
    cross join lateral (
        select unnest(list_concat(messages.reactor_keys, messages.replier_keys)) as employee_key
    ) as actor

    union all

    -- a reply in an announcement's thread (exports, Mattermost, imported messages hold the replies)
    select
        replies.author_key as employee_key,
        replies.platform,
        {{ utc_date('announcements.posted_at') }} as activity_date,
        replies.author_key is distinct from announcements.author_key

    from messages as replies
    inner join messages as announcements
        on replies.thread_message_id = announcements.message_id
    where replies.is_thread_reply and announcements.is_announcement and not replies.is_bot

),

employee_acts as (

    select acts.*
    from acts
    inner join employees
        on acts.employee_key = employees.employee_key

),

-- the periods the chat has data for: the employees are measured in them (a snapshot: the same every period)
chat_periods as (

    select distinct
        grains.grain,
        {{ period_start }} as period_start,
        report_channels.channel_id

    from (select platform, {{ utc_date('posted_at') }} as activity_date from messages) as facts
    cross join grains
    cross join lateral (select facts.platform union all select 'all') as report_channels (channel_id)

),

employee_counts as (

    select platform as channel_id, count(*) as internal_employees
    from employees
    group by grouping sets ((platform), ())

),

employee_measures as (

    select
        chat_periods.grain,
        chat_periods.period_start,
        chat_periods.channel_id,
        coalesce(employee_counts.internal_employees, 0) as value

    from chat_periods
    left join employee_counts
        on chat_periods.channel_id = coalesce(employee_counts.channel_id, 'all')

),

act_periods as (

    select
        grains.grain,
        {{ period_start }} as period_start,
        report_channels.channel_id,
        facts.employee_key,
        facts.is_announcement_reply_or_reaction

    from employee_acts as facts
    cross join grains
    cross join lateral (select facts.platform union all select 'all') as report_channels (channel_id)

),

act_measures as (

    select
        chat_periods.grain,
        chat_periods.period_start,
        chat_periods.channel_id,
        count(distinct act_periods.employee_key) as internal_active_employees,
        count(distinct act_periods.employee_key) filter (where act_periods.is_announcement_reply_or_reaction)
            as announcement_reached_employees

    from chat_periods
    left join act_periods
        on chat_periods.grain = act_periods.grain
        and chat_periods.period_start = act_periods.period_start
        and chat_periods.channel_id = act_periods.channel_id
    group by 1, 2, 3

),

announcement_measures as (

    select
        grains.grain,
        {{ period_start }} as period_start,
        report_channels.channel_id,
        count(*) as internal_announcements

    from (
        select platform, {{ utc_date('posted_at') }} as activity_date from messages where is_announcement
    ) as facts
    cross join grains
    cross join lateral (select facts.platform union all select 'all') as report_channels (channel_id)
    group by 1, 2, 3

),

employee_shared_contents as (

    -- brand X contents a teammate's account (not a brand account) retweeted or quoted
    select distinct 'x:' || coalesce(retweeted_tweet_id, quoted_tweet_id) as content_id
    from x_shares
    where coalesce(retweeted_tweet_id, quoted_tweet_id) is not null
        and (author_id in (select account from team_x_accounts)
            or lower(author_username) in (select account from team_x_accounts))
        and author_id not in (select account_id from brand_x_accounts)

),

advocacy_measures as (

    select
        grains.grain,
        {{ period_start }} as period_start,
        report_channels.channel_id,
        -- 0 (not missing) in a period with contents none of which a teammate shared
        count(*) filter (where facts.is_shared) as contents_shared_by_employees

    from (
        select
            contents.channel_id,
            contents.published_date as activity_date,
            employee_shared_contents.content_id is not null as is_shared

        from contents
        left join employee_shared_contents
            on contents.content_id = employee_shared_contents.content_id
    ) as facts
    cross join grains
    cross join lateral (select facts.channel_id union all select 'all') as report_channels (channel_id)
    group by 1, 2, 3

),

long_measures as (

    select grain, period_start, channel_id, 'internal_employees' as measure_id, value from employee_measures
    union all
    select grain, period_start, channel_id, 'internal_active_employees', internal_active_employees from act_measures
    union all
    select grain, period_start, channel_id, 'announcement_reached_employees', announcement_reached_employees
    from act_measures
    union all
    select grain, period_start, channel_id, 'internal_announcements', internal_announcements
    from announcement_measures
    union all
    select grain, period_start, channel_id, 'contents_shared_by_employees', contents_shared_by_employees
    from advocacy_measures

),

final as (

    select
        grain,
        period_start,
        channel_id,
        measure_id,
        cast(value as double) as value

    from long_measures
    -- a platform outside dim_channels (imported messages; slack and mattermost until declared) is in 'all' only
    where channel_id = 'all' or channel_id in (select channel_id from channels)

)

select * from final
