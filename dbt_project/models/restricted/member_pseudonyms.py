"""restricted.member_pseudonyms: member_id -> member_key, HMAC-SHA256 keyed by ANIMATEUR_PSEUDONYM_KEY.

The key is read from the environment when the model runs and bound as a query parameter
(pipelines/lib/pseudonyms.py): it is in no SQL text, log, manifest or file. The schema `restricted` is never
published; marts join this table to carry member_key only."""

from pipelines.lib.pseudonyms import pseudonymise


def model(dbt, session):
    dbt.config(materialized="table")
    identities = dbt.ref("int_member_identities_resolved")
    identities.create_view("_member_identities_for_pseudonyms", replace=True)
    return pseudonymise(session, "_member_identities_for_pseudonyms", "member_id")
