"""Shared fixtures. ``built_warehouse`` runs the real pipeline (Dagster run, DuckDB, dbt build, GX check,
publication) once per session on demo data generated with a fixed seed, in a temporary data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from pipelines.settings import environment_for

REPO_ROOT = Path(__file__).resolve().parent.parent
# Real API payloads, read where the workplace lays them (beside the checkout), never copied into the repo.
SAMPLES = Path(os.environ.get("ANIMATEUR_SAMPLES", REPO_ROOT.parent / "shared" / "samples"))

# Eight full ISO weeks ending on a Sunday: the fixture's data covers 2026-05-04 .. 2026-06-28.
DEMO_END = date(2026, 6, 28)
DEMO_DAYS = 56
DEMO_SEED = 7


@dataclass
class BuiltWarehouse:
    data_dir: Path
    inbox: Path
    warehouse_path: Path
    published_path: Path
    env: dict[str, str]
    first_day: date
    last_day: date

    def run_build(self, timeout: float = 600) -> subprocess.CompletedProcess:
        """Materialize every asset again, as `animateur build` does, in its own process."""
        return subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "build", "--from", self.first_day.isoformat(),
             "--to", self.last_day.isoformat()],
            cwd=REPO_ROOT, env=self.env, capture_output=True, text=True, timeout=timeout, check=False,
        )


def fail_with_output(result: subprocess.CompletedProcess, what: str) -> None:
    if result.returncode != 0:
        pytest.fail(f"{what} failed ({result.returncode}):\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}")


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory) -> BuiltWarehouse:
    from pipelines.demo.generator import generate

    data_dir = tmp_path_factory.mktemp("animateur-data")
    inbox = data_dir / "inbox" / "demo"
    summary = generate(inbox, end_date=DEMO_END, days=DEMO_DAYS, scale=1.0, seed=DEMO_SEED)
    env = environment_for(data_dir)
    built = BuiltWarehouse(
        data_dir=data_dir,
        inbox=inbox,
        warehouse_path=Path(env["ANIMATEUR_WAREHOUSE"]),
        published_path=Path(env["ANIMATEUR_PUBLISHED"]),
        env=env,
        first_day=summary.start_date,
        last_day=summary.end_date,
    )
    fail_with_output(built.run_build(), "the pipeline build")
    return built


@pytest.fixture(scope="session")
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.fail(f"real API samples expected in {SAMPLES} (../shared/samples beside the checkout)")
    return SAMPLES
