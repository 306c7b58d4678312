"""Mastodon (REST API v1): the brand account's own statuses, the replies below them and its notifications.
Statuses and notifications pages are bare JSON arrays of Status / Notification entities (no envelope); a
status context is ``{"ancestors": [...], "descendants": [...]}``."""

from pipelines.defs.ingestion.mastodon.api import (
    RESOURCE_KEY,
    fetch_notifications,
    fetch_status_replies,
    fetch_statuses,
)
from pipelines.lib.ingest import Column, FeedSpec, TableSpec
from pipelines.lib.sql_fragments import bigint, boolean, text, timestamp

STATUS_COLUMNS = (
    Column("status_id", "varchar", text("id"), required=True, raw_field="id"),
    Column("created_at", "timestamptz", timestamp("created_at"), required=True, raw_field="created_at"),
    Column("account_id", "varchar", text("account.id"), required=True, raw_field="account.id"),
    Column("account_acct", "varchar", text("account.acct")),
    Column("account_display_name", "varchar", text("account.display_name")),
    Column("in_reply_to_id", "varchar", text("in_reply_to_id")),
    Column("in_reply_to_account_id", "varchar", text("in_reply_to_account_id")),
    Column("reblog_of_id", "varchar", text("reblog.id")),
    Column("reblog_of_account_id", "varchar", text("reblog.account.id")),
    Column("content", "varchar", text("content")),  # HTML
    Column("spoiler_text", "varchar", text("spoiler_text")),
    Column("language", "varchar", text("language")),
    Column("visibility", "varchar", text("visibility")),
    Column("is_sensitive", "boolean", boolean("sensitive")),
    Column("replies_count", "bigint", bigint("replies_count")),
    Column("reblogs_count", "bigint", bigint("reblogs_count")),
    Column("favourites_count", "bigint", bigint("favourites_count")),
    Column("quotes_count", "bigint", bigint("quotes_count")),  # Mastodon >= 4.5
    Column("url", "varchar", text("url")),
    Column("uri", "varchar", text("uri")),
    Column("edited_at", "timestamptz", timestamp("edited_at")),
)

STATUSES = TableSpec(
    name="statuses",
    records_path="$[*]",
    natural_key="status_id",
    description="The brand account's statuses: posts, replies and reblogs (GET /api/v1/accounts/:id/statuses), "
    "counters as last fetched.",
    columns=STATUS_COLUMNS,
)

REPLIES = TableSpec(
    name="replies",
    records_path="$.descendants[*]",
    natural_key="status_id",
    description="The statuses below the brand's statuses of the day that have replies (GET "
    "/api/v1/statuses/:id/context, descendants): members' replies and the brand's answers.",
    columns=STATUS_COLUMNS,
)

NOTIFICATIONS = TableSpec(
    name="notifications",
    records_path="$[*]",
    natural_key="notification_id",
    description="Notifications of the brand account (GET /api/v1/notifications): mentions, statuses of followed "
    "accounts, reblogs, favourites, follows; for mentions the status fields a conversation needs.",
    columns=(
        Column("notification_id", "varchar", text("id"), required=True, raw_field="id"),
        Column("type", "varchar", text("type"), required=True, raw_field="type"),
        Column("created_at", "timestamptz", timestamp("created_at"), required=True, raw_field="created_at"),
        Column("account_id", "varchar", text("account.id"), required=True, raw_field="account.id"),
        Column("account_acct", "varchar", text("account.acct")),
        Column("account_display_name", "varchar", text("account.display_name")),
        Column("account_is_bot", "boolean", boolean("account.bot")),
        # the status concerned (mention, status, reblog, favourite); absent for a follow
        Column("status_id", "varchar", text("status.id")),
        Column("status_created_at", "timestamptz", timestamp("status.created_at")),
        Column("status_account_id", "varchar", text("status.account.id")),
        Column("status_in_reply_to_id", "varchar", text("status.in_reply_to_id")),
        Column("status_in_reply_to_account_id", "varchar", text("status.in_reply_to_account_id")),
        Column("status_content", "varchar", text("status.content")),  # HTML
        Column("status_language", "varchar", text("status.language")),
        Column("status_visibility", "varchar", text("status.visibility")),
        Column("status_url", "varchar", text("status.url")),
    ),
)

FEEDS = (
    FeedSpec(source="mastodon", feed="statuses", description="Brand account statuses", api_resource=RESOURCE_KEY,
             fetch=fetch_statuses, tables=(STATUSES,)),
    FeedSpec(source="mastodon", feed="replies", description="Replies to the brand account's statuses",
             api_resource=RESOURCE_KEY, fetch=fetch_status_replies, tables=(REPLIES,)),
    FeedSpec(source="mastodon", feed="notifications", description="Brand account notifications",
             api_resource=RESOURCE_KEY, fetch=fetch_notifications, tables=(NOTIFICATIONS,)),
)
