-- Leads from the CRM, one row per lead, attributed to a channel (business development). No name nor e-mail:
-- marts are published to dashboards and analysts.
with

leads as (

    select * from {{ ref('int_leads_attributed') }}

),

final as (

    select
        lead_id,
        attributed_channel_id,
        is_social_lead,
        utm_source,
        utm_medium,
        utm_campaign,
        lead_source,
        lifecycle_stage,
        is_converted,
        deal_amount,
        currency,
        created_at,
        cast(created_at as date) as created_on,
        converted_at

    from leads

)

select * from final
