"""Offline text enrichment (language, sentiment, keywords), the incremental rule, text retention and the
sentiment benchmark on a slice of the real labelled tweets."""

import runpy
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from pipelines.lib import text_enrichment as te

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    te.load_lexicons(connection)
    yield connection
    connection.close()


def score(con, texts: dict[str, str | None], hints: dict[str, str] | None = None) -> dict[str, dict]:
    table = pa.table({"text_id": list(texts), "text": list(texts.values()),
                      "language_hint": [(hints or {}).get(k) for k in texts]})
    con.register("t_texts", table)
    try:
        return {row["text_id"]: row for row in te.score_texts(con, "t_texts").to_pylist()}
    finally:
        con.unregister("t_texts")


def test_language_of_hand_texts(con):
    got = score(con, {"fr": "Je suis très contente de ma bougie, merci beaucoup",
                      "en": "I really love this candle, thank you so much",
                      "es": "Muchas gracias por la vela, me encanta", "empty": "", "null": None})
    assert {k: v["language_code"] for k, v in got.items()} == {
        "fr": "fr", "en": "en", "es": "es", "empty": None, "null": None}


@pytest.mark.parametrize(("text", "label"), [
    ("J'adore cette bougie, le bonheur ✨", "positive"),
    ("Très déçue, bougie horrible et nulle", "negative"),
    ("Je n'aime pas du tout cette bougie", "negative"),          # elided negation flips "aime"
    ("Ce n'est pas une bonne bougie", "negative"),               # "pas" negates the next words
    ("La boutique ouvre à dix heures", "neutral"),
    ("I love this candle!!!", "positive"),
    ("This is not good. The service was terrible", "negative"),
    ("I don't like it", "negative"),
    ("The shop opens at ten", "neutral"),
])
def test_sentiment_labels_of_hand_texts(con, text, label):
    got = score(con, {"1": text})["1"]
    assert got["sentiment_label"] == label, got
    assert -1 <= got["sentiment_score"] <= 1


def test_negation_flips_the_score(con):
    got = score(con, {"a": "I like it", "b": "I do not like it", "c": "J'aime", "d": "Je n'aime pas"})
    assert got["a"]["sentiment_score"] > 0 > got["b"]["sentiment_score"]
    assert got["c"]["sentiment_score"] > 0 > got["d"]["sentiment_score"]


def test_keywords_leave_stopwords_out(con):
    got = score(con, {"1": "La bougie et la bougie de la maison, avec une mèche http://x.co @maisonlumiere",
                      "2": "The candle and the wick of the candle"})
    assert got["1"]["keywords"][0] == "bougie" and "meche" in got["1"]["keywords"]
    assert got["2"]["keywords"][0] == "candle"
    for row in got.values():
        assert not {"la", "et", "de", "avec", "une", "the", "and", "of", "http", "maisonlumiere"} & set(row["keywords"])


def test_empty_and_null_texts_are_neutral(con):
    got = score(con, {"e": "", "n": None, "p": "!!!"})
    for row in got.values():
        assert (row["sentiment_label"], row["sentiment_score"], row["keywords"]) == ("neutral", 0.0, [])


def test_the_scored_model_rescores_only_when_the_method_changes():
    """int_public_texts_scored's incremental filter: new texts, and texts still there whose method changed."""
    namespace = runpy.run_path(str(REPO / "dbt_project/models/intermediate/listening/int_public_texts_scored.py"))
    session = duckdb.connect()
    session.execute("create schema intermediate")
    session.execute("create table intermediate.unioned as select * from (values "
                    "('x:1', 'I love it', null, timestamptz '2026-06-01 10:00+00'), "
                    "('x:2', null, null, timestamptz '2026-06-01 11:00+00'), "
                    "('x:3', 'I hate it', null, timestamptz '2026-06-02 11:00+00'), "
                    "('x:4', 'Great', null, timestamptz '2026-06-02 12:00+00')) "
                    "as t(text_id, text, language_code, posted_at)")
    session.execute("create table intermediate.scored as select * from (values "
                    f"('x:1', 'en', 'positive', 0.6, ['love'], timestamp '2026-06-01', '{te.SCORING_METHOD}'), "
                    "('x:2', 'en', 'negative', -0.5, ['old'], timestamp '2026-06-01', 'old-method'), "
                    "('x:3', 'en', 'positive', 0.1, ['hate'], timestamp '2026-06-01', 'old-method')) "
                    "as t(text_id, language_code, sentiment_label, sentiment_score, keywords, scored_at, "
                    "scoring_method)")

    class Dbt:
        is_incremental = True
        this = "intermediate.scored"

        def config(self, **_):
            pass

        def ref(self, _name):
            return session.table("intermediate.unioned")

    batch = {row["text_id"]: row for row in namespace["model"](Dbt(), session).to_pylist()}
    # x:1 already scored by this method, x:2 emptied by retention keeps its old score: neither is in the batch
    assert set(batch) == {"x:3", "x:4"}
    assert batch["x:3"]["sentiment_label"] == "negative" and batch["x:4"]["scoring_method"] == te.SCORING_METHOD


# text retention: tests/unit/test_text_retention.py and tests/e2e/test_text_retention.py


def test_benchmark_beats_its_baselines_on_a_slice_of_the_labelled_tweets():
    import importlib.util

    spec = importlib.util.spec_from_file_location("sentiment_quality", REPO / "benchmarks/sentiment_quality.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    if not bench.DATA_DIR.exists():
        pytest.skip(f"labelled tweets not found at {bench.DATA_DIR}")
    con = duckdb.connect()
    for language in ("fr", "en"):
        result = bench.evaluate(language, "val", limit=150, con=con)
        assert result["macro_f1"] > result["best_baseline"] + 0.15, result["macro_f1"]
