"""Zendesk Support: the incremental ticket export with ``include=metric_sets`` (tickets and their metrics
side by side in one page), from inbox files or the API (``api.py``), the satisfaction ratings (API), and the
ticket audits (the conversation: inbox files ``<inbox>/zendesk/ticket_audits/<day>.json`` holding the audits
list's own JSON, or the API)."""

from pipelines.defs.ingestion.zendesk.api import (
    RESOURCE_KEY,
    fetch_satisfaction_ratings,
    fetch_ticket_audits,
    fetch_tickets,
)
from pipelines.lib.ingest import Column, FeedSpec, TableSpec
from pipelines.lib.sql_fragments import bigint, boolean, text, text_list, timestamp

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

TICKET_AUDITS = TableSpec(
    name="ticket_audits",
    records_path="$.audits[*]",
    natural_key="audit_id",
    description="Ticket audits, one per ticket update (GET /api/v2/tickets/{ticket_id}/audits.json of each ticket "
                "updated in the day): who changed the ticket, when, through which channel.",
    columns=(
        Column("audit_id", "bigint", bigint("id"), required=True, raw_field="id"),
        Column("ticket_id", "bigint", bigint("ticket_id"), required=True, raw_field="ticket_id"),
        Column("author_id", "bigint", bigint("author_id")),
        Column("created_at", "timestamptz", timestamp("created_at"), required=True, raw_field="created_at"),
        Column("via_channel", "varchar", text("via.channel")),
        Column("event_count", "bigint", "json_array_length(r.payload, '$.events')"),
    ),
)

# A comment is an event nested in its audit, and carries neither the ticket nor the time: the page's Comment
# events are gathered, each stamped with its audit's id, ticket and time (``_audit``), in set-based SQL at parse
# time (the page still lands as received). Other events (Create, Change, Notification...) are not comments.
AUDIT_COMMENTS_GATHERED = """case when json_valid(content) then json_merge_patch(content, json_object(
    '_comment_events', coalesce(flatten(list_transform(json_extract(content, '$.audits[*]'), lambda audit:
        list_transform(list_filter(json_extract(audit, '$.events[*]'), lambda event: event->>'type' = 'Comment'),
            lambda event: json_merge_patch(event, json_object('_audit', json_object(
                'id', audit->'id', 'ticket_id', audit->'ticket_id', 'created_at', audit->'created_at')))))),
        [])))::varchar
    else content end"""

TICKET_COMMENTS = TableSpec(
    name="ticket_comments",
    records_path="$._comment_events[*]",
    natural_key="comment_id",
    description="Ticket comments, one per Comment event of the audits: public replies and internal notes, with "
                "their author and the time of their audit.",
    columns=(
        Column("comment_id", "bigint", bigint("id"), required=True, raw_field="id"),
        Column("audit_id", "bigint", f"coalesce({bigint('audit_id')}, {bigint('_audit.id')})", required=True,
               raw_field="audit_id"),
        Column("ticket_id", "bigint", bigint("_audit.ticket_id"), required=True, raw_field="_audit.ticket_id"),
        Column("author_id", "bigint", bigint("author_id"), required=True, raw_field="author_id"),
        # public: seen by the requester; false: an internal note between agents
        Column("is_public", "boolean", boolean("public"), required=True, raw_field="public"),
        Column("body", "varchar", text("body")),
        Column("created_at", "timestamptz", timestamp("_audit.created_at"), required=True,
               raw_field="_audit.created_at"),
    ),
)

FEEDS = (
    FeedSpec(source="zendesk", feed="tickets", tables=(TICKETS, TICKET_METRICS),
             description="Incremental ticket export", api_resource=RESOURCE_KEY, fetch=fetch_tickets),
    FeedSpec(source="zendesk", feed="satisfaction_ratings", tables=(SATISFACTION_RATINGS,),
             description="Satisfaction ratings", api_resource=RESOURCE_KEY, fetch=fetch_satisfaction_ratings),
    FeedSpec(source="zendesk", feed="ticket_audits", tables=(TICKET_AUDITS, TICKET_COMMENTS),
             description="Ticket audits (the conversation)", api_resource=RESOURCE_KEY, fetch=fetch_ticket_audits,
             json_sql=AUDIT_COMMENTS_GATHERED),
)
