-- One member across platforms: every account of int_member_accounts_unioned with the member it belongs to.
-- Rules (README, "Members and community health"), each drawing a link between two accounts:
--   same_email      two accounts with the same e-mail (trimmed, lowercased);
--   same_handle     two accounts on two different handle platforms (x, instagram, mastodon, discourse,
--                   slack, imported handles) with the same normalised handle (lowercased, no '@', a Mastodon
--                   acct's local part), at least 4 characters long, and carried by one account only on each
--                   of these platforms (an ambiguous handle links nothing);
--   linked_profile  an account that the platform itself links to another (a Zendesk ticket received from an
--                   X account: linked_accounts).
-- The reviewed decisions win over the rules: a merge links two accounts (reviewed_merge); an unmerge cuts every
-- rule link drawn directly between its two accounts (both ways), and nothing else: two accounts still
-- connected through a third account stay one member (review that account too). For one pair, the latest
-- decision (reviewed_on) wins. Members are the connected components of the links (a recursive walk), and
-- member_id is the smallest account_key of the component.
with recursive

accounts as (

    select * from {{ ref('int_member_accounts_unioned') }}

),

reviews as (

    select * from {{ ref('stg_strategy__identity_reviews') }}
    where decision in ('merge', 'unmerge')
        and account_key is not null
        and other_account_key is not null
        and account_key <> other_account_key

),

-- one decision per pair (either order): the latest wins, an unmerge on the same day as a merge wins
decisions as (

    select
        least(account_key, other_account_key) as account_a,
        greatest(account_key, other_account_key) as account_b,
        decision

    from reviews
    qualify row_number() over (
        partition by least(account_key, other_account_key), greatest(account_key, other_account_key)
        order by reviewed_on desc nulls last, decision desc
    ) = 1

),

----------  the rules' links, between two accounts each
email_accounts as (

    select account_key, email
    from accounts
    where email is not null

),

email_links as (

    select
        left_account.account_key as account_a,
        right_account.account_key as account_b,
        'same_email' as match_rule

    from email_accounts as left_account
    inner join email_accounts as right_account
        on left_account.email = right_account.email
        and left_account.account_key < right_account.account_key

),

handles as (

    select
        account_key,
        channel_id,
        case
            when channel_id = 'mastodon' then split_part(lower(ltrim(trim(handle), '@')), '@', 1)
            else lower(ltrim(trim(handle), '@'))
        end as normalised_handle

    from accounts
    where handle is not null
        and (channel_id in ('x', 'instagram', 'mastodon', 'discourse', 'slack') or account_id like 'handle:%')

),

unambiguous_handles as (

    select *
    from handles
    where length(normalised_handle) >= 4
    -- a handle two accounts of one platform carry says nothing of who is who
    qualify count(*) over (partition by channel_id, normalised_handle) = 1

),

handle_links as (

    select
        left_account.account_key as account_a,
        right_account.account_key as account_b,
        'same_handle' as match_rule

    from unambiguous_handles as left_account
    inner join unambiguous_handles as right_account
        on left_account.normalised_handle = right_account.normalised_handle
        and left_account.channel_id <> right_account.channel_id
        and left_account.account_key < right_account.account_key

),

profile_links as (

    select
        least(accounts.account_key, linked.account_key) as account_a,
        greatest(accounts.account_key, linked.account_key) as account_b,
        'linked_profile' as match_rule

    from accounts
    cross join unnest(accounts.linked_accounts) as linked(account_key)
    where linked.account_key <> accounts.account_key
        and linked.account_key in (select account_key from accounts)

),

rule_links as (

    select * from email_links
    union
    select * from handle_links
    union
    select * from profile_links

),

kept_rule_links as (

    select rule_links.*
    from rule_links
    left join decisions
        on rule_links.account_a = decisions.account_a
        and rule_links.account_b = decisions.account_b
        and decisions.decision = 'unmerge'
    where decisions.decision is null

),

merge_links as (

    select
        account_a,
        account_b,
        'reviewed_merge' as match_rule

    from decisions
    where decision = 'merge'
        and account_a in (select account_key from accounts)
        and account_b in (select account_key from accounts)

),

links as (

    select * from kept_rule_links
    union all
    select * from merge_links

),

-- both directions, for the walk
edges as (

    select account_a as from_key, account_b as to_key from links
    union
    select account_b as from_key, account_a as to_key from links

),

-- every account reaches every account of its component (UNION: an account reached twice is walked once)
walk (account_key, reached_key) as (

    select account_key, account_key from accounts

    union

    select
        walk.account_key,
        edges.to_key

    from walk
    inner join edges
        on walk.reached_key = edges.from_key

),

components as (

    select
        account_key,
        min(reached_key) as member_id

    from walk
    group by 1

),

-- how the account joined its member: the strongest of its own links (a reviewed merge, a linked profile,
-- a shared e-mail, a shared handle); 'own' for the member's first account and an account alone
joined_by as (

    select
        account_key,
        match_rule

    from (
        select account_a as account_key, match_rule from links
        union all
        select account_b as account_key, match_rule from links
    )
    qualify row_number() over (
        partition by account_key
        order by case match_rule
            when 'reviewed_merge' then 1
            when 'linked_profile' then 2
            when 'same_email' then 3
            else 4
        end
    ) = 1

),

final as (

    select
        components.account_key,
        components.member_id,
        case
            when components.account_key = components.member_id or joined_by.match_rule is null then 'own'
            else joined_by.match_rule
        end as match_rule

    from components
    left join joined_by
        on components.account_key = joined_by.account_key

)

select * from final
