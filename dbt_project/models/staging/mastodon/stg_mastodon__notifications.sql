-- Notifications of the brand account: mentions (conversations), reblogs, favourites, follows.
with

source as (

    select * from {{ source('mastodon', 'notifications') }}

),

renamed as (

    select
        ----------  ids
        notification_id,
        account_id,
        status_id,
        status_account_id,
        status_in_reply_to_id,
        status_in_reply_to_account_id,

        ----------  text
        type as notification_type,
        account_acct,
        account_display_name,
        status_content as status_content_html,
        trim(replace(replace(replace(replace(replace(replace(
            regexp_replace(regexp_replace(status_content, '<br\s*/?>|</p><p>', ' ', 'g'), '<[^>]+>', '', 'g'),
            '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&nbsp;', ' '), '&amp;', '&')
        ) as status_text,
        status_language as language_code,
        status_visibility,
        status_url,

        ----------  booleans
        type = 'mention' as is_mention,
        status_in_reply_to_id is not null as is_reply,
        coalesce(account_is_bot, false) as is_bot_account,

        ----------  timestamps
        created_at as notified_at,
        status_created_at as status_posted_at,
        _loaded_at as loaded_at

    from source
    -- notifications are immutable; the same one is fetched again on neighbouring days
    {{ keep_latest_record('notification_id') }}

)

select * from renamed
