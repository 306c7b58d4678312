"""The latest result of every Dagster asset check (dbt tests, Great Expectations suites, ingestion checks), as a
table the published copy carries for the dashboards' Data health page (``check_results``).

One row per check the code location defines, read from the instance's event log (the latest execution, whatever
its partition); a check that never ran has status ``not_run``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import dagster as dg
import pandas as pd

CHECK_RESULT_COLUMNS = ("check_name", "asset_key", "status", "passed", "severity", "description", "metadata",
                        "partition", "run_id", "evaluated_at")
# status: passed | failed (an ERROR check that did not pass) | warned (a WARN check that did not pass)
#         | running (planned or in progress) | not_run (no execution in the event log)
STATUSES = ("passed", "failed", "warned", "running", "not_run")


def _metadata_json(metadata: dict[str, Any]) -> str | None:
    if not metadata:
        return None
    values = {key: getattr(value, "value", value) for key, value in metadata.items()}
    return json.dumps(values, default=str, sort_keys=True)


def _row(key: dg.AssetCheckKey, description: str | None, record: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "check_name": key.name, "asset_key": key.asset_key.to_user_string(), "status": "not_run", "passed": None,
        "severity": None, "description": description, "metadata": None, "partition": None, "run_id": None,
        "evaluated_at": None,
    }
    if record is None:
        return row
    row.update(run_id=record.run_id, partition=record.partition,
               evaluated_at=datetime.fromtimestamp(record.create_timestamp, UTC))
    event = record.event.dagster_event if record.event is not None else None
    evaluation = (event.asset_check_evaluation_data
                  if event is not None and event.event_type_value == "ASSET_CHECK_EVALUATION" else None)
    if evaluation is None:  # planned: the run has not evaluated it yet
        row["status"] = "running"
        return row
    severity = evaluation.severity.value  # ERROR | WARN
    row.update(
        passed=bool(evaluation.passed),
        severity=severity,
        status="passed" if evaluation.passed else ("warned" if severity == "WARN" else "failed"),
        description=evaluation.description or description,
        metadata=_metadata_json(dict(evaluation.metadata)),
        evaluated_at=datetime.fromtimestamp(record.event.timestamp, UTC),
    )
    return row


def latest_check_results(instance: dg.DagsterInstance, check_keys: Iterable[dg.AssetCheckKey],
                         descriptions: dict[dg.AssetCheckKey, str | None] | None = None) -> pd.DataFrame:
    """The latest execution of each check of ``check_keys`` (columns CHECK_RESULT_COLUMNS, sorted by asset and
    check). ``descriptions``: the checks' own descriptions, shown when an evaluation has none."""
    keys = sorted(set(check_keys), key=lambda k: (k.asset_key.to_user_string(), k.name))
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(keys) if keys else {}
    descriptions = descriptions or {}
    frame = pd.DataFrame([_row(key, descriptions.get(key), latest.get(key)) for key in keys],
                         columns=list(CHECK_RESULT_COLUMNS))
    text = [c for c in CHECK_RESULT_COLUMNS if c not in ("passed", "evaluated_at")]
    frame[text] = frame[text].astype("string")  # VARCHAR in DuckDB even when a column is all null
    frame["passed"] = frame["passed"].astype("boolean")
    frame["evaluated_at"] = pd.to_datetime(frame["evaluated_at"], utc=True)
    return frame


def check_results_of_asset_graph(instance: dg.DagsterInstance, graph: Any) -> pd.DataFrame:
    """Every asset check of an asset graph (the code location's), with its latest result."""
    keys = graph.asset_check_keys
    return latest_check_results(instance, keys, {key: graph.get_check_spec(key).description for key in keys})
