"""Instagram (professional account, Graph API): the account's media, their comments and replies, the media
insights and the account insights, in the Graph API's own JSON shape (inbox files, or the connector in api.py)."""

from pipelines.defs.ingestion.facebook.graph import (
    GRAPH_INSIGHTS_FORMAT,
    from_request_path,
    graph_insights_to_json,
    insight_columns,
)
from pipelines.defs.ingestion.instagram.api import (
    RESOURCE_KEY,
    fetch_account_insights,
    fetch_comments,
    fetch_media,
    fetch_media_insights,
)
from pipelines.lib.ingest import REFETCH_MAX_AGE_DAYS, Column, FeedSpec, TableSpec
from pipelines.lib.sql_fragments import bigint, text, timestamp

# Fetched from the API, the parent object is the one of the request: GET /vX/<id>/media, /vX/<id>/comments.
_GRAPH_PATH = "^https?://[^/]+/v[0-9.]+/([0-9]+)/"

MEDIA = TableSpec(
    name="media",
    records_path="$.data[*]",
    natural_key="media_id",
    description="The account's media: posts, carousels, reels (GET /{ig-user-id}/media), counters as last fetched.",
    columns=(
        Column("media_id", "varchar", text("id"), required=True, raw_field="id"),
        Column("ig_user_id", "varchar", from_request_path(_GRAPH_PATH + "media")),
        Column("created_at", "timestamptz", timestamp("timestamp"), required=True, raw_field="timestamp"),
        Column("caption", "varchar", text("caption")),
        Column("media_type", "varchar", text("media_type")),  # IMAGE, VIDEO, CAROUSEL_ALBUM
        Column("media_product_type", "varchar", text("media_product_type")),  # FEED, REELS, STORY, AD
        Column("permalink", "varchar", text("permalink")),
        Column("username", "varchar", text("username")),
        Column("like_count", "bigint", bigint("like_count")),
        Column("comments_count", "bigint", bigint("comments_count")),
    ),
)

COMMENTS = TableSpec(
    name="comments",
    records_path="$.data[*]",
    natural_key="comment_id",
    description="Comments on the account's media: the top-level ones (GET /{ig-media-id}/comments) and their "
    "replies (GET /{ig-comment-id}/replies), re-fetched daily while the media is recent.",
    columns=(
        Column("comment_id", "varchar", text("id"), required=True, raw_field="id"),
        # a reply's request names its parent comment, not the media: replies need their 'media' field
        Column("media_id", "varchar", f"coalesce({text('media.id')}, {from_request_path(_GRAPH_PATH + 'comments')})",
               required=True, raw_field="media.id"),
        Column("parent_comment_id", "varchar",
               f"coalesce({text('parent_id')}, {from_request_path(_GRAPH_PATH + 'replies')})"),
        Column("created_at", "timestamptz", timestamp("timestamp"), required=True, raw_field="timestamp"),
        Column("text", "varchar", text("text")),
        Column("author_id", "varchar", text("from.id")),
        Column("author_username", "varchar", f"coalesce({text('from.username')}, {text('username')})"),
        Column("like_count", "bigint", bigint("like_count")),
    ),
)

_INSIGHTS_NOTE = ("one row per metric x period x end_time, from either shape (response_shape 'values' or "
                  "'total_value'); is_successor_metric flags a successor fetched in place of a retired metric.")

MEDIA_INSIGHTS = TableSpec(
    name="media_insights",
    records_path="$.records[*]",  # reshaped by graph.graph_insights_to_json
    natural_key="insight_id",
    description="Lifetime insights of the day's media (GET /{ig-media-id}/insights), " + _INSIGHTS_NOTE,
    columns=insight_columns("media_id"),
)

ACCOUNT_INSIGHTS = TableSpec(
    name="account_insights",
    records_path="$.records[*]",
    natural_key="insight_id",
    description="Account insights (GET /{ig-user-id}/insights, period=day), " + _INSIGHTS_NOTE,
    columns=insight_columns("ig_user_id"),
)

FEEDS = (
    FeedSpec(source="instagram", feed="media", tables=(MEDIA,), description="Account media",
             api_resource=RESOURCE_KEY, fetch=fetch_media, refetch_max_age_days=REFETCH_MAX_AGE_DAYS),
    FeedSpec(source="instagram", feed="comments", tables=(COMMENTS,), description="Media comments and replies",
             api_resource=RESOURCE_KEY, fetch=fetch_comments),
    FeedSpec(source="instagram", feed="media_insights", tables=(MEDIA_INSIGHTS,), description="Media insights",
             content_format=GRAPH_INSIGHTS_FORMAT, page_converter=graph_insights_to_json, api_resource=RESOURCE_KEY,
             fetch=fetch_media_insights, refetch_max_age_days=REFETCH_MAX_AGE_DAYS),
    FeedSpec(source="instagram", feed="account_insights", tables=(ACCOUNT_INSIGHTS,),
             description="Account insights", content_format=GRAPH_INSIGHTS_FORMAT, page_converter=graph_insights_to_json, api_resource=RESOURCE_KEY,
             fetch=fetch_account_insights),
)
