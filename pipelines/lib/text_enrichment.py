"""Offline text enrichment: language, sentiment (French and English) and keywords, in batches.

Everything ships inside PyPI packages, nothing is downloaded at run time:
- language: lingua-language-detector (Apache-2.0), its own n-gram models, built for a few languages only and
  called through its batch API (`detect_languages_in_parallel_of`);
- sentiment: the VADER lexicons of vadersentiment (English, MIT) and vadersentiment-fr (French, MIT), read as
  data files (their Python code is not used) and applied as DuckDB joins;
- keywords: content words minus the stopwords of stopwordsiso (MIT).

The data path has no per-record Python loop: texts are tokenised with SQL (`regexp_extract_all` + `unnest`),
scored by joining the token table with the lexicon tables, and aggregated per text. The VADER rules kept are
the ones a join can express: negation within the three previous words (valence x -0.74), intensifiers and
dampeners just before a word (+/-0.293), a word in capitals in a text that is not all capitals (+0.733),
"but"/"mais" (words before x0.5, after x1.5), exclamation marks (+0.292 each, up to 4), emoji and emoticons
(an emoji's valence is VADER's own: the sum of its English description's words), then the sum s is
normalised to s / sqrt(s^2 + 15) in [-1, 1] and labelled by SENTIMENT_THRESHOLD.

One entry point, `score_texts(con, relation)`, is used by the dbt model `int_public_texts_scored`, by
`benchmarks/sentiment_quality.py` and by the tests.
"""

from __future__ import annotations

import ast
import functools
import warnings
from importlib import resources

import duckdb
import pyarrow as pa

# Changing anything that changes a score changes this string: int_public_texts_scored then rescores
# every text it still holds (texts removed by retention keep their former score).
SCORING_METHOD = "lexicon-vader-v1"

# Languages the detector knows (fewer languages: smaller memory, faster, fewer confusions on short texts).
DETECTED_LANGUAGES = ("fr", "en", "es", "de", "it", "pt", "nl")
SCORED_LANGUAGES = ("fr", "en")
# |compound| below this is neutral. VADER's own cut is 0.05; tweets labelled by people call "neutral" much of
# what a lexicon sees as mildly positive or negative, so the cut is set on the *train* split of the labelled
# tweets (benchmarks/sentiment_quality.py --tune) and evaluated on the validation split.
SENTIMENT_THRESHOLD = 0.15
KEYWORDS_PER_TEXT = 3

_B_INCR = 0.293
_N_SCALAR = -0.74
_C_INCR = 0.733
_EXCLAMATION = 0.292
_ALPHA = 15.0

# words, emoticons and pictographs (emoji); @handles and links are dropped before tokenising
TOKEN_PATTERN = r"[\p{L}][\p{L}\p{M}]*(?:['’-][\p{L}][\p{L}\p{M}]*)*|[:;=8][-'o^]?[()\[\]dDpP/\\|*3]|<3|\p{So}"
_FRENCH_ELISION = r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’]"
# words that carry nothing as keywords on social media besides the stopwords
_KEYWORD_NOISE = ("http", "https", "www", "com", "amp", "user", "via")


def _package_file(package: str, name: str) -> str:
    return str(resources.files(package).joinpath(name))


def _fr_rules() -> tuple[list[str], dict[str, float]]:
    """NEGATE and BOOSTER_DICT of vadersentiment-fr, read from its source without importing it."""
    source = resources.files("vaderSentiment_fr").joinpath("vaderSentiment.py").read_text("utf-8")
    with warnings.catch_warnings():  # its regexes are written with invalid escapes
        warnings.simplefilter("ignore")
        tree = ast.parse(source)
    constants = {"B_INCR": _B_INCR, "B_DECR": -_B_INCR}
    negate: list[str] = []
    boosters: dict[str, float] = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign) or not isinstance(node.targets[0], ast.Name):
            continue
        name = node.targets[0].id
        if name == "NEGATE":
            negate = list(ast.literal_eval(node.value))
        elif name == "BOOSTER_DICT" and isinstance(node.value, ast.Dict):
            for key, value in zip(node.value.keys, node.value.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(value, ast.Name) and value.id in constants:
                    boosters[key.value] = constants[value.id]
    return negate, boosters


@functools.cache
def _rule_tables() -> tuple[pa.Table, pa.Table, pa.Table]:
    """(negations, boosters, stopwords) as Arrow tables: lang, token[, boost]."""
    import stopwordsiso
    from vaderSentiment import vaderSentiment as vader_en

    fr_negate, fr_boosters = _fr_rules()
    # French "ne"/"n'" mark a negation as well; the elided form is flagged while tokenising
    negations = [("en", w) for w in vader_en.NEGATE] + [("fr", w) for w in [*fr_negate, "ne", "aucun", "aucune"]]
    boosters = [("en", w, b) for w, b in vader_en.BOOSTER_DICT.items()] + [
        ("fr", w, b) for w, b in fr_boosters.items()
    ]
    stopwords = [(lang, w) for lang in DETECTED_LANGUAGES for w in sorted(stopwordsiso.stopwords(lang))]
    return (
        pa.table({"lang": [n[0] for n in negations], "token": [n[1].lower() for n in negations]}),
        pa.table(
            {
                "lang": [b[0] for b in boosters],
                "token": [b[1].lower() for b in boosters],
                "boost": [float(b[2]) for b in boosters],
            }
        ),
        pa.table({"lang": [s[0] for s in stopwords], "token": [s[1] for s in stopwords]}),
    )


def load_lexicons(con: duckdb.DuckDBPyConnection) -> None:
    """Creates the temp tables te_lexicon, te_emoji, te_negations, te_boosters, te_stopwords (once)."""
    existing = {r[0] for r in con.execute("select table_name from duckdb_tables() where temporary").fetchall()}
    if "te_stopwords" in existing:
        return
    en_lexicon = _package_file("vaderSentiment", "vader_lexicon.txt")
    fr_lexicon = _package_file("vaderSentiment_fr", "fr_lexicon.txt")
    emoji_lexicon = _package_file("vaderSentiment", "emoji_utf8_lexicon.txt")
    read_lines = "read_csv(?, delim = '\x01', header = false, quote = '', escape = '', columns = {'line': 'varchar'})"
    con.execute(
        f"""
        create or replace temp table te_lexicon as
        with en as (
            select 'en' as lang, split_part(line, chr(9), 1) as token,
                try_cast(split_part(line, chr(9), 2) as double) as valence
            from {read_lines}
        ),
        fr as (
            select 'fr' as lang, regexp_extract(line, '^(.*)->(-?[0-9.]+)$', 1) as token,
                try_cast(regexp_extract(line, '^(.*)->(-?[0-9.]+)$', 2) as double) as valence
            from {read_lines}
        ),
        both_languages as (select * from en union all select * from fr)
        -- accents are compared without: one valence per accent-free token (their mean)
        select lang, lower(strip_accents(token)) as token, avg(valence) as valence
        from both_languages
        where token <> '' and valence is not null
        group by all
        """,
        [en_lexicon, fr_lexicon],
    )
    con.execute(
        f"""
        create or replace temp table te_emoji as
        with emoji as (
            select split_part(line, chr(9), 1) as emoji, split_part(line, chr(9), 2) as description
            from {read_lines}
        ),
        words as (
            select emoji, unnest(string_split(lower(description), ' ')) as word from emoji
        )
        -- VADER reads an emoji as its description: its valence is the sum of the description's words
        select replace(words.emoji, chr(65039), '') as token, sum(te_lexicon.valence) as valence
        from words
        inner join te_lexicon on te_lexicon.lang = 'en' and te_lexicon.token = words.word
        group by all
        """,
        [emoji_lexicon],
    )
    negations, boosters, stopwords = _rule_tables()
    for name, table in (("te_negations", negations), ("te_boosters", boosters), ("te_stopwords", stopwords)):
        con.register(f"{name}_arrow", table)
        con.execute(
            f"create or replace temp table {name} as "
            f"select distinct * replace (lower(strip_accents(token)) as token) from {name}_arrow"
        )
        con.unregister(f"{name}_arrow")


@functools.cache
def _detector():
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in DETECTED_LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_preloaded_language_models().build()


def detect_languages(texts: list[str | None]) -> list[str | None]:
    """ISO 639-1 code per text (None when empty or undecided), with lingua's batch API."""
    languages = _detector().detect_languages_in_parallel_of([t or "" for t in texts])
    return [lang.iso_code_639_1.name.lower() if lang is not None else None for lang in languages]


def score_texts(con: duckdb.DuckDBPyConnection, relation: str | duckdb.DuckDBPyRelation) -> pa.Table:
    """Scores a batch: `relation` (a table/view name, or a relation) has text_id, text and optionally
    language_hint (a language the platform or the caller states; wins over detection for the lexicon).

    Returns an Arrow table: text_id, language_code (detected, or the hint when the text is too short to tell),
    sentiment_label, sentiment_score in [-1, 1], keywords (list of up to KEYWORDS_PER_TEXT words),
    scoring_method. One row per input row; empty or NULL text gives neutral, 0.0, no keyword.
    """
    load_lexicons(con)
    source = relation if isinstance(relation, str) else relation.sql_query()
    columns = {r[0] for r in con.execute(f"select * from ({source}) limit 0").description}
    hint = "lower(language_hint)" if "language_hint" in columns else "cast(null as varchar)"
    texts = con.sql(
        f"select text_id::varchar as text_id, text::varchar as text, {hint} as language_hint from ({source})"
    ).to_arrow_table()
    detected = detect_languages(texts.column("text").to_pylist())
    texts = texts.append_column("detected", pa.array(detected, pa.string()))
    con.register("te_input", texts)
    try:
        return con.sql(_SCORING_SQL, params=[_B_INCR, _N_SCALAR, _C_INCR, _EXCLAMATION, _ALPHA]).to_arrow_table()
    finally:
        con.unregister("te_input")


def _sql(pattern: str) -> str:
    return pattern.replace("'", "''")


_SCORING_SQL = rf"""
with

params as (
    select ?::double as b_incr, ?::double as n_scalar, ?::double as c_incr, ?::double as exclamation,
        ?::double as alpha
),

texts as (
    select
        text_id,
        text,
        coalesce(detected, language_hint) as language_code,
        coalesce(language_hint, detected) as lexicon_language,
        -- @handles and links carry no sentiment (and would be keywords)
        regexp_replace(coalesce(text, ''), '(https?://\S+|www\.\S+|@\w+)', ' ', 'g') as clean_text
    from te_input
),

token_lists as (
    select
        text_id,
        lexicon_language,
        regexp_extract_all(clean_text, '{_sql(TOKEN_PATTERN)}') as raw_tokens,
        least(length(clean_text) - length(replace(clean_text, '!', '')), 4) as exclamations,
        -- capitals emphasise a word only in a text that is not shouted throughout
        clean_text <> upper(clean_text) as has_lowercase
    from texts
),

tokens as (
    select
        text_id,
        lexicon_language,
        exclamations,
        has_lowercase,
        unnest(raw_tokens) as raw_token,
        unnest(range(1, len(raw_tokens) + 1)) as position
    from token_lists
),

normalised as (
    select
        *,
        lexicon_language = 'fr' and regexp_matches(lower(raw_token), '^n[''’]') as elided_negation,
        lower(strip_accents(
            case when lexicon_language = 'fr' then regexp_replace(raw_token, '{_sql(_FRENCH_ELISION)}', '', 'i')
            else replace(raw_token, '’', '''') end
        )) as token,
        has_lowercase and len(raw_token) > 1 and raw_token = upper(raw_token)
            and raw_token <> lower(raw_token) as is_shouted
    from tokens
),

flagged as (
    select
        normalised.*,
        te_negations.token is not null
            or (lexicon_language = 'en' and normalised.token like '%n''t') as is_negation,
        te_boosters.boost,
        coalesce(te_lexicon.valence, te_emoji.valence) as valence,
        normalised.token in ('but', 'mais') as is_but
    from normalised
    left join te_negations
        on te_negations.lang = normalised.lexicon_language and te_negations.token = normalised.token
    left join te_boosters
        on te_boosters.lang = normalised.lexicon_language and te_boosters.token = normalised.token
    left join te_lexicon
        on te_lexicon.lang = normalised.lexicon_language and te_lexicon.token = normalised.token
        and normalised.lexicon_language in {SCORED_LANGUAGES}
    left join te_emoji
        on te_emoji.token = normalised.raw_token
),

contextual as (
    select
        *,
        -- a negation among the three previous words (or the word's own elided "n'") flips and damps it
        elided_negation or coalesce(bool_or(is_negation or elided_negation) over (
            partition by text_id order by position rows between 3 preceding and 1 preceding
        ), false) as is_negated,
        coalesce(sum(boost) over (
            partition by text_id order by position rows between 2 preceding and 1 preceding
        ), 0) as preceding_boost,
        min(case when is_but then position end) over (partition by text_id) as but_position
    from flagged
),

word_scores as (
    select
        text_id,
        any_value(exclamations) as exclamations,
        sum(
            (valence
                + sign(valence) * preceding_boost
                + case when is_shouted then sign(valence) * (select c_incr from params) else 0 end)
            * case when is_negated then (select n_scalar from params) else 1 end
            * case
                when but_position is null then 1
                when position < but_position then 0.5
                when position > but_position then 1.5
                else 1
            end
        ) filter (where valence is not null and boost is null and not is_negation) as valence_sum
    from contextual
    group by text_id
),

keyword_candidates as (
    select
        text_id,
        token,
        count(*) as occurrences,
        min(position) as first_position
    from normalised
    where len(token) >= 3
        and regexp_matches(token, '^\p{{L}}')
        and token not in {_KEYWORD_NOISE}
        and not exists (select 1 from te_stopwords where te_stopwords.token = normalised.token)
        and not exists (select 1 from te_negations where te_negations.token = normalised.token)
        and not exists (select 1 from te_boosters where te_boosters.token = normalised.token)
    group by text_id, token
),

keywords as (
    select
        text_id,
        list(token order by occurrences desc, len(token) desc, first_position, token) as keywords
    from (
        select * from keyword_candidates
        qualify row_number() over (
            partition by text_id order by occurrences desc, len(token) desc, first_position, token
        ) <= {KEYWORDS_PER_TEXT}
    )
    group by text_id
),

scored as (
    select
        texts.text_id,
        texts.language_code,
        case
            when coalesce(word_scores.valence_sum, 0) = 0 then 0.0
            else (word_scores.valence_sum + sign(word_scores.valence_sum) * word_scores.exclamations
                * (select exclamation from params))
        end as raw_score,
        coalesce(keywords.keywords, []::varchar[]) as keywords
    from texts
    left join word_scores on word_scores.text_id = texts.text_id
    left join keywords on keywords.text_id = texts.text_id
),

final as (
    select
        text_id,
        language_code,
        case
            when sentiment_score >= {SENTIMENT_THRESHOLD} then 'positive'
            when sentiment_score <= -{SENTIMENT_THRESHOLD} then 'negative'
            else 'neutral'
        end as sentiment_label,
        sentiment_score,
        keywords,
        '{SCORING_METHOD}' as scoring_method
    from (
        select *, round(raw_score / sqrt(raw_score * raw_score + (select alpha from params)), 4)
            as sentiment_score
        from scored
    )
)

select * from final order by text_id
"""
