with

interactions as (

    select * from {{ ref('int_interactions_unioned') }}

),

final as (

    select
        interaction_id,
        channel_id,
        interaction_type,
        occurred_at,
        {{ utc_date('occurred_at') }} as occurred_date,
        author_id,
        is_from_brand,
        content_id,
        parent_interaction_id

    from interactions

)

select * from final
