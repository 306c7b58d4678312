-- The brand's own accounts, derived from the data rather than configuration: the page whose feed
-- we ingest publishes every Facebook post, and the X timeline we ingest is the brand's own.
with

facebook_posts as (

    select * from {{ ref('stg_facebook__posts') }}

),

x_tweets as (

    select author_id from {{ ref('stg_x__tweets') }}
    union all
    -- an imported archive is the brand's own account's
    select author_id from {{ ref('stg_x__archive_tweets') }}

),

facebook_pages as (

    select distinct
        'facebook' as channel_id,
        -- post ids are '<page id>_<object id>': the prefix stands in if page_id is missing
        coalesce(page_id, split_part(post_id, '_', 1)) as account_id

    from facebook_posts

),

x_users as (

    select distinct
        'x' as channel_id,
        author_id as account_id

    from x_tweets
    where author_id is not null

),

unioned as (

    select * from facebook_pages
    union all
    select * from x_users

)

select * from unioned
