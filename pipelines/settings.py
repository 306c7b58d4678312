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


def alerts_path() -> Path:
    """The alerts sensor's own DuckDB file (table ``alerts``): ``ANIMATEUR_ALERTS``, default
    ``<data_dir>/alerts/alerts.duckdb``. The sensor writes it, the dashboards read it."""
    return Path(os.environ.get("ANIMATEUR_ALERTS", data_dir() / "alerts" / "alerts.duckdb")).resolve()


def reports_dir() -> Path:
    """Where the report documents land: ``<reports_dir>/<kind>/<period>.{html,pdf}``."""
    return Path(os.environ.get("ANIMATEUR_REPORTS_DIR", data_dir() / "reports")).resolve()


def strategy_path() -> Path:
    """The community strategy: ``ANIMATEUR_STRATEGY``, else ``data/strategy.yml`` when it exists, else the demo's."""
    if os.environ.get("ANIMATEUR_STRATEGY"):
        return Path(os.environ["ANIMATEUR_STRATEGY"]).resolve()
    own = data_dir() / "strategy.yml"
    return own if own.exists() else REPO_ROOT / "pipelines" / "demo" / "strategy.yml"


def identity_reviews_path() -> Path:
    """The reviewed identity decisions (merge / unmerge, README "Members and community health"):
    ``ANIMATEUR_IDENTITY_REVIEWS``, else ``<data_dir>/identity_reviews.csv`` when it exists, else the demo's."""
    if os.environ.get("ANIMATEUR_IDENTITY_REVIEWS"):
        return Path(os.environ["ANIMATEUR_IDENTITY_REVIEWS"]).resolve()
    own = data_dir() / "identity_reviews.csv"
    return own if own.exists() else REPO_ROOT / "pipelines" / "demo" / "identity_reviews.csv"


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


# Key of the member pseudonyms in tests and benchmarks (environment_for); deployments set their own, secret.
TEST_PSEUDONYM_KEY = "animateur-test-pseudonym-key-not-secret"
DOTENV_PATH = REPO_ROOT / ".env"


def load_dotenv(path: Path = DOTENV_PATH) -> list[str]:
    """Read ``KEY=VALUE`` lines of a git-ignored ``.env`` into the environment, without overriding what is
    already set (the environment wins). Comments, blank lines and ``export`` prefixes are allowed; values may
    be quoted. Returns the names set. ``dagster dev`` reads the same file by itself."""
    if not path.is_file():
        return []
    loaded = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.removeprefix("export ").partition("=")
        name, value = name.strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:  # an inline comment after an unquoted value
            value = value.split(" #", 1)[0].rstrip()
        if name and name not in os.environ:
            os.environ[name] = value
            loaded.append(name)
    return loaded


def ensure_dagster_home() -> Path:
    """DAGSTER_HOME, defaulting to ``<data_dir>/dagster`` with the project's dagster.yaml (telemetry off, the
    warehouse pool): without it, ``dagster dev`` would keep its runs in a temporary folder of the working
    directory, and ``animateur build`` in memory."""
    if os.environ.get("DAGSTER_HOME"):
        return Path(os.environ["DAGSTER_HOME"])
    import shutil

    home = data_dir() / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copy(REPO_ROOT / "data" / "dagster" / "dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


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
        # a fixed key: the tests' pseudonyms are the same on every run (never a deployment's key)
        "ANIMATEUR_PSEUDONYM_KEY": TEST_PSEUDONYM_KEY,
    }
