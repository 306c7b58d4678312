with

source as (

    select * from {{ source('imported', 'audience_snapshots') }}

),

renamed as (

    select
        ----------  ids
        snapshot_id,
        channel_id,

        ----------  numerics
        followers as followers_count,

        ----------  dates
        measured_on,

        ----------  lineage
        url_decode(nullif(regexp_extract(_source_file, '[?&]mapping=([^&]+)', 1), '')) as import_mapping,
        _loaded_at as loaded_at

    from source
    -- the same record in several imported files: the latest import wins
    {{ keep_latest_record('snapshot_id') }}

)

select * from renamed
