with

source as (

    select * from {{ source('discourse', 'topics') }}

),

renamed as (

    select
        ----------  ids
        topic_id,
        category_id,
        original_poster_user_id,

        ----------  text
        title as topic_title,
        slug as topic_slug,
        archetype,
        tags,
        last_poster_username,

        ----------  numerics (as last fetched)
        posts_count as post_count,
        reply_count,
        views as view_count,
        like_count,

        ----------  booleans
        coalesce(pinned, false) as is_pinned,
        coalesce(closed, false) as is_closed,
        coalesce(archived, false) as is_archived,
        coalesce(visible, true) as is_visible,
        coalesce(has_accepted_answer, false) as has_accepted_answer,

        ----------  timestamps
        created_at,
        bumped_at,
        last_posted_at,
        _loaded_at as loaded_at

    from source
    -- a topic is listed again on every day it is active: keep its latest state
    {{ keep_latest_record('topic_id') }}

)

select * from renamed
