"""The Great Expectations suite guarding kpi_weekly passes on sane numbers and fails on each kind of defect."""

from datetime import date

import pandas as pd
import pytest

from pipelines.defs.quality.kpi_expectations import validate_kpi_weekly


def frame(**overrides) -> pd.DataFrame:
    row = {
        "week_start": date(2026, 6, 22), "week_end": date(2026, 6, 28), "channel_id": "facebook",
        "contents_published": 9, "interactions": 420, "reach": 12000, "engagement_rate_by_reach": 0.035,
        "conversations": 40, "conversations_answered": 34, "response_rate": 0.85,
        "median_first_response_minutes": 42.0,
    }
    other = {**row, "channel_id": "all"}
    row.update(overrides)
    return pd.DataFrame([row, other])


def failed(result) -> set[str]:
    return {r.expectation_config.type for r in result.results if not r.success}


def test_sane_week_passes():
    result = validate_kpi_weekly(frame())
    assert result.success, failed(result)


@pytest.mark.parametrize("channel_id", ["instagram", "youtube", "linkedin", "mastodon"])
def test_every_channel_a_strategy_can_declare_passes(channel_id):
    """Not only the demo's channels: any channel of seeds/channels.csv is a kpi_weekly channel once declared."""
    result = validate_kpi_weekly(frame(channel_id=channel_id))
    assert result.success, failed(result)


@pytest.mark.parametrize(
    ("overrides", "expectation"),
    [
        ({"response_rate": 1.2}, "expect_column_values_to_be_between"),
        ({"channel_id": "all"}, "expect_compound_columns_to_be_unique"),
        ({"channel_id": "myspace"}, "expect_column_values_to_be_in_set"),
        ({"conversations_answered": 41}, "expect_column_pair_values_a_to_be_greater_than_b"),
        ({"median_first_response_minutes": -5.0}, "expect_column_values_to_be_between"),
        ({"week_start": None}, "expect_column_values_to_not_be_null"),
    ],
)
def test_each_defect_fails_the_suite(overrides, expectation):
    result = validate_kpi_weekly(frame(**overrides))
    assert not result.success
    assert expectation in failed(result)
