"""The Slack workspace export (Workspace settings > Import/Export Data > Export): a zip of ``channels.json``
(and, on paid plans, ``groups.json``, ``dms.json``, ``mpims.json``), ``users.json``, ``integration_logs.json``
and one folder per conversation holding one ``<YYYY-MM-DD>.json`` file per day: a bare array of messages.

Every day file lands as one page of a single batch (an export can hold thousands of them) and every message of
every page is typed in one set-based pass into ``slack.export_messages``, with the columns of the API's
``slack.messages``. A day file does not name its channel (its messages usually lack ``channel``): the folder
name is the channel's name (public and private channels, multi-party DMs) or its id (DMs), resolved to the id
through the conversation lists and carried on the page's ``source_file`` (``?channel=<id>&channel_name=<name>``),
as an API page's URL carries its ``channel=`` parameter. A folder no list names keeps only its name, so its
messages are quarantined for their missing channel id rather than filed under a guessed one.

The conversation lists land in ``slack.export_channels`` (their kind on the page's ``source_file``:
``?kind=public|private|mpim|im``), ``users.json`` in ``slack.export_users`` (the columns of ``slack.users``).
``integration_logs.json`` (app installs) is not imported. A Slack export states no record counts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, urlencode

from pipelines.defs.ingestion.slack.feeds import CHANNEL_ID, MESSAGE_CONTENT_COLUMNS, USERS, slack_ts
from pipelines.lib.imports import Export, ExportError, ExportFormat, ExportMember, read_members
from pipelines.lib.ingest import Column, FeedSpec, TableSpec
from pipelines.lib.sql_fragments import bigint, text

# conversation lists, the kind of conversation each describes, and whether its folders are named by id (DMs)
CONVERSATION_LISTS = {"channels.json": "public", "groups.json": "private", "mpims.json": "mpim", "dms.json": "im"}
USERS_FILE = "users.json"
DAY_FILE = re.compile(r"^(?P<folder>[^/]+)/\d{4}-\d{2}-\d{2}\.json$")


def context_value(name: str) -> str:
    return f"url_decode(nullif(regexp_extract(r.source_file, '[?&]{name}=([^&]+)', 1), ''))"


def has_items(path: str) -> str:
    """1 for a legacy single object (``file``), the length of an array (``files``), else 0."""
    return (f"case json_type(r.payload, '$.{path}') when 'ARRAY' then json_array_length(r.payload, '$.{path}') "
            f"when 'OBJECT' then 1 else 0 end")


EXPORT_MESSAGES = TableSpec(
    name="export_messages",
    records_path="$[*]",
    natural_key="message_id",
    description="Every message of every day file of a Slack export (public channels; private ones, group and "
                "direct messages when the export holds them), columns of slack.messages.",
    columns=(
        # the key is NULL exactly when ts or the channel is, each of which quarantines the message once, by name
        Column("message_id", "varchar", f"{CHANNEL_ID} || ':' || {text('ts')}"),
        Column("channel_id", "varchar", CHANNEL_ID, required=True, raw_field="channel"),
        Column("channel_name", "varchar", context_value("channel_name")),
        Column("ts", "varchar", f"case when {slack_ts('ts')} is not null then {text('ts')} end", required=True),
        *MESSAGE_CONTENT_COLUMNS,
        # files shared with the message (``files``; ``file`` in exports before 2019) and link/bot attachments
        Column("file_count", "bigint", f"{has_items('files')} + {has_items('file')}"),
        Column("attachment_count", "bigint", has_items("attachments")),
        Column("posted_at", "timestamptz", slack_ts("ts")),  # never NULL: ts is required to read as one
        Column("latest_reply_at", "timestamptz", slack_ts("latest_reply")),
        Column("edited_at", "timestamptz", slack_ts("edited.ts")),
    ),
)

EXPORT_CHANNELS = TableSpec(
    name="export_channels",
    records_path="$[*]",
    natural_key="channel_id",
    description="The conversations of a Slack export (channels.json; groups.json, mpims.json, dms.json when "
                "present), as of the export.",
    columns=(
        Column("channel_id", "varchar", text("id"), required=True, raw_field="id"),
        # DMs have no name: their folder is named by their id
        Column("name", "varchar", f"coalesce({text('name')}, {text('id')})"),
        Column("channel_kind", "varchar", context_value("kind")),
        Column("created_at", "timestamptz", f"to_timestamp({bigint('created')})"),
        Column("creator", "varchar", f"coalesce({text('creator')}, {text('user')})"),
        Column("is_archived", "boolean", f"coalesce(try_cast({text('is_archived')} as boolean), false)"),
        Column("is_general", "boolean", f"coalesce(try_cast({text('is_general')} as boolean), false)"),
        Column("member_count", "bigint", "json_array_length(r.payload, '$.members')"),
        Column("topic", "varchar", f"nullif({text('topic.value')}, '')"),
        Column("purpose", "varchar", f"nullif({text('purpose.value')}, '')"),
    ),
)

EXPORT_USERS = TableSpec(
    name="export_users",
    records_path="$[*]",
    natural_key="user_id",
    description="The workspace's members, people and bots, as of a Slack export (users.json), columns of "
                "slack.users.",
    columns=USERS.columns,
)

FEEDS = (
    FeedSpec(source="slack", feed="export_messages", tables=(EXPORT_MESSAGES,), batches="all",
             description="Slack export messages"),
    FeedSpec(source="slack", feed="export_channels", tables=(EXPORT_CHANNELS,), batches="all",
             description="Slack export channels"),
    FeedSpec(source="slack", feed="export_users", tables=(EXPORT_USERS,), batches="all",
             description="Slack export users"),
)


def _conversations(export: Export, names: set[str]) -> dict[str, str]:
    """Folder name -> conversation id, from the conversation lists (these are small: one object per channel, so
    reading them in Python costs nothing next to the day files). An unreadable list names no folder; it is
    itself quarantined whole when its page is parsed."""
    folders = {}
    for list_name in CONVERSATION_LISTS:
        if list_name not in names:
            continue
        try:
            conversations = json.loads(export.read_text(list_name))
        except (json.JSONDecodeError, ExportError):
            continue
        for conv in conversations if isinstance(conversations, list) else []:
            if isinstance(conv, dict) and conv.get("id"):
                folders.setdefault(conv.get("name") or conv["id"], conv["id"])
                folders.setdefault(conv["id"], conv["id"])  # DM folders are named by id
    return folders


def members(export: Export) -> dict[str, list[ExportMember]]:
    names = export.names()
    present = set(names)
    lists = [n for n in CONVERSATION_LISTS if n in present]
    if not lists and USERS_FILE not in present:
        raise ExportError(f"{export.path}: not a Slack export (no channels.json nor users.json at its root)")
    days = [n for n in names if DAY_FILE.match(n)]
    folders = _conversations(export, present)
    messages = []
    for m in read_members(export, days):
        folder = m.name.split("/", 1)[0]
        context = {"channel": folders.get(folder), "channel_name": folder}
        messages.append(ExportMember(m.name, m.text, urlencode({k: v for k, v in context.items() if v},
                                                               quote_via=quote)))
    return {
        "export_messages": messages,
        "export_channels": [ExportMember(m.name, m.text, f"kind={CONVERSATION_LISTS[m.name]}")
                            for m in read_members(export, lists)],
        "export_users": read_members(export, [USERS_FILE] if USERS_FILE in present else []),
    }


def matches(path: Path) -> bool:
    try:
        with Export(path) as export:
            names = set(export.names())
            return "channels.json" in names and USERS_FILE in names
    except Exception:  # noqa: BLE001 - a file we cannot open is simply not a Slack export
        return False


EXPORT_FORMATS = (
    ExportFormat(
        name="slack-export",
        source="slack",
        description="Slack workspace export: every message of the exported channels (and private channels and "
                    "DMs on plans that export them), the channels and the workspace's users",
        where_to_download="Slack: Workspace settings > Import/Export Data > Export (workspace owners and admins; "
                          "a zip, linked by email when ready)",
        feeds=FEEDS,
        members=members,
        matches=matches,
    ),
)
