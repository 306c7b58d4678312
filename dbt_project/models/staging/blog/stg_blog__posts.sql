with

source as (

    select * from {{ source('blog', 'posts') }}

),

renamed as (

    select
        ----------  ids
        item_id as post_id,

        ----------  text
        title as post_title,
        link as post_url,
        summary as post_summary,
        author as author_name,
        categories,
        feed_title,

        ----------  timestamps
        published_at,
        _loaded_at as loaded_at

    from source
    -- every daily feed snapshot repeats the items still in the feed
    {{ keep_latest_record('item_id') }}

)

select * from renamed
