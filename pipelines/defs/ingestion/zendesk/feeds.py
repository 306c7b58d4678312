"""Zendesk Support: the incremental ticket export with ``include=metric_sets`` (tickets and their metrics
side by side in one page), from inbox files or the API (``api.py``), and the satisfaction ratings (API)."""

from pipelines.defs.ingestion.zendesk.api import RESOURCE_KEY, fetch_satisfaction_ratings, fetch_tickets
from pipelines.lib.ingest import Column, FeedSpec, TableSpec
from pipelines.lib.sql_fragments import bigint, text, text_list, timestamp

TICKETS = TableSpec(
    name="tickets",
    records_path="$.tickets[*]",
    natural_key="ticket_id",
    description="Helpdesk tickets (incremental export GET /api/v2/incremental/tickets[/cursor].json).",
    columns=(
        Column("ticket_id", "bigint", bigint("id"), required=True, raw_field="id"),
        Column("created_at", "timestamptz", timestamp("created_at"), required=True, raw_field="created_at"),
        Column("updated_at", "timestamptz", timestamp("updated_at")),
        Column("subject", "varchar", text("subject")),
        Column("status", "varchar", text("status")),
        Column("priority", "varchar", text("priority")),
        Column("ticket_type", "varchar", text("type")),
        Column("via_channel", "varchar", text("via.channel")),
        Column("requester_id", "bigint", bigint("requester_id")),
        Column("assignee_id", "bigint", bigint("assignee_id")),
        Column("tags", "varchar[]", text_list("tags")),
        Column("satisfaction_score", "varchar", text("satisfaction_rating.score")),
    ),
)

TICKET_METRICS = TableSpec(
    name="ticket_metrics",
    records_path="$.metric_sets[*]",
    natural_key="ticket_metric_id",
    description="Per-ticket metrics: reply and resolution times in calendar and business minutes.",
    columns=(
        Column("ticket_metric_id", "bigint", bigint("id"), required=True, raw_field="id"),
        Column("ticket_id", "bigint", bigint("ticket_id"), required=True, raw_field="ticket_id"),
        Column("created_at", "timestamptz", timestamp("created_at")),
        Column("updated_at", "timestamptz", timestamp("updated_at")),
        Column("solved_at", "timestamptz", timestamp("solved_at")),
        Column("replies", "bigint", bigint("replies")),
        Column("reply_time_calendar_minutes", "bigint", bigint("reply_time_in_minutes.calendar")),
        Column("reply_time_business_minutes", "bigint", bigint("reply_time_in_minutes.business")),
        Column("first_resolution_calendar_minutes", "bigint", bigint("first_resolution_time_in_minutes.calendar")),
        Column("full_resolution_calendar_minutes", "bigint", bigint("full_resolution_time_in_minutes.calendar")),
    ),
)

SATISFACTION_RATINGS = TableSpec(
    name="satisfaction_ratings",
    records_path="$.satisfaction_ratings[*]",
    natural_key="satisfaction_rating_id",
    description="Customer satisfaction ratings (GET /api/v2/satisfaction_ratings, legacy CSAT).",
    columns=(
        Column("satisfaction_rating_id", "bigint", bigint("id"), required=True, raw_field="id"),
        Column("ticket_id", "bigint", bigint("ticket_id"), required=True, raw_field="ticket_id"),
        Column("score", "varchar", text("score")),
        Column("comment", "varchar", text("comment")),
        Column("reason", "varchar", text("reason")),
        Column("created_at", "timestamptz", timestamp("created_at"), required=True, raw_field="created_at"),
        Column("updated_at", "timestamptz", timestamp("updated_at")),
        Column("assignee_id", "bigint", bigint("assignee_id")),
        Column("requester_id", "bigint", bigint("requester_id")),
        Column("group_id", "bigint", bigint("group_id")),
    ),
)

FEEDS = (
    FeedSpec(source="zendesk", feed="tickets", tables=(TICKETS, TICKET_METRICS),
             description="Incremental ticket export", api_resource=RESOURCE_KEY, fetch=fetch_tickets),
    FeedSpec(source="zendesk", feed="satisfaction_ratings", tables=(SATISFACTION_RATINGS,),
             description="Satisfaction ratings", api_resource=RESOURCE_KEY, fetch=fetch_satisfaction_ratings),
)
