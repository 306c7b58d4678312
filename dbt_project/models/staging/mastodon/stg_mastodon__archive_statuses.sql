-- The brand account's statuses and boosts from an imported Mastodon archive (outbox.json). An archive has
-- no counters (replies, boosts, favourites): NULL here, not zero. Visibility is derived from the addressing.
with

source as (

    select * from {{ source('mastodon', 'archive_statuses') }}

),

renamed as (

    select
        ----------  ids
        status_id,
        status_uri,
        account_uri,
        in_reply_to_uri,
        -- the status replied to, by its id on the archive's server (the API's in_reply_to_id) when it is there
        case
            when regexp_extract(in_reply_to_uri, '^https?://([^/]+)', 1)
                = regexp_extract(status_uri, '^https?://([^/]+)', 1)
                then nullif(regexp_extract(in_reply_to_uri, '/statuses/([0-9]+)$', 1), '')
        end as in_reply_to_status_id,
        boosted_status_url,

        ----------  text
        account_username,
        account_display_name,
        activity_type,
        content as content_html,
        content_text as status_text,
        spoiler_text as content_warning,
        language as language_code,
        visibility,
        url as status_url,
        hashtags,
        mentions,

        ----------  numerics
        media_count,

        ----------  booleans
        in_reply_to_uri is not null as is_reply,
        activity_type = 'announce' as is_reblog,
        coalesce(is_sensitive, false) as is_sensitive,
        media_count > 0 as has_media,

        ----------  timestamps
        published_at as posted_at,
        _loaded_at as loaded_at

    from source
    -- a status is in every archive requested after it: the latest import wins
    {{ keep_latest_record('status_id') }}

)

select * from renamed
