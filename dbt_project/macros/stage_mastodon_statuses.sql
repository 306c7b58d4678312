{#- Mastodon statuses: the brand account's own and the replies below them share the status shape. -#}
{% macro stage_mastodon_statuses(source_relation) -%}
with

source as (

    select * from {{ source_relation }}

),

renamed as (

    select
        ----------  ids
        status_id,
        account_id,
        in_reply_to_id as in_reply_to_status_id,
        in_reply_to_account_id,
        reblog_of_id as reblogged_status_id,
        reblog_of_account_id as reblogged_account_id,

        ----------  text
        account_acct,
        account_display_name,
        content as content_html,
        -- plain text: tags dropped, the entities Mastodon escapes decoded
        trim(replace(replace(replace(replace(replace(replace(
            regexp_replace(regexp_replace(content, '<br\s*/?>|</p><p>', ' ', 'g'), '<[^>]+>', '', 'g'),
            '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&nbsp;', ' '), '&amp;', '&')
        ) as status_text,
        nullif(spoiler_text, '') as content_warning,
        language as language_code,
        visibility,
        url as status_url,

        ----------  numerics (as last reported)
        replies_count,
        reblogs_count,
        favourites_count,
        quotes_count,

        ----------  booleans
        in_reply_to_id is not null as is_reply,
        reblog_of_id is not null as is_reblog,
        coalesce(is_sensitive, false) as is_sensitive,

        ----------  timestamps
        created_at as posted_at,
        edited_at,
        _loaded_at as loaded_at

    from source
    {{ keep_latest_record('status_id') }}

)

select * from renamed
{%- endmacro %}
