with

source as (

    select * from {{ source('zendesk', 'satisfaction_ratings') }}

),

renamed as (

    select
        ----------  ids
        satisfaction_rating_id,
        ticket_id,
        assignee_id,
        requester_id,
        group_id,

        ----------  text
        score as satisfaction_score,
        nullif(trim(comment), '') as rating_comment,
        reason as rating_reason,

        ----------  booleans
        score in ('good', 'bad') as is_rated,
        score = 'good' as is_good,
        nullif(trim(comment), '') is not null as has_comment,

        ----------  timestamps
        created_at,
        updated_at,
        _loaded_at as loaded_at

    from source
    -- a rating fetched again (a day re-fetched, a rating changed) keeps its latest state
    {{ keep_latest_record('satisfaction_rating_id') }}

)

select * from renamed
