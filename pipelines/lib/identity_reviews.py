"""Reviewed identity decisions: the merge / unmerge CSV that wins over the identity rules.

Columns (header required): ``decision,account_key,other_account_key,reviewer,reviewed_on,note``.
``decision`` is ``merge`` (the two accounts are one person: their members join) or ``unmerge`` (cut every rule
link drawn directly between the two accounts); account keys are ``<channel_id>:<account_id>`` as in
``intermediate.int_member_accounts_unioned``; ``reviewed_on`` is an ISO date. The file is read whole and written
to ``strategy.identity_reviews`` in one transaction; a wrong row fails with ``<file>:<line>: <what is wrong>``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

COLUMNS = ("decision", "account_key", "other_account_key", "reviewer", "reviewed_on", "note")
TABLE_COLUMNS = {
    "decision": "varchar", "account_key": "varchar", "other_account_key": "varchar",
    "reviewer": "varchar", "reviewed_on": "date", "note": "varchar",
}
DECISIONS = ("merge", "unmerge")
_ACCOUNT_KEY = re.compile(r"^[a-z][a-z0-9_]*:.+$")


@dataclass(frozen=True)
class IdentityReview:
    decision: str
    account_key: str
    other_account_key: str
    reviewer: str | None
    reviewed_on: date | None
    note: str | None

    def row(self) -> tuple:
        return (self.decision, self.account_key, self.other_account_key, self.reviewer, self.reviewed_on, self.note)


class IdentityReviewsError(ValueError):
    def __init__(self, issues: list[str]) -> None:
        super().__init__("\n".join(issues))
        self.issues = issues


def parse_reviews(text: str, name: str = "identity_reviews.csv") -> list[IdentityReview]:
    """The decisions of a CSV text; raises ``IdentityReviewsError`` listing every wrong line."""
    reader = csv.DictReader(text.splitlines())
    header = tuple(reader.fieldnames or ())
    if header[: len(COLUMNS)] != COLUMNS:
        raise IdentityReviewsError([f"{name}:1: the header must be {','.join(COLUMNS)} (found {','.join(header)})"])
    reviews, issues = [], []
    for line, record in enumerate(reader, start=2):
        values = {k: (record.get(k) or "").strip() for k in COLUMNS}
        decision = values["decision"].lower()
        problems = []
        if decision not in DECISIONS:
            problems.append(f"decision {values['decision']!r} is neither merge nor unmerge")
        for key in ("account_key", "other_account_key"):
            if not _ACCOUNT_KEY.match(values[key]):
                problems.append(f"{key} {values[key]!r} is not '<channel_id>:<account_id>'")
        if values["account_key"] and values["account_key"] == values["other_account_key"]:
            problems.append("an account cannot be reviewed against itself")
        reviewed_on = None
        if values["reviewed_on"]:
            try:
                reviewed_on = date.fromisoformat(values["reviewed_on"])
            except ValueError:
                problems.append(f"reviewed_on {values['reviewed_on']!r} is not a date (YYYY-MM-DD)")
        if problems:
            issues.extend(f"{name}:{line}: {p}" for p in problems)
            continue
        reviews.append(IdentityReview(decision, values["account_key"], values["other_account_key"],
                                      values["reviewer"] or None, reviewed_on, values["note"] or None))
    if issues:
        raise IdentityReviewsError(issues)
    return reviews


def load_reviews(path: Path | str) -> list[IdentityReview]:
    """The decisions of the file at ``path``; no file is no decision."""
    path = Path(path)
    if not path.exists():
        return []
    return parse_reviews(path.read_text(encoding="utf-8-sig"), name=str(path))


def write_reviews(con, reviews: list[IdentityReview], schema: str = "strategy") -> int:
    """Replace ``<schema>.identity_reviews`` with ``reviews`` in one transaction; returns the row count."""
    ddl = ", ".join(f"{name} {sql_type}" for name, sql_type in TABLE_COLUMNS.items())
    con.execute("begin transaction")
    try:
        con.execute(f"create schema if not exists {schema}")
        con.execute(f"create or replace table {schema}.identity_reviews ({ddl})")
        if reviews:
            con.executemany(f"insert into {schema}.identity_reviews values (?, ?, ?, ?, ?, ?)",
                            [r.row() for r in reviews])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return len(reviews)
