with

contents as (

    select * from {{ ref('int_contents_unioned') }}

),

final as (

    select
        content_id,
        channel_id,
        platform_content_id,
        published_at,
        {{ utc_date('published_at') }} as published_date,
        {{ iso_week_start(utc_date('published_at')) }} as week_start,
        content_text as text,
        content_url as url,
        content_format,
        reach,
        impressions,
        reactions,
        comments,
        shares,
        clicks,
        -- NULL only when the platform reports none of the three counters (blog)
        case
            when reactions is null and comments is null and shares is null then null
            else coalesce(reactions, 0) + coalesce(comments, 0) + coalesce(shares, 0)
        end as interactions,
        coalesce(reach > 0, false) as has_reach

    from contents

)

select * from final
