"""Where things live. Every path can be overridden from the environment, so tests and deployments
point the whole stack (Dagster, dbt, dashboards) at other files without code changes."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


def data_dir() -> Path:
    return Path(os.environ.get("ANIMATEUR_DATA_DIR", REPO_ROOT / "data")).resolve()


def warehouse_path() -> Path:
    return Path(os.environ.get("ANIMATEUR_WAREHOUSE", data_dir() / "warehouse" / "animateur.duckdb")).resolve()


def published_path() -> Path:
    return Path(os.environ.get("ANIMATEUR_PUBLISHED", data_dir() / "published" / "animateur.duckdb")).resolve()


def inbox_dir() -> Path:
    return Path(os.environ.get("ANIMATEUR_INBOX", data_dir() / "inbox")).resolve()


def demo_inbox_dir() -> Path:
    return inbox_dir() / "demo"


def feeds_dir() -> Path:
    """Folder of ``<source>/<feed>/<YYYY-MM-DD>.<ext>`` files the ingestion assets read (the demo inbox
    until real connectors write their own)."""
    return Path(os.environ.get("ANIMATEUR_FEEDS_DIR", demo_inbox_dir())).resolve()


def strategy_path() -> Path:
    """The community strategy: ``ANIMATEUR_STRATEGY``, else ``data/strategy.yml`` when it exists, else the demo's."""
    if os.environ.get("ANIMATEUR_STRATEGY"):
        return Path(os.environ["ANIMATEUR_STRATEGY"]).resolve()
    own = data_dir() / "strategy.yml"
    return own if own.exists() else REPO_ROOT / "pipelines" / "demo" / "strategy.yml"


# A ranged run (a backfill of N days in one run) records one "materialization planned" event per asset instead
# of one per asset and day: on SQLite these events took half of a 182-day build (25,000 inserts). Set for
# `animateur build` and `animateur serve` (the processes that create runs). Trade-off, per Dagster: a failed
# ranged run does not mark each of its partitions failed.
DAGSTER_RANGED_RUN_SETTINGS = {"DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS": "true"}


def apply_dagster_run_settings() -> None:
    for name, value in DAGSTER_RANGED_RUN_SETTINGS.items():
        os.environ.setdefault(name, value)


def partitions_start() -> str:
    """First daily partition. Older data can still be loaded by moving this date back."""
    return os.environ.get("ANIMATEUR_PARTITIONS_START", "2025-01-01")


def environment_for(data_dir: Path) -> dict[str, str]:
    """Environment that points the whole stack (Dagster instance included) at a self-contained data folder:
    used by tests and benchmarks to build a warehouse beside, not over, the demo one."""
    import shutil

    dagster_home = data_dir / "dagster"
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "data" / "dagster" / "dagster.yaml", dagster_home / "dagster.yaml")
    return {
        **os.environ,
        "ANIMATEUR_DATA_DIR": str(data_dir),
        "ANIMATEUR_WAREHOUSE": str(data_dir / "warehouse" / "animateur.duckdb"),
        "ANIMATEUR_PUBLISHED": str(data_dir / "published" / "animateur.duckdb"),
        "ANIMATEUR_FEEDS_DIR": str(data_dir / "inbox" / "demo"),
        "DAGSTER_HOME": str(dagster_home),
        **DAGSTER_RANGED_RUN_SETTINGS,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "GX_ANALYTICS_ENABLED": "False",
    }
