-- Comments on the brand's WordPress posts, latest state of each.
with

source as (

    select * from {{ source('wordpress', 'comments') }}

),

renamed as (

    select
        ----------  ids
        comment_id,
        post_id,
        parent_comment_id,
        author_id,

        ----------  text
        author_name,
        author_url,
        content as comment_text,
        link as comment_url,
        status as comment_status,
        comment_type,

        ----------  booleans
        parent_comment_id is not null as is_reply,
        author_id is not null as is_registered_author,
        status = 'approved' as is_approved,

        ----------  timestamps
        commented_at,
        _loaded_at as loaded_at

    from source
    {{ keep_latest_record('comment_id') }}

)

select * from renamed
