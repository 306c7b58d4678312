"""Generic import: any CSV or JSON file through a YAML mapping onto one of the unified shapes (``TARGETS``).

A mapping (``animateur import generic <file> --mapping m.yml``; presets in ``mappings/``) names the target, how
to read the file and, for each target column, the file column it comes ``from`` (or a constant ``value``)::

    name: hubspot-contacts            # free name of the mapping
    source_tool: HubSpot              # free text: what produced the file
    target: leads                     # leads | mentions | contents | interactions | audience_snapshots | ...
    format: csv                       # csv (options: delimiter, skip_rows, encoding: utf-8) | json (records_path)
    delimiter: ","
    columns:
      lead_id: {from: "Record ID"}
      created_at: {from: "Create Date", format: "%Y-%m-%d %H:%M", timezone: Europe/Paris}
      full_name: {from: ["First Name", "Last Name"]}    # several columns: joined with a space
      lead_source: {from: "Original Source", values: {ORGANIC_SEARCH: organic_search}}
      currency: {value: EUR}
    id_from: ["Email", "Create Date"]  # no id column: the natural key is a hash of these columns

The mapping is applied at split time, over the whole file at once (polars), and what lands in ``raw.pages`` is
**the mapped rows, not the file's bytes**: pages of JSON records ``{"<target column>": "<string>", ...,
"_raw": {<the original row, every column>}}`` (nothing of the file is lost; the mapping used and the first row
of the page are on the page's ``source_file``). A ``format`` turns a timestamp into ISO 8601 (UTC, naive values
read in ``timezone``, UTC by default); a value it cannot read is kept as given. Typing happens in the target's
TableSpec (try_cast over the ISO strings): a value that does not type (a bad date, a non-number) quarantines
its record with a reason naming the raw value.

One feed per target (``imported/<target>``, every import a batch of its own), tables ``imported.<target>``."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlencode

import polars as pl
import yaml

from pipelines.lib.imports import Export, ExportError, ExportFormat, ExportMember
from pipelines.lib.ingest import Column, FeedSpec, TableSpec

SOURCE = "imported"
PAGE_ROWS = 5000  # records per landed page


# --- the unified shapes ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TargetColumn:
    name: str
    kind: str = "text"  # text | timestamp | date | bigint | double | sentiment
    required: bool = False
    description: str = ""


def _cols(spec: str, kinds: dict[str, str]) -> tuple[TargetColumn, ...]:
    """'a*, b, c*' -> columns (``*`` = required), typed by ``kinds`` (default text)."""
    names = [n.strip() for n in spec.split(",")]
    return tuple(TargetColumn(n.rstrip("*"), kinds.get(n.rstrip("*"), "text"), n.endswith("*")) for n in names)


@dataclass(frozen=True)
class Target:
    name: str
    columns: tuple[TargetColumn, ...]
    natural_key: str
    id_column: str | None  # the column `id_from` fills with a hash, when the file has no id
    description: str

    def column(self, name: str) -> TargetColumn | None:
        return next((c for c in self.columns if c.name == name), None)


TARGETS: dict[str, Target] = {t.name: t for t in (
    Target("leads", _cols(
        "lead_id*, created_at*, email, full_name, company, lead_source, utm_source, utm_medium, utm_campaign, "
        "utm_content, utm_term, landing_page_url, lifecycle_stage, converted_at, deal_amount, currency",
        {"created_at": "timestamp", "converted_at": "timestamp", "deal_amount": "double"}),
        "lead_id", "lead_id", "CRM leads / contacts with their acquisition source and UTM parameters."),
    Target("mentions", _cols(
        "mention_id*, mentioned_at*, platform, author_handle, author_name, url, text, language, sentiment_label, "
        "sentiment_score, reach, engagement, matched_query, country",
        {"mentioned_at": "timestamp", "sentiment_label": "sentiment", "sentiment_score": "double",
         "reach": "bigint", "engagement": "bigint"}),
        "mention_id", "mention_id", "Mentions found by a social listening tool."),
    Target("contents", _cols(
        "content_id*, channel_id*, published_at*, content_text, content_url, content_format, reach, impressions, "
        "reactions, comments, shares, clicks",
        {"published_at": "timestamp", **{k: "bigint" for k in
                                          ("reach", "impressions", "reactions", "comments", "shares", "clicks")}}),
        "content_id", "content_id", "Published contents (posts, videos, articles) with their counters."),
    Target("interactions", _cols(
        "interaction_id*, channel_id*, occurred_at*, content_id, interaction_type, author_handle, interaction_text",
        {"occurred_at": "timestamp"}),
        "interaction_id", "interaction_id", "Interactions of members with contents (comments, replies, messages)."),
    Target("audience_snapshots", _cols(
        "channel_id*, measured_on*, followers*", {"measured_on": "date", "followers": "bigint"}),
        "snapshot_id", None, "Audience size of a channel on a day."),
    Target("tickets", _cols(
        "ticket_id*, created_at*, channel, status, requester_id, first_response_at, solved_at, satisfaction_score",
        {"created_at": "timestamp", "first_response_at": "timestamp", "solved_at": "timestamp",
         "satisfaction_score": "double"}),
        "ticket_id", "ticket_id", "Support tickets."),
    Target("internal_messages", _cols(
        "message_id*, channel_name, author_id, posted_at*, message_text, thread_id", {"posted_at": "timestamp"}),
        "message_id", "message_id", "Messages of an internal chat (team channels)."),
)}


# --- typing in SQL (shared with other CSV imports, e.g. the Meta Insights export) --------------------------------

def field_text(key: str) -> str:
    """A record's string field, trimmed, NULL when empty."""
    return f"nullif(trim(r.payload->>'{key}'), '')"


_SENTIMENT_WORDS = {
    "positive": ("positive", "pos", "positif", "positivo", "positiv", "favorable", "favourable", "good",
                 "very positive", "+"),
    "neutral": ("neutral", "neu", "neutre", "neutro", "mixed", "mitigé", "0"),
    "negative": ("negative", "neg", "négatif", "negatif", "negativo", "negativ", "unfavorable", "unfavourable",
                 "bad", "very negative", "-"),
}


def typed_sql(kind: str, key: str) -> str:
    """SQL typing the string field ``key`` as ``kind`` (NULL when it does not type)."""
    raw = field_text(key)
    if kind == "timestamp":
        return f"try_cast({raw} as timestamptz)"
    if kind == "local_timestamp":
        return f"try_cast({raw} as timestamp)"
    if kind == "date":
        return f"coalesce(try_cast({raw} as date), try_cast(try_cast({raw} as timestamp) as date))"
    if kind == "bigint":  # '1234' and a spreadsheet's '1234.0'
        return f"try_cast(regexp_replace({raw}, '\\.0+$', '') as bigint)"
    if kind == "double":
        return f"try_cast({raw} as double)"
    if kind == "sentiment":  # the tool's word (or a signed score, as Talkwalker's -5..5) to positive/neutral/negative
        whens = " ".join(f"when lower({raw}) in ({', '.join(repr(w) for w in words)}) then '{label}'"
                         for label, words in _SENTIMENT_WORDS.items())
        return (f"case {whens} when try_cast({raw} as double) > 0 then 'positive' "
                f"when try_cast({raw} as double) < 0 then 'negative' "
                f"when try_cast({raw} as double) = 0 then 'neutral' end")
    return raw


SQL_TYPES = {"text": "varchar", "timestamp": "timestamptz", "local_timestamp": "timestamp", "date": "date",
             "bigint": "bigint", "double": "double", "sentiment": "varchar"}


def typed_columns(columns: list[tuple[str, str, bool]]) -> tuple[Column, ...]:
    """Columns ``(name, kind, required)`` read from the record's string field of the same name.

    A required column that does not type is quarantined by the ingestion contract; so is an optional one that is
    given but does not type (``'12x'`` for a number: ``Column.strict``), with the reason
    ``invalid or missing <name>: "12x"``, rather than loading as NULL."""
    return tuple(Column(name, SQL_TYPES[kind], typed_sql(kind, name), required=required, raw_field=name,
                        strict=kind != "text")
                 for name, kind, required in columns)


def _table_spec(target: Target) -> TableSpec:
    columns = list(typed_columns([(c.name, c.kind, c.required) for c in target.columns]))
    if target.id_column:  # no id in the file: the mapping's id_from columns, hashed (stable across exports)
        i = next(i for i, c in enumerate(columns) if c.name == target.id_column)
        columns[i] = Column(target.id_column, "varchar",
                            f"coalesce({field_text(target.id_column)}, md5(r.payload->>'_id_from'))",
                            required=True, raw_field=target.id_column)
    if target.name == "audience_snapshots":
        columns.append(Column("snapshot_id", "varchar",
                              f"{field_text('channel_id')} || '/' || ({typed_sql('date', 'measured_on')})::varchar"))
    return TableSpec(name=target.name, records_path="$[*]", natural_key=target.natural_key,
                     columns=tuple(columns), description=target.description + " (generic import)")


TABLE_SPECS = {name: _table_spec(t) for name, t in TARGETS.items()}
FEEDS_BY_TARGET = {name: FeedSpec(source=SOURCE, feed=name, tables=(spec,), batches="all",
                                  description=f"Generic import: {TARGETS[name].description}")
                   for name, spec in TABLE_SPECS.items()}


# --- the mapping file -------------------------------------------------------------------------------------------

class MappingError(ExportError):
    """A mapping file that cannot be used: the message names the file and the key."""


@dataclass(frozen=True)
class ColumnMapping:
    target: str
    sources: tuple[str, ...] = ()  # file columns (several: joined with a space)
    value: str | None = None  # a constant
    format: str | None = None  # strptime format of a timestamp / date
    timezone: str | None = None  # of naive timestamps (default UTC)
    values: dict[str, str] | None = None  # the tool's words -> ours
    optional: bool = False  # the file may lack the column (an export with fewer columns selected): NULL then


@dataclass(frozen=True)
class Mapping:
    path: Path
    name: str
    source_tool: str
    target: Target
    format: str
    columns: tuple[ColumnMapping, ...]
    id_from: tuple[str, ...] = ()
    delimiter: str = ","
    skip_rows: int = 0
    records_path: str = ""

    @property
    def file_columns(self) -> list[str]:
        """Every file column the mapping needs (not the optional ones)."""
        cols = [s for c in self.columns if not c.optional for s in c.sources] + list(self.id_from)
        return list(dict.fromkeys(cols))


_TOP_KEYS = {"name", "source_tool", "target", "format", "columns", "id_from", "delimiter", "skip_rows", "encoding",
             "records_path", "description"}
_COLUMN_KEYS = {"from", "value", "format", "timezone", "values", "optional"}


def load_mapping(path: Path | str) -> Mapping:
    """Read and validate a mapping file; every error names the file and the key."""
    path = Path(path)

    def fail(key: str, why: str):
        raise MappingError(f"mapping {path}: {key}: {why}")

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"mapping {path}: no such file") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise MappingError(f"mapping {path}: not readable YAML ({exc})") from None
    if not isinstance(doc, dict):
        raise MappingError(f"mapping {path}: expected a mapping of keys (name, target, format, columns)")
    for key in doc:
        if key not in _TOP_KEYS:
            fail(str(key), f"unknown key (known: {', '.join(sorted(_TOP_KEYS))})")
    for key in ("name", "target", "columns"):
        if not doc.get(key):
            fail(key, "missing")
    target = TARGETS.get(str(doc["target"]))
    if target is None:
        fail("target", f"unknown target {doc['target']!r} (known: {', '.join(TARGETS)})")
    fmt = str(doc.get("format", "csv")).lower()
    if fmt not in ("csv", "json"):
        fail("format", f"unknown format {fmt!r} (csv or json)")
    encoding = str(doc.get("encoding", "utf-8")).lower().replace("_", "-")
    if encoding not in ("utf-8", "utf8", "utf-8-sig"):
        fail("encoding", f"{encoding!r} is not supported: re-save the file as UTF-8")
    delimiter = str(doc.get("delimiter", ","))
    if delimiter == "\\t":
        delimiter = "\t"
    if len(delimiter) != 1:
        fail("delimiter", f"must be one character, got {delimiter!r}")
    skip_rows = doc.get("skip_rows", 0)
    if not isinstance(skip_rows, int) or isinstance(skip_rows, bool) or skip_rows < 0:
        fail("skip_rows", f"must be a whole number >= 0, got {skip_rows!r}")
    if not isinstance(doc["columns"], dict):
        fail("columns", "expected a map of <target column>: {from: <file column>} or {value: <constant>}")

    columns = []
    for name, spec in doc["columns"].items():
        key = f"columns.{name}"
        column = target.column(str(name))
        if column is None:
            fail(key, f"unknown column of target {target.name} (known: {', '.join(c.name for c in target.columns)})")
        if isinstance(spec, str):  # shorthand: `email: Email`
            spec = {"from": spec}
        if not isinstance(spec, dict):
            fail(key, "expected {from: <file column>} or {value: <constant>}")
        for k in spec:
            if k not in _COLUMN_KEYS:
                fail(f"{key}.{k}", f"unknown key (known: {', '.join(sorted(_COLUMN_KEYS))})")
        if ("from" in spec) == ("value" in spec):
            fail(key, "give exactly one of `from` (a file column) or `value` (a constant)")
        sources = spec.get("from")
        sources = tuple(str(s) for s in sources) if isinstance(sources, list) else (() if sources is None
                                                                                     else (str(sources),))
        if "from" in spec and not sources:
            fail(f"{key}.from", "empty")
        if spec.get("format") and column.kind not in ("timestamp", "date"):
            fail(f"{key}.format", f"only for timestamps and dates ({name} is {column.kind})")
        values = spec.get("values")
        if values is not None and not isinstance(values, dict):
            fail(f"{key}.values", "expected a map of <the tool's word>: <ours>")
        if spec.get("timezone"):
            try:
                pl.Series(["2024-01-01 00:00:00"]).str.to_datetime().dt.replace_time_zone(str(spec["timezone"]))
            except Exception:  # noqa: BLE001 - polars' own error on an unknown zone
                fail(f"{key}.timezone", f"unknown time zone {spec['timezone']!r}")
        columns.append(ColumnMapping(
            target=column.name, sources=sources,
            value=None if "value" not in spec else (None if spec["value"] is None else str(spec["value"])),
            format=spec.get("format"), timezone=spec.get("timezone"),
            values={str(k): str(v) for k, v in values.items()} if values else None,
            optional=bool(spec.get("optional", False))))

    id_from = doc.get("id_from") or []
    if isinstance(id_from, str):
        id_from = [id_from]
    if id_from and target.id_column is None:
        fail("id_from", f"target {target.name} has no id column to fill")
    if id_from and any(c.target == target.id_column for c in columns):
        fail("id_from", f"columns.{target.id_column} is mapped too: give one or the other")
    mapped = {c.target for c in columns}
    for column in target.columns:
        if column.required and column.name not in mapped and not (id_from and column.name == target.id_column):
            hint = " (or give id_from: [<columns>] to hash)" if column.name == target.id_column else ""
            fail(f"columns.{column.name}", f"missing: required by target {target.name}{hint}")
    return Mapping(path=path, name=str(doc["name"]), source_tool=str(doc.get("source_tool", "")), target=target,
                   format=fmt, columns=tuple(columns), id_from=tuple(str(c) for c in id_from),
                   delimiter=delimiter, skip_rows=skip_rows, records_path=str(doc.get("records_path") or ""))


# --- reading a file and applying a mapping (vectorised: polars over the whole file) ------------------------------

def read_csv_text(text: str, *, delimiter: str = ",", skip_rows: int = 0) -> pl.DataFrame:
    """A CSV as all-string columns (typing is the TableSpec's job). Quoted newlines are kept; a short row is
    padded with nulls."""
    return pl.read_csv(io.StringIO(text), separator=delimiter, skip_rows=skip_rows, infer_schema=False,
                       truncate_ragged_lines=False, raise_if_empty=False)


def csv_header(text: str, *, delimiter: str = ",", skip_rows: int = 0) -> list[str]:
    return read_csv_text(text, delimiter=delimiter, skip_rows=skip_rows).head(0).columns if text.strip() else []


def _flatten(df: pl.DataFrame) -> pl.DataFrame:
    """Nested JSON objects to 'a.b' columns, every scalar leaf as a string. Arrays are not mappable (they stay in
    ``_raw``)."""
    while any(isinstance(dt, pl.Struct) for dt in df.dtypes):
        df = df.select(*[
            pl.col(c).struct.unnest().name.prefix(f"{c}.") if isinstance(dt, pl.Struct) else pl.col(c)
            for c, dt in zip(df.columns, df.dtypes, strict=True)])
    return df.select(*[pl.col(c).cast(pl.String) for c, dt in zip(df.columns, df.dtypes, strict=True)
                       if not isinstance(dt, pl.List | pl.Array)])


def read_json_records(text: str, records_path: str, member: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(original records, their flattened string columns) of a JSON file: the array at ``records_path`` (a dotted
    path; empty for a top-level array)."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExportError(f"{member}: not readable JSON ({exc})") from None
    for part in [p for p in records_path.split(".") if p]:
        if not isinstance(doc, dict) or part not in doc:
            raise ExportError(f"{member}: no '{records_path}' in the file (records_path of the mapping)")
        doc = doc[part]
    if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
        raise ExportError(f"{member}: '{records_path or '$'}' is not an array of records")
    if not doc:
        return pl.DataFrame(), pl.DataFrame()
    try:
        original = pl.read_json(io.StringIO(json.dumps(doc)), infer_schema_length=None)
    except Exception as exc:  # noqa: BLE001 - polars: records of incompatible shapes
        raise ExportError(f"{member}: records of incompatible shapes ({exc})") from None
    return original, _flatten(original)


def _source_expr(col: ColumnMapping, kind: str, present: set[str]) -> pl.Expr:
    sources = [s for s in col.sources if s in present]  # an optional column may be absent
    if col.value is not None or not sources:
        return pl.lit(col.value, dtype=pl.String)
    if len(sources) == 1:
        expr = pl.col(sources[0])
    else:
        joined = pl.concat_str([pl.col(s).str.strip_chars() for s in sources], separator=" ", ignore_nulls=True)
        expr = pl.when(joined.str.strip_chars() == "").then(None).otherwise(joined)
    expr = expr.str.strip_chars()
    if col.values:
        expr = expr.replace(col.values)
    if col.format and kind in ("timestamp", "date"):
        if kind == "date":
            parsed = expr.str.strptime(pl.Date, col.format, strict=False).dt.to_string("%Y-%m-%d")
        else:
            ts = expr.str.strptime(pl.Datetime("us"), col.format, strict=False)
            if "%z" not in col.format and "%Z" not in col.format:
                ts = ts.dt.replace_time_zone(col.timezone or "UTC", ambiguous="earliest", non_existent="null")
            parsed = ts.dt.convert_time_zone("UTC").dt.to_string("%Y-%m-%dT%H:%M:%S%.f+00:00")
        expr = pl.coalesce(parsed, expr)  # unreadable: kept as given, and quarantined by the TableSpec
    return expr


def apply_mapping(mapping: Mapping, columns: pl.DataFrame, original: pl.DataFrame | None = None) -> pl.DataFrame:
    """The mapped records: one string column per mapped target column, ``_id_from`` when the id is hashed, and
    ``_raw``, the original row (``original``: the unflattened JSON records; by default ``columns`` itself)."""
    original = columns if original is None else original
    present = set(columns.columns)
    exprs = [_source_expr(c, mapping.target.column(c.target).kind, present).alias(c.target) for c in mapping.columns]
    if mapping.id_from:
        key = pl.concat_str([pl.col(c).fill_null("") for c in mapping.id_from], separator="\x1f")
        exprs.append(pl.when(pl.all_horizontal([pl.col(c).is_null() for c in mapping.id_from]))
                     .then(None).otherwise(key).alias("_id_from"))
    mapped = columns.select(exprs) if exprs else pl.DataFrame()
    return mapped.with_columns(original.select(pl.struct(pl.all()).alias("_raw")).to_series())


def json_pages(records: pl.DataFrame, rows: int | None = None) -> list[tuple[int, str]]:
    """(first row, JSON array text) per page of ``rows`` records (default ``PAGE_ROWS``)."""
    rows = rows or PAGE_ROWS
    return [(start + 1, records.slice(start, rows).write_json()) for start in range(0, records.height, rows)]


def _data_members(export: Export, fmt: str) -> list[str]:
    names = export.names()
    if export.path.is_file() and len(names) == 1 and not names[0].startswith("__MACOSX"):
        return names  # a single file: taken whatever its extension
    found = [n for n in names if n.lower().endswith(f".{fmt}") and not PurePosixPath(n).name.startswith(".")]
    if not found:
        raise ExportError(f"{export.path}: no .{fmt} file in it")
    return found


class UnreadableFile(ValueError):
    """A data file that does not parse (a truncated CSV): landed as received, so quarantined whole."""


def mapped_frame(mapping: Mapping, export: Export, name: str) -> pl.DataFrame:
    """Read one file of an export and apply the mapping; a `from` column the file lacks is an ExportError."""
    text = export.read_text(name)
    where = export.source_file(name)
    if mapping.format == "csv":
        try:
            columns = read_csv_text(text, delimiter=mapping.delimiter, skip_rows=mapping.skip_rows)
        except Exception as exc:  # noqa: BLE001 - polars' parse errors (unterminated quote...)
            raise UnreadableFile(f"not a readable CSV with delimiter {mapping.delimiter!r} "
                                 f"({str(exc).splitlines()[0]})") from None
        original = columns
    else:
        original, columns = read_json_records(text, mapping.records_path, where)
    if columns.width == 0:
        return pl.DataFrame()
    missing = [c for c in mapping.file_columns if c not in columns.columns]
    if missing:
        raise ExportError(f"{where}: no column {', '.join(repr(c) for c in missing)} (read by mapping "
                          f"{mapping.path}); the file's columns are: {', '.join(columns.columns[:40])}")
    return apply_mapping(mapping, columns, original)


def members_for(mapping: Mapping) -> Callable[[Export], dict[str, list[ExportMember]]]:
    def members(export: Export) -> dict[str, list[ExportMember]]:
        pages = []
        files = _data_members(export, mapping.format)
        for i, name in enumerate(files):
            try:
                records = mapped_frame(mapping, export, name)
            except UnreadableFile as exc:
                # land the file as received: not JSON, the page is quarantined whole (nothing dropped silently)
                context = urlencode({"mapping": mapping.name, "unreadable": str(exc)[:200]}, quote_via=quote)
                pages.append(ExportMember(name, export.read_text(name), context))
                continue
            for first_row, text in json_pages(records):
                context = urlencode({"mapping": mapping.name, "first_row": first_row}, quote_via=quote)
                pages.append(ExportMember(name, text, context))
            if export.progress:
                export.progress(f"map {name}", i + 1, len(files))
        return {mapping.target.name: pages}

    return members


def matches_for(mapping: Mapping) -> Callable[[Path], bool]:
    """A file matches a mapping when it holds every column the mapping reads (CSV header / first JSON record)."""
    def matches(path: Path) -> bool:
        try:
            with Export(path) as export:
                names = _data_members(export, mapping.format)
                for name in names:
                    if mapping.format == "csv":
                        head = export.read_bytes(name)[:65536].decode("utf-8-sig", errors="replace")
                        head = head[:head.rfind("\n") + 1] if len(head) == 65536 else head
                        header = csv_header(head, delimiter=mapping.delimiter, skip_rows=mapping.skip_rows)
                    else:
                        header = read_json_records(export.read_text(name), mapping.records_path, name)[1].columns
                    if not set(mapping.file_columns) <= set(header):
                        return False
                return bool(names)
        except Exception:  # noqa: BLE001 - a file we cannot read is simply not of this format
            return False

    return matches


def generic_format(mapping_path: Path | str, *, name: str | None = None, where_to_download: str = "") -> ExportFormat:
    """The export format of a mapping file (``animateur import generic <file> --mapping <mapping_path>``)."""
    mapping = load_mapping(mapping_path)
    return ExportFormat(
        name=name or f"generic:{mapping.name}",
        source=SOURCE,
        description=f"{mapping.source_tool or 'a'} {mapping.format.upper()} export mapped onto "
                    f"imported.{mapping.target.name} by {mapping.path.name}",
        where_to_download=where_to_download or f"{mapping.source_tool or 'the tool'}'s own export",
        feeds=(FEEDS_BY_TARGET[mapping.target.name],),
        members=members_for(mapping),
        matches=matches_for(mapping),
    )
