-- The brand's LinkedIn page audience, one follower count per day fetched.
with

source as (

    select * from {{ source('linkedin', 'follower_counts') }}

),

renamed as (

    select
        ----------  ids
        coalesce(regexp_extract(organization_urn, '([0-9]+)$', 1), '') || '/'
            || strftime(_partition_date, '%Y-%m-%d') as follower_count_id,
        regexp_extract(organization_urn, '([0-9]+)$', 1) as organization_id,

        ----------  numerics (lifetime, at the time of the fetch)
        follower_count,

        ----------  dates and timestamps
        _partition_date as snapshot_date,
        _loaded_at as fetched_at,
        _loaded_at as loaded_at

    from source
    -- a day fetched again keeps its latest count
    {{ keep_latest_record('organization_urn, _partition_date') }}

)

select * from renamed
