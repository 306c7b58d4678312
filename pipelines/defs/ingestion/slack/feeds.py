"""Slack (Web API): channel messages (``conversations.history``) and the workspace's users (``users.list``).

A history page does not name its channel: the channel id comes from the message itself when it carries one
(``channel``, as in events and exports), else from the ``channel=`` parameter of the URL the page was fetched
from (``raw.pages.source_file``). A message ``ts`` is unique within its channel only, so the message key is
``<channel_id>:<ts>``. An ``{"ok": false, "error": ...}`` page is quarantined whole with Slack's error."""

from pipelines.defs.ingestion.slack.api import RESOURCE_KEY, fetch_messages, fetch_users
from pipelines.lib.ingest import Column, FeedSpec, TableSpec
from pipelines.lib.sql_fragments import bigint, text

CHANNEL_ID = (f"coalesce({text('channel')}, "
              r"nullif(regexp_extract(r.source_file, '[?&]channel=([^&]+)', 1), ''))")


def slack_ts(path: str) -> str:
    """A Slack timestamp ('1486969200.000136', epoch seconds and microseconds) to an exact UTC instant."""
    return (f"make_timestamp((try_cast(json_extract_string(r.payload, '$.{path}') as decimal(24, 6)) "
            "* 1000000)::bigint)::timestamptz")


# What a message says and how it was received: the same in the Web API and in workspace exports.
MESSAGE_CONTENT_COLUMNS = (
    Column("thread_ts", "varchar", text("thread_ts")),
    # legacy file_comment messages carry their author in comment.user
    Column("user_id", "varchar", f"coalesce({text('user')}, {text('comment.user')})"),
    Column("bot_id", "varchar", text("bot_id")),
    Column("message_type", "varchar", text("type")),
    Column("subtype", "varchar", text("subtype")),
    Column("text", "varchar", text("text")),
    Column("reply_count", "bigint", bigint("reply_count")),
    Column("reply_users_count", "bigint", bigint("reply_users_count")),
    # total reactions (every emoji's count); 0 when the message has none (Slack omits the key)
    Column("reaction_count", "bigint",
           "coalesce(list_sum(json_extract(r.payload, '$.reactions[*].count')::bigint[]), 0)"),
)

MESSAGES = TableSpec(
    name="messages",
    records_path="$.messages[*]",
    natural_key="message_id",
    description="Channel messages and thread parents (GET conversations.history), per channel and day.",
    columns=(
        Column("message_id", "varchar", f"{CHANNEL_ID} || ':' || {text('ts')}", required=True, raw_field="ts"),
        Column("channel_id", "varchar", CHANNEL_ID, required=True, raw_field="channel"),
        Column("ts", "varchar", text("ts"), required=True),
        *MESSAGE_CONTENT_COLUMNS,
        Column("posted_at", "timestamptz", slack_ts("ts"), required=True, raw_field="ts"),
        Column("latest_reply_at", "timestamptz", slack_ts("latest_reply")),
        Column("edited_at", "timestamptz", slack_ts("edited.ts")),
    ),
)

USERS = TableSpec(
    name="users",
    records_path="$.members[*]",
    natural_key="user_id",
    description="Workspace members, people and bots (GET users.list), as of each fetch.",
    columns=(
        Column("user_id", "varchar", text("id"), required=True, raw_field="id"),
        Column("team_id", "varchar", text("team_id")),
        Column("name", "varchar", text("name")),
        Column("real_name", "varchar", f"coalesce({text('real_name')}, {text('profile.real_name')})"),
        Column("display_name", "varchar", f"nullif({text('profile.display_name')}, '')"),
        Column("is_bot", "boolean", f"try_cast({text('is_bot')} as boolean)"),
        Column("is_admin", "boolean", f"try_cast({text('is_admin')} as boolean)"),
        Column("deleted", "boolean", f"try_cast({text('deleted')} as boolean)"),
        Column("tz", "varchar", text("tz")),
        Column("updated_at", "timestamptz", f"to_timestamp({bigint('updated')})"),
    ),
)

FEEDS = (
    FeedSpec(source="slack", feed="messages", description="Channel messages", api_resource=RESOURCE_KEY,
             fetch=fetch_messages, tables=(MESSAGES,)),
    FeedSpec(source="slack", feed="users", description="Workspace users", api_resource=RESOURCE_KEY,
             fetch=fetch_users, tables=(USERS,)),
)
