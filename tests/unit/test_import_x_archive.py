"""The X account archive importer on real archive files (tests/fixtures/real/x_archive, see its PROVENANCE.md):
a 2022 archive's manifest and tweet.js (trimmed to 2 tweets by its repository, the manifest left stating 938),
and another archive's account.js and follower.js."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
import pytest

from pipelines.cli import main as cli
from pipelines.defs.ingestion.factory import build_feed_assets
from pipelines.defs.ingestion.registry import export_format
from pipelines.defs.ingestion.x.exports import FEEDS, matches
from pipelines.defs.resources import FeedsInbox, Warehouse
from pipelines.lib.imports import ExportError, import_export
from pipelines.lib.ingest import connect
from tests.unit.connector_support import REAL_FIXTURES, rows
from tests.unit.import_support import zipped

ARCHIVE = REAL_FIXTURES / "x_archive" / "mrled-twarchive"
SIBLINGS = REAL_FIXTURES / "x_archive" / "twitter-to-sqlite"
X_ARCHIVE = export_format("x-archive")
DAY = date(2026, 6, 1)


def js_records(path: Path) -> list:
    """An archive file's records, read with the standard library (independently of the importer)."""
    return json.loads(re.sub(r"^\s*window\.[\w.]+\s*=\s*", "", path.read_text(), count=1))




def siblings_archive(tmp_path: Path) -> Path:
    """The second archive's account.js and follower.js in the archive's data/ folder (files unchanged)."""
    data = tmp_path / "siblings" / "data"
    data.mkdir(parents=True)
    for name in ("account.js", "follower.js"):
        shutil.copyfile(SIBLINGS / name, data / name)
    return data.parent


def test_every_tweet_of_the_archive_lands_and_the_manifest_count_is_reported(warehouse_con):
    tweets = js_records(ARCHIVE / "data" / "tweet.js")
    manifest = json.loads(re.sub(r"^window\.__THAR_CONFIG\s*=\s*", "", (ARCHIVE / "data" / "manifest.js").read_text()))
    result = import_export(warehouse_con, X_ARCHIVE, ARCHIVE, DAY)
    imported = result.tables["x.archive_tweets"]
    assert (imported.stats.records_in, imported.stats.loaded, imported.stats.quarantined) == (len(tweets), 2, 0)
    # the file states its own count: this archive's tweet.js was trimmed, and the import says so
    assert imported.declared == int(manifest["dataTypes"]["tweet"]["files"][0]["count"]) == 938
    original = rows(warehouse_con, "select author_id, author_username, author_name, created_at, text, like_count, "
                                   "retweet_count, lang, retweeted_tweet_id from x.archive_tweets "
                                   "where tweet_id = '1276916896974110721'")
    assert original == [("35010911", "mrled", "Micah R Ledbetter /mɹ̩ˈled/", datetime(2020, 6, 27, 16, 34, 46, tzinfo=UTC),
                         tweets[1]["tweet"]["full_text"], 2, 0, "en", None)]
    retweet = rows(warehouse_con, "select retweeted_tweet_id, created_at from x.archive_tweets "
                                  "where tweet_id = '254848497235398656'")
    assert retweet == [("unknown", datetime(2012, 10, 7, 7, 39, 51, tzinfo=UTC))]
    # the page keeps where it came from, and the archive owner
    source_file = rows(warehouse_con, "select distinct _source_file from x.archive_tweets")[0][0]
    assert source_file.startswith(f"{ARCHIVE}!data/tweet.js?account_id=35010911&username=mrled")


def test_followers_and_owner_from_account_js_when_there_is_no_manifest(warehouse_con, tmp_path):
    archive = siblings_archive(tmp_path)
    followers = js_records(archive / "data" / "follower.js")
    result = import_export(warehouse_con, X_ARCHIVE, archive, DAY)
    got = result.tables["x.archive_followers"].stats
    assert (got.records_in, got.loaded, got.quarantined) == (len(followers), 2, 0)
    assert result.tables["x.archive_followers"].declared is None  # no manifest: nothing declared
    assert rows(warehouse_con, "select follower_id, account_id from x.archive_followers order by 1") == [
        ("386025404", "12497"), ("73747798", "12497")]


def test_zip_and_folder_are_the_same_export_and_land_once(warehouse_con, tmp_path):
    first = import_export(warehouse_con, X_ARCHIVE, zipped(ARCHIVE, tmp_path / "archive.zip", "twitter-archive"), DAY)
    assert first.pages_landed == 1 and not first.already_imported
    again = import_export(warehouse_con, X_ARCHIVE, ARCHIVE, date(2026, 6, 2))
    assert again.pages_landed == 0
    assert again.already_imported == ["x/archive_tweets"]
    assert rows(warehouse_con, "select count(*) from raw.pages where feed = 'archive_tweets'") == [(1,)]
    assert rows(warehouse_con, "select count(*) from x.archive_tweets") == [(2,)]
    assert rows(warehouse_con, "select distinct _source_file like '%archive.zip!data/tweet.js?%' "
                               "from x.archive_tweets") == [(True,)]


def test_bad_records_and_an_unreadable_file_are_quarantined_with_reason_and_position(warehouse_con, tmp_path):
    archive = tmp_path / "bad"
    shutil.copytree(ARCHIVE, archive)
    tweets = js_records(ARCHIVE / "data" / "tweet.js")
    del tweets[0]["tweet"]["id_str"], tweets[0]["tweet"]["id"]
    tweets[1]["tweet"]["created_at"] = "27/06/2020"
    (archive / "data" / "tweet.js").write_text("window.YTD.tweet.part0 = " + json.dumps(tweets))
    result = import_export(warehouse_con, X_ARCHIVE, archive, DAY)
    stats = result.tables["x.archive_tweets"].stats
    assert (stats.records_in, stats.loaded, stats.quarantined) == (2, 0, 2)
    assert rows(warehouse_con, "select record_index, reason, source_file like '%/bad!data/tweet.js?%' "
                               "from raw.quarantine order by record_index") == [
        (1, "invalid or missing tweet.id_str: absent", True),
        (2, 'invalid or missing tweet.created_at: "27/06/2020"', True)]

    truncated = tmp_path / "truncated"
    shutil.copytree(ARCHIVE, truncated)
    text = (ARCHIVE / "data" / "tweet.js").read_text()
    (truncated / "data" / "tweet.js").write_text(text[: len(text) // 2])
    result = import_export(warehouse_con, X_ARCHIVE, truncated, date(2026, 6, 2))
    stats = result.tables["x.archive_tweets"].stats
    assert (stats.records_in, stats.loaded, stats.quarantined) == (1, 0, 1)
    assert rows(warehouse_con, "select reason from raw.quarantine where partition_date = '2026-06-02'") == [
        ("page is not valid JSON (truncated or corrupt body)",)]


def test_not_an_archive_is_refused_with_its_name(warehouse_con, tmp_path):
    other = tmp_path / "export.csv"
    other.write_text("Post ID,Permalink\n1,https://example.org\n")
    assert matches(ARCHIVE) and matches(zipped(ARCHIVE, tmp_path / "a.zip", "twitter-archive")) and matches(siblings_archive(tmp_path))
    assert not matches(other) and not matches(tmp_path / "missing.zip")
    with pytest.raises(ExportError, match=r"export\.csv: not an X archive"):
        import_export(warehouse_con, X_ARCHIVE, other, DAY)


def test_the_cli_imports_with_a_summary_and_warns_of_a_count_mismatch(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ANIMATEUR_WAREHOUSE", str(tmp_path / "w.duckdb"))
    assert cli(["import", "x-archive", str(ARCHIVE), "--date", "2026-06-01", "--no-build"]) == 0
    out = capsys.readouterr().out
    assert "x.archive_tweets: 2 in = 2 loaded + 0 quarantined, the export declares 938" in out
    assert "warning: x.archive_tweets: the export declares 938 records, 2 were found in it" in out
    with pytest.raises(SystemExit, match="unknown export format 'x-archives'"):
        cli(["import", "x-archives", str(ARCHIVE), "--no-build"])


def test_an_archive_dropped_in_the_inbox_is_imported_by_the_asset_once(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "x").mkdir(parents=True)
    zipped(ARCHIVE, inbox / "x" / "twitter-2022-05-06.zip", "twitter-archive")
    tweets_feed = next(f for f in FEEDS if f.feed == "archive_tweets")
    asset = build_feed_assets(tweets_feed, pool="duckdb_warehouse", export_formats=(X_ARCHIVE,))
    resources = {"warehouse": Warehouse(path=str(tmp_path / "w.duckdb")), "inbox": FeedsInbox(path=str(inbox))}
    instance = dg.DagsterInstance.ephemeral()
    for expected_imports in (1, 0):  # the second run finds the same drop already imported
        result = dg.materialize([asset], partition_key=DAY.isoformat(), resources=resources, instance=instance)
        assert result.success
        (materialization,) = result.asset_materializations_for_node("x__archive_tweets")
        assert materialization.metadata["exports_imported"].value == expected_imports
        assert materialization.metadata["records_loaded"].value == 2
        assert all(c.passed for c in result.get_asset_check_evaluations())
    with connect(tmp_path / "w.duckdb") as con:
        assert rows(con, "select format, feed, partition_date from raw.imports") == [
            ("x-archive", "archive_tweets", DAY)]
