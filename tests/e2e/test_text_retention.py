"""Text retention on the built demo (README "Text retention"): on a copy of the built warehouse, the asset
privacy/text_retention (a real Dagster materialization, cut-off in the middle of the demo period) then a dbt
rebuild: the old texts' bytes are gone from the typed and raw tables, recent texts stay, and the scores and the
monthly mention counts are unchanged."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from pipelines.lib.text_retention import TEXT_TABLES
from pipelines.settings import REPO_ROOT, environment_for

DBT_SELECT: list[str] = []  # the whole project, as the pipeline builds it
CUTOFF = "2026-06-01"  # the demo covers 2026-05-04 .. 2026-06-28


def _run(args: list[str], env: dict, cwd: Path = REPO_ROOT, timeout: float = 600) -> None:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{' '.join(args[:4])} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"


def _texts(con, before: bool) -> set[str]:
    """Texts of the typed tables published before (or from) the cut-off."""
    texts: set[str] = set()
    for spec in TEXT_TABLES:
        exists = con.execute("select count(*) from duckdb_tables() where schema_name || '.' || table_name = ?",
                             [spec.table]).fetchone()[0]
        if not exists:
            continue
        for column in spec.text_columns:
            texts |= {t for (t,) in con.execute(
                f"select {column} from {spec.table} where {column} is not null and "
                f"({spec.time_column} < ?::timestamptz) = ?", [CUTOFF, before]).fetchall()}
    return texts


def _measures(con) -> tuple[list, list]:
    scores = con.execute("select text_id, language_code, sentiment_label, sentiment_score, keywords "
                         "from intermediate.int_public_texts_scored order by text_id").fetchall()
    monthly = con.execute("select date_trunc('month', mentioned_at) as month, channel_id, count(*), "
                          "count(*) filter (sentiment_label = 'negative') from marts.fct_mentions "
                          "group by all order by all").fetchall()
    return scores, monthly


def check_retention(data_dir: Path, env: dict) -> None:
    warehouse = Path(env["ANIMATEUR_WAREHOUSE"])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        old, recent = _texts(con, True), _texts(con, False)
        scores_before, monthly_before = _measures(con)
        # texts that are also the brand's own posts (a reply posted on X and Facebook): they stay in x.tweets
        text_feeds = [f"{s}/{f}" for s, f in {("x", "mentions"), ("x", "search"), ("facebook", "comments"),
                                                ("instagram", "comments"), ("zendesk", "tickets")}]
        elsewhere = "\n".join(c for (c,) in con.execute(
            "select content from raw.pages where not list_contains(?, source || '/' || feed)", [text_feeds]
        ).fetchall())
        # and records quarantined on a day after the cut-off (no publication time: kept, see README)
        elsewhere += "\n".join(p for (p,) in con.execute(
            "select payload from raw.quarantine where partition_date >= ?::date", [CUTOFF]).fetchall())
        mentions_before = con.execute("select count(*) filter (mention_text is not null and mentioned_at < ?), "
                                      "count(*) from marts.fct_mentions", [CUTOFF]).fetchone()
    # distinctive old texts: long enough, and not also a recent text or part of one
    old = {t for t in old if len(t) >= 25 and not any(t in r for r in recent) and t not in elsewhere}
    assert len(old) > 100 and len(recent) > 100 and mentions_before[0] > 0

    _run([sys.executable, "-m", "dagster", "asset", "materialize", "-m", "pipelines.definitions",
          "--select", "privacy/text_retention",
          "--config-json", json.dumps({"ops": {"privacy__text_retention": {"config": {"cutoff": CUTOFF}}}})], env)
    _run([str(Path(sys.executable).parent / "dbt"), "run", "--profiles-dir", "."] + DBT_SELECT, env, cwd=REPO_ROOT / "dbt_project")

    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert _texts(con, True) == set()
        assert _texts(con, False) == recent
        scores_after, monthly_after = _measures(con)
        assert scores_after == scores_before
        assert monthly_after == monthly_before
        assert con.execute("select count(*) filter (mention_text is not null and mentioned_at < ?), count(*) "
                           "from marts.fct_mentions", [CUTOFF]).fetchone() == (0, mentions_before[1])
        raw = "\n".join(c for (c,) in con.execute("select content from raw.pages").fetchall())
        raw += "\n".join(str(p) for (p,) in con.execute("select payload from raw.quarantine").fetchall())
    for text in old:
        assert json.dumps(text, ensure_ascii=False)[1:-1] not in raw and text not in raw, text
    kept_in_raw = sum(json.dumps(t, ensure_ascii=False)[1:-1] in raw for t in recent)
    assert kept_in_raw > len(recent) // 2  # recent texts are still in their raw pages
    # the bytes of the database file (rewritten by the asset, so no freed block holds them)
    data = warehouse.read_bytes()
    found = [t for t in old if t.encode("utf-8") in data]
    assert not found, found[:5]


def test_text_retention_removes_old_texts_and_keeps_scores_and_counts(built_warehouse, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(built_warehouse.data_dir, data_dir, ignore=shutil.ignore_patterns("*.lock", "run"))
    check_retention(data_dir, environment_for(data_dir))
