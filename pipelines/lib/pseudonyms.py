"""Pseudonyms of members: ``member_key = 'm_' + the first 16 hex digits of HMAC-SHA256(key, member_id)``.

The key comes from the environment variable ``ANIMATEUR_PSEUDONYM_KEY`` only: it is never written in SQL text,
a log, the dbt manifest or a file of the project. HMAC is computed in one vectorised DuckDB statement: with
the key's inner and outer pads bound as BLOB parameters,

    HMAC(K, m) = SHA256((K' xor opad) || SHA256((K' xor ipad) || m))      (RFC 2104, K' = K padded to 64 bytes)

is exactly ``sha256($opad || unhex(sha256($ipad || encode(m))))`` in DuckDB, whose ``sha256`` hashes BLOBs
byte for byte. The same key gives the same pseudonyms on every build; a new key gives new ones everywhere (the
dashboards' history of a member then starts again under a new key).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    import pyarrow

PSEUDONYM_KEY_ENV = "ANIMATEUR_PSEUDONYM_KEY"
MIN_KEY_LENGTH = 16
KEY_PREFIX_HEX = 16  # hex digits kept: 64 bits, no collision expected below ~10^9 members
_BLOCK = 64  # SHA-256 block size, bytes


class PseudonymKeyError(RuntimeError):
    """The key is missing or too short."""


def pseudonym_key() -> bytes:
    """The key, from the environment; a clear error names the variable when it is missing."""
    value = os.environ.get(PSEUDONYM_KEY_ENV, "")
    if not value:
        raise PseudonymKeyError(
            f"{PSEUDONYM_KEY_ENV} is not set: members are pseudonymised with a keyed hash whose key comes from "
            f"the environment only. Set it (e.g. in .env: {PSEUDONYM_KEY_ENV}=<64 random hex digits>, "
            "`make demo` writes one) and keep it: changing it changes every member_key."
        )
    if len(value) < MIN_KEY_LENGTH:
        raise PseudonymKeyError(f"{PSEUDONYM_KEY_ENV} is too short ({len(value)} characters, "
                                f"{MIN_KEY_LENGTH} at least): use a long random value")
    return value.encode("utf-8")


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """(K' xor ipad, K' xor opad) of RFC 2104 for SHA-256."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def hmac_sql(value_sql: str) -> str:
    """SQL of the hex HMAC-SHA256 of the varchar ``value_sql``; binds two parameters: $ipad, then $opad."""
    return f"sha256($opad::blob || unhex(sha256($ipad::blob || encode({value_sql}))))"


def member_key_sql(value_sql: str) -> str:
    return f"'m_' || left({hmac_sql(value_sql)}, {KEY_PREFIX_HEX})"


def key_parameters(key: bytes | None = None) -> dict[str, bytes]:
    ipad, opad = hmac_pads(pseudonym_key() if key is None else key)
    return {"ipad": ipad, "opad": opad}


def member_key(member_id: str, key: bytes | None = None) -> str:
    """The pseudonym computed in Python (reference for the SQL, and for one-off look-ups)."""
    digest = hmac.new(pseudonym_key() if key is None else key, member_id.encode("utf-8"), hashlib.sha256)
    return "m_" + digest.hexdigest()[:KEY_PREFIX_HEX]


def keyed_hash(value: str, key: bytes | None = None) -> str:
    """Full hex HMAC-SHA256 of ``value`` (the erasure log keeps this, never the identifier)."""
    return hmac.new(pseudonym_key() if key is None else key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonymise(con: duckdb.DuckDBPyConnection, relation: str, id_column: str = "member_id",
                 key: bytes | None = None) -> pyarrow.Table:
    """``relation`` (a table or view name) -> (member_id, member_key), one row per distinct non-null id, in one
    statement. The key's pads are bound as parameters, so no SQL text holds them."""
    sql = f"""
        with ids as (select distinct {id_column} as member_id from {relation} where {id_column} is not null)
        select member_id, {member_key_sql('member_id')} as member_key
        from ids
        order by member_id
    """
    return con.sql(sql, params=key_parameters(key)).to_arrow_table()
