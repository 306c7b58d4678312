-- The comments, pingbacks and trackbacks of the blog's posts and pages, from an imported WordPress export
-- (WXR), approved or not. Keys are '<site url>#<WordPress id>' (ids are unique within a site only).
with

source as (

    select * from {{ source('blog', 'wxr_comments') }}

),

renamed as (

    select
        ----------  ids
        comment_key,
        comment_id as wordpress_comment_id,
        coalesce(site_url, '') || '#' || post_id as post_key,
        coalesce(site_url, '') || '#' || parent_comment_id as parent_comment_key,
        -- the site's user who wrote it, when logged in (the brand's authors and moderators)
        user_id as wordpress_user_id,

        ----------  text
        author as author_name,
        author_url,
        content as comment_text,
        comment_type,
        case approved
            when '1' then 'approved'
            when '0' then 'pending'
            else approved
        end as approval_status,

        ----------  booleans
        approved = '1' as is_approved,
        parent_comment_id is not null as is_reply,
        user_id is not null as is_from_site_user,

        ----------  timestamps
        commented_at,
        _loaded_at as loaded_at

    from source
    {{ keep_latest_record('comment_key') }}

)

select * from renamed
