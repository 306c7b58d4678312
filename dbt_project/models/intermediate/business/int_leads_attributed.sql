-- CRM leads attributed to the channel that brought them: the UTM source when the lead has one (the link the
-- community manager shared), else the CRM's own source label ("Social media", "Organic social").
with

leads as (

    select * from {{ ref('stg_imported__leads') }}

),

attributed as (

    select
        *,
        case
            when lower(utm_source) in ('facebook', 'fb', 'facebook.com', 'm.facebook.com', 'l.facebook.com') then 'facebook'
            when lower(utm_source) in ('instagram', 'ig', 'instagram.com') then 'instagram'
            when lower(utm_source) in ('x', 'twitter', 'twitter.com', 'x.com', 't.co') then 'x'
            when lower(utm_source) in ('linkedin', 'linkedin.com', 'lnkd.in') then 'linkedin'
            when lower(utm_source) in ('youtube', 'youtube.com', 'youtu.be') then 'youtube'
            when lower(utm_source) in ('mastodon') then 'mastodon'
            when lower(utm_source) in ('blog') then 'blog'
            when lower(utm_source) in ('discourse', 'forum', 'community') then 'discourse'
            when utm_source is not null then 'other'
            when lower(lead_source) similar to '.*(social|facebook|instagram|twitter|linkedin).*' then 'social_unattributed'
            else 'not_social'
        end as attributed_channel_id

    from leads

),

final as (

    select
        lead_id,
        created_at,
        converted_at,
        attributed_channel_id,
        attributed_channel_id not in ('other', 'not_social') as is_social_lead,
        utm_source,
        utm_medium,
        utm_campaign,
        lead_source,
        lifecycle_stage,
        is_converted,
        deal_amount,
        currency

    from attributed

)

select * from final
