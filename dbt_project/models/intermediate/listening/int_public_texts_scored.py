"""Language, sentiment and keywords of every public text, scored offline once (pipelines.lib.text_enrichment).

Incremental on text_id: a run scores the texts it has never scored, and rescores the ones scored by another
scoring_method (the lexicon or the rules changed) whose text is still there. A text that retention emptied
keeps the score it had: its row is never selected again (full_refresh is off, so a --full-refresh keeps them).
scored_at is the latest publication time among the texts (the data's own "now", not the wall clock), so that
a rebuild of the same data gives the same table.
"""

from pipelines.lib.text_enrichment import SCORING_METHOD, score_texts


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        unique_key="text_id",
        incremental_strategy="delete+insert",
        full_refresh=False,
    )
    texts = dbt.ref("int_public_texts_unioned").sql_query()
    to_score = f"select text_id, text, language_code as language_hint from ({texts})"
    if dbt.is_incremental:
        to_score += f"""
            where text_id not in (select text_id from {dbt.this})
                or (text is not null and text_id in (
                    select text_id from {dbt.this} where scoring_method <> '{SCORING_METHOD}'
                ))
        """
    scored = score_texts(session, to_score)
    session.register("te_scored", scored)
    return session.sql(
        f"""
        select
            te_scored.text_id,
            te_scored.language_code,
            te_scored.sentiment_label,
            te_scored.sentiment_score::double as sentiment_score,
            te_scored.keywords,
            (select max(posted_at) from ({texts}))::timestamp as scored_at,
            te_scored.scoring_method
        from te_scored
        """
    ).to_arrow_table()
