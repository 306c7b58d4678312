with

source as (

    select * from {{ source('imported', 'leads') }}

),

renamed as (

    select
        ----------  ids
        lead_id,

        ----------  text
        email,
        full_name,
        company as company_name,
        lead_source,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_content,
        utm_term,
        landing_page_url,
        lifecycle_stage,
        currency,

        ----------  numerics
        deal_amount,

        ----------  booleans
        converted_at is not null as is_converted,
        utm_source is not null as has_utm,

        ----------  timestamps
        created_at,
        converted_at,

        ----------  lineage
        url_decode(nullif(regexp_extract(_source_file, '[?&]mapping=([^&]+)', 1), '')) as import_mapping,
        _loaded_at as loaded_at

    from source
    -- the same record in several imported files: the latest import wins
    {{ keep_latest_record('lead_id') }}

)

select * from renamed
