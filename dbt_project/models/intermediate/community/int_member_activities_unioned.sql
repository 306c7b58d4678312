-- Every act of int_member_actions_unioned as a weighted activity of a member (int_member_identities_resolved).
-- Weights (README, "Members and community health"; Orbit's "love" in spirit: the more an act gives to the
-- community, the more it weighs): like 0.5, share 1, ticket 1, mention 2, quote 2, comment 2, reply 2, post 3;
-- an answer to another member +1, an answer the asker accepted (Discourse) +3.
-- is_answer_to_member: a community member (neither teammate nor bot) answering a message of another member;
-- is_reply_to_member: anyone but a bot answering a member's message (the peer support ratio's denominator).
with

actions as (

    select * from {{ ref('int_member_actions_unioned') }}

),

accounts as (

    select * from {{ ref('int_member_accounts_unioned') }}

),

identities as (

    select * from {{ ref('int_member_identities_resolved') }}

),

activity_weights as (

    select * from (
        values
            ('like', 0.5),
            ('share', 1.0),
            ('ticket', 1.0),
            ('mention', 2.0),
            ('quote', 2.0),
            ('comment', 2.0),
            ('reply', 2.0),
            ('post', 3.0)
    ) as weights (activity_type, base_weight)

),

joined as (

    select
        actions.action_id as activity_id,
        actions.account_key,
        identities.member_id,
        actions.channel_id,
        actions.action_type as activity_type,
        actions.occurred_at,
        actions.is_accepted_answer,
        accounts.is_teammate,
        accounts.is_bot,
        parent_identities.member_id as parent_member_id,
        parent_accounts.is_teammate or parent_accounts.is_bot as is_parent_from_team_or_bot

    from actions
    inner join accounts
        on actions.account_key = accounts.account_key
    inner join identities
        on actions.account_key = identities.account_key
    left join accounts as parent_accounts
        on actions.parent_account_key = parent_accounts.account_key
    left join identities as parent_identities
        on actions.parent_account_key = parent_identities.account_key

),

flagged as (

    select
        *,
        -- the message answered is a community member's, and not the author's own
        activity_type in ('reply', 'comment', 'quote')
            and parent_member_id is not null
            and not is_parent_from_team_or_bot
            and parent_member_id <> member_id
            and not is_bot as is_reply_to_member

    from joined

),

final as (

    select
        flagged.activity_id,
        flagged.account_key,
        flagged.member_id,
        flagged.channel_id,
        flagged.activity_type,
        flagged.occurred_at,
        flagged.is_reply_to_member and not flagged.is_teammate as is_answer_to_member,
        flagged.is_reply_to_member,
        flagged.is_accepted_answer,
        flagged.is_teammate,
        flagged.is_bot,
        activity_weights.base_weight
            + case when flagged.is_reply_to_member and not flagged.is_teammate then 1 else 0 end
            + case when flagged.is_accepted_answer then 3 else 0 end as weight

    from flagged
    inner join activity_weights
        on flagged.activity_type = activity_weights.activity_type

)

select * from final
