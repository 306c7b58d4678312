"""Import a 100,000-record X account archive and a Slack workspace export of the same size, and print records
per second and peak memory for each.

    python benchmarks/import_exports.py --records 100000

The exports are generated in the platforms' own layouts, each record shaped like the real files of
tests/fixtures/real/ (an X archive's ``{"tweet": {...}}`` with string numbers and Twitter's date format; Slack
day files of messages with ``ts``, ``user``, ``text``, reactions, threads), then zipped as users download them.
Each import runs in its own process (the same ``animateur import`` a user runs, without the model rebuild), so
the peak resident memory printed is that import's own (``wait4`` rusage)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.settings import REPO_ROOT, environment_for

START = datetime(2023, 1, 1, tzinfo=UTC)
WORDS = np.array(["bougie", "cire", "soja", "mèche", "parfum", "ambre", "vanille", "cadeau", "livraison",
                  "atelier", "lumière", "merci", "candle", "wax", "wick", "scent", "amber", "gift", "order",
                  "workshop", "light", "thanks"])


def sentences(rng: np.random.Generator, n: int, words: int = 12) -> pl.Series:
    picks = WORDS[rng.integers(0, len(WORDS), size=(n, words))]
    return pl.Series([" ".join(row) for row in picks.tolist()])


def x_archive(folder: Path, n: int, seed: int) -> Path:
    """``data/tweets.js`` of ``n`` tweets, ``data/manifest.js`` stating the count, zipped."""
    rng = np.random.default_rng(seed)
    seconds = np.sort(rng.integers(0, 3 * 365 * 86400, n)) + int(START.timestamp())
    created = pl.from_epoch(pl.Series(seconds), time_unit="s")
    ids = pl.Series((1_600_000_000_000_000_000 + np.arange(n) * 1_000_003).astype(str))
    frame = pl.DataFrame({
        "id_str": ids,
        "id": ids,
        "created_at": created.dt.strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "full_text": sentences(rng, n),
        "lang": pl.Series(np.where(rng.random(n) < 0.6, "fr", "en")),
        "favorite_count": pl.Series(rng.poisson(8, n).astype(str)),
        "retweet_count": pl.Series(rng.poisson(2, n).astype(str)),
        "retweeted": pl.Series([False] * n),
        "truncated": pl.Series([False] * n),
        "source": pl.Series(['<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>'] * n),
    }).select(pl.struct(pl.all()).alias("tweet"))
    data = folder / "twitter-archive" / "data"
    data.mkdir(parents=True)
    (data / "tweets.js").write_text("window.YTD.tweets.part0 = " + frame.write_json())
    manifest = {"userInfo": {"accountId": "1500000000000000001", "userName": "maisonlumiere",
                             "displayName": "Maison Lumière"},
                "dataTypes": {"tweets": {"files": [{"fileName": "data/tweets.js", "globalName": "YTD.tweets.part0",
                                                    "count": str(n)}]}}}
    (data / "manifest.js").write_text("window.__THAR_CONFIG = " + json.dumps(manifest, indent=2))
    return zip_folder(data.parent, folder / "twitter-archive.zip")


def slack_export(folder: Path, n: int, seed: int, channels: int = 20) -> Path:
    """``n`` messages over ``channels`` channels, one ``<channel>/<YYYY-MM-DD>.json`` file per channel and day,
    with ``channels.json`` and ``users.json``, zipped."""
    rng = np.random.default_rng(seed)
    root = folder / "slack-export"
    root.mkdir(parents=True)
    users = [f"U{100000 + i}" for i in range(200)]
    channel_ids = [f"C{900000 + i}" for i in range(channels)]
    names = [f"community-{i:02d}" for i in range(channels)]
    (root / "users.json").write_text(json.dumps(
        [{"id": u, "team_id": "T1", "name": f"member{i}", "real_name": f"Member {i}", "deleted": False,
          "is_bot": False, "profile": {"real_name": f"Member {i}", "display_name": f"member{i}"}}
         for i, u in enumerate(users)]))
    (root / "channels.json").write_text(json.dumps(
        [{"id": c, "name": name, "created": "1672531200", "creator": users[0], "is_archived": False,
          "is_general": i == 0, "members": users[:50], "topic": {"value": name}, "purpose": {"value": ""}}
         for i, (c, name) in enumerate(zip(channel_ids, names, strict=True))]))
    seconds = np.sort(rng.integers(0, 365 * 86400, n)) + int(START.timestamp())
    frame = pl.DataFrame({
        "channel": pl.Series(np.array(names)[rng.integers(0, channels, n)]),
        "type": pl.Series(["message"] * n),
        "user": pl.Series(np.array(users)[rng.integers(0, len(users), n)]),
        "text": sentences(rng, n),
        # unique within a channel: the second and a per-message sequence as microseconds
        "ts": pl.Series([f"{s}.{i % 1_000_000:06d}" for i, s in enumerate(seconds.tolist())]),
        "reply_count": pl.Series(rng.poisson(0.3, n)),
    }).with_columns(
        day=pl.from_epoch(pl.Series(seconds), time_unit="s").dt.strftime("%Y-%m-%d"))
    for (channel, day), messages in frame.group_by(["channel", "day"], maintain_order=True):
        target = root / channel / f"{day}.json"
        target.parent.mkdir(exist_ok=True)
        target.write_text(messages.drop("channel", "day").write_json())
    return zip_folder(root, folder / "slack-export.zip")


def zip_folder(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                zf.write(file, f"{folder.name}/{file.relative_to(folder).as_posix()}")
    shutil.rmtree(folder)
    return target


def run_import(fmt: str, path: Path, env: dict[str, str]) -> dict:
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "import", fmt, str(path), "--date",
                             "2026-06-01", "--no-build"], cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        print(output[-8000:], file=sys.stderr)
        raise SystemExit(f"import of {fmt} failed")
    return {"seconds": seconds, "peak_rss_mb": usage.ru_maxrss / 1024, "output": output}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, help="keep the exports and warehouse here (default: temporary)")
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="animateur-import-bench-"))
    env = environment_for(work / "data")
    print(f"generating a {args.records:,}-tweet X archive and a {args.records:,}-message Slack export in {work}")
    exports = {"x-archive": (x_archive(work, args.records, args.seed), "x.archive_tweets"),
               "slack-export": (slack_export(work, args.records, args.seed), "slack.export_messages")}
    results = []
    for fmt, (path, table) in exports.items():
        run = run_import(fmt, path, env)
        line = next((ln for ln in run["output"].splitlines() if ln.strip().startswith(f"{table}:")), "")
        loaded_plus = line.split(":", 1)[1].strip() if line else "?"
        in_count = int(line.split(":", 1)[1].split(" in", 1)[0]) if line else 0
        if in_count != args.records:
            print(run["output"], file=sys.stderr)
            raise SystemExit(f"{fmt}: expected {args.records:,} records in {table}, the import says {loaded_plus}")
        results.append((fmt, path.stat().st_size / 1e6, run["seconds"], args.records / run["seconds"],
                        run["peak_rss_mb"], loaded_plus))
    print(f"\n{'export':<14}{'zip MB':>8}{'seconds':>9}{'records/s':>11}{'peak MB':>9}  records")
    for fmt, size, seconds, rate, peak, counts in results:
        print(f"{fmt:<14}{size:>8.1f}{seconds:>9.1f}{rate:>11,.0f}{peak:>9.0f}  {counts}")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
