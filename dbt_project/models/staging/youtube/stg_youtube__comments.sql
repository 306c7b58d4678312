-- Comments on the brand channel's videos: top-level comments (one per thread) and the replies in the threads.
with

top_level as (

    select * from {{ source('youtube', 'comments') }}
    {{ keep_latest_record('comment_id') }}

),

replies as (

    select * from {{ source('youtube', 'comment_replies') }}
    {{ keep_latest_record('comment_id') }}

),

unioned as (

    select
        comment_id,
        thread_id,
        video_id,
        channel_id,
        cast(null as varchar) as parent_comment_id,
        author_channel_id,
        author_display_name,
        text,
        like_count,
        reply_count,
        published_at,
        updated_at,
        _loaded_at
    from top_level

    union all

    select
        replies.comment_id,
        replies.parent_comment_id as thread_id,
        -- comments.list often omits the video: take the thread's
        coalesce(replies.video_id, top_level.video_id) as video_id,
        coalesce(replies.channel_id, top_level.channel_id) as channel_id,
        replies.parent_comment_id,
        replies.author_channel_id,
        replies.author_display_name,
        replies.text,
        replies.like_count,
        cast(null as bigint) as reply_count,
        replies.published_at,
        replies.updated_at,
        replies._loaded_at
    from replies
    left join top_level on top_level.comment_id = replies.parent_comment_id

),

renamed as (

    select
        ----------  ids
        comment_id,
        thread_id,
        video_id,
        channel_id,
        parent_comment_id,
        author_channel_id,

        ----------  text
        author_display_name as author_name,
        text as comment_text,

        ----------  numerics
        like_count,
        reply_count,

        ----------  booleans
        parent_comment_id is not null as is_reply,

        ----------  timestamps
        published_at as commented_at,
        updated_at,
        _loaded_at as loaded_at

    from unioned

)

select * from renamed
