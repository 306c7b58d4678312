-- Channels are reference data maintained in seeds/channels.csv.
with

channels as (

    select * from {{ ref('channels') }}

),

final as (

    select
        channel_id,
        channel_name,
        channel_kind,
        sort_order

    from channels

)

select * from final
