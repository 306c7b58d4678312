"""Dashboard formatting helpers and queries, against a small hand-made published copy.

`write_published` writes a DuckDB file in the published-copy shape (contract, section
"Published copy") with hand-made rows; test_weekly_apptest.py reuses it.
"""

from __future__ import annotations

import math
import os
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

from dashboards import data
from dashboards.formatting import (
    DASH,
    KpiCard,
    build_kpi_cards,
    format_count,
    format_count_delta,
    format_date,
    format_duration,
    format_duration_delta,
    format_percent,
    format_rate_delta,
    format_timestamp,
    format_week_label,
    format_week_short,
    is_zero_delta,
)

# --------------------------------------------------------------------------- test data
# Data spans Mon 2026-05-04 .. Wed 2026-07-01 (warehouse_max_date). Full weeks: 05-04 .. 06-22
# (Week 26 = 22–28 Jun 2026 is the latest full one); 06-29 is partial.
FIRST_DAY = date(2026, 5, 4)
MAX_DATE = date(2026, 7, 1)
LAST_FULL_WEEK = date(2026, 6, 22)
PREV_WEEK = date(2026, 6, 15)
PUBLISHED_AT = datetime(2026, 7, 2, 5, 30, tzinfo=UTC)

KPI_COLUMNS = (
    "week_start, week_end, channel_id, contents_published, interactions, reach, "
    "engagement_rate_by_reach, conversations, conversations_answered, response_rate, "
    "median_first_response_minutes"
)

# Hand-made rows for the two weeks the Weekly page compares (other weeks are filler).
# (week_start, channel_id, contents, interactions, reach, err, conversations, answered, rr, median)
EXPLICIT_KPIS = [
    (LAST_FULL_WEEK, "all", 12, 1480, 34000, 0.0431, 40, 35, 0.875, 85.0),
    (PREV_WEEK, "all", 9, 1502, 31000, 0.0398, 32, 29, 0.90625, 97.0),
    (LAST_FULL_WEEK, "facebook", 5, 1200, 30000, 0.04, 20, 20, 1.0, 42.4),
    (PREV_WEEK, "facebook", 5, 1100, 25000, 0.044, 18, 18, 1.0, 30.0),
    (LAST_FULL_WEEK, "blog", 1, None, None, None, 0, 0, None, None),
    (PREV_WEEK, "blog", 0, None, None, None, 0, 0, None, None),
]


def write_published(
    path: Path,
    *,
    warehouse_max_date: date = MAX_DATE,
    published_at: datetime = PUBLISHED_AT,
    all_contents_last_week: int = 12,
    with_reporting: bool = True,
    default_language: str | None = None,
) -> Path:
    """Write a published copy with hand-made rows, atomically (temp file + os.replace)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        con.execute(
            """
            create table dim_channels as
            select * from (values
                ('facebook', 'Facebook', 'social', 1),
                ('x', 'X', 'social', 2),
                ('blog', 'Blog', 'blog', 3),
                ('zendesk', 'Helpdesk', 'helpdesk', 4)
            ) as t(channel_id, channel_name, channel_kind, sort_order)
            """
        )
        con.execute(
            """
            create table dim_dates as
            select d::date as date_day,
                   date_trunc('week', d)::date as week_start,
                   date_trunc('month', d)::date as month_start,
                   date_trunc('quarter', d)::date as quarter_start,
                   year(d) as year, isoyear(d) as iso_year, weekofyear(d) as iso_week,
                   isodow(d) as day_of_week, isodow(d) >= 6 as is_weekend
            from generate_series(?::date, ?::date, interval 1 day) as g(d)
            """,
            [FIRST_DAY, warehouse_max_date],
        )
        # Filler: every week x (channels + 'all') with simple deterministic values.
        con.execute(
            """
            create table kpi_weekly as
            select w::date as week_start, (w + interval 6 day)::date as week_end, c.channel_id,
                   3::bigint as contents_published, 100::bigint as interactions, 2000::bigint as reach,
                   0.05::double as engagement_rate_by_reach, 10::bigint as conversations,
                   8::bigint as conversations_answered, 0.8::double as response_rate,
                   60.0::double as median_first_response_minutes
            from generate_series(?::date, date_trunc('week', ?::date), interval 7 day) as g(w)
            cross join (select channel_id from dim_channels union all select 'all') as c
            """,
            [FIRST_DAY, warehouse_max_date],
        )
        con.execute("delete from kpi_weekly where week_start in (?, ?)", [LAST_FULL_WEEK, PREV_WEEK])
        rows = [
            (
                ws,
                _week_end(ws),
                ch,
                (all_contents_last_week if (ws, ch) == (LAST_FULL_WEEK, "all") else c),
                i,
                r,
                e,
                cv,
                a,
                rr,
                m,
            )
            for ws, ch, c, i, r, e, cv, a, rr, m in EXPLICIT_KPIS
        ]
        for channel in ("x", "zendesk"):
            for ws in (LAST_FULL_WEEK, PREV_WEEK):
                rows.append((ws, _week_end(ws), channel, 3, 100, 2000, 0.05, 10, 8, 0.8, 60.0))
        con.executemany(
            f"insert into kpi_weekly ({KPI_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
        )
        con.execute(
            """
            create table fct_contents as
            select 'facebook:104000000000001_1' as content_id, 'facebook' as channel_id,
                   '104000000000001_1' as platform_content_id,
                   timestamptz '2026-06-23 09:00:00+00' as published_at, date '2026-06-23' as published_date,
                   date '2026-06-22' as week_start, 'Hello' as text,
                   'https://www.facebook.com/104000000000001/posts/1/' as url, 'added_photos' as content_format,
                   1000::bigint as reach, 1500::bigint as impressions, 40::bigint as reactions,
                   5::bigint as comments, 2::bigint as shares, 12::bigint as clicks,
                   47::bigint as interactions, true as has_reach
            """
        )
        con.execute(
            """
            create table fct_conversations as
            select * from (values
                ('facebook:1_2', 'facebook', timestamptz '2026-06-23 10:00:00+00', date '2026-06-23',
                 date '2026-06-22', '42', timestamptz '2026-06-23 10:42:24+00', 42.4, true, 42.4, 120.0, false,
                 null::timestamptz, null::double, false, null, null::boolean),
                ('zendesk:7', 'zendesk', timestamptz '2026-06-24 08:00:00+00', date '2026-06-24',
                 date '2026-06-22', '43', timestamptz '2026-06-24 18:00:00+00', 600.0, true, 540.0, 480.0, true,
                 timestamptz '2026-06-25 10:00:00+00', 600.0, true, 'good', true),
                ('x:9', 'x', timestamptz '2026-06-30 09:00:00+00', date '2026-06-30',
                 date '2026-06-29', '44', null::timestamptz, null::double, false, null::double, 60.0, true,
                 null::timestamptz, null::double, false, null, null::boolean)
            ) as t(conversation_id, channel_id, started_at, started_date, week_start, author_id,
                   first_response_at, first_response_minutes, has_response, first_response_business_minutes,
                   response_sla_minutes, is_sla_breached, resolved_at, resolution_business_minutes, is_resolved,
                   satisfaction_score, is_satisfied)
            """
        )
        if with_reporting:
            _write_reporting_tables(con, warehouse_max_date)
        con.execute(
            "create table publication as select ?::timestamptz as published_at, ?::date as warehouse_max_date",
            [published_at, warehouse_max_date],
        )
        if default_language:
            con.execute(
                "create table organisation as select 'Maison Test' as name, 'luxury_brand' as field, "
                "'Europe/Paris' as timezone, ? as default_language",
                [default_language],
            )
    finally:
        con.close()
    os.replace(tmp, path)
    return path


# The tables of the Monthly, Strategic, Explore, Members and Data health pages, hand-made in the published
# shapes (for L's, M's and R's tables: the columns of /tmp/briefs5/contract.md, "Names everyone relies on").
MAY, JUNE = date(2026, 5, 1), date(2026, 6, 1)
Q2 = date(2026, 4, 1)


def _write_reporting_tables(con, warehouse_max_date: date) -> None:
    con.execute(
        """
        create table indicator_catalog as select * from (values
            ('contents_published', 'Contents published', 'marketing', 'coherence', 'publishing', 'period',
             'count of fct_contents', 'contents_published', null, 1.0, 'count', 'higher_is_better', true, ''),
            ('interactions', 'Interactions', 'marketing', 'speaking_naturally', 'engagement', 'lifetime',
             'sum of interactions', 'interactions', null, 1.0, 'count', 'higher_is_better', false, ''),
            ('conversation_rate', 'Conversation rate', 'marketing', 'speaking_naturally', 'engagement', 'lifetime',
             'sum(comments) / number of contents published', 'comments', 'contents', 1.0, 'ratio',
             'higher_is_better', false, ''),
            ('conversations_answered', 'Conversations answered', 'customer_service', 'reactivity',
             'responsiveness', 'period', 'count', 'conversations_answered', null, 1.0, 'count',
             'higher_is_better', true, ''),
            ('response_rate', 'Response rate', 'customer_service', 'reactivity', 'responsiveness', 'period',
             'conversations_answered / conversations', 'conversations_answered', 'conversations', 1.0, 'ratio',
             'higher_is_better', false, ''),
            ('brand_mentions', 'Brand mentions', 'public_relations', 'listening', 'listening', 'period',
             'count', 'brand_mentions', null, 1.0, 'count', 'higher_is_better', true, ''),
            ('share_of_voice', 'Share of voice', 'public_relations', 'strategic_watch', 'listening', 'period',
             'brand mentions / all tracked mentions', 'brand_mentions', 'tracked_mentions', 1.0, 'ratio',
             'higher_is_better', false, ''),
            ('leads', 'Leads', 'business_development', 'generosity', 'business', 'period', 'count', 'leads',
             null, 1.0, 'count', 'higher_is_better', true, ''),
            ('social_leads', 'Social leads', 'business_development', 'generosity', 'business', 'period', 'count',
             'social_leads', null, 1.0, 'count', 'higher_is_better', true, '')
        ) as t(indicator_id, label, job, principle, family, kind, formula, numerator_measure,
               denominator_measure, scale, unit, direction, zero_when_empty, description)
        """
    )
    # the French names and the principles come from the real seeds (their one source)
    seeds = REPO_ROOT / "dbt_project" / "seeds"
    con.execute("alter table indicator_catalog add column label_fr varchar")
    con.execute("update indicator_catalog as i set label_fr = s.label_fr from read_csv(?, all_varchar = true) as s "
                "where s.indicator_id = i.indicator_id", [str(seeds / "indicator_catalog.csv")])
    con.execute("create table principles as select * from read_csv(?)", [str(seeds / "principles.csv")])
    con.execute(
        """
        create table check_results as select * from (values
            ('not_null_fct_contents_content_id', 'marts/fct_contents', 'passed', true, 'ERROR', null, null,
             timestamptz '2026-06-29 06:10:00+00'),
            ('kpi_weekly_expectations', 'marts/kpi_weekly', 'warned', false, 'WARN', '1 expectation failed', null,
             timestamptz '2026-06-29 06:12:00+00'),
            ('x_tweets_check', 'raw/x/tweets', 'not_run', null, null, null, null, null)
        ) as t(check_name, asset_key, status, passed, severity, description, metadata, evaluated_at)
        """
    )
    # kpi_values: month and quarter grains, channel 'all' (+ facebook for the trend chart)
    con.execute(
        """
        create table kpi_values as select * from (values
            ('contents_published', 'month', date '2026-05-01', date '2026-05-31', 'all', 40.0, null, 40.0),
            ('contents_published', 'month', date '2026-06-01', date '2026-06-30', 'all', 44.0, null, 44.0),
            ('contents_published', 'month', date '2026-05-01', date '2026-05-31', 'facebook', 18.0, null, 18.0),
            ('interactions', 'month', date '2026-05-01', date '2026-05-31', 'all', 5000.0, null, 5000.0),
            ('leads', 'month', date '2026-05-01', date '2026-05-31', 'all', 12.0, null, 12.0),
            ('social_leads', 'month', date '2026-05-01', date '2026-05-31', 'all', 5.0, null, 5.0),
            ('contents_published', 'quarter', date '2026-04-01', date '2026-06-30', 'all', 84.0, null, 84.0),
            ('interactions', 'quarter', date '2026-04-01', date '2026-06-30', 'all', 10368.0, null, 10368.0),
            ('conversations_answered', 'quarter', date '2026-04-01', date '2026-06-30', 'all', 1796.0, null,
             1796.0),
            ('response_rate', 'quarter', date '2026-04-01', date '2026-06-30', 'all', 1796.0, 2173.0,
             1796.0 / 2173.0),
            ('brand_mentions', 'quarter', date '2026-04-01', date '2026-06-30', 'all', 826.0, null, 826.0),
            ('share_of_voice', 'quarter', date '2026-04-01', date '2026-06-30', 'all', 826.0, 1403.0,
             826.0 / 1403.0),
            ('leads', 'quarter', date '2026-04-01', date '2026-06-30', 'all', 30.0, null, 30.0),
            ('social_leads', 'quarter', date '2026-04-01', date '2026-06-30', 'all', 9.0, null, 9.0),
            ('contents_published', 'quarter', date '2026-01-01', date '2026-03-31', 'all', 60.0, null, 60.0)
        ) as t(indicator_id, grain, period_start, period_end, channel_id, numerator, denominator, value)
        """
    )
    con.execute(
        """
        create table kpi_attainment as select * from (values
            ('engage', 'marketing', 'interactions', 'month', date '2026-05-01', 'all', 5000.0, 4000.0, 1000.0,
             1.25, 'green', 'higher_is_better'),
            ('engage', 'marketing', 'interactions', 'month', date '2026-06-01', 'all', 3000.0, 4000.0, -1000.0,
             0.75, 'red', 'higher_is_better'),
            ('answer', 'customer_service', 'response_rate', 'month', date '2026-06-01', 'all', 0.8, 0.85, -0.05,
             0.94, 'amber', 'higher_is_better'),
            ('answer', 'customer_service', 'response_rate', 'month', date '2026-05-01', 'all', null, 0.85, null,
             null, 'no_data', 'higher_is_better')
        ) as t(objective_id, job, indicator_id, grain, period_start, channel_id, value, target, gap, attainment,
               status, direction)
        """
    )
    con.execute(
        """
        create table kpi_barometer as
        select principle, 'quarter' as grain, date '2026-04-01' as period_start, date '2026-06-30' as period_end,
               'all' as channel_id, score, '' as proxies_used, 1 as proxies_with_data, 1 as proxies_defined
        from (values ('listening', 82.5), ('reactivity', 44.6), ('coherence', 56.4), ('generosity', 33.6),
                     ('transparency', 92.7)) as t(principle, score)
        """
    )
    con.execute(
        """
        create table fct_mentions as select * from (values
            ('m1', 'x', '1', 'x_search', 'Maison Lumière', 'brand', true, 'maison lumière', 'J''adore Maison Lumière',
             'https://x.com/a/status/1', 'fr', 'positive', timestamptz '2026-06-24 10:00:00+00', date '2026-06-24'),
            ('m2', 'x', '2', 'x_search', 'Bougies Céleste', 'competitor', false, 'bougies céleste',
             'Bougies Céleste, bof', 'https://x.com/b/status/2', 'fr', 'negative',
             timestamptz '2026-06-25 10:00:00+00', date '2026-06-25')
        ) as t(mention_id, channel_id, item_id, origin, entity_name, entity_type, is_brand_mention, matched_keyword,
               mention_text, mention_url, language_code, sentiment_label, mentioned_at, mentioned_on)
        """
    )
    con.execute(
        """
        create table fct_leads as select * from (values
            ('l1', 'facebook', true, 'facebook', 'social', 'spring', 'Social media', 'lead', false, null::double,
             null, timestamptz '2026-05-12 10:00:00+00', date '2026-05-12', null::timestamptz)
        ) as t(lead_id, attributed_channel_id, is_social_lead, utm_source, utm_medium, utm_campaign, lead_source,
               lifecycle_stage, is_converted, deal_amount, currency, created_at, created_on, converted_at)
        """
    )
    con.execute(
        """
        create table load_summary as select * from (values
            ('facebook', 'posts', date '2026-06-30', 'facebook/posts/2026-06-30.json', 10, 9, 1,
             'invalid or missing created_time', timestamptz '2026-07-02 05:00:00+00'),
            ('zendesk', 'tickets', ?, 'zendesk/tickets/x.json', 20, 20, 0, null,
             timestamptz '2026-07-02 05:00:00+00')
        ) as t(source, entity, partition_date, source_file, records_in, records_loaded, records_quarantined,
               quarantine_reasons, loaded_at)
        """,
        [warehouse_max_date],
    )
    # listening marts (L)
    con.execute(
        """
        create table listening_share_of_voice as
        select * from (values
            ('month', date '2026-05-01', 'all', 'Maison Lumière', 'brand', 60, 0.6, 30, 20, 10, 0.33),
            ('month', date '2026-05-01', 'all', 'Bougies Céleste', 'competitor', 40, 0.4, 10, 20, 10, 0.0),
            ('quarter', date '2026-04-01', 'all', 'Maison Lumière', 'brand', 826, 0.5887, 400, 300, 126, 0.33),
            ('quarter', date '2026-04-01', 'all', 'Bougies Céleste', 'competitor', 577, 0.4113, 100, 400, 77,
             0.04)
        ) as t(grain, period_start, channel_id, entity_name, entity_type, mentions, share_of_voice, positive,
               neutral, negative, net_sentiment)
        """
    )
    con.execute(
        """
        create table listening_keywords as select * from (values
            ('month', date '2026-05-01', 'Maison Lumière', 'bougie', 25, 1),
            ('month', date '2026-05-01', 'Maison Lumière', 'grasse', 12, 2)
        ) as t(grain, period_start, entity_name, keyword, mentions, rank)
        """
    )
    # member marts (M): pseudonymous member_key only
    con.execute(
        """
        create table dim_members as select * from (values
            ('m_00aa11bb22cc33dd', timestamptz '2026-05-04 10:00:00+00', timestamptz '2026-06-27 10:00:00+00',
             ['facebook', 'x'], 2, true, false, false, 40, 'leader', 'active', 'core', true),
            ('m_44ee55ff66aa77bb', timestamptz '2026-05-10 10:00:00+00', timestamptz '2026-06-20 10:00:00+00',
             ['zendesk'], 1, false, false, false, 3, 'explorer', 'active', 'casual', false),
            ('m_teammate00000000', timestamptz '2026-05-04 10:00:00+00', timestamptz '2026-06-20 10:00:00+00',
             ['facebook'], 1, false, true, false, 90, 'leader', 'active', 'core', false)
        ) as t(member_key, first_seen_at, last_active_at, channels, accounts, is_resolved_across_accounts,
               is_teammate, is_bot, activities, level, lifecycle_state, activity_tier, is_ambassador)
        """
    )
    con.execute(
        """
        create table member_levels_monthly as select * from (values
            ('m_00aa11bb22cc33dd', date '2026-05-01', 12.0, 'participant', null, 'new', 'new', 'core', false),
            ('m_00aa11bb22cc33dd', date '2026-06-01', 30.0, 'leader', 'participant', 'promoted', 'active', 'core',
             true),
            ('m_44ee55ff66aa77bb', date '2026-05-01', 2.0, 'explorer', null, 'new', 'new', 'casual', false),
            ('m_44ee55ff66aa77bb', date '2026-06-01', 1.0, 'explorer', 'explorer', 'stayed', 'active', 'casual',
             false)
        ) as t(member_key, month_start, activity_score, level, previous_level, level_move, lifecycle_state,
               activity_tier, is_ambassador)
        """
    )
    con.execute(
        """
        create table community_health_monthly as select * from (values
            (date '2026-05-01', 'all', 2, 2, 0, 0, 0, 0.0),
            (date '2026-06-01', 'all', 2, 0, 0, 1, 1, 0.25)
        ) as t(month_start, channel_id, active_members, new_members, returning_members, ambassadors, core_members,
               peer_support_ratio)
        """
    )


def _week_end(week_start: date) -> date:
    return date.fromordinal(week_start.toordinal() + 6)


@pytest.fixture
def published(tmp_path: Path) -> Path:
    return write_published(tmp_path / "published" / "animateur.duckdb")


# --------------------------------------------------------------------------- formatting
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (7, "7"),
        (1234, "1,234"),
        (1234567, "1,234,567"),
        (12.5, "13"),
        (None, DASH),
        (math.nan, DASH),
    ],
)
def test_format_count(value, expected):
    assert format_count(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0431, "4.3%"),
        (0.875, "87.5%"),
        (0.90625, "90.6%"),
        (1.0, "100.0%"),
        (0.0, "0.0%"),
        (1.5, "150.0%"),
        (None, DASH),
        (math.nan, DASH),
    ],
)
def test_format_percent(value, expected):
    assert format_percent(value) == expected


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (None, DASH),
        (math.nan, DASH),
        (0, "0 min"),
        (0.3, "< 1 min"),
        (0.5, "1 min"),
        (42.4, "42 min"),
        (42.5, "43 min"),
        (59.6, "1 h"),
        (60, "1 h"),
        (85, "1 h 25 min"),
        (97, "1 h 37 min"),
        (120, "2 h"),
        (1439.6, "1 d"),
        (1565, "1 d 2 h"),
        (2 * 1440 + 30, "2 d"),
    ],
)
def test_format_duration(minutes, expected):
    assert format_duration(minutes) == expected


def test_deltas():
    assert format_count_delta(12, 9) == "+3"
    assert format_count_delta(1480, 1502) == "-22"
    assert format_count_delta(2500, 1000) == "+1,500"
    assert format_count_delta(5, 5) == "0"
    assert format_count_delta(None, 5) is None
    assert format_count_delta(5, None) is None

    assert format_rate_delta(0.0431, 0.0398) == "+0.3 pp"
    assert format_rate_delta(0.875, 0.90625) == "-3.1 pp"
    assert format_rate_delta(0.04, 0.044) == "-0.4 pp"
    assert format_rate_delta(1.0, 1.0) == "0.0 pp"
    assert format_rate_delta(None, 0.5) is None

    assert format_duration_delta(85, 97) == "-12 min"
    assert format_duration_delta(42.4, 30) == "+12 min"
    assert format_duration_delta(150, 85) == "+1 h 5 min"
    assert format_duration_delta(30.2, 30) == "0 min"
    assert format_duration_delta(None, 30) is None

    assert is_zero_delta("0") and is_zero_delta("0.0 pp") and is_zero_delta("0 min")
    assert not is_zero_delta("+3") and not is_zero_delta(None) and not is_zero_delta("-0.4 pp")


def test_dates():
    assert format_week_label(date(2026, 6, 22)) == "Week 26 · 22–28 Jun 2026"
    assert format_week_label(date(2026, 6, 29)) == "Week 27 · 29 Jun – 5 Jul 2026"
    assert format_week_label(date(2025, 12, 29)) == "Week 1 · 29 Dec 2025 – 4 Jan 2026"
    assert format_week_short(date(2026, 6, 15)) == "W25"
    assert format_date(date(2026, 7, 1)) == "1 Jul 2026"
    assert format_timestamp(PUBLISHED_AT) == "2 Jul 2026, 05:30 UTC"
    assert format_timestamp(datetime(2026, 7, 2, 7, 30)) == "2 Jul 2026, 07:30 UTC"
    cest = timezone(timedelta(hours=2))
    assert format_timestamp(datetime(2026, 7, 2, 7, 30, tzinfo=cest)) == "2 Jul 2026, 05:30 UTC"


def _row(week_start, channel_id):
    for ws, ch, c, i, r, e, cv, a, rr, m in EXPLICIT_KPIS:
        if (ws, ch) == (week_start, channel_id):
            return {
                "contents_published": c,
                "interactions": i,
                "reach": r,
                "engagement_rate_by_reach": e,
                "conversations": cv,
                "conversations_answered": a,
                "response_rate": rr,
                "median_first_response_minutes": m,
            }
    raise KeyError((week_start, channel_id))


def _summary(cards: list[KpiCard]):
    return [(c.label, c.value, c.delta, c.delta_color, c.delta_arrow) for c in cards]


def test_build_kpi_cards_all_channels():
    cards = build_kpi_cards(_row(LAST_FULL_WEEK, "all"), _row(PREV_WEEK, "all"), "all")
    assert _summary(cards) == [
        ("Contents published", "12", "+3", "normal", "auto"),
        ("Interactions", "1,480", "-22", "normal", "auto"),
        ("Engagement rate by reach", "4.3%", "+0.3 pp", "normal", "auto"),
        ("Conversations", "40", "+8", "normal", "auto"),
        ("Response rate", "87.5%", "-3.1 pp", "normal", "auto"),
        ("Median first response time", "1 h 25 min", "-12 min", "inverse", "auto"),
    ]
    assert [c.group for c in cards] == ["Publishing"] * 3 + ["Conversations"] * 3
    assert all("Denominator" in c.help for c in cards)
    assert "÷ sum of reach" in cards[2].help and "reach > 0" in cards[2].help
    assert "÷ conversations started" in cards[4].help
    assert "not an average" in cards[4].help


def test_build_kpi_cards_zero_and_missing():
    fb = build_kpi_cards(_row(LAST_FULL_WEEK, "facebook"), _row(PREV_WEEK, "facebook"), "facebook")
    assert _summary(fb) == [
        ("Contents published", "5", "0", "off", "off"),
        ("Interactions", "1,200", "+100", "normal", "auto"),
        ("Engagement rate by reach", "4.0%", "-0.4 pp", "normal", "auto"),
        ("Conversations", "20", "+2", "normal", "auto"),
        ("Response rate", "100.0%", "0.0 pp", "off", "off"),
        ("Median first response time", "42 min", "+12 min", "inverse", "auto"),
    ]
    assert all("not an average" not in c.help for c in fb)
    blog = build_kpi_cards(_row(LAST_FULL_WEEK, "blog"), _row(PREV_WEEK, "blog"), "blog")
    assert [(c.value, c.delta) for c in blog] == [
        ("1", "+1"),
        (DASH, None),
        (DASH, None),
        ("0", "0"),
        (DASH, None),
        (DASH, None),
    ]
    assert [(c.delta_color, c.delta_arrow) for c in blog][3] == ("off", "off")
    empty = build_kpi_cards(None, None)
    assert [(c.value, c.delta) for c in empty] == [(DASH, None)] * 6


# --------------------------------------------------------------------------- queries
def test_published_path_env(monkeypatch, tmp_path):
    monkeypatch.delenv("ANIMATEUR_PUBLISHED", raising=False)
    monkeypatch.delenv("ANIMATEUR_DATA_DIR", raising=False)
    assert data.published_path() == data.REPO_ROOT / "data" / "published" / "animateur.duckdb"
    monkeypatch.setenv("ANIMATEUR_DATA_DIR", str(tmp_path / "d"))
    assert data.published_path() == tmp_path / "d" / "published" / "animateur.duckdb"
    monkeypatch.setenv("ANIMATEUR_PUBLISHED", str(tmp_path / "p.duckdb"))
    assert data.published_path() == tmp_path / "p.duckdb"


def test_queries(published, monkeypatch):
    monkeypatch.setenv("ANIMATEUR_PUBLISHED", str(published))
    pub = data.publication()
    assert pub.warehouse_max_date == MAX_DATE
    assert pub.published_at == PUBLISHED_AT
    assert format_timestamp(pub.published_at) == "2 Jul 2026, 05:30 UTC"

    assert data.latest_full_week() == LAST_FULL_WEEK
    assert data.previous_week(LAST_FULL_WEEK) == PREV_WEEK

    row = data.kpis(LAST_FULL_WEEK, "all")
    assert row["week_end"] == date(2026, 6, 28)
    assert (row["contents_published"], row["interactions"], row["conversations_answered"]) == (12, 1480, 35)
    assert row["response_rate"] == pytest.approx(0.875)
    assert row["median_first_response_minutes"] == pytest.approx(85.0)
    blog = data.kpis(LAST_FULL_WEEK, "blog", published)
    assert blog["interactions"] is None and blog["response_rate"] is None
    assert data.kpis(date(2020, 1, 6), "all") is None
    # values are bound, never interpolated
    assert data.kpis(LAST_FULL_WEEK, "all' or '1'='1") is None

    channels = data.channels()
    assert channels["channel_id"].tolist() == ["facebook", "x", "blog", "zendesk"]
    assert channels["channel_name"].tolist() == ["Facebook", "X", "Blog", "Helpdesk"]

    series = data.weekly_series(LAST_FULL_WEEK, 12)
    # data starts 2026-05-04: 8 full weeks (05-04 .. 06-22) x 5 channel ids; partial 06-29 excluded
    assert len(series) == 40
    assert sorted(set(series["week_start"])) == [
        date(2026, 5, 4 + 7 * i) if i < 4 else date(2026, 6, 1 + 7 * (i - 4)) for i in range(8)
    ]
    fb = series[series["channel_id"] == "facebook"]
    assert fb["week_start"].tolist() == sorted(fb["week_start"].tolist())
    assert fb["interactions"].tolist()[-2:] == [1100, 1200]
    assert len(data.weekly_series(LAST_FULL_WEEK, 2)) == 10


@pytest.mark.parametrize(
    ("max_date", "expected"),
    [
        (date(2026, 6, 28), LAST_FULL_WEEK),
        (date(2026, 6, 27), PREV_WEEK),
        (date(2026, 7, 5), date(2026, 6, 29)),
    ],
)
def test_latest_full_week_boundaries(tmp_path, max_date, expected):
    path = write_published(tmp_path / "p.duckdb", warehouse_max_date=max_date)
    assert data.latest_full_week(path) == expected


def test_latest_full_week_none_when_no_full_week(tmp_path):
    path = write_published(tmp_path / "p.duckdb", warehouse_max_date=date(2026, 5, 6))
    assert data.latest_full_week(path) is None


def test_new_publication_is_picked_up(published):
    assert data.kpis(LAST_FULL_WEEK, "all", published)["contents_published"] == 12
    before = data.published_version(published)
    write_published(published, all_contents_last_week=15)  # atomic replace, as the pipeline does
    assert data.published_version(published) != before
    assert data.kpis(LAST_FULL_WEEK, "all", published)["contents_published"] == 15


def test_retry_on_io_exception(published, monkeypatch):
    real_connect = duckdb.connect
    calls, sleeps = [], []

    def flaky_connect(path, read_only=False):
        calls.append((path, read_only))
        if len(calls) <= 2:
            raise duckdb.IOException("Could not set lock on file (being replaced)")
        return real_connect(path, read_only=read_only)

    monkeypatch.setattr(data.duckdb, "connect", flaky_connect)
    monkeypatch.setattr(data.time, "sleep", sleeps.append)
    columns, rows = data._query(
        str(published), "select count(*) as n from dim_channels where sort_order >= ?", [2]
    )
    assert (columns, rows) == (["n"], [(3,)])
    assert len(calls) == 3 and all(read_only for _, read_only in calls)
    assert sleeps == pytest.approx([0.2, 0.4])


def test_retry_gives_up(published, monkeypatch):
    def broken_connect(path, read_only=False):
        raise duckdb.IOException("still locked")

    monkeypatch.setattr(data.duckdb, "connect", broken_connect)
    monkeypatch.setattr(data.time, "sleep", lambda s: None)
    with pytest.raises(duckdb.IOException):
        data._query(str(published), "select 1")


def test_missing_published_file(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere" / "animateur.duckdb"
    monkeypatch.setenv("ANIMATEUR_PUBLISHED", str(missing))
    assert not data.published_exists()
    assert data.published_version() is None
    with pytest.raises(data.PublishedDataMissing):
        data.latest_full_week()
    assert not missing.exists()  # read-only: never creates the file


def test_indicator_names_in_french_come_from_the_catalog(published):
    import csv

    with (REPO_ROOT / "dbt_project" / "seeds" / "indicator_catalog.csv").open(encoding="utf-8") as fh:
        seed = {row["indicator_id"]: row for row in csv.DictReader(fh)}
    assert all(row["label_fr"].strip() for row in seed.values()), "every indicator needs a French name"
    english = data.catalog(published).set_index("indicator_id")["label"]
    french = data.catalog(published, lang="fr").set_index("indicator_id")["label"]
    assert english["response_rate"] == "Response rate"
    assert french["response_rate"] == seed["response_rate"]["label_fr"] == "Taux de réponse"
    values = data.indicator_values("month", date(2026, 5, 1), date(2026, 6, 1), published, lang="fr")
    assert set(values.loc[values["indicator_id"] == "contents_published", "label"]) == {"Contenus publiés"}


def test_principle_names_come_from_the_principles_seed(published):
    english = data.barometer(date(2026, 4, 1), date(2026, 4, 1), published)
    french = data.barometer(date(2026, 4, 1), date(2026, 4, 1), published, lang="fr")
    assert dict(zip(english["principle"], english["principle_label"], strict=True))["listening"] == "Listening"
    assert dict(zip(french["principle"], french["principle_label"], strict=True))["reactivity"] == "Réactivité"


def test_check_results_worst_first_with_counts_by_status(published):
    results = data.check_results(published)
    assert results["status"].tolist() == ["warned", "not_run", "passed"]
    assert data.check_status_counts(published) == {"failed": 0, "warned": 1, "running": 0, "not_run": 1,
                                                   "passed": 1}


def test_waiting_horizon_is_the_data_end_not_the_latest_start_plus_the_longest_wait():
    import pandas as pd

    # two conversations waiting until the data's latest instant, 2026-06-28 20:00 UTC
    end = pd.Timestamp("2026-06-28 20:00", tz="UTC")
    starts = pd.Series([pd.Timestamp("2026-06-01 08:00", tz="UTC"), pd.Timestamp("2026-06-27 10:00", tz="UTC")])
    waiting = pd.DataFrame({"started_at": starts, "waiting_minutes": (end - starts).dt.total_seconds() // 60})
    assert data.waiting_horizon(waiting) == end
    assert data.waiting_horizon(waiting.iloc[0:0]) is None
