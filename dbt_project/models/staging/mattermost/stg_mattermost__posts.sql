with

source as (

    select * from {{ source('mattermost', 'posts') }}

),

renamed as (

    select
        ----------  ids
        post_id,
        channel_id,
        user_id,
        root_id as root_post_id,

        ----------  text
        message as post_text,
        nullif(post_type, '') as post_type,

        ----------  numerics
        reply_count,

        ----------  lists
        -- who reacted (metadata.reactions, sent with the post by Mattermost 5.x and later), distinct
        coalesce(list_sort(list_distinct(json_extract_string(payload, '$.metadata.reactions[*].user_id'))), [])
            as reactor_user_ids,

        ----------  booleans
        root_id is not null as is_reply,
        coalesce(post_type like 'system\_%' escape '\', false) as is_system,
        coalesce(is_pinned, false) as is_pinned,
        has_reactions,
        edited_at is not null as is_edited,
        deleted_at is not null as is_deleted,

        ----------  timestamps
        created_at,
        updated_at,
        edited_at,
        deleted_at,
        _loaded_at as loaded_at

    from source
    -- a post fetched again (a day re-fetched, an edit, a reaction) keeps its latest state
    {{ keep_latest_record('post_id') }}

)

select * from renamed
