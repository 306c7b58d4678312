-- The blog's posts and pages from an imported WordPress export (WXR), every status. A WordPress id is
-- unique within its site only: post_key is '<site url>#<id>'. post_guid is what the blog's RSS feed gives
-- as an item's guid (stg_blog__posts.post_id).
with

source as (

    select * from {{ source('blog', 'wxr_posts') }}

),

renamed as (

    select
        ----------  ids
        post_key,
        post_id as wordpress_post_id,
        guid as post_guid,
        coalesce(site_url, '') || '#' || parent_post_id as parent_post_key,

        ----------  text
        post_type,
        status as post_status,
        title as post_title,
        link as post_url,
        slug as post_slug,
        author as author_login,
        content as content_html,
        excerpt as post_excerpt,
        categories,
        tags,
        comment_status,
        site_url,

        ----------  numerics
        comment_count,

        ----------  booleans
        status = 'publish' as is_published,
        post_type = 'page' as is_page,
        comment_status = 'open' as is_open_to_comments,

        ----------  timestamps
        -- NULL for a draft never published
        published_at,
        modified_at,
        _loaded_at as loaded_at

    from source
    -- each export repeats the posts still on the site: the latest import wins
    {{ keep_latest_record('post_key') }}

)

select * from renamed
