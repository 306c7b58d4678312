"""The dbt project, and a manifest that is parsed once, not once per process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject
from filelock import FileLock

from pipelines import settings

dbt_project = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)


def _newest_source_mtime(project_dir: Path) -> float:
    newest = 0.0
    for folder in ("models", "seeds", "macros", "tests", "snapshots"):
        for path in (project_dir / folder).rglob("*"):
            if path.suffix in {".sql", ".yml", ".yaml", ".csv"}:
                newest = max(newest, path.stat().st_mtime)
    for name in ("dbt_project.yml", "profiles.yml"):
        newest = max(newest, (project_dir / name).stat().st_mtime)
    return newest


def ensure_manifest() -> Path:
    """Run ``dbt parse`` only when the manifest is missing or older than the project's files.

    ``DbtProject.prepare_if_dev()`` re-parses in every step process under ``dagster dev``; this guard parses
    once (under a file lock, so parallel processes wait for the first) and then reuses the manifest."""
    manifest = dbt_project.manifest_path
    project_dir = Path(dbt_project.project_dir)
    if manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime(project_dir):
        return manifest
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(manifest.parent / ".parse.lock")):
        if manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime(project_dir):
            return manifest
        env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        subprocess.run(
            [str(Path(sys.executable).parent / "dbt"), "parse", "--quiet",
             "--project-dir", str(project_dir), "--profiles-dir", str(project_dir)],
            check=True, env=env,
        )
    return manifest
