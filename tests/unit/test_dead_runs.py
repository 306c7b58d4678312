"""`animateur build` frees the warehouse pool slot of a run whose process died (else it waits for it forever)."""

from __future__ import annotations

import os
import socket
import subprocess
import uuid

import dagster as dg
from dagster._core.storage.dagster_run import DagsterRun

from pipelines.cli import RUN_PROCESS_TAG, release_dead_runs
from pipelines.defs.resources import WAREHOUSE_POOL


def _started_run(instance: dg.DagsterInstance, tags: dict[str, str]) -> str:
    run_id = str(uuid.uuid4())
    instance.add_run(DagsterRun(job_name="refresh_warehouse", run_id=run_id, status=dg.DagsterRunStatus.STARTED,
                                tags=tags))
    return run_id


def test_a_dead_builds_run_is_failed_and_its_slot_freed_live_and_foreign_runs_are_left(tmp_path):
    instance = dg.DagsterInstance.local_temp(str(tmp_path))
    storage = instance.event_log_storage
    storage.set_concurrency_slots(WAREHOUSE_POOL, 1)
    finished = subprocess.Popen(["true"])
    finished.wait()  # its pid is now free: a process that died
    host = socket.gethostname()
    dead = _started_run(instance, {RUN_PROCESS_TAG: f"{host}:{finished.pid}"})
    alive = _started_run(instance, {RUN_PROCESS_TAG: f"{host}:{os.getpid()}"})
    elsewhere = _started_run(instance, {RUN_PROCESS_TAG: f"another-host:{finished.pid}"})
    untagged = _started_run(instance, {})  # launched by the Dagster UI: its own run monitoring's business
    assert storage.claim_concurrency_slot(WAREHOUSE_POOL, dead, "facebook__posts").is_claimed

    assert release_dead_runs(instance) == [dead]

    assert instance.get_run_by_id(dead).status == dg.DagsterRunStatus.FAILURE
    assert {instance.get_run_by_id(r).status for r in (alive, elsewhere, untagged)} == {dg.DagsterRunStatus.STARTED}
    assert storage.get_concurrency_info(WAREHOUSE_POOL).claimed_slots == []
    assert storage.claim_concurrency_slot(WAREHOUSE_POOL, alive, "x__tweets").is_claimed  # the next run gets it
    assert release_dead_runs(instance) == []
