"""The reviewed identity decisions file, the team: section of strategy.yml, and the demo's identity data."""

from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines import settings
from pipelines.lib.identity_reviews import IdentityReviewsError, load_reviews, parse_reviews, write_reviews
from pipelines.lib.strategy import StrategyError, load_strategy

HEADER = "decision,account_key,other_account_key,reviewer,reviewed_on,note\n"


def test_a_merge_and_an_unmerge_are_read_and_written():
    reviews = parse_reviews(HEADER + "merge,x:1,facebook:2,ana,2026-06-01,same person\n"
                                     "UNMERGE, zendesk:3 ,zendesk:4,,,\n")
    assert [(r.decision, r.account_key, r.other_account_key) for r in reviews] == [
        ("merge", "x:1", "facebook:2"), ("unmerge", "zendesk:3", "zendesk:4")]
    assert reviews[0].reviewed_on == date(2026, 6, 1) and reviews[1].reviewer is None
    con = duckdb.connect()
    assert write_reviews(con, reviews) == 2
    assert con.execute("select count(*) from strategy.identity_reviews where decision = 'unmerge'").fetchone() == (1,)


def test_every_wrong_line_is_reported_with_its_number():
    with pytest.raises(IdentityReviewsError) as exc:
        parse_reviews(HEADER + "join,x:1,x:2,,,\n"
                               "merge,x:1,x:1,,,\n"
                               "merge,nochannel,x:2,,2026-13-01,\n")
    text = str(exc.value)
    assert "identity_reviews.csv:2: decision 'join'" in text
    assert "identity_reviews.csv:3: an account cannot be reviewed against itself" in text
    assert "identity_reviews.csv:4: account_key 'nochannel'" in text and "reviewed_on '2026-13-01'" in text


def test_a_wrong_header_fails_and_a_missing_file_is_no_decision(tmp_path):
    with pytest.raises(IdentityReviewsError, match="header"):
        parse_reviews("a,b\n1,2\n")
    assert load_reviews(tmp_path / "absent.csv") == []
    con = duckdb.connect()
    assert write_reviews(con, []) == 0
    assert con.execute("select count(*) from strategy.identity_reviews").fetchone() == (0,)


def test_the_reviews_path_comes_from_the_environment_else_the_data_dir_else_the_demo(tmp_path, monkeypatch):
    monkeypatch.delenv("ANIMATEUR_IDENTITY_REVIEWS", raising=False)
    monkeypatch.setenv("ANIMATEUR_DATA_DIR", str(tmp_path))
    assert settings.identity_reviews_path() == settings.REPO_ROOT / "pipelines" / "demo" / "identity_reviews.csv"
    (tmp_path / "identity_reviews.csv").write_text(HEADER)
    assert settings.identity_reviews_path() == (tmp_path / "identity_reviews.csv").resolve()
    monkeypatch.setenv("ANIMATEUR_IDENTITY_REVIEWS", str(tmp_path / "other.csv"))
    assert settings.identity_reviews_path() == (tmp_path / "other.csv").resolve()


def test_the_demo_reviews_hold_one_merge_and_one_unmerge():
    decisions = sorted(r.decision for r in load_reviews(settings.REPO_ROOT / "pipelines" / "demo" / "identity_reviews.csv"))
    assert decisions == ["merge", "unmerge"]


def _strategy(tmp_path: Path, team: str) -> Path:
    demo = (settings.REPO_ROOT / "pipelines" / "demo" / "strategy.yml").read_text(encoding="utf-8")
    head = demo.split("\nteam:")[0] if "\nteam:" in demo else demo
    tail = demo.split("\nprivacy:")[1] if "\nprivacy:" in demo else None
    body = head + "\n" + team + ("\nprivacy:" + tail if tail is not None and "\nprivacy:" not in head else "")
    path = tmp_path / "strategy.yml"
    path.write_text(body, encoding="utf-8")
    return path


def test_team_members_become_rows_per_account_and_e_mail(tmp_path):
    strategy = load_strategy(_strategy(tmp_path, (
        "team:\n"
        "  - {name: Camille, email: Camille@Example.org, accounts: {x: '@Camille_ML', zendesk: 9000000001}}\n"
        "  - {name: Dom, email: dom@example.org}\n")))
    assert strategy.table_rows()["team"] == [
        ("Camille", "x", "camille_ml", "camille@example.org"),
        ("Camille", "zendesk", "9000000001", "camille@example.org"),
        ("Dom", None, None, "dom@example.org"),
    ]


def test_a_team_member_with_a_wrong_e_mail_is_a_mistake(tmp_path):
    with pytest.raises(StrategyError, match="e-mail"):
        load_strategy(_strategy(tmp_path, "team:\n  - {name: Camille, email: not-an-address}\n"))
