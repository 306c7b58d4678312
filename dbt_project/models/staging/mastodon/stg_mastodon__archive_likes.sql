-- The statuses the brand account favourited, from an imported Mastodon archive (likes.json). The archive
-- dates no like.
with

source as (

    select * from {{ source('mastodon', 'archive_likes') }}

),

renamed as (

    select
        ----------  ids
        coalesce(account_uri, '') || ' ' || liked_status_url as like_id,
        account_uri,
        liked_status_url,

        ----------  text
        account_username,

        ----------  timestamps
        _loaded_at as loaded_at

    from source
    -- every archive repeats the likes still in place
    {{ keep_latest_record('account_uri, liked_status_url') }}

)

select * from renamed
