"""The Slack workspace export importer (slack-export) on real export files (tests/fixtures/real/slack_export: Zulip's
Slack-importer fixtures, see its PROVENANCE.md), their zip form, corrupted copies and a generated large export."""

from __future__ import annotations

import json
import shutil
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pipelines import cli
from pipelines.defs.ingestion.slack.exports import EXPORT_FORMATS, members
from pipelines.lib.imports import Export, ExportError, import_export
from tests.unit.connector_support import REAL_FIXTURES, rows
from tests.unit.import_support import HANDMADE_FIXTURES, counts, zipped

FMT = EXPORT_FORMATS[0]
REAL = REAL_FIXTURES / "slack_export" / "zulip"
MASTODON_ARCHIVE = HANDMADE_FIXTURES / "mastodon_outbox"
DAY = date(2024, 9, 2)
RANDOM = "C061A0WJG"  # the id channels.json gives the channel 'random'


def export_copy(tmp_path: Path, name: str = "export") -> Path:
    """The real files laid out as a Slack export: channels.json (one folder up in the source repo, see PROVENANCE)
    beside users.json, integration_logs.json and the random/ day files."""
    folder = tmp_path / name
    shutil.copytree(REAL / "test_slack_importer", folder)
    shutil.copy(REAL / "channels.json", folder / "channels.json")
    return folder








def messages_in(folder: Path) -> int:
    return sum(len(json.loads(p.read_text())) for p in folder.glob("*/*.json"))


def test_real_export_balances_and_types_every_table(tmp_path, warehouse_con):
    folder = export_copy(tmp_path)
    n_messages = messages_in(folder)  # counted with json, independently of the import
    n_channels = len(json.loads((folder / "channels.json").read_text()))
    n_users = len(json.loads((folder / "users.json").read_text()))
    result = import_export(warehouse_con, FMT, folder, DAY)
    assert counts(result, "slack.export_messages") == (n_messages, n_messages, 0) == (13, 13, 0)
    assert counts(result, "slack.export_channels") == (n_channels, n_channels, 0) == (4, 4, 0)
    assert counts(result, "slack.export_users") == (n_users, n_users, 0) == (4, 4, 0)
    assert result.pages_landed == 2 + 1 + 1  # one page per day file

    shared = rows(warehouse_con, """
        select message_id, channel_id, channel_name, user_id, subtype, file_count, attachment_count, reaction_count,
               posted_at
        from slack.export_messages where ts = '1516457078.000065'""")
    # ts 1516457078.000065 = 2018-01-20 14:04:38.000065 UTC; a legacy single 'file' object counts one file
    assert shared == [(f"{RANDOM}:1516457078.000065", RANDOM, "random", "U6006P1CN", "file_share", 1, 0, 0,
                       datetime(2018, 1, 20, 14, 4, 38, 65, tzinfo=UTC))]
    assert rows(warehouse_con, "select count(*) from slack.export_messages where subtype = 'channel_join'") == [(4,)]
    assert rows(warehouse_con, "select count(distinct channel_id) from slack.export_messages") == [(1,)]
    assert rows(warehouse_con, """
        select name, channel_kind, created_at, is_archived, is_general, member_count, topic, purpose
        from slack.export_channels where channel_id = 'C061A0WJG'""") == [
        ("random", "public", datetime(2015, 6, 6, 2, 38, 39, tzinfo=UTC), True, False, 2, "random", "no purpose")]
    assert rows(warehouse_con, "select topic from slack.export_channels where name = 'feedback'") == [(None,)]
    users = {r[0]: r[1:] for r in rows(warehouse_con, """
        select user_id, name, real_name, display_name, is_admin, deleted, tz from slack.export_users""")}
    josef = json.loads((folder / "users.json").read_text())[0]
    assert users[josef["id"]] == (josef["name"], josef["real_name"], josef["profile"]["display_name"],
                                  josef["is_admin"], josef["deleted"], josef["tz"]) == (
        "k._", "Josef K.", "k._", True, False, "Europe/Amsterdam")


def test_corrupted_day_files_are_quarantined_with_reason_and_position(tmp_path, warehouse_con):
    folder = export_copy(tmp_path)
    day = folder / "random" / "2018-01-20.json"
    messages = json.loads(day.read_text())
    del messages[1]["ts"]  # record 2: no key
    messages[2]["ts"] = "yesterday"  # record 3: a bad timestamp
    day.write_text(json.dumps(messages))
    text = (folder / "random" / "2017-06-25.json").read_text()
    (folder / "random" / "2017-06-25.json").write_text(text[:40])  # truncated: the whole page
    (folder / "unlisted").mkdir()  # a folder no conversation list names: no channel id to file it under
    (folder / "unlisted" / "2018-02-01.json").write_text(json.dumps([{"type": "message", "ts": "1517443200.000100"}]))

    result = import_export(warehouse_con, FMT, folder, DAY)
    assert counts(result, "slack.export_messages") == (1 + 11 + 1, 11 - 2, 1 + 2 + 1)
    quarantined = rows(warehouse_con, """
        select regexp_extract(source_file, '!([^?]+)', 1), record_index, reason from raw.quarantine
        order by 1, 2""")
    assert quarantined == [
        ("random/2017-06-25.json", None, "page is not valid JSON (truncated or corrupt body)"),
        ("random/2018-01-20.json", 2, "invalid or missing ts: absent"),
        ("random/2018-01-20.json", 3, 'invalid or missing ts: "yesterday"'),
        ("unlisted/2018-02-01.json", 1, "invalid or missing channel: absent"),
    ]


def test_the_same_export_twice_lands_once_and_zip_and_folder_agree(tmp_path, warehouse_con):
    folder = export_copy(tmp_path)
    first = import_export(warehouse_con, FMT, folder, DAY)
    again = import_export(warehouse_con, FMT, zipped(folder, tmp_path / "export.zip"), DAY)
    assert first.pages_landed == 4 and again.pages_landed == 0
    assert sorted(again.already_imported) == ["slack/export_channels", "slack/export_messages", "slack/export_users"]
    assert rows(warehouse_con, "select count(*), count(distinct message_id) from slack.export_messages") == [(13, 13)]


@pytest.mark.parametrize("top", ["", "My Workspace Slack export Jan 1 2018 - Feb 1 2018"])
def test_the_zip_imports_like_the_folder(tmp_path, warehouse_con, top):
    result = import_export(warehouse_con, FMT, zipped(export_copy(tmp_path), tmp_path / "export.zip", top), DAY)
    assert counts(result, "slack.export_messages") == (13, 13, 0)
    assert rows(warehouse_con, "select distinct channel_id from slack.export_messages") == [(RANDOM,)]


def test_matches_the_export_and_rejects_other_files(tmp_path):
    folder = export_copy(tmp_path)
    assert FMT.matches(folder) and FMT.matches(zipped(folder, tmp_path / "export.zip"))
    assert not FMT.matches(MASTODON_ARCHIVE)
    assert not FMT.matches(folder / "users.json")
    with Export(MASTODON_ARCHIVE) as export, pytest.raises(ExportError, match="not a Slack export"):
        members(export)


def test_cli_imports_and_prints_the_summary(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ANIMATEUR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ANIMATEUR_WAREHOUSE", str(tmp_path / "data" / "w.duckdb"))
    assert cli.main(["import", "slack-export", str(export_copy(tmp_path)), "--date", "2024-09-02", "--no-build"]) == 0
    out = capsys.readouterr().out
    assert "slack.export_messages: 13 in = 13 loaded + 0 quarantined" in out
    assert "slack.export_channels: 4 in = 4 loaded + 0 quarantined" in out


def test_a_large_export_imports_in_one_set_based_pass(tmp_path, warehouse_con):
    """30 channels x 200 days x 5 messages = 30,000 messages in 6,000 day files, shaped like the real ones."""
    folder = tmp_path / "large"
    folder.mkdir()
    channels = [{"id": f"C{n:08d}", "name": f"channel-{n}", "created": 1500000000, "members": ["U1"]}
                for n in range(30)]
    (folder / "channels.json").write_text(json.dumps(channels))
    (folder / "users.json").write_text(json.dumps([{"id": "U1", "name": "a"}]))
    start = datetime(2023, 1, 1, tzinfo=UTC)
    for channel in channels:
        (folder / channel["name"]).mkdir()
        for d in range(200):
            day = start + timedelta(days=d)
            messages = [{"type": "message", "user": "U1", "text": f"m{i}", "ts": f"{day.timestamp() + i * 60:.6f}",
                         "reactions": [{"name": "+1", "count": i}]} for i in range(5)]
            (folder / channel["name"] / f"{day.date().isoformat()}.json").write_text(json.dumps(messages))
    began = time.monotonic()
    result = import_export(warehouse_con, FMT, folder, DAY)
    elapsed = time.monotonic() - began
    assert counts(result, "slack.export_messages") == (30_000, 30_000, 0)
    assert rows(warehouse_con, "select count(distinct channel_id), sum(reaction_count) from slack.export_messages") == [
        (30, 30 * 200 * (0 + 1 + 2 + 3 + 4))]
    assert elapsed < 60, f"30,000 messages took {elapsed:.1f}s"
