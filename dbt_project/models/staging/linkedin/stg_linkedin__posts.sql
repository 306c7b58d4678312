-- The brand's LinkedIn page posts, latest state of each.
with

source as (

    select * from {{ source('linkedin', 'posts') }}

),

renamed as (

    select
        ----------  ids
        post_urn as post_id,
        regexp_extract(author_urn, '([0-9]+)$', 1) as organization_id,
        media_urn as media_id,
        reshared_post_urn as reshared_post_id,

        ----------  text
        commentary as post_text,
        content_type,
        media_type,
        article_url,
        article_title,
        lower(visibility) as visibility,
        lower(lifecycle_state) as lifecycle_state,
        'https://www.linkedin.com/feed/update/' || post_urn || '/' as post_url,

        ----------  numerics
        image_count,

        ----------  booleans
        reshared_post_urn is not null as is_reshare,
        coalesce(is_edited, false) as is_edited,
        coalesce(is_reshare_disabled, false) as is_reshare_disabled,
        lifecycle_state = 'PUBLISHED' as is_published,

        ----------  timestamps
        created_at,
        coalesce(published_at, created_at) as published_at,
        last_modified_at,
        _loaded_at as loaded_at

    from source
    -- a post fetched again (a later day's pages, an edit) keeps its latest state
    {{ keep_latest_record('post_urn') }}

)

select * from renamed
