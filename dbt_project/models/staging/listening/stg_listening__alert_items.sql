-- Alert feed items (Google Alerts and the like): pages naming a tracked keyword.
with

source as (

    select * from {{ source('listening', 'alert_items') }}

),

renamed as (

    select
        ----------  ids
        item_id,

        ----------  text
        alert_name,
        alert_feed_url,
        -- alert tools bold the keyword (<b>…</b>): plain text for matching and reading
        trim(regexp_replace(title, '<[^>]+>', '', 'g')) as item_title,
        trim(regexp_replace(summary, '<[^>]+>', '', 'g')) as item_summary,
        url as item_url,
        author as author_name,

        ----------  timestamps
        published_at,
        _loaded_at as loaded_at

    from source
    {{ keep_latest_record('item_id') }}

)

select * from renamed
