"""Scaffolding shared by the connector tests (tests/unit/test_connector_*.py): real API samples served by a
local HTTP server (pytest-httpserver), fetched pages landed and ingested into a DuckDB warehouse, and a real
Dagster run of a feed's asset."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
from werkzeug import Response

from pipelines.lib.ingest import FeedSpec, TableSpec, ingest_feed, land_api_pages, reconcile

GRAPH_API_URL = "https://graph.facebook.com"
Counts = tuple[int, int, int]  # (records_in, loaded, quarantined) of one table


# --- samples and the local server ---------------------------------------------------------------------------

def read_sample(samples: Path, *relative_path: str) -> str:
    """The text of a real API sample, read where it lies (``samples`` is the tests' session fixture)."""
    return samples.joinpath(*relative_path).read_text()


def graph_sample_reader(samples: Path, folder: str, httpserver) -> Callable[[str], str]:
    """Reads a Graph API sample of ``folder``, its paging URLs pointed at the local server."""
    local = httpserver.url_for("").rstrip("/")

    def read(name: str) -> str:
        return read_sample(samples, folder, name).replace(GRAPH_API_URL, local)

    return read


def local_api(api_class, httpserver, path: str = "", **settings):
    """A connector resource pointed at the local server, retrying fast."""
    return api_class(base_url=httpserver.url_for(path), backoff_initial_seconds=0.01, max_attempts=5,
                     **settings)


def json_response(body, status: int = 200) -> Response:
    return Response(body if isinstance(body, str) else json.dumps(body), status=status,
                    content_type="application/json")


def respond(handler, answer) -> None:
    """Answer an expected request with a ready Response, a JSON text (a sample's, as is), or a value sent as
    JSON."""
    if isinstance(answer, Response):
        handler.respond_with_response(answer)
    elif isinstance(answer, str):
        handler.respond_with_data(answer, content_type="application/json")
    else:
        handler.respond_with_json(answer)


def serve_in_order(httpserver, path: str, *answers) -> None:
    """Successive requests to ``path`` get each answer in turn (see ``respond``)."""
    for answer in answers:
        respond(httpserver.expect_ordered_request(path), answer)


def busy(times: int = 3) -> list[Response]:
    """A run of 503 answers."""
    return [Response("busy", status=503) for _ in range(times)]


@dataclass
class Fetched:
    pages: list
    requests_made: int
    waits: list[float]  # the retry waits the client asked for, in order (not slept)


def fetch_pages(api, fetch: Callable, day: date) -> Fetched:
    """One fetch of a day with a fresh client, its retry waits recorded instead of slept."""
    waits: list[float] = []
    with api.client() as client:
        client.sleep = waits.append
        pages = fetch(api, client, day)
        return Fetched(pages=pages, requests_made=client.requests_made, waits=waits)


# --- the warehouse ------------------------------------------------------------------------------------------

def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def quarantine_reasons(con, order_by: str | None = None) -> list[str]:
    """The reasons of the quarantined records (in the table's order unless ``order_by`` says otherwise)."""
    order = f" order by {order_by}" if order_by else ""
    return [r[0] for r in rows(con, "select reason from raw.quarantine" + order)]


def put_in_inbox(inbox: Path, feed: FeedSpec, day: date, source: Path) -> None:
    """A copy of the file ``source`` as the feed's inbox file of the day."""
    target = feed.file_for(inbox, day)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


class Ingested(dict[str, Counts]):
    """Each table's counts after an ingest, by table name; ``landed``: the pages newly landed before it."""

    def __init__(self, tables: dict[str, Counts], landed: int | None = None):
        super().__init__(tables)
        self.landed = landed


def ingest(con, feed: FeedSpec, day: date, inbox: Path) -> Ingested:
    """Ingest the feed's day (raw pages already landed, and the inbox's file if any)."""
    result = ingest_feed(con, feed, inbox, [day])
    return Ingested({name: (s.records_in, s.loaded, s.quarantined) for name, s in result.tables.items()})


def land_and_ingest(con, feed: FeedSpec, day: date, pages, inbox: Path) -> Ingested:
    """Land fetched pages in raw.pages, then ingest the day."""
    landed = land_api_pages(con, feed, day, pages)
    return Ingested(ingest(con, feed, day, inbox), landed)


def balanced(con, feed: FeedSpec, day: date, table: TableSpec | None = None):
    """Whether the day's raw records all are loaded or quarantined (in the first table by default)."""
    return reconcile(con, feed, table or feed.tables[0], [day])["balanced"]


# --- Dagster ------------------------------------------------------------------------------------------------

def materialize_feed(feed: FeedSpec, day: date, api_key: str, api,
                     tmp_path: Path) -> dg.ExecuteInProcessResult:
    """A real in-process run of the feed's asset for the day's partition, ``api`` as resource ``api_key``,
    into a new warehouse, with an inbox folder that does not exist."""
    from pipelines.defs.ingestion.factory import build_feed_assets
    from pipelines.defs.resources import FeedsInbox, Warehouse

    return dg.materialize(
        [build_feed_assets(feed, pool="duckdb_warehouse")],
        partition_key=day.isoformat(),
        resources={"warehouse": Warehouse(path=str(tmp_path / "w.duckdb")),
                   "inbox": FeedsInbox(path=str(tmp_path / "inbox")), api_key: api},
        instance=dg.DagsterInstance.ephemeral(),
    )


def materialized(result: dg.ExecuteInProcessResult, node: str) -> dict[str, dict[str, Any]]:
    """The metadata values of the node's materializations, by table (the asset key's last part)."""
    return {m.asset_key.path[-1]: {name: value.value for name, value in m.metadata.items()}
            for m in result.asset_materializations_for_node(node)}


def checks_passed(result: dg.ExecuteInProcessResult) -> list[bool]:
    return [c.passed for c in result.get_asset_check_evaluations()]


# --- real payloads kept in the repository (tests/fixtures/real/<api>/, each folder with its PROVENANCE.md) ----

REAL_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "real"


def read_real_fixture(*relative_path: str) -> str:
    """The text of a real API payload saved under ``REAL_FIXTURES``, unchanged."""
    return REAL_FIXTURES.joinpath(*relative_path).read_text(encoding="utf-8")
