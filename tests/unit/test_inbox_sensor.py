"""The file-drop inbox sensor: a file dropped in the inbox starts one run for exactly the days it covers."""

import os

import dagster as dg

from pipelines.defs.automation import inbox_files_dropped


def drop(folder, source, feed, day, *, mtime_ns):
    path = folder / source / feed / f"{day}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"data": []}')
    os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


def evaluate(cursor):
    context = dg.build_sensor_context(cursor=cursor)
    return inbox_files_dropped(context), context.cursor


def test_first_tick_watches_from_now_then_new_files_start_one_run(tmp_path, monkeypatch):
    monkeypatch.setenv("ANIMATEUR_FEEDS_DIR", str(tmp_path))
    drop(tmp_path, "facebook", "posts", "2026-06-01", mtime_ns=1_000)

    result, cursor = evaluate(None)
    assert isinstance(result, dg.SkipReason) and cursor == "1000"  # already there: built by `animateur build`

    result, cursor = evaluate(cursor)
    assert isinstance(result, dg.SkipReason) and cursor == "1000"

    drop(tmp_path, "x", "mentions", "2026-06-03", mtime_ns=2_000)
    drop(tmp_path, "facebook", "posts", "2026-05-30", mtime_ns=3_000)
    (tmp_path / "x" / "mentions" / "notes.txt").write_text("not a daily file")
    result, cursor = evaluate(cursor)
    assert isinstance(result, dg.RunRequest)
    assert result.tags["dagster/asset_partition_range_start"] == "2026-05-30"
    assert result.tags["dagster/asset_partition_range_end"] == "2026-06-03"
    assert cursor == "3000" and result.run_key == "inbox-3000"

    # A day delivered again (same name, newer content) is picked up again.
    drop(tmp_path, "facebook", "posts", "2026-06-01", mtime_ns=4_000)
    result, cursor = evaluate(cursor)
    assert result.tags["dagster/asset_partition_range_start"] == "2026-06-01"
    assert result.tags["dagster/asset_partition_range_end"] == "2026-06-01"


def test_an_export_dropped_in_a_source_folder_starts_a_run_for_the_latest_day(tmp_path, monkeypatch):
    from pipelines.defs.partitions import DAILY_PARTITIONS

    monkeypatch.setenv("ANIMATEUR_FEEDS_DIR", str(tmp_path))
    drop(tmp_path, "x", "tweets", "2026-06-01", mtime_ns=1_000)
    result, cursor = evaluate(None)
    assert cursor == "1000"

    archive = tmp_path / "x" / "twitter-2026-06-01.zip"  # an export, beside the daily feed folders
    archive.write_bytes(b"PK")
    os.utime(archive, ns=(5_000, 5_000))
    result, cursor = evaluate(cursor)
    assert isinstance(result, dg.RunRequest) and cursor == "5000"
    latest = DAILY_PARTITIONS.get_last_partition_key()
    assert result.tags["dagster/asset_partition_range_start"] == latest
    assert result.tags["dagster/asset_partition_range_end"] == latest

    # an unzipped export folder counts by its newest file; the feed folders are not exports
    export = tmp_path / "slack" / "workspace-export" / "general"
    export.mkdir(parents=True)
    (export / "2026-05-01.json").write_text("[]")
    os.utime(export / "2026-05-01.json", ns=(6_000, 6_000))
    result, cursor = evaluate(cursor)
    assert isinstance(result, dg.RunRequest) and cursor == "6000"
    result, cursor = evaluate(cursor)
    assert isinstance(result, dg.SkipReason)
