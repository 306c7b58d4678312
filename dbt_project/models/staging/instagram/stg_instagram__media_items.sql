-- The account's media (posts, carousels, reels), counters as last reported.
with

source as (

    select * from {{ source('instagram', 'media') }}

),

renamed as (

    select
        ----------  ids
        media_id,
        ig_user_id,

        ----------  text
        username as account_username,
        caption as media_caption,
        permalink as media_url,
        media_type,
        media_product_type,

        ----------  numerics (as last reported)
        like_count,
        comments_count,

        ----------  booleans
        media_product_type = 'REELS' as is_reel,

        ----------  timestamps
        created_at as published_at,
        _loaded_at as loaded_at

    from source
    {{ keep_latest_record('media_id') }}

)

select * from renamed
