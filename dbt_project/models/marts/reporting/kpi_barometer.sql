-- The 10 principles (plus extraordinary experiences) as a barometer: every principle scored 0-100 for every week,
-- month and quarter of kpi_values, channel 'all'. Each principle is measured by the proxies of
-- seeds/barometer_method.csv (the method: what each proxy measures, how it becomes 0-100, its weight, its keyword
-- rule); a proxy is read from kpi_values (an indicator of the catalog) or computed here from the marts facts.
-- score = sum(weight * proxy score) / sum(weight) over the proxies that have a value in the period (the weights of
-- the others are renormalised away); NULL when none has. Sums are taken on exact decimals (determinism).
with

method as (

    select * from {{ ref('barometer_method') }}

),

kpi_values as (

    select * from {{ ref('kpi_values') }}

),

contents as (

    select * from {{ ref('fct_contents') }}

),

conversations as (

    select * from {{ ref('fct_conversations') }}

),

interactions as (

    select * from {{ ref('fct_interactions') }}

),

mentions as (

    select * from {{ ref('fct_mentions') }}

),

response_slas as (

    select * from {{ ref('stg_strategy__response_slas') }}

),

business_hours as (

    select * from {{ ref('stg_strategy__business_hours') }}

),

holidays as (

    select * from {{ ref('stg_strategy__holidays') }}

),

listening_keywords as (

    select * from {{ ref('stg_strategy__listening_keywords') }}

),

-- the periods of kpi_values (every week, month and quarter of dim_dates)
periods as (

    select distinct
        kpi_values.grain,
        kpi_values.period_start,
        kpi_values.period_end

    from kpi_values
    where kpi_values.channel_id = 'all'

),

rules as (

    select
        max(case when method.proxy_id = 'non_promotional_share' then method.keyword_rule end) as promotional,
        max(case when method.proxy_id = 'community_credited_share' then method.keyword_rule end) as credited,
        max(case when method.proxy_id = 'conversational_contents' then method.keyword_rule end) as question,
        max(case when method.proxy_id = 'negative_mentions_answered' then method.keyword_rule end) as negative,
        max(case when method.proxy_id = 'positive_mentions_share' then method.keyword_rule end) as positive

    from method

),

----------  proxies read from kpi_values: 100 x a ratio of the catalog

ratio_proxies as (

    select
        method.proxy_id,
        kpi_values.grain,
        kpi_values.period_start,
        -- DuckDB's least and greatest skip NULLs: keep a NULL value NULL
        case when kpi_values.value is not null then least(100.0, greatest(0.0, 100.0 * kpi_values.value)) end
            as proxy_score

    from method
    inner join kpi_values
        on method.indicator_id = kpi_values.indicator_id
        and kpi_values.channel_id = 'all'
    where method.proxy_id in ('response_rate', 'share_of_voice', 'lead_conversion_rate')

),

----------  coherence: regularity of publishing (weekly contents_published) and tone across channels

weekly_published as (

    select
        kpi_values.period_start as week_start,
        cast(kpi_values.value as bigint) as contents_published

    from kpi_values
    where kpi_values.indicator_id = 'contents_published'
        and kpi_values.grain = 'week'
        and kpi_values.channel_id = 'all'

),

publishing_windows as (

    -- the period's ISO weeks, and at least the 4 weeks ending with it; exact integer sums
    select
        periods.grain,
        periods.period_start,
        count(*) as weeks,
        sum(weekly_published.contents_published) as sum_x,
        sum(weekly_published.contents_published * weekly_published.contents_published) as sum_x2

    from periods
    inner join weekly_published
        on weekly_published.week_start
            between least(periods.period_start, cast(periods.period_end - 27 as date)) and periods.period_end
    group by periods.grain, periods.period_start

),

publishing_regularity as (

    select
        'publishing_regularity' as proxy_id,
        grain,
        period_start,
        case
            when weeks < 2 then null
            when sum_x = 0 then 0.0
            -- coefficient of variation = stddev_pop / mean = sqrt(n * sum(x^2) - sum(x)^2) / sum(x)
            else greatest(0.0, 100.0 * (1 - sqrt(cast(weeks * sum_x2 - sum_x * sum_x as double)) / sum_x))
        end as proxy_score

    from publishing_windows

),

contents_flagged as (

    select
        periods.grain,
        periods.period_start,
        contents.channel_id,
        contents.comments,
        coalesce(regexp_matches(lower(contents.text), rules.promotional), false) as is_promotional,
        coalesce(regexp_matches(lower(contents.text), rules.credited), false) as is_credited,
        coalesce(regexp_matches(lower(contents.text), rules.question), false) as asks_question

    from contents
    cross join rules
    inner join periods
        on contents.published_date between periods.period_start and periods.period_end

),

channel_registers as (

    select
        grain,
        period_start,
        channel_id,
        count(*) filter (where is_promotional) / count(*) as promotional_share

    from contents_flagged
    group by grain, period_start, channel_id

),

tone_coherence as (

    select
        'tone_coherence' as proxy_id,
        grain,
        period_start,
        case
            when count(*) < 2 then null
            else 100.0 * (1 - (max(promotional_share) - min(promotional_share)))
        end as proxy_score

    from channel_registers
    group by grain, period_start

),

----------  generosity and speaking naturally: shares of the contents published

content_shares as (

    select
        grain,
        period_start,
        100.0 * count(*) filter (where not is_promotional) / count(*) as non_promotional_share,
        100.0 * count(*) filter (where is_credited) / count(*) as community_credited_share,
        100.0 * count(*) filter (where asks_question) / count(*) as conversational_contents,
        100.0 * count(*) filter (where comments > 0) / nullif(count(comments), 0) as contents_commented

    from contents_flagged
    group by grain, period_start

),

content_proxies as (

    unpivot content_shares
    on non_promotional_share, community_credited_share, conversational_contents, contents_commented
    into name proxy_id value proxy_score

),

----------  reactivity, exemplarity, agility: the conversations

conversations_timed as (

    select
        periods.grain,
        periods.period_start,
        conversations.has_response,
        response_slas.first_response_minutes as sla_minutes,
        coalesce(conversations.first_response_minutes <= response_slas.first_response_minutes, false)
            as is_within_sla,
        exists (
            select 1
            from business_hours
            where business_hours.weekday = isodow(timezone(business_hours.timezone, conversations.started_at))
                and cast(timezone(business_hours.timezone, conversations.started_at) as time)
                    >= business_hours.opens_at
                and cast(timezone(business_hours.timezone, conversations.started_at) as time)
                    < business_hours.closes_at
                and cast(timezone(business_hours.timezone, conversations.started_at) as date)
                    not in (select holidays.holiday from holidays)
        ) as is_in_business_hours

    from conversations
    inner join periods
        on conversations.started_date between periods.period_start and periods.period_end
    left join response_slas
        on conversations.channel_id = response_slas.channel_id

),

conversation_shares as (

    select
        grain,
        period_start,
        100.0 * count(*) filter (where is_within_sla) / nullif(count(sla_minutes), 0) as first_response_within_sla,
        100.0 * count(*) filter (where is_within_sla)
            / nullif(count(sla_minutes) filter (where has_response), 0) as answers_within_sla,
        -- response rate outside hours / inside (least skips NULLs: the ratio stays NULL when either is missing)
        case
            when count(*) filter (where not is_in_business_hours) > 0
                and count(*) filter (where has_response and is_in_business_hours) > 0
                then least(
                    100.0,
                    100.0
                    * (count(*) filter (where has_response and not is_in_business_hours)
                        / count(*) filter (where not is_in_business_hours))
                    / (count(*) filter (where has_response and is_in_business_hours)
                        / count(*) filter (where is_in_business_hours))
                )
        end as off_hours_response_parity

    from conversations_timed
    group by grain, period_start

),

conversation_proxies as (

    unpivot conversation_shares
    on first_response_within_sla, answers_within_sla, off_hours_response_parity
    into name proxy_id value proxy_score

),

----------  well surrounded: members answering members

member_threads as (

    select
        periods.grain,
        periods.period_start,
        exists (
            select 1
            from interactions as replies
            where replies.parent_interaction_id = threads.interaction_id
                and not replies.is_from_brand
                and replies.author_id is distinct from threads.author_id
        ) as has_peer_reply

    from interactions as threads
    inner join periods
        on threads.occurred_date between periods.period_start and periods.period_end
    where not threads.is_from_brand
        and threads.parent_interaction_id is null

),

peer_answered_share as (

    select
        'peer_answered_share' as proxy_id,
        grain,
        period_start,
        100.0 * count(*) filter (where has_peer_reply) / count(*) as proxy_score

    from member_threads
    group by grain, period_start

),

----------  transparency, strategic watch, extraordinary experiences: the mentions

mentions_flagged as (

    select
        periods.grain,
        periods.period_start,
        mentions.entity_type,
        mentions.entity_name,
        mentions.is_brand_mention,
        case
            when mentions.sentiment_label is not null then mentions.sentiment_label = 'negative'
            else coalesce(regexp_matches(lower(mentions.mention_text), rules.negative), false)
        end as is_negative,
        case
            when mentions.sentiment_label is not null then mentions.sentiment_label = 'positive'
            else coalesce(regexp_matches(lower(mentions.mention_text), rules.positive), false)
        end as is_positive,
        coalesce(conversations.has_response, false) as is_answered

    from mentions
    cross join rules
    inner join periods
        on {{ utc_date('mentions.mentioned_at') }} between periods.period_start and periods.period_end
    left join conversations
        on conversations.conversation_id = mentions.channel_id || ':' || mentions.item_id

),

declared_competitors as (

    select count(distinct entity_name) as competitors
    from listening_keywords
    where entity_type = 'competitor'

),

mention_shares as (

    select
        mentions_flagged.grain,
        mentions_flagged.period_start,
        100.0 * count(*) filter (where is_brand_mention and is_negative and is_answered)
            / nullif(count(*) filter (where is_brand_mention and is_negative), 0) as negative_mentions_answered,
        100.0 * count(*) filter (where is_brand_mention and is_positive)
            / nullif(count(*) filter (where is_brand_mention), 0) as positive_mentions_share,
        100.0 * count(distinct entity_name) filter (
            where entity_type = 'competitor'
                and entity_name in (
                    select listening_keywords.entity_name
                    from listening_keywords
                    where listening_keywords.entity_type = 'competitor'
                )
        ) / nullif(any_value(declared_competitors.competitors), 0) as competitors_tracked

    from mentions_flagged
    cross join declared_competitors
    group by mentions_flagged.grain, mentions_flagged.period_start

),

mention_proxies as (

    unpivot mention_shares
    on negative_mentions_answered, positive_mentions_share, competitors_tracked
    into name proxy_id value proxy_score

),

proxy_scores as (

    select proxy_id, grain, period_start, cast(proxy_score as double) as proxy_score from ratio_proxies
    union all
    select proxy_id, grain, period_start, cast(proxy_score as double) from publishing_regularity
    union all
    select proxy_id, grain, period_start, cast(proxy_score as double) from tone_coherence
    union all
    select proxy_id, grain, period_start, cast(proxy_score as double) from content_proxies
    union all
    select proxy_id, grain, period_start, cast(proxy_score as double) from conversation_proxies
    union all
    select proxy_id, grain, period_start, cast(proxy_score as double) from peer_answered_share
    union all
    select proxy_id, grain, period_start, cast(proxy_score as double) from mention_proxies

),

----------  every principle and proxy of the method for every period

spine as (

    select
        method.principle,
        method.proxy_id,
        method.weight,
        periods.grain,
        periods.period_start,
        periods.period_end,
        proxy_scores.proxy_score

    from method
    cross join periods
    left join proxy_scores
        on method.proxy_id = proxy_scores.proxy_id
        and periods.grain = proxy_scores.grain
        and periods.period_start = proxy_scores.period_start

),

scored as (

    select
        principle,
        grain,
        period_start,
        period_end,
        cast(sum(cast(weight * proxy_score as decimal(38, 10))) filter (where proxy_score is not null) as double)
            / nullif(cast(sum(cast(weight as decimal(38, 10))) filter (where proxy_score is not null) as double), 0)
            as score,
        coalesce(string_agg(proxy_id, ', ' order by proxy_id) filter (where proxy_score is not null), '')
            as proxies_used,
        count(proxy_score) as proxies_with_data,
        count(*) as proxies_defined

    from spine
    group by principle, grain, period_start, period_end

),

final as (

    select
        cast(principle as varchar) as principle,
        cast(grain as varchar) as grain,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast('all' as varchar) as channel_id,
        cast(round(score, 2) as double) as score,
        cast(proxies_used as varchar) as proxies_used,
        cast(proxies_with_data as integer) as proxies_with_data,
        cast(proxies_defined as integer) as proxies_defined

    from scored

)

select * from final
