with

source as (

    select * from {{ source('discourse', 'posts') }}

),

renamed as (

    select
        ----------  ids
        post_id,
        topic_id,
        user_id,
        post_number,
        reply_to_post_number,
        post_type,

        ----------  text
        username,
        cooked as post_html,

        ----------  numerics (as last fetched)
        reply_count,
        quote_count,
        incoming_link_count,
        reads as read_count,
        like_count,
        score as post_score,
        trust_level as author_trust_level,

        ----------  booleans
        post_number = 1 as is_topic_opener,
        reply_to_post_number is not null as is_reply_to_post,
        coalesce(staff, false) as is_by_staff,
        coalesce(admin, false) as is_by_admin,
        coalesce(moderator, false) as is_by_moderator,
        coalesce(hidden, false) as is_hidden,
        coalesce(accepted_answer, false) as is_accepted_answer,
        deleted_at is not null as is_deleted,

        ----------  timestamps
        created_at,
        updated_at,
        deleted_at,
        _loaded_at as loaded_at

    from source
    -- the posts of a topic are read again whenever the topic is active: keep their latest counters
    {{ keep_latest_record('post_id') }}

)

select * from renamed
