"""Sentiment quality: macro-F1 per language of pipelines.lib.text_enrichment on labelled tweets, next to plain
baselines, and texts per second.

    python benchmarks/sentiment_quality.py [--split val|train] [--limit N] [--tune]

Data: ``../shared/samples/sentiment_labelled/{fr,en}/`` (cardiffnlp/xlm-t tweet sentiment, Apache-2.0; French
from DEFT-2017, English from SemEval-2017; labels 0 negative, 1 neutral, 2 positive), read where it lies, never
copied. The score is measured on the **validation split** (``val_*``, 323 tweets per language, balanced);
the neutral threshold of the scorer was chosen on the train split only (``--tune`` prints that search).

The texts go through the same entry point as the warehouse, ``score_texts``, without a language hint: language
detection is part of what is measured (a French tweet taken for Spanish is scored neutral).

Baselines, each stated:
- majority: every text gets the train split's most frequent label;
- emoji-only: the sum of the emoji and emoticon valences of the text (VADER's emoji table), positive above 0,
  negative below, neutral without any: what a dashboard would say from pictographs alone.
A language passes when its macro-F1 beats the best of its baselines.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from pipelines.lib import text_enrichment

DATA_DIR = REPO_ROOT.parent / "shared" / "samples" / "sentiment_labelled"
LABELS = ("negative", "neutral", "positive")


def load_split(language: str, split: str = "val", limit: int | None = None) -> tuple[list[str], list[str]]:
    folder = DATA_DIR / language
    texts = (folder / f"{split}_text.txt").read_text("utf-8").splitlines()
    labels = [LABELS[int(v)] for v in (folder / f"{split}_labels.txt").read_text("utf-8").split()]
    if len(texts) != len(labels):
        raise ValueError(f"{folder}: {len(texts)} texts for {len(labels)} labels")
    if limit:
        # every k-th line keeps the classes' balance of the split
        step = max(len(texts) // limit, 1)
        texts, labels = texts[::step][:limit], labels[::step][:limit]
    return texts, labels


def macro_f1(truth: list[str], predicted: list[str]) -> float:
    scores = []
    for label in LABELS:
        tp = sum(t == label and p == label for t, p in zip(truth, predicted, strict=True))
        fp = sum(t != label and p == label for t, p in zip(truth, predicted, strict=True))
        fn = sum(t == label and p != label for t, p in zip(truth, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def score(con: duckdb.DuckDBPyConnection, texts: list[str]) -> pa.Table:
    batch = pa.table({"text_id": [f"{i:06d}" for i in range(len(texts))], "text": texts})
    con.register("benchmark_texts", batch)
    try:
        return text_enrichment.score_texts(con, "benchmark_texts")
    finally:
        con.unregister("benchmark_texts")


def labels_at(scores: list[float], threshold: float) -> list[str]:
    return ["positive" if s >= threshold else "negative" if s <= -threshold else "neutral" for s in scores]


def emoji_baseline(con: duckdb.DuckDBPyConnection, texts: list[str]) -> list[str]:
    text_enrichment.load_lexicons(con)
    con.register("emoji_texts", pa.table({"i": list(range(len(texts))), "text": texts}))
    try:
        rows = con.sql(
            """
            with tokens as (
                select i, unnest(regexp_extract_all(text, '\\p{So}|[:;=][-o]?[()dDpP]')) as token
                from emoji_texts
            )
            select emoji_texts.i, coalesce(sum(te_emoji.valence), 0)
            from emoji_texts
            left join tokens on tokens.i = emoji_texts.i
            left join te_emoji on te_emoji.token = tokens.token
            group by emoji_texts.i order by emoji_texts.i
            """
        ).fetchall()
    finally:
        con.unregister("emoji_texts")
    return ["positive" if v > 0 else "negative" if v < 0 else "neutral" for _, v in rows]


def evaluate(language: str, split: str = "val", limit: int | None = None,
             con: duckdb.DuckDBPyConnection | None = None) -> dict:
    """macro-F1 of the scorer and of the baselines on one language's split, and texts per second."""
    con = con or duckdb.connect()
    texts, truth = load_split(language, split, limit)
    text_enrichment.load_lexicons(con)
    text_enrichment._detector()  # built once per process, as in the pipeline: not part of the timing
    started = time.perf_counter()
    scored = score(con, texts)
    elapsed = time.perf_counter() - started
    predicted = scored.column("sentiment_label").to_pylist()
    _, train_labels = load_split(language, "train")
    majority = max(LABELS, key=train_labels.count)
    baselines = {
        "majority": macro_f1(truth, [majority] * len(truth)),
        "emoji_only": macro_f1(truth, emoji_baseline(con, texts)),
    }
    detected = scored.column("language_code").to_pylist()
    return {
        "language": language,
        "split": split,
        "texts": len(texts),
        "macro_f1": macro_f1(truth, predicted),
        "baselines": baselines,
        "best_baseline": max(baselines.values()),
        "detected_as_language": sum(d == language for d in detected) / len(detected),
        "texts_per_second": len(texts) / elapsed if elapsed else float("inf"),
        "scores": scored.column("sentiment_score").to_pylist(),
        "truth": truth,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="val", choices=["val", "train"])
    parser.add_argument("--limit", type=int, default=None, help="score every k-th text, at most N")
    parser.add_argument("--tune", action="store_true", help="macro-F1 of each neutral threshold on train")
    args = parser.parse_args(argv)
    con = duckdb.connect()
    ok = True
    print(f"sentiment quality ({text_enrichment.SCORING_METHOD}, threshold "
          f"{text_enrichment.SENTIMENT_THRESHOLD}) on the {args.split} split of {DATA_DIR}")
    print(f"{'lang':<5}{'texts':>6}{'macro-F1':>10}{'majority':>10}{'emoji-only':>12}{'lang ok':>9}"
          f"{'texts/s':>10}  verdict")
    for language in ("fr", "en"):
        result = evaluate(language, args.split, args.limit, con)
        passed = result["macro_f1"] > result["best_baseline"]
        ok &= passed
        print(f"{language:<5}{result['texts']:>6}{result['macro_f1']:>10.3f}"
              f"{result['baselines']['majority']:>10.3f}{result['baselines']['emoji_only']:>12.3f}"
              f"{result['detected_as_language']:>9.0%}{result['texts_per_second']:>10.0f}  "
              f"{'beats baseline' if passed else 'BELOW BASELINE'}")
        if args.tune:
            tuned = evaluate(language, "train", None, con)
            for threshold in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6):
                f1 = macro_f1(tuned["truth"], labels_at(tuned["scores"], threshold))
                print(f"    train threshold {threshold:.2f}: macro-F1 {f1:.3f}")
    # throughput on a larger batch: the validation tweets of both languages repeated to 20,000 texts
    texts = (load_split("fr")[0] + load_split("en")[0]) * 31
    started = time.perf_counter()
    score(con, texts[:20000])
    elapsed = time.perf_counter() - started
    print(f"throughput: {min(len(texts), 20000)} texts in {elapsed:.1f} s = {min(len(texts), 20000) / elapsed:.0f} "
          "texts/s (language detection, sentiment and keywords, one process)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
