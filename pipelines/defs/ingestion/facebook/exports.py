"""The Facebook Page post-level Insights export: Meta Business Suite > Insights > Content > Export data (or the
classic Page Insights > Export Data > Post data), a CSV or an XLSX, one row per post with its lifetime counters.

Two layouts, into one table ``facebook.post_insights_export`` (``layout`` says which):

- ``classic`` (Page Insights, until 2023): a first row of column names ("Post ID", "Permalink", "Post Message",
  "Type", "Posted", "Lifetime Post Total Reach", ...) and a second row of their descriptions ("Lifetime: The
  number of people who...") that is not a record and is left out;
- ``business_suite``: one header row ("Post ID", "Page ID", "Title", "Description", "Publish time", "Post type",
  "Reach", "Impressions", "Reactions, Comments and Shares", "Reactions", "Comments", "Shares", "Total clicks"...).

The CSV lands as received; an XLSX (binary) is converted to CSV text when the export is split into pages (its
first sheet, "Key Metrics" in classic workbooks), so both land as CSV. A page converter (polars, the whole page
at once, every value a string) picks each column from whichever layout the file has and keeps the full row in
``_raw``; the TableSpec types the values, so a counter that is not a number quarantines its post with the raw
value. ``published_at`` is the file's local time (Meta writes the time zone of the person who exported, and
does not say which): stored as given, a timestamp without time zone."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from pipelines.defs.ingestion.imported.mapping import field_text, read_csv_text, typed_columns
from pipelines.lib.imports import Export, ExportError, ExportFormat, ExportMember
from pipelines.lib.ingest import Column, FeedSpec, TableSpec

# target column -> the header names it comes from, classic layout first, then Business Suite
COLUMNS: dict[str, tuple[str, ...]] = {
    "post_id": ("Post ID",),
    "permalink": ("Permalink",),
    "message": ("Post Message", "Description", "Title"),
    "post_type": ("Type", "Post type"),
    "published_at": ("Posted", "Publish time"),
    "reach": ("Lifetime Post Total Reach", "Reach"),
    "organic_reach": ("Lifetime Post organic reach", "Lifetime Post Organic Reach"),
    "paid_reach": ("Lifetime Post Paid Reach", "Lifetime Post paid reach"),
    "impressions": ("Lifetime Post Total Impressions", "Impressions"),
    "engaged_users": ("Lifetime Engaged Users",),
    "reactions": ("Lifetime Post Stories by action type - like", "Lifetime Talking About This (Post) by action type - like",
                  "Reactions"),
    "comments": ("Lifetime Post Stories by action type - comment",
                 "Lifetime Talking About This (Post) by action type - comment", "Comments"),
    "shares": ("Lifetime Post Stories by action type - share",
               "Lifetime Talking About This (Post) by action type - share", "Shares"),
    "clicks": ("Lifetime Post Consumptions", "Total clicks"),
    "negative_feedback": ("Lifetime Negative Feedback from Users", "Lifetime Negative Feedback",
                          "Lifetime Negative feedback", "Negative feedback from users: Hide all",
                          "Negative feedback from users"),
}
CLASSIC_MARKERS = ("Posted", "Lifetime Post Total Reach", "Lifetime Post Total Impressions")
BUSINESS_SUITE_MARKERS = ("Publish time", "Reach", "Impressions", "Reactions, Comments and Shares")


def layout_of(header: list[str]) -> str | None:
    if "Post ID" not in header:
        return None
    if any(m in header for m in CLASSIC_MARKERS):
        return "classic"
    if any(m in header for m in BUSINESS_SUITE_MARKERS):
        return "business_suite"
    return None


def insights_csv_to_json(text: str) -> str:
    """A Meta Insights post export (CSV text) to a JSON array of records: the target columns as strings, the
    layout, and the whole row in ``_raw``. Vectorised: one polars read and one select over the whole page."""
    try:
        df = read_csv_text(text)
    except Exception as exc:  # noqa: BLE001 - polars' parse errors (an unterminated quote...)
        raise ValueError(f"not a readable CSV ({str(exc).splitlines()[0]})") from None
    layout = layout_of(df.columns)
    if layout is None:
        raise ValueError(f"not a Meta Insights post export: no Post ID / Reach columns in {df.columns[:12]}")
    if layout == "classic" and df.height and df["Post ID"][0] is None:
        # the descriptions row: no Post ID, and the metrics' cells are their definitions ("Lifetime: The...")
        described = df.head(1).select(pl.any_horizontal(pl.all().str.starts_with("Lifetime"))).item()
        if described:
            df = df.slice(1)
    exprs = [pl.coalesce([pl.col(c) for c in names if c in df.columns] or [pl.lit(None, pl.String)]).alias(target)
             for target, names in COLUMNS.items()]
    records = df.select(*exprs, pl.lit(layout).alias("layout"), pl.struct(pl.all()).alias("_raw"))
    return records.write_json()


# published_at: classic '10/1/2015 21:00' or '01/31/2020 10:30:00 AM', Business Suite '03/15/2024 10:00'
_PUBLISHED = field_text("published_at")
PUBLISHED_AT = (f"coalesce(try_strptime({_PUBLISHED}, ['%m/%d/%Y %H:%M', '%m/%d/%Y %H:%M:%S', '%m/%d/%Y %I:%M:%S %p', "
                f"'%m/%d/%Y %I:%M %p']), try_cast({_PUBLISHED} as timestamp))")

POST_INSIGHTS_EXPORT = TableSpec(
    name="post_insights_export",
    records_path="$[*]",
    natural_key="post_id",
    description="Facebook Page posts with their lifetime counters, from an Insights export (CSV/XLSX), classic "
                "Page Insights or Meta Business Suite layout.",
    columns=(
        Column("post_id", "varchar", field_text("post_id"), required=True, raw_field="post_id"),
        Column("permalink", "varchar", field_text("permalink")),
        Column("message", "varchar", field_text("message")),
        Column("post_type", "varchar", field_text("post_type")),
        Column("published_at", "timestamp", PUBLISHED_AT, required=True, raw_field="published_at"),
        *typed_columns([(c, "bigint", False) for c in (
            "reach", "organic_reach", "paid_reach", "impressions", "engaged_users", "reactions", "comments",
            "shares", "clicks", "negative_feedback")]),
        Column("layout", "varchar", field_text("layout")),
    ),
)

FEEDS = (
    FeedSpec(source="facebook", feed="post_insights_export", tables=(POST_INSIGHTS_EXPORT,), extension="csv",
             content_format="csv", page_converter=insights_csv_to_json, batches="all",
             description="Facebook post Insights export (CSV/XLSX)"),
)


def xlsx_to_csv(data: bytes, name: str) -> str:
    """An XLSX workbook's post sheet as CSV text (every cell as text): "Key Metrics" when the workbook has it
    (classic exports hold one sheet per breakdown), else the first sheet."""
    import fastexcel

    try:
        sheets = fastexcel.read_excel(data).sheet_names
        sheet = "Key Metrics" if "Key Metrics" in sheets else sheets[0]
        df = pl.read_excel(io.BytesIO(data), sheet_name=sheet, engine="calamine", infer_schema_length=0)
    except Exception as exc:  # noqa: BLE001 - fastexcel's errors on a damaged workbook
        raise ExportError(f"{name}: not a readable XLSX workbook ({exc})") from None
    return df.select(pl.all().cast(pl.String)).write_csv()


def _is_data_file(name: str) -> bool:
    return name.lower().endswith((".csv", ".xlsx")) and not Path(name).name.startswith((".", "~$"))


def _texts(export: Export, *, head_only: bool = False) -> list[tuple[str, str]]:
    """(member name, CSV text) of every CSV/XLSX of the export, an XLSX converted to CSV text."""
    out = []
    for name in (n for n in export.names() if _is_data_file(n)):
        if name.lower().endswith(".xlsx"):
            out.append((name, xlsx_to_csv(export.read_bytes(name), export.source_file(name))))
        elif head_only:
            out.append((name, export.read_bytes(name)[:65536].decode("utf-8-sig", errors="replace")))
        else:
            out.append((name, export.read_text(name)))
    return out


def _layout_of_text(text: str) -> str | None:
    first_line = text.split("\n", 1)[0]
    return layout_of(read_csv_text(first_line + "\n").columns) if first_line.strip() else None


def members(export: Export) -> dict[str, list[ExportMember]]:
    """Every CSV/XLSX of the export that is a post Insights export; a single file that is not one, or a zip /
    folder holding none, is an ExportError."""
    single = not export.is_archive
    pages = []
    for name, text in _texts(export):
        if _layout_of_text(text) is None:
            if single:
                raise ExportError(f"{export.path}: not a Facebook post Insights export (no 'Post ID' with "
                                  "'Posted'/'Lifetime Post Total Reach' or 'Publish time'/'Reach' columns)")
            continue
        pages.append(ExportMember(name, text))
    if not pages:
        raise ExportError(f"{export.path}: no Facebook post Insights export (CSV/XLSX with a 'Post ID' column) in it")
    return {"post_insights_export": pages}


def matches(path: Path) -> bool:
    try:
        with Export(path) as export:
            return any(_layout_of_text(text) is not None for _, text in _texts(export, head_only=True))
    except Exception:  # noqa: BLE001 - a file we cannot open is simply not an Insights export
        return False


EXPORT_FORMATS = (
    ExportFormat(
        name="meta-insights",
        source="facebook",
        description="Facebook Page post Insights export (CSV/XLSX): each post's lifetime reach, impressions, "
                    "reactions, comments, shares, clicks",
        where_to_download="Meta Business Suite: Insights > Content > Export data (posts, CSV or XLSX); classic "
                          "Page Insights: Export Data > Post data",
        feeds=FEEDS,
        members=members,
        matches=matches,
    ),
)
