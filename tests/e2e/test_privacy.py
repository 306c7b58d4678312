"""Privacy on the built demo (README "Privacy"): the published copy holds no member's handle, name or e-mail,
only pseudonyms; `animateur erase-member` leaves no trace of the person in any table nor in the bytes of the
database files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.lib import erasure, redaction
from pipelines.settings import REPO_ROOT, environment_for

IDENTIFYING_COLUMNS = {"member_id", "account_key", "account_id", "author_id", "author_handle", "handle",
                       "display_name", "email", "user_name", "username"}


def published_tables(con) -> list[str]:
    return [t for (t,) in con.execute("select table_name from duckdb_tables() where database_name = 'published' "
                                      "order by 1").fetchall()]


def test_published_copy_holds_no_handle_name_or_email_only_pseudonyms(built_warehouse):
    con = duckdb.connect(str(built_warehouse.warehouse_path), read_only=True)
    con.execute("attach ? as published (read_only)", [str(built_warehouse.published_path)])
    # every handle, display name and e-mail of the members (non-teammates), as the publisher redacts them
    assert redaction.prepare_member_terms(con) > 100
    found, keyed_tables = {}, []
    for table in published_tables(con):
        relation = f"published.main.{table}"
        columns = {c for (c,) in con.execute(f"select column_name from (describe {relation})").fetchall()}
        assert not columns & IDENTIFYING_COLUMNS, f"{table} publishes {columns & IDENTIFYING_COLUMNS}"
        sql = redaction.count_term_occurrences_sql(con, relation)
        if sql:
            count, examples = con.execute(sql).fetchone()
            if count:
                found[table] = (count, examples)
        if "member_key" in columns:
            keyed_tables.append(table)
            unknown = con.execute(f"select count(*) from {relation} where member_key not in "
                                  "(select member_key from restricted.member_pseudonyms)").fetchone()[0]
            assert unknown == 0, f"{table}: member_key values that are not pseudonyms"
            assert con.execute(f"select count(distinct member_key) from {relation}").fetchone()[0] > 0
    assert found == {}, f"members' identifiers in the published copy: {found}"
    assert keyed_tables, "no published table carries member_key"


def _member_on_two_platforms(con) -> tuple[str, str, list]:
    row = con.execute(
        """
        with members as (
            select i.member_id, list(a.account_key order by a.account_key) as accounts
            from intermediate.int_member_identities_resolved as i
            inner join intermediate.int_member_accounts_unioned as a using (account_key)
            where not a.is_teammate and not a.is_bot
            group by 1
            having count(distinct a.channel_id) >= 2
        )
        select m.member_id, a.channel_id, coalesce(a.handle, a.account_id), m.accounts
        from members as m
        inner join intermediate.int_member_accounts_unioned as a on list_contains(m.accounts, a.account_key)
        order by a.handle is null, m.member_id, a.account_key
        limit 1
        """
    ).fetchone()
    if row is None:
        pytest.fail("the demo holds no member with accounts on two platforms")
    return row[1], row[2], row[3]


def test_erase_member_removes_the_person_from_every_table_and_every_byte(built_warehouse, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(built_warehouse.data_dir, data_dir, ignore=shutil.ignore_patterns("*.lock", "run"))
    env = environment_for(data_dir)
    warehouse, published = Path(env["ANIMATEUR_WAREHOUSE"]), Path(env["ANIMATEUR_PUBLISHED"])

    with duckdb.connect(str(warehouse), read_only=True) as con:
        platform, handle, account_keys = _member_on_two_platforms(con)
        person = erasure.resolve_person(con, platform, handle)
        assert sorted(person.account_keys) == sorted(account_keys)
        others_before = {k for (k,) in con.execute(
            "select account_key from intermediate.int_member_accounts_unioned where not list_contains(?, "
            "account_key)", [account_keys]).fetchall()}
        own_conversations = con.execute(
            "select count(*) from marts.fct_conversations where list_contains(?, channel_id || ':' || author_id)",
            [account_keys]).fetchone()[0]
        conversations_before = con.execute("select count(*) from marts.fct_conversations").fetchone()[0]

    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "erase-member", platform, handle],
                            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    assert "inbox file(s) still hold an identifier" in result.stdout  # the demo's inbox files name them

    identifiers = person.identifiers  # handles, account ids, e-mails of every linked account
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert erasure.residual_occurrences(con, identifiers) == {}
        left = con.execute("select count(*) from intermediate.int_member_accounts_unioned where "
                           "list_contains(?, account_key)", [account_keys]).fetchone()[0]
        assert left == 0
        others_after = {k for (k,) in con.execute(
            "select account_key from intermediate.int_member_accounts_unioned").fetchall()}
        # other people stay (documented: records addressed to the person, e.g. a reply to them, go with them)
        assert others_after <= others_before and len(others_before - others_after) <= 2
        conversations_after = con.execute("select count(*) from marts.fct_conversations").fetchone()[0]
        assert conversations_before - own_conversations - 2 <= conversations_after <= conversations_before - \
            own_conversations
        erasures = con.execute("select platform, identifier_hash, accounts, records_removed "
                               "from restricted.erasures").fetchall()
        assert len(erasures) == 1 and erasures[0][0] == platform and erasures[0][2] == len(account_keys)
        assert erasures[0][3] > 0 and handle not in erasures[0][1]
    with duckdb.connect(str(published), read_only=True) as con:
        assert erasure.residual_occurrences(con, identifiers) == {}

    for path in (warehouse, published):
        assert not Path(f"{path}.wal").exists()
        data = path.read_bytes().lower()
        for value in identifiers:
            assert value.lower().encode("utf-8") not in data, f"{value!r} still in the bytes of {path.name}"
