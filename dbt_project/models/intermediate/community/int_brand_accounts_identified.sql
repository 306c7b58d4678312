-- The brand's own accounts, derived from the data rather than configuration: the page whose feed
-- we ingest publishes every Facebook post, and the X timeline we ingest is the brand's own; likewise the
-- Instagram account whose media, the YouTube channel whose videos and the Mastodon account whose statuses
-- we ingest.
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

instagram_media as (

    select * from {{ ref('stg_instagram__media_items') }}

),

instagram_comments as (

    select * from {{ ref('stg_instagram__comments') }}

),

youtube_videos as (

    select * from {{ ref('stg_youtube__videos') }}

),

youtube_comments as (

    select * from {{ ref('stg_youtube__comments') }}

),

mastodon_statuses as (

    select * from {{ ref('stg_mastodon__statuses') }}

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

instagram_users as (

    select distinct
        'instagram' as channel_id,
        ig_user_id as account_id

    from instagram_media
    where ig_user_id is not null

    union

    -- a comment's 'from' id is Instagram-scoped (IGSID), maybe not the ig_user_id: the account's own comments
    -- (its replies to members) are those signed with the username of its media
    select
        'instagram' as channel_id,
        author_id as account_id

    from instagram_comments
    where author_id is not null
        and lower(author_username) in (
            select lower(account_username) from instagram_media where account_username is not null
        )

),

youtube_channels as (

    select
        'youtube' as channel_id,
        channel_id as account_id

    from youtube_videos
    where channel_id is not null

    union

    -- the comment threads are fetched for the brand's channel (allThreadsRelatedToChannelId): their
    -- channelId is the brand's even before any video of it is landed
    select
        'youtube' as channel_id,
        channel_id as account_id

    from youtube_comments
    where channel_id is not null

),

mastodon_accounts as (

    select distinct
        'mastodon' as channel_id,
        -- a boost's author is the booster: the brand here too
        account_id

    from mastodon_statuses
    where account_id is not null

),

unioned as (

    select * from facebook_pages
    union all
    select * from x_users
    union all
    select * from instagram_users
    union all
    select * from youtube_channels
    union all
    select * from mastodon_accounts

)

select * from unioned
