-- The brand channel's videos, statistics as last fetched.
with

source as (

    select * from {{ source('youtube', 'videos') }}

),

renamed as (

    select
        ----------  ids
        video_id,
        channel_id,
        category_id,

        ----------  text
        channel_title,
        title as video_title,
        description as video_description,
        tags,
        coalesce(default_language, default_audio_language) as language_code,
        live_broadcast_content,
        definition as video_definition,
        'https://www.youtube.com/watch?v=' || video_id as video_url,

        ----------  numerics (lifetime, as last reported)
        duration_seconds,
        view_count,
        like_count,
        comment_count,

        ----------  booleans
        coalesce(has_captions, false) as has_captions,
        live_broadcast_content in ('live', 'upcoming') as is_live,

        ----------  timestamps
        published_at,
        _loaded_at as loaded_at

    from source
    {{ keep_latest_record('video_id') }}

)

select * from renamed
