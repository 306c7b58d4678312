-- The channels reported on: those of the seed (seeds/channels.csv, every channel Animateur can ingest) that
-- strategy.yml declares. The facts of an undeclared channel still count in 'all' (int_indicator_measures).
with

channels as (

    select * from {{ ref('channels') }}

),

declared_channels as (

    select * from {{ ref('stg_strategy__channels') }}

),

final as (

    select
        channels.channel_id,
        channels.channel_name,
        channels.channel_kind,
        channels.sort_order

    from channels
    inner join declared_channels
        on channels.channel_id = declared_channels.channel_id

)

select * from final
