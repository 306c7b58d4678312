"""Redaction of members' identifiers in published texts, in set-based DuckDB SQL.

A published text may quote a member: an @handle in a mention, a name in the brand's reply, an e-mail in a
ticket subject. Before a table is published, every one of its varchar values is searched for the handles,
display names and e-mails of the known members (non-teammates of ``int_member_accounts_unioned``) and each
occurrence is replaced by ``[member]``. The brand's and competitors' names and handles (strategy.yml's
listening keywords) are not members' identifiers: they stay.

How, without a per-row loop: each value is split into word tokens; a term can only occur in a value that holds
its first token, so a hash join of tokens against the terms' first tokens finds the few (value, term)
candidates, a regular expression confirms each (whole words, any case), and ``list_reduce`` applies the
confirmed terms to the value, longest first.
"""

from __future__ import annotations

import re

import duckdb

REDACTED = "[member]"
MEMBER_ACCOUNTS = "intermediate.int_member_accounts_unioned"
TERMS_TABLE = "_member_terms"
MIN_TERM_LENGTH = 3
# what a token is: letters, digits and underscores (an @handle's '@', an e-mail's '@' and '.' split tokens)
TOKEN_SPLIT = r"[^\p{L}\p{N}_]+"


def term_pattern(term: str) -> str:
    """Case-insensitive regular expression of ``term`` as whole words: a word boundary on each side whose edge
    character is an ASCII word character (a term may start or end with a non-word character)."""
    left = r"\b" if re.match(r"[A-Za-z0-9_]", term[:1]) else ""
    right = r"\b" if re.match(r"[A-Za-z0-9_]", term[-1:]) else ""
    return f"(?i){left}{re.escape(term)}{right}"


def _relation_exists(con: duckdb.DuckDBPyConnection, relation: str) -> bool:
    schema, name = relation.split(".")
    return con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() and schema_name = ? "
        "and table_name = ?", [schema, name]).fetchone()[0] + con.execute(
        "select count(*) from duckdb_views() where database_name = current_database() and schema_name = ? "
        "and view_name = ?", [schema, name]).fetchone()[0] > 0


def member_terms_sql(accounts: str = MEMBER_ACCOUNTS) -> str:
    """SQL of the distinct terms to redact (lowercased, trimmed, handles without '@'), teammates' and the
    strategy's own keywords excluded. The demo's and the tests' notion of "a member's identifier"."""
    keywords = ("union all select lower(ltrim(trim(keyword), '@')) from strategy.listening_keywords "
                "union all select lower(trim(entity_name)) from strategy.listening_keywords")
    return f"""
        with identifiers as (
            select lower(ltrim(trim(handle), '@')) as term from {accounts} where not is_teammate
            union all
            select lower(trim(display_name)) from {accounts} where not is_teammate
            union all
            select lower(trim(email)) from {accounts} where not is_teammate
        ),
        own_keywords as (
            select '' as term {keywords}
        )
        select distinct term
        from identifiers
        where term is not null and regexp_matches(term, '[\\p{{L}}\\p{{N}}_]')
            -- a one- or two-letter name ('A', 'Jo') would redact common words: too short to name anyone
            and length(term) >= {MIN_TERM_LENGTH}
            and term not in (select term from own_keywords where term is not null)
    """


def prepare_member_terms(con: duckdb.DuckDBPyConnection, terms_sql: str | None = None) -> int:
    """Temp table ``_member_terms(term, first_token, pattern)``; returns how many terms (0 before the members'
    model exists: nothing to redact)."""
    if terms_sql is None:
        if not (_relation_exists(con, MEMBER_ACCOUNTS) and _relation_exists(con, "strategy.listening_keywords")):
            con.execute(f"create or replace temp table {TERMS_TABLE} (term varchar, first_token varchar, "
                        "pattern varchar)")
            return 0
        terms_sql = member_terms_sql()
    terms = [t for (t,) in con.execute(terms_sql).fetchall()]
    con.execute(f"create or replace temp table {TERMS_TABLE} (term varchar, pattern varchar)")
    if terms:
        # the patterns are built by Python's re.escape (one list, not per record of any table)
        con.execute(f"insert into {TERMS_TABLE} select unnest(?::varchar[]), unnest(?::varchar[])",
                    [terms, [term_pattern(t) for t in terms]])
    con.execute(
        f"""
        create or replace temp table {TERMS_TABLE} as
        select term, list_filter(regexp_split_to_array(term, '{TOKEN_SPLIT}'), lambda t: t <> '')[1] as first_token,
               pattern
        from {TERMS_TABLE}
        """
    )
    return len(terms)


def varchar_columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [name for name, dtype in con.execute(f"select column_name, column_type from (describe {relation})")
            .fetchall() if dtype == "VARCHAR"]


def redacted_select_sql(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """``select`` of ``table`` (a table, which has a rowid) with each varchar value redacted of the terms of
    ``_member_terms``, in the table's order."""
    columns = varchar_columns(con, table)
    if not columns:
        return f"select * from {table} order by rowid"
    cells = "\n            union all\n            ".join(
        f"select rowid as rid, '{c}' as col, \"{c}\" as val from {table} where \"{c}\" is not null" for c in columns)
    replaced = ", ".join(f'coalesce(r{i}.val, t."{c}") as "{c}"' for i, c in enumerate(columns))
    joins = "\n        ".join(f"left join redacted as r{i} on r{i}.rid = t.rowid and r{i}.col = '{c}'"
                              for i, c in enumerate(columns))
    return f"""
        with cells as (
            {cells}
        ),
        tokens as (
            select distinct rid, col, val, unnest(regexp_split_to_array(lower(val), '{TOKEN_SPLIT}')) as token
            from cells
        ),
        hits as (
            select distinct tokens.rid, tokens.col, tokens.val, terms.pattern, length(terms.term) as term_length
            from tokens
            inner join {TERMS_TABLE} as terms on terms.first_token = tokens.token
            where regexp_matches(tokens.val, terms.pattern)
        ),
        redacted as (
            select rid, col,
                   list_reduce(list_prepend(val, list(pattern order by term_length desc, pattern)),
                               lambda acc, p: regexp_replace(acc, p, '{REDACTED}', 'g')) as val
            from hits
            group by rid, col, val
        )
        select t.* replace ({replaced})
        from {table} as t
        {joins}
        order by t.rowid
    """


def count_term_occurrences_sql(con: duckdb.DuckDBPyConnection, relation: str) -> str | None:
    """One query counting the values of ``relation`` (any varchar column) that still hold a term of
    ``_member_terms`` as whole words; None when it has no varchar column. Used by the privacy tests."""
    columns = varchar_columns(con, relation)
    if not columns:
        return None
    cells = " union all ".join(f"select \"{c}\" as val from {relation} where \"{c}\" is not null" for c in columns)
    return f"""
        with cells as ({cells}),
        tokens as (select distinct val, unnest(regexp_split_to_array(lower(val), '{TOKEN_SPLIT}')) as token from cells)
        select count(*), list(distinct terms.term)[1:5]
        from tokens
        inner join {TERMS_TABLE} as terms on terms.first_token = tokens.token
        where regexp_matches(tokens.val, terms.pattern)
    """
