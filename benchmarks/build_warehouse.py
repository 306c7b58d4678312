"""Build the warehouse from the demo generator at scale and print wall time and peak memory per stage.

    python benchmarks/build_warehouse.py --days 182 --scale 100      # > 1 million interactions

Each stage runs in its own process (the same commands a user runs), so the peak resident memory printed is
that stage's own (``wait4`` rusage), not the maximum of everything before it."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

from pipelines.settings import REPO_ROOT, environment_for


def run_stage(name: str, cmd: list[str], env: dict[str, str]) -> dict:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        print(output[-8000:], file=sys.stderr)
        raise SystemExit(f"stage {name} failed")
    return {"stage": name, "seconds": wall, "peak_rss_mb": usage.ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=182)
    parser.add_argument("--scale", type=float, default=100.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--end-date", type=date.fromisoformat, default=date(2026, 6, 28))
    parser.add_argument("--workdir", type=Path, help="keep the data here (default: a temporary folder, removed)")
    args = parser.parse_args()

    data_dir = args.workdir or Path(tempfile.mkdtemp(prefix="animateur-bench-"))
    env = environment_for(data_dir)
    inbox = data_dir / "inbox" / "demo"
    python = sys.executable
    build = [python, "-m", "pipelines.cli", "build"]
    stages = [
        ("generate", [python, "-m", "pipelines.demo.generator", "--out", str(inbox), "--days", str(args.days),
                      "--scale", str(args.scale), "--seed", str(args.seed), "--end-date", args.end_date.isoformat()]),
        ("ingest (land + parse)", [*build, "--select", "group:ingestion"]),
        ("dbt build (models + tests)", [*build, "--select", "group:staging or group:marts"]),
        ("quality + publish", [*build, "--select", "group:quality or group:serving"]),
    ]
    results = []
    try:
        for name, cmd in stages:
            print(f"… {name}", flush=True)
            results.append(run_stage(name, cmd, env))
        with duckdb.connect(env["ANIMATEUR_WAREHOUSE"], read_only=True) as con:
            counts = {
                table: con.execute(f"select count(*) from {table}").fetchone()[0]
                for table in ("raw.pages", "marts.fct_contents", "marts.fct_interactions", "marts.fct_conversations",
                              "raw.quarantine")
            }
        size_mb = Path(env["ANIMATEUR_WAREHOUSE"]).stat().st_size / 2**20
        inbox_mb = sum(p.stat().st_size for p in inbox.rglob("*") if p.is_file()) / 2**20
    finally:
        if args.workdir is None:
            shutil.rmtree(data_dir, ignore_errors=True)

    print(f"\nAnimateur warehouse build — {args.days} days, scale {args.scale}, seed {args.seed}")
    print(f"{'stage':30} {'wall s':>9} {'peak RSS MB':>12}")
    for r in results:
        print(f"{r['stage']:30} {r['seconds']:9.1f} {r['peak_rss_mb']:12.0f}")
    print(f"{'total':30} {sum(r['seconds'] for r in results):9.1f} {max(r['peak_rss_mb'] for r in results):12.0f}")
    print(f"\ninbox {inbox_mb:.0f} MB -> warehouse {size_mb:.0f} MB")
    for table, n in counts.items():
        print(f"{table:28} {n:>12,}")
    interactions = counts["marts.fct_interactions"]
    per_second = interactions / sum(r["seconds"] for r in results[1:])
    print(f"\n{interactions:,} interactions, {per_second:,.0f} interactions/s through ingest + dbt + publish")
    if interactions < 1_000_000:
        print("note: fewer than 1 million interactions; raise --scale", file=sys.stderr)


if __name__ == "__main__":
    main()
