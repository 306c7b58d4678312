-- The brand's WordPress posts, latest state of each.
with

source as (

    select * from {{ source('wordpress', 'posts') }}

),

renamed as (

    select
        ----------  ids
        post_id,
        author_id,
        featured_media_id,

        ----------  text
        post_type,
        status as post_status,
        slug as post_slug,
        link as post_url,
        title as post_title,
        excerpt as post_excerpt,
        content as post_content,
        author_name,
        post_format,
        category_ids,
        tag_ids,

        ----------  booleans
        status = 'publish' as is_published,
        coalesce(is_sticky, false) as is_sticky,
        coalesce(is_protected, false) as is_protected,
        comment_status = 'open' as has_comments_open,

        ----------  timestamps
        published_at,
        modified_at,
        _loaded_at as loaded_at

    from source
    -- a post fetched again (edited on a later day) keeps its latest state
    {{ keep_latest_record('post_id') }}

)

select * from renamed
