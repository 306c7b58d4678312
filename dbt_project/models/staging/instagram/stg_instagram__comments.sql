with

source as (

    select * from {{ source('instagram', 'comments') }}

),

renamed as (

    select
        ----------  ids
        comment_id,
        media_id,
        parent_comment_id,
        author_id,

        ----------  text
        author_username,
        text as comment_text,

        ----------  numerics
        like_count,

        ----------  booleans
        parent_comment_id is not null as is_reply,

        ----------  timestamps
        created_at as commented_at,
        _loaded_at as loaded_at

    from source
    {{ keep_latest_record('comment_id') }}

)

select * from renamed
