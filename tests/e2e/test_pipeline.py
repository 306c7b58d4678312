"""End to end: the whole pipeline materialized for real (Dagster run, DuckDB, dbt build with its tests, the GX
check, publication) on demo data generated with a fixed seed, checked against values this test computes itself
from the generated files (tests/e2e/expected_kpis.py reads the JSON/XML with the standard library)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

import duckdb
import pytest

from tests.conftest import DEMO_END, fail_with_output
from tests.e2e.expected_kpis import expected_kpi_weekly

pytestmark = pytest.mark.e2e

CHANNELS = ["facebook", "x", "instagram", "blog", "zendesk", "all"]
KPI_COLUMNS = [
    "contents_published", "interactions", "reach", "engagement_rate_by_reach", "conversations",
    "conversations_answered", "response_rate", "median_first_response_minutes",
]
LAST_WEEK = DEMO_END - timedelta(days=6)
CHECKED_WEEKS = [LAST_WEEK - timedelta(weeks=n) for n in range(4)]


def read_only(path):
    con = duckdb.connect(str(path), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    return con


@pytest.mark.parametrize("week_start", CHECKED_WEEKS, ids=str)
@pytest.mark.parametrize("channel_id", CHANNELS)
def test_kpi_weekly_equals_values_computed_from_the_generated_files(built_warehouse, week_start, channel_id):
    with read_only(built_warehouse.warehouse_path) as con:
        row = con.execute(
            f"select {', '.join(KPI_COLUMNS)} from marts.kpi_weekly where week_start = ? and channel_id = ?",
            [week_start, channel_id],
        ).fetchone()
    assert row is not None, f"no kpi_weekly row for {week_start} / {channel_id}"
    actual = dict(zip(KPI_COLUMNS, row, strict=True))
    expected = expected_kpi_weekly(built_warehouse.inbox, week_start, channel_id)
    for column in KPI_COLUMNS:
        if expected[column] is None:
            assert actual[column] is None, column
        else:
            assert actual[column] == pytest.approx(expected[column], rel=1e-9), column


def test_the_demo_week_has_activity_on_every_channel(built_warehouse):
    # Guards the test above against vacuous success on an empty week.
    for channel_id in ["facebook", "x", "instagram", "blog"]:
        assert expected_kpi_weekly(built_warehouse.inbox, LAST_WEEK, channel_id)["contents_published"] > 0
    for channel_id in ["facebook", "x", "instagram", "zendesk"]:
        expected = expected_kpi_weekly(built_warehouse.inbox, LAST_WEEK, channel_id)
        assert expected["conversations"] > expected["conversations_answered"] > 0
    assert expected_kpi_weekly(built_warehouse.inbox, LAST_WEEK, "all")["engagement_rate_by_reach"] > 0


def count_records(inbox, source, feed, array_key) -> int:
    """Records in the generated files, counted with the standard library."""
    total = 0
    for path in sorted((inbox / source / feed).glob("*")):
        if path.suffix == ".xml":
            total += len(ElementTree.parse(path).getroot().findall("./channel/item"))
        else:
            total += len(json.loads(path.read_text()).get(array_key, []))
    return total


@pytest.mark.parametrize(
    ("source", "feed", "table", "array_key"),
    [
        ("facebook", "posts", "posts", "data"),
        ("facebook", "comments", "comments", "data"),
        ("x", "tweets", "tweets", "data"),
        ("x", "mentions", "mentions", "data"),
        ("x", "search", "search", "data"),
        ("blog", "rss", "posts", None),
        ("zendesk", "tickets", "tickets", "tickets"),
        ("zendesk", "tickets", "ticket_metrics", "metric_sets"),
        ("instagram", "media", "media", "data"),
        ("instagram", "media_insights", "media_insights", "data"),
        ("instagram", "comments", "comments", "data"),
    ],
)
def test_raw_equals_loaded_plus_quarantined(built_warehouse, source, feed, table, array_key):
    records_in = count_records(built_warehouse.inbox, source, feed, array_key)
    with read_only(built_warehouse.warehouse_path) as con:
        loaded = con.execute(f"select count(*) from {source}.{table}").fetchone()[0]
        quarantined = con.execute(
            "select count(*) from raw.quarantine where source = ? and entity = ?", [source, table]
        ).fetchone()[0]
        logged = con.execute(
            "select sum(records_in), sum(records_loaded), sum(records_quarantined) from raw.loads "
            "where source = ? and entity = ?", [source, table],
        ).fetchone()
    assert records_in > 0
    assert records_in == loaded + quarantined
    assert logged == (records_in, loaded, quarantined)


@pytest.mark.parametrize(
    ("source", "table", "reason"),
    [
        ("facebook", "posts", 'invalid or missing created_time: "not-a-date"'),
        ("facebook", "comments", "invalid or missing from.id: absent"),
        ("x", "mentions", "invalid or missing id: absent"),
        ("zendesk", "tickets", "invalid or missing created_at: null"),
        ("instagram", "media", 'invalid or missing timestamp: "not-a-date"'),
        ("instagram", "comments", "invalid or missing media.id: absent"),
    ],
)
def test_malformed_demo_records_end_in_quarantine_with_their_reason(built_warehouse, source, table, reason):
    with read_only(built_warehouse.warehouse_path) as con:
        rows = con.execute(
            "select source_file, record_index, payload from raw.quarantine "
            "where source = ? and entity = ? and reason = ?", [source, table, reason],
        ).fetchall()
    assert rows, f"no quarantined {source}.{table} record with reason {reason!r}"
    for source_file, record_index, payload in rows:
        # The quarantine row points at the exact record of the exact file, and keeps it whole.
        page = json.loads(Path(source_file).read_text())
        records = page["data"] if "data" in page else page["tickets"]
        assert json.loads(payload) == records[record_index - 1]


def fingerprint(path) -> dict[str, tuple]:
    """Row count and an order-independent hash of every table's rows."""
    with read_only(path) as con:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() where not temporary order by all"
        ).fetchall()
        return {
            f"{schema}.{table}": con.execute(
                f'select count(*), sum(hash(t)) from "{schema}"."{table}" as t'
            ).fetchone()
            for schema, table in tables
        }


def check_statuses(path) -> dict[tuple[str, str], str]:
    """Every published check's outcome, without the run that evaluated it."""
    with read_only(path) as con:
        rows = con.execute("select asset_key, check_name, status from check_results").fetchall()
    return {(asset_key, check_name): status for asset_key, check_name, status in rows}


def test_rematerializing_the_same_partitions_leaves_every_table_unchanged(built_warehouse):
    before = fingerprint(built_warehouse.warehouse_path)
    published_before = fingerprint(built_warehouse.published_path)
    checks_before = check_statuses(built_warehouse.published_path)
    fail_with_output(built_warehouse.run_build(), "the second build")
    after = fingerprint(built_warehouse.warehouse_path)
    published_after = fingerprint(built_warehouse.published_path)
    checks_after = check_statuses(built_warehouse.published_path)
    assert before.keys() == after.keys()
    assert {k: v for k, v in after.items() if v != before[k]} == {}
    assert len(before) > 15 and all(count > 0 for count, _ in (before[t] for t in ("marts.kpi_weekly", "raw.pages")))
    published_before.pop("main.publication")  # records when it was published, by design
    published_after.pop("main.publication")
    # check_results names the run of each check's latest evaluation: the outcomes must be the same, not the runs
    published_before.pop("main.check_results")
    published_after.pop("main.check_results")
    assert published_before == published_after
    # the same checks, and each check that had run before the first publication has the same outcome (a check
    # that runs after the publishing step is 'not_run' in the first build's copy)
    assert checks_before.keys() == checks_after.keys() and len(checks_after) > 100
    assert {k: v for k, v in checks_before.items() if v != "not_run" and checks_after[k] != v} == {}


def test_published_copy_holds_the_marts_the_dashboards_read(built_warehouse):
    with read_only(built_warehouse.published_path) as con:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        assert {"kpi_weekly", "dim_channels", "dim_dates", "fct_contents", "fct_conversations",
                "publication", "load_summary"} <= tables
        max_date = con.execute("select warehouse_max_date from publication").fetchone()[0]
    assert max_date == DEMO_END


def test_kpi_values_cover_the_catalog_and_equal_plain_sql_over_the_facts(built_warehouse):
    """kpi_values has every catalog indicator at every grain, and five indicators equal a computation written
    here in plain DuckDB SQL over the published facts (not through int_indicator_measures nor kpi_values)."""
    import csv

    catalog_path = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "indicator_catalog.csv"
    with catalog_path.open(newline="") as f:
        indicator_ids = {row["indicator_id"] for row in csv.DictReader(f)}
    week = LAST_WEEK
    periods = [  # (grain, first day, last day)
        ("week", week, week + timedelta(days=6)),
        ("week", week - timedelta(weeks=1), week - timedelta(days=1)),
        ("month", DEMO_END.replace(day=1), DEMO_END.replace(day=30)),  # June 2026
        ("quarter", DEMO_END.replace(month=4, day=1), DEMO_END.replace(day=30)),  # Q2 2026
    ]
    channel = "(? = 'all' or channel_id = ?)"
    plain_sql = {
        "contents_published": f"select count(*) from marts.fct_contents where published_date between ? and ? and {channel}",
        "interactions": f"select sum(interactions) from marts.fct_contents where published_date between ? and ? and {channel}",
        "response_rate": (
            "select count(*) filter (where has_response) / nullif(count(*), 0) from marts.fct_conversations "
            f"where started_date between ? and ? and {channel}"
        ),
        "first_response_minutes_median": (
            "select median(first_response_minutes) filter (where has_response) from marts.fct_conversations "
            f"where started_date between ? and ? and {channel}"
        ),
        "share_of_voice": (
            "select count(*) filter (where is_brand_mention) / nullif(count(*), 0) from marts.fct_mentions "
            f"where cast(timezone('UTC', mentioned_at) as date) between ? and ? and {channel}"
        ),
    }
    mismatches, checked = [], 0
    with read_only(built_warehouse.warehouse_path) as con:
        coverage = con.execute("select indicator_id, list(distinct grain) from marts.kpi_values group by all").fetchall()
        assert {i: sorted(g) for i, g in coverage} == {i: ["month", "quarter", "week"] for i in indicator_ids}
        channels = [r[0] for r in con.execute("select channel_id from marts.dim_channels order by sort_order").fetchall()]
        for grain, first_day, last_day in periods:
            for channel_id in [*channels, "all"]:
                for indicator_id, sql in plain_sql.items():
                    expected = con.execute(sql, [first_day, last_day, channel_id, channel_id]).fetchone()[0]
                    rows = con.execute(
                        "select period_end, value from marts.kpi_values "
                        "where indicator_id = ? and grain = ? and period_start = ? and channel_id = ?",
                        [indicator_id, grain, first_day, channel_id],
                    ).fetchall()
                    assert len(rows) == 1, (indicator_id, grain, first_day, channel_id, rows)
                    period_end, actual = rows[0]
                    assert period_end == last_day, (grain, first_day, period_end)
                    if expected is None:
                        ok = actual is None
                    else:
                        ok = actual is not None and actual == pytest.approx(float(expected), rel=1e-9)
                        checked += expected != 0
                    if not ok:
                        mismatches.append((indicator_id, grain, first_day, channel_id, expected, actual))
    assert mismatches == []
    assert checked >= 40, "too few non-empty values compared: the check would be vacuous"


def test_kpi_barometer_scores_every_principle_and_listening_equals_plain_sql_over_kpi_values(built_warehouse):
    """Every principle of the method has a score between 0 and 100 for the demo's last month that is over (May
    2026), and listening (one proxy: 100 x response_rate, weight 1) equals plain DuckDB SQL over kpi_values."""
    import csv

    method_path = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "barometer_method.csv"
    with method_path.open(newline="") as f:
        method = list(csv.DictReader(f))
    principles = {row["principle"] for row in method}
    assert len(principles) == 11
    month = (DEMO_END.replace(day=1) - timedelta(days=1)).replace(day=1)  # 2026-05-01
    with read_only(built_warehouse.warehouse_path) as con:
        scores = dict(con.execute(
            "select principle, score from marts.kpi_barometer "
            "where grain = 'month' and period_start = ? and channel_id = 'all'",
            [month],
        ).fetchall())
        expected_listening = con.execute(
            "select round(100 * value, 2) from marts.kpi_values "
            "where indicator_id = 'response_rate' and grain = 'month' and period_start = ? and channel_id = 'all'",
            [month],
        ).fetchone()[0]
        listening_row = con.execute(
            "select score, proxies_used, proxies_with_data, proxies_defined from marts.kpi_barometer "
            "where principle = 'listening' and grain = 'month' and period_start = ? and channel_id = 'all'",
            [month],
        ).fetchone()
    assert scores.keys() == principles
    assert {p: s for p, s in scores.items() if s is None or not 0 <= s <= 100} == {}
    assert [row["proxy_id"] for row in method if row["principle"] == "listening"] == ["response_rate"]
    assert 0 < expected_listening < 100
    assert listening_row == (pytest.approx(float(expected_listening), abs=1e-9), "response_rate", 1, 1)


def test_listening_marts_equal_plain_sql_over_fct_mentions_and_the_demo_has_a_spike(built_warehouse):
    """listening_share_of_voice for June 2026 equals a plain count over the published fct_mentions (per entity,
    for 'all' and per channel), net_sentiment follows its stated denominator, and the demo has at least one day
    flagged as a volume spike (the demo's 56 days: a competitor's burst of mentions in May), explained by its
    baseline columns."""
    month_start, month_end = DEMO_END.replace(day=1), DEMO_END.replace(day=30)
    with read_only(built_warehouse.published_path) as con:
        expected = con.execute(
            """
            with m as (
                select channel_id, entity_name, sentiment_label from fct_mentions
                where cast(timezone('UTC', mentioned_at) as date) between ? and ?
            ),
            counts as (
                select coalesce(channel_id, 'all') as channel_id, entity_name, count(*) as mentions,
                    count(*) filter (where sentiment_label = 'positive') as positive,
                    count(*) filter (where sentiment_label = 'negative') as negative,
                    count(*) filter (where sentiment_label in ('positive', 'neutral', 'negative')) as scored
                from m group by grouping sets ((channel_id, entity_name), (entity_name))
            )
            select channel_id, entity_name, mentions,
                mentions / sum(mentions) over (partition by channel_id),
                (positive - negative) / nullif(scored, 0)
            from counts order by all
            """,
            [month_start, month_end],
        ).fetchall()
        actual = con.execute(
            "select channel_id, entity_name, mentions, share_of_voice, net_sentiment "
            "from listening_share_of_voice where grain = 'month' and period_start = ? and mentions > 0 order by all",
            [month_start],
        ).fetchall()
        brand_share = con.execute(
            "select value from kpi_values where indicator_id = 'share_of_voice' and grain = 'month' "
            "and period_start = ? and channel_id = 'all'",
            [month_start],
        ).fetchone()[0]
        brand_row = con.execute(
            "select share_of_voice from listening_share_of_voice where grain = 'month' and period_start = ? "
            "and channel_id = 'all' and entity_type = 'brand'",
            [month_start],
        ).fetchone()[0]
        spikes = con.execute(
            "select date_day, entity_name, channel_id, mentions, volume_threshold, min_spike_mentions "
            "from listening_daily where is_volume_spike order by all"
        ).fetchall()
    assert len(expected) >= 6 and {row[1] for row in expected} == {"Maison Lumière", "Bougies Céleste", "Atelier Flamme"}
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected, strict=True):
        assert got[:3] == want[:3]
        assert got[3] == pytest.approx(want[3], rel=1e-12)
        assert (got[4] is None and want[4] is None) or got[4] == pytest.approx(want[4], rel=1e-12)
    assert brand_row == pytest.approx(brand_share, rel=1e-12)
    assert spikes, "the demo should have at least one volume spike"
    for _day, _entity, channel_id, mentions, threshold, min_mentions in spikes:
        assert mentions > threshold and mentions >= min_mentions
    assert any(spike[2] == "all" for spike in spikes)


def test_members_are_one_person_across_platforms_without_teammates_and_counted_as_plain_sql(built_warehouse):
    """Members (issue 5): a member known on two platforms is one member (a linked profile: a Zendesk ticket
    received via X; the demo's reviewed merge and unmerge apply); teammates are absent from the community
    counts; a month's active members equal a plain count over the published fct_member_activities."""
    month = DEMO_END.replace(day=1)  # 2026-06-01
    with read_only(built_warehouse.warehouse_path) as con:
        linked = con.execute(
            """
            select account_key, member_id
            from intermediate.int_member_identities_resolved
            where member_id in (
                select member_id from intermediate.int_member_identities_resolved
                group by 1 having count(distinct split_part(account_key, ':', 1)) > 1
            )
            """
        ).fetchall()
        member_of = dict(con.execute(
            "select account_key, member_id from intermediate.int_member_identities_resolved").fetchall())
        teammates_active = con.execute(
            """
            select count(distinct member_id) from intermediate.int_member_activities_unioned
            where is_teammate and date_trunc('month', occurred_at) = ?
            """, [month]).fetchone()[0]
        multi_platform_keys = con.execute(
            """
            select count(*) from marts.dim_members
            where len(channels) > 1 and is_resolved_across_accounts
            """).fetchone()[0]
        teammate_levels = con.execute(
            """
            select count(*) from marts.member_levels_monthly
            where member_key in (select member_key from marts.dim_members where is_teammate or is_bot)
            """).fetchone()[0]
    channels_of = {}
    for account_key, member_id in linked:
        channels_of.setdefault(member_id, set()).add(account_key.split(":")[0])
    assert any({"x", "zendesk"} <= channels for channels in channels_of.values()), "no member known on X and Zendesk"
    assert multi_platform_keys == len(channels_of), "dim_members: one row per member, whatever their accounts"
    # the demo's reviewed decisions: a merge joins two helpdesk accounts, an unmerge parts a shared address
    assert member_of["zendesk:3799000000003"] == member_of["zendesk:3799000000004"]
    assert member_of["zendesk:3799000000001"] != member_of["zendesk:3799000000002"]

    assert teammates_active > 0, "the demo's team (brand replies, agents) acts every month"
    assert teammate_levels == 0, "teammates and bots have no level: they are not community members"
    with read_only(built_warehouse.published_path) as con:
        plain = con.execute(
            "select count(distinct member_key) from fct_member_activities where date_trunc('month', occurred_at) = ?",
            [month]).fetchone()[0]
        health = con.execute(
            "select active_members from community_health_monthly where month_start = ? and channel_id = 'all'",
            [month]).fetchone()[0]
        indicator = con.execute(
            """
            select value from kpi_values
            where indicator_id = 'active_members' and grain = 'month' and period_start = ? and channel_id = 'all'
            """, [month]).fetchone()[0]
        teammates_published = con.execute(
            """
            select count(*) from fct_member_activities
            where member_key in (select member_key from dim_members where is_teammate or is_bot)
            """).fetchone()[0]
    assert plain > 0
    assert health == plain == indicator
    assert teammates_published == 0


def test_members_answer_members_peer_support_and_ambassadors_equal_plain_sql(built_warehouse):
    """Be well surrounded (issue 5): on the demo, members answer other members' Facebook and Instagram comments.
    A month's peer support ratio equals plain SQL: members' answers to members (published fct_member_activities)
    over those plus the team's answers to members (the brand's replies to members' messages: fct_interactions for
    Facebook and X, the typed table instagram.comments for Instagram, which fct_interactions does not hold; the
    demo has no bot). A member's reply is no brand response: Facebook conversations are answered by the page
    only. Some members are ambassadors, each with at least 3 answers to members over the trailing 3 months."""
    month = DEMO_END.replace(day=1)  # 2026-06-01
    next_month = (month + timedelta(days=32)).replace(day=1)
    trailing_start = (month - timedelta(days=32)).replace(day=1)  # the month and the two before
    with read_only(built_warehouse.warehouse_path) as con:
        team_answers = con.execute(
            """
            select count(*)
            from marts.fct_interactions as answer
            inner join marts.fct_interactions as message
                on answer.parent_interaction_id = message.interaction_id
            where answer.is_from_brand and not message.is_from_brand
                and answer.occurred_at >= ? and answer.occurred_at < ?
            """, [month, next_month]).fetchone()[0]
        # Instagram: the account's replies (signed with its media's username) to members' comments, each once
        team_answers += con.execute(
            """
            with comments as (
                select distinct comment_id, parent_comment_id, author_username, created_at from instagram.comments
            ),
            brand as (select distinct lower(username) as username from instagram.media where username is not null)
            select count(*)
            from comments as answer
            inner join comments as message on answer.parent_comment_id = message.comment_id
            where lower(answer.author_username) in (select username from brand)
                and lower(message.author_username) not in (select username from brand)
                and answer.created_at >= ? and answer.created_at < ?
            """, [month, next_month]).fetchone()[0]
        # Facebook conversations: first response = the page's earliest reply, whatever members replied
        responses = con.execute(
            """
            with replies as (
                select
                    parent_interaction_id,
                    min(occurred_at) filter (where is_from_brand) as first_brand_reply,
                    min(occurred_at) filter (where not is_from_brand) as first_member_reply
                from marts.fct_interactions
                where channel_id = 'facebook' and parent_interaction_id is not null
                group by 1
            )
            select
                count(*) filter (where conversation.first_response_at is distinct from replies.first_brand_reply),
                count(*) filter (where replies.first_member_reply < coalesce(replies.first_brand_reply, 'infinity'))
            from marts.fct_conversations as conversation
            left join replies
                on conversation.conversation_id = replies.parent_interaction_id
            where conversation.channel_id = 'facebook'
            """).fetchone()
    with read_only(built_warehouse.published_path) as con:
        member_answers = con.execute(
            """
            select count(*) from fct_member_activities
            where is_answer_to_member and occurred_at >= ? and occurred_at < ?
            """, [month, next_month]).fetchone()[0]
        health = con.execute(
            """
            select member_answers_to_members, peer_support_ratio, ambassadors
            from community_health_monthly where month_start = ? and channel_id = 'all'
            """, [month]).fetchone()
        indicators = dict(con.execute(
            """
            select indicator_id, value from kpi_values
            where indicator_id in ('peer_support_ratio', 'ambassadors')
                and grain = 'month' and period_start = ? and channel_id = 'all'
            """, [month]).fetchall())
        ambassadors_active = con.execute(
            """
            select count(distinct activity.member_key)
            from fct_member_activities as activity
            inner join member_levels_monthly as levels
                on activity.member_key = levels.member_key and levels.month_start = ?
            where levels.is_ambassador and activity.occurred_at >= ? and activity.occurred_at < ?
            """, [month, month, next_month]).fetchone()[0]
        ambassador_answers = con.execute(
            """
            select
                levels.member_key,
                levels.level,
                count(activity.member_key) filter (where activity.is_answer_to_member) as answers,
                count(activity.member_key) filter (where activity.is_accepted_answer) as accepted
            from member_levels_monthly as levels
            left join fct_member_activities as activity
                on activity.member_key = levels.member_key
                and activity.occurred_at >= ? and activity.occurred_at < ?
            where levels.is_ambassador and levels.month_start = ?
            group by 1, 2
            """, [trailing_start, next_month, month]).fetchall()
        dim_ambassadors = con.execute("select count(*) from dim_members where is_ambassador").fetchone()[0]
    assert member_answers > 0, "members answer members on the demo"
    assert health[0] == member_answers
    assert health[1] == pytest.approx(member_answers / (member_answers + team_answers))
    assert 0 < health[1] < 1
    assert indicators.get("peer_support_ratio") == pytest.approx(health[1])
    assert responses[0] == 0, "a member's reply is not the brand's first response"
    assert responses[1] > 0, "some members answer before the page (or instead of it)"
    assert health[2] == ambassadors_active > 0
    assert indicators.get("ambassadors") == ambassadors_active
    assert dim_ambassadors > 0
    for member_key, level, answers, accepted in ambassador_answers:
        assert level in ("contributor", "leader") and (answers >= 3 or accepted >= 1), member_key


def test_audience_indicators_equal_the_page_follows_of_the_generated_files(built_warehouse):
    """fct_audience_daily holds the demo page's page_follows of every day (the value whose end_time is 07:00 UTC
    the next day), and followers, follower_growth, follower_growth_rate and engagement_rate_by_followers of the
    last weeks equal a computation over those files (facebook is the only demo channel with an audience: 'all'
    equals it)."""
    follows = {}
    for path in sorted((built_warehouse.inbox / "facebook" / "page_insights").glob("*.json")):
        (metric,) = json.loads(path.read_text(encoding="utf-8"))["data"]
        for value in metric["values"]:
            day = DEMO_END.fromisoformat(value["end_time"][:10]) - timedelta(days=1)
            follows[day] = value["value"]
    assert len(follows) == (built_warehouse.last_day - built_warehouse.first_day).days + 1
    with read_only(built_warehouse.warehouse_path) as con:
        daily = dict(con.execute(
            "select date_day, followers from marts.fct_audience_daily where channel_id = 'facebook'"
        ).fetchall())
        assert daily == follows
        for week_start in CHECKED_WEEKS:
            end, base = follows[week_start + timedelta(days=6)], follows[week_start - timedelta(days=1)]
            interactions = con.execute(
                "select value from marts.kpi_values where indicator_id = 'interactions' and grain = 'week'"
                " and period_start = ? and channel_id = 'facebook'", [week_start]).fetchone()[0]
            expected = {"followers": end, "follower_growth": end - base, "follower_growth_rate": (end - base) / base,
                        "engagement_rate_by_followers": interactions / end}
            for channel_id in ("facebook", "all"):
                actual = dict(con.execute(
                    "select indicator_id, value from marts.kpi_values where grain = 'week' and period_start = ?"
                    " and channel_id = ? and indicator_id in (?, ?, ?, ?)",
                    [week_start, channel_id, *expected]).fetchall())
                assert actual == pytest.approx(expected, rel=1e-9), (week_start, channel_id)
    with read_only(built_warehouse.published_path) as con:
        assert con.execute("select count(*) from fct_audience_daily").fetchone()[0] == len(follows)


def test_interactions_in_period_are_deltas_of_the_snapshots_and_add_up_to_the_lifetime_interactions(built_warehouse):
    """interactions_in_period of June 2026 on Facebook equals plain DuckDB SQL over every copy of the posts in the
    typed table facebook.posts (each post's reactions + comments + shares on each inbox day, minus the same on its
    previous day fetched); summed over every month, interactions_in_period equals the lifetime interactions of all
    contents (fct_contents), per channel and for 'all'."""
    june = DEMO_END.replace(day=1)
    plain_sql = """
        with snapshots as (
            select
                post_id,
                _partition_date as snapshot_date,
                coalesce(reactions_count, 0) + coalesce(comments_count, 0) + coalesce(shares_count, 0) as interactions
            from facebook.posts
            qualify row_number() over (
                partition by post_id, _partition_date order by _loaded_at desc, _record_index desc) = 1
        ),
        deltas as (
            select
                post_id,
                snapshot_date,
                interactions - coalesce(lag(interactions) over (partition by post_id order by snapshot_date), 0)
                    as delta
            from snapshots
        )
        select sum(delta) from deltas
        where snapshot_date between ? and ?
            and 'facebook:' || post_id in (select content_id from marts.fct_contents)
    """
    value_sql = ("select value from marts.kpi_values where indicator_id = ? and grain = ? and period_start = ? "
                 "and channel_id = ?")
    with read_only(built_warehouse.warehouse_path) as con:
        expected = con.execute(plain_sql, [june, DEMO_END]).fetchone()[0]
        actual = con.execute(value_sql, ["interactions_in_period", "month", june, "facebook"]).fetchone()[0]
        assert expected > 0
        assert actual == pytest.approx(float(expected), rel=1e-12)
        totals = con.execute("""
            select channel_id, sum(value) filter (where indicator_id = 'interactions_in_period'),
                sum(value) filter (where indicator_id = 'interactions')
            from marts.kpi_values
            where grain = 'month' and indicator_id in ('interactions_in_period', 'interactions')
            group by channel_id
        """).fetchall()
        lifetime = dict(con.execute(
            "select coalesce(channel_id, 'all'), sum(interactions) from marts.fct_contents "
            "group by grouping sets ((channel_id), ())").fetchall())
    totals = {channel: (in_period, by_publication) for channel, in_period, by_publication in totals}
    assert totals["all"][0] == pytest.approx(float(lifetime["all"]), rel=1e-12) and lifetime["all"] > 0
    for channel, (in_period, by_publication) in totals.items():
        assert in_period == by_publication, channel  # both None for a channel without counters (blog)
        if channel in lifetime and lifetime[channel] is not None:
            assert in_period == pytest.approx(float(lifetime[channel]), rel=1e-12), channel


def test_refresh_windows_part_period_from_lifetime_engagement_without_moving_the_final_counters(
        built_warehouse, tmp_path):
    """The demo re-delivers each Facebook post for 28 days and each brand tweet for 7, with growing counters
    (the connectors' refresh windows, README "Engagement in the period"): a post has one snapshot per file
    holding it; interactions_in_period differs from interactions for some weeks on Facebook while both add up
    to the same total over the weeks, per channel; and the lifetime counters of fct_contents are those of the
    same demo with each content delivered once (its final counters do not depend on the windows)."""
    from collections import Counter

    from pipelines.demo.generator import generate
    from tests.conftest import DEMO_DAYS, DEMO_SEED

    def contents(inbox):
        """(content_id, file day, (interactions, impressions, reach)) of each post and tweet delivered."""
        for path in sorted((inbox / "facebook" / "posts").glob("*.json")):
            for post in json.loads(path.read_text())["data"]:
                if post["created_time"] == "not-a-date":
                    continue  # malformed on purpose: quarantined
                insights = {m["name"]: m["values"][0]["value"] for m in post["insights"]["data"]}
                interactions = (post["reactions"]["summary"]["total_count"]
                                + post["comments"]["summary"]["total_count"]
                                + post.get("shares", {"count": 0})["count"])
                yield ("facebook:" + post["id"], path.stem,
                       (interactions, insights["post_impressions"], insights["post_impressions_unique"]))
        for path in sorted((inbox / "x" / "tweets").glob("*.json")):
            for tweet in json.loads(path.read_text()).get("data", []):
                m = tweet["public_metrics"]
                interactions = m["like_count"] + m["reply_count"] + m["retweet_count"] + m["quote_count"]
                yield "x:" + tweet["id"], path.stem, (interactions, m["impression_count"], None)

    once = tmp_path / "delivered-once"
    generate(once, end_date=DEMO_END, days=DEMO_DAYS, scale=1.0, seed=DEMO_SEED, post_refresh_days=1,
             tweet_refresh_days=1)
    final = {content_id: counters for content_id, _, counters in contents(once)}
    files_holding = Counter(content_id for content_id, _, _ in contents(built_warehouse.inbox))
    with read_only(built_warehouse.warehouse_path) as con:
        lifetime = {content_id: tuple(counters) for content_id, *counters in con.execute(
            "select content_id, interactions, impressions, reach from marts.fct_contents "
            "where channel_id in ('facebook', 'x')").fetchall()}
        snapshots = dict(con.execute(
            "select content_id, count(*) from intermediate.int_content_counters_differenced "
            "where channel_id = 'facebook' group by content_id").fetchall())
        weekly = con.execute("""
            select channel_id, period_start,
                sum(value) filter (where indicator_id = 'interactions_in_period') as in_period,
                sum(value) filter (where indicator_id = 'interactions') as by_publication
            from marts.kpi_values
            where grain = 'week' and channel_id in ('facebook', 'x')
                and indicator_id in ('interactions_in_period', 'interactions')
            group by channel_id, period_start
        """).fetchall()
    assert lifetime and lifetime == {content_id: final[content_id] for content_id in lifetime}
    assert snapshots == {c: n for c, n in files_holding.items() if c.startswith("facebook:")}
    assert max(snapshots.values()) == 28
    differing = [week for channel, week, in_period, by_publication in weekly
                 if channel == "facebook" and in_period != by_publication]
    assert len(differing) >= 2
    for channel in ("facebook", "x"):
        in_period = sum(row[2] or 0 for row in weekly if row[0] == channel)
        by_publication = sum(row[3] or 0 for row in weekly if row[0] == channel)
        assert in_period == pytest.approx(by_publication, rel=1e-12) and in_period > 0, channel
