"""Fixtures of the unit tests: a fresh DuckDB warehouse, and an inbox folder that does not exist."""

from __future__ import annotations

import pytest

from pipelines.lib.ingest import connect


@pytest.fixture
def warehouse_con(tmp_path):
    """A connection to a new, empty warehouse in the test's folder."""
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


@pytest.fixture
def no_inbox(tmp_path):
    """For tests that read from an API only: the inbox folder does not exist."""
    return tmp_path / "no-inbox"
