-- Followers of the archive owner, as of each imported archive.
with

source as (

    select * from {{ source('x', 'archive_followers') }}

),

renamed as (

    select
        ----------  ids
        follower_id,
        account_id,

        ----------  dates
        -- the archive's import day stands for the day the follower list was true
        _partition_date as measured_on,
        _loaded_at as loaded_at

    from source
    -- one row per follower and archive day (a later archive re-states the list)
    qualify row_number() over (partition by account_id, follower_id, _partition_date order by _loaded_at desc) = 1

)

select * from renamed
