"""Privacy helpers: the SQL HMAC equals Python's, the key's handling, .env loading, the published texts'
redaction and the JSON walk of erase-member, on hand-made rows."""

from __future__ import annotations

import hashlib
import hmac
import json
import re

import duckdb
import pytest

from pipelines import settings
from pipelines.lib import erasure, pseudonyms, redaction

KEY = b"a-test-key-of-some-length"


@pytest.mark.parametrize("key", [KEY, b"k" * 16, b"x" * 64, b"long" * 40, "clé-ünïcode-1234".encode()])
def test_sql_hmac_equals_python_hmac(key):
    con = duckdb.connect()
    ids = ["facebook:10200000000000151", "x:1", "", "zendesk:3800000099483", "é✨"]
    con.execute("create table ids as select unnest(?::varchar[]) as member_id", [ids])
    table = pseudonyms.pseudonymise(con, "ids", key=key)
    got = dict(zip(table.column("member_id").to_pylist(), table.column("member_key").to_pylist(), strict=True))
    for member_id in ids:
        expected = "m_" + hmac.new(key, member_id.encode(), hashlib.sha256).hexdigest()[:16]
        assert got[member_id] == expected == pseudonyms.member_key(member_id, key)


def test_missing_or_short_key_fails_naming_the_variable(monkeypatch):
    monkeypatch.delenv(pseudonyms.PSEUDONYM_KEY_ENV, raising=False)
    with pytest.raises(pseudonyms.PseudonymKeyError, match="ANIMATEUR_PSEUDONYM_KEY is not set"):
        pseudonyms.pseudonym_key()
    monkeypatch.setenv(pseudonyms.PSEUDONYM_KEY_ENV, "short")
    with pytest.raises(pseudonyms.PseudonymKeyError, match="ANIMATEUR_PSEUDONYM_KEY is too short"):
        pseudonyms.pseudonym_key()


def test_the_key_is_in_no_sql_text():
    sql = pseudonyms.member_key_sql("member_id")
    assert "$ipad" in sql and "$opad" in sql and KEY.decode() not in sql


def test_environment_for_sets_a_fixed_test_key(tmp_path):
    env = settings.environment_for(tmp_path)
    assert env[pseudonyms.PSEUDONYM_KEY_ENV] == settings.TEST_PSEUDONYM_KEY
    assert len(settings.TEST_PSEUDONYM_KEY) >= pseudonyms.MIN_KEY_LENGTH


def test_dotenv_fills_only_what_the_environment_does_not_set(tmp_path, monkeypatch):
    dotenv = tmp_path / ".env"
    dotenv.write_text("# comment\n\nexport P_TEST_A=from-file\nP_TEST_B='quoted value'\nP_TEST_C=kept # note\n"
                      "P_TEST_D=from-file\n")
    monkeypatch.setenv("P_TEST_D", "from-env")
    for name in ("P_TEST_A", "P_TEST_B", "P_TEST_C"):
        monkeypatch.delenv(name, raising=False)
    assert sorted(settings.load_dotenv(dotenv)) == ["P_TEST_A", "P_TEST_B", "P_TEST_C"]
    import os

    assert (os.environ["P_TEST_A"], os.environ["P_TEST_B"], os.environ["P_TEST_C"], os.environ["P_TEST_D"]) == (
        "from-file", "quoted value", "kept", "from-env")
    for name in ("P_TEST_A", "P_TEST_B", "P_TEST_C"):
        monkeypatch.delenv(name)
    assert settings.load_dotenv(tmp_path / "absent.env") == []


# --- redaction of published texts ------------------------------------------------------------------------------

@pytest.fixture
def con_with_members():
    con = duckdb.connect()
    con.execute("create schema intermediate; create schema strategy")
    con.execute("""
        create table intermediate.int_member_accounts_unioned as
        select * from (values
            ('x:1', 'theofau931', 'Théo Faure', null, false),
            ('zendesk:2', null, 'Ann Lee', 'ann.lee@mail.example', false),
            ('x:3', 'maisonlumiere', 'Maison Lumière', null, true),
            ('facebook:4', null, 'Maison Lumière', null, false),
            ('x:5', '@ann', 'A', null, false)
        ) as t(account_key, handle, display_name, email, is_teammate)
    """)
    con.execute("""create table strategy.listening_keywords as select * from (values
        ('Maison Lumière', 'brand', '@maisonlumiere'), ('Maison Lumière', 'brand', 'maison lumière'))
        as t(entity_name, entity_type, keyword)""")
    return con


def test_terms_exclude_teammates_and_the_strategy_keywords(con_with_members):
    assert redaction.prepare_member_terms(con_with_members) == 5
    terms = {t for (t,) in con_with_members.execute("select term from _member_terms").fetchall()}
    # not the teammate's handle, not the brand's name (a strategy keyword), not the one-letter name 'A'
    assert terms == {"theofau931", "théo faure", "ann lee", "ann.lee@mail.example", "ann"}


def test_published_texts_are_redacted_as_whole_words(con_with_members):
    con = con_with_members
    redaction.prepare_member_terms(con)
    con.execute("""create table texts as select * from (values
        (1, 'Merci @TheoFau931 ! cc Théo Faure', 'https://x.com/theofau931/status/9'),
        (2, 'Write to ann.lee@mail.example or Ann Lee; announce ANN', null),
        (3, '@maisonlumiere Maison Lumière is great', 'x'),
        (4, null, 'annex')
    ) as t(id, body, url)""")
    rows = con.execute(redaction.redacted_select_sql(con, "texts")).fetchall()
    assert rows == [
        (1, "Merci @[member] ! cc [member]", "https://x.com/[member]/status/9"),
        (2, "Write to [member] or [member]; announce [member]", None),
        (3, "@maisonlumiere Maison Lumière is great", "x"),
        (4, None, "annex"),
    ]
    con.execute(f"create table out as {redaction.redacted_select_sql(con, 'texts')}")
    assert con.execute(redaction.count_term_occurrences_sql(con, "out")).fetchone()[0] == 0
    assert con.execute(redaction.count_term_occurrences_sql(con, "texts")).fetchone()[0] > 0


def test_publish_without_members_model_copies_as_before():
    con = duckdb.connect()
    assert redaction.prepare_member_terms(con) == 0


# --- erase-member: the JSON walk -------------------------------------------------------------------------------

def test_the_walk_deletes_their_records_what_points_at_them_and_redacts_the_rest():
    page = {
        "data": [
            {"id": "c1", "message": "I love it", "from": {"id": "42", "name": "Ann Lee"}},
            {"id": "c2", "message": "Merci Ann Lee !", "from": {"id": "1", "name": "Brand"}, "parent": {"id": "c1"}},
            {"id": "c3", "message": "cc @annlee42 and Bob", "from": {"id": "7", "name": "Bob"}},
            {"id": "t1", "requester_id": 42, "subject": "order"},
            {"ticket_id": "t1", "replies": 3},
            {"id": "c4", "message": "unrelated", "from": {"id": "8", "name": "Cy"}, "collaborators": [42, 9]},
        ],
        "includes": {"users": [{"id": "42", "username": "annlee42", "name": "Ann Lee"}, {"id": "7"}]},
        "owner": "annlee42",
    }
    ids = {"42", "annlee42", "ann@mail.example"}
    pattern = re.compile(erasure.identifiers_pattern(sorted(ids) + ["Ann Lee"]))
    removed: set[str] = set()
    stats = erasure.WalkStats()
    out = json.loads(erasure.erase_from_page(json.dumps(page), ids, removed, pattern, stats))
    assert [r.get("id") for r in out["data"]] == ["c3", "c4"]
    assert out["data"][0]["message"] == "cc @[erased] and Bob"
    assert out["data"][1]["collaborators"] == [9]
    assert out["includes"]["users"] == [{"id": "7"}]
    assert out["owner"] is None
    assert removed == {"c1", "c2", "t1", "42"}
    assert "42" not in json.dumps(out).replace('"c', "")
    assert stats.records_removed == 5


def test_a_page_that_is_not_json_is_redacted_as_text():
    stats = erasure.WalkStats()
    pattern = re.compile(erasure.identifiers_pattern(["annlee42"]))
    out = erasure.erase_from_page("<rss><item>by AnnLee42</item></rss>", {"annlee42"}, set(), pattern, stats)
    assert out == "<rss><item>by [erased]</item></rss>" and stats.values_redacted == 1


def test_identifiers_pattern_matches_whole_words_in_sql_and_python():
    pattern = erasure.identifiers_pattern(["ann", "a.b@x.io", "123"])
    con = duckdb.connect()
    texts = ["Ann!", "annex", "mail a.b@x.io now", "id 1234", "id 123."]
    sql = [m for (m,) in con.execute("select regexp_matches(t, ?) from unnest(?::varchar[]) as u(t)",
                                     [pattern, texts]).fetchall()]
    assert sql == [bool(re.search(pattern, t)) for t in texts] == [True, False, True, False, True]


def test_inbox_files_holding_an_identifier_are_listed_zip_members_too(tmp_path):
    import zipfile

    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "a.json").write_text('{"username": "AnnLee42"}')
    (tmp_path / "x" / "b.json").write_text('{"username": "bob"}')
    with zipfile.ZipFile(tmp_path / "archive.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data/tweets.js", "window.YTD = [{'screen_name': 'annlee42'}]")
    assert erasure.files_holding(tmp_path, ["annlee42"]) == [tmp_path / "archive.zip", tmp_path / "x" / "a.json"]


def test_resolve_finds_every_linked_account_and_refuses_a_teammate():
    con = duckdb.connect()
    con.execute("create schema intermediate")
    con.execute("""
        create table intermediate.int_member_accounts_unioned as select * from (values
            ('x:11', 'x', '11', 'AnnLee42', 'Ann Lee', null, false),
            ('zendesk:22', 'zendesk', '22', null, 'Ann Lee', 'ann@mail.example', false),
            ('x:99', 'x', '99', 'maisonlumiere', 'Maison Lumière', null, true)
        ) as t(account_key, channel_id, account_id, handle, display_name, email, is_teammate)
    """)
    con.execute("""create table intermediate.int_member_identities_resolved as select * from (values
        ('x:11', 'x:11', 'own'), ('zendesk:22', 'x:11', 'linked_profile'), ('x:99', 'x:99', 'own'))
        as t(account_key, member_id, match_rule)""")
    for platform, handle in (("x", "@annlee42"), ("x", "11"), ("zendesk", "ANN@mail.example")):
        person = erasure.resolve_person(con, platform, handle)
        assert person.account_keys == ["x:11", "zendesk:22"]
        assert {"11", "22", "AnnLee42", "ann@mail.example"} <= set(person.identifiers)
        assert person.names == ["Ann Lee"]
    with pytest.raises(erasure.ErasureError, match="teammate"):
        erasure.resolve_person(con, "x", "maisonlumiere")
    with pytest.raises(erasure.ErasureError, match="no account"):
        erasure.resolve_person(con, "facebook", "annlee42")
