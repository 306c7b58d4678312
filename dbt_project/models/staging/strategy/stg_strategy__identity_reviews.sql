-- The reviewed identity decisions (settings.identity_reviews_path(), loaded by the strategy/identity_reviews
-- asset): a merge joins the identities of two accounts, an unmerge cuts the rule links between them.
with

source as (

    select * from {{ source('strategy', 'identity_reviews') }}

),

renamed as (

    select
        lower(trim(decision)) as decision,
        trim(account_key) as account_key,
        trim(other_account_key) as other_account_key,
        reviewer,
        reviewed_on,
        note

    from source

)

select * from renamed
