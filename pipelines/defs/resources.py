"""Every resource of the code location, in one place."""


import sys
import time
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource

from pipelines import settings
from pipelines.defs.ingestion.registry import api_resources
from pipelines.defs.transformation.project import dbt_project
from pipelines.lib.ingest import connect

# DuckDB accepts a single writer process: every asset that writes the warehouse joins this pool, whose limit
# is 1 in the instance's dagster.yaml, so runs started together queue instead of failing on the file lock.
WAREHOUSE_POOL = "duckdb_warehouse"


class Warehouse(dg.ConfigurableResource):
    """The pipeline's DuckDB file. Analysts and dashboards never open it for writing."""

    path: str
    lock_timeout_seconds: float = 60.0

    @contextmanager
    def connect(self):
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.lock_timeout_seconds
        while True:
            try:
                con = connect(self.path)
                break
            except duckdb.IOException as exc:  # another process (an analyst's shell) holds the lock
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        try:
            yield con
        finally:
            con.close()


class FeedsInbox(dg.ConfigurableResource):
    """Where the ingestion assets find their daily files."""

    path: str


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "warehouse": Warehouse(path=str(settings.warehouse_path())),
            "inbox": FeedsInbox(path=str(settings.feeds_dir())),
            # the dbt installed beside this Python, whether or not the virtualenv is activated
            "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt")),
            # platform connectors (idle without their credentials, see .env.example)
            **api_resources(),
        }
    )
