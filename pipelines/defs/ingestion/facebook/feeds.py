"""Facebook Page: the page feed (posts with reaction/comment/share summaries and inline post insights),
the comments on those posts, and the page insights, in the Graph API's own JSON shape (inbox files, or the
Graph API connector in api.py)."""

from pipelines.defs.ingestion.facebook.api import (
    RESOURCE_KEY,
    fetch_comments,
    fetch_page_insights,
    fetch_posts,
)
from pipelines.defs.ingestion.facebook.graph import (
    GRAPH_INSIGHTS_FORMAT,
    from_request_path,
    graph_insights_to_json,
    insight_columns,
)
from pipelines.lib.ingest import REFETCH_MAX_AGE_DAYS, Column, FeedSpec, TableSpec
from pipelines.lib.sql_fragments import bigint, facebook_insight, text, timestamp

# A comment id is '<post object id>_<comment id>' and its permalink names the page and the post:
# .../<page id>/posts/<post object id>/?comment_id=...; the post id is '<page id>_<post object id>'.
_POST_OF_COMMENT = (
    "nullif(regexp_extract(json_extract_string(r.payload, '$.permalink_url'), "
    "'facebook\\.com/([^/]+)/posts/([^/?]+)', 1) || '_' || "
    "regexp_extract(json_extract_string(r.payload, '$.permalink_url'), "
    "'facebook\\.com/([^/]+)/posts/([^/?]+)', 2), '_')"
)
# Fetched from the API, the post is the one of the request: GET /vX/<post id>/comments (also in paging.next).
_POST_OF_REQUEST = from_request_path("^https?://[^/]+/v[0-9.]+/([0-9]+_[0-9]+)/comments")

POSTS = TableSpec(
    name="posts",
    records_path="$.data[*]",
    natural_key="post_id",
    description="Page posts (GET /{page-id}/feed) with lifetime counters and insights as last fetched.",
    columns=(
        Column("post_id", "varchar", text("id"), required=True, raw_field="id"),
        Column("page_id", "varchar", "split_part(json_extract_string(r.payload, '$.id'), '_', 1)"),
        Column("created_at", "timestamptz", timestamp("created_time"), required=True, raw_field="created_time"),
        Column("message", "varchar", text("message")),
        Column("permalink_url", "varchar", text("permalink_url")),
        Column("status_type", "varchar", text("status_type")),
        Column("author_id", "varchar", text("from.id")),
        Column("reactions_count", "bigint", bigint("reactions.summary.total_count")),
        Column("comments_count", "bigint", bigint("comments.summary.total_count")),
        # Facebook omits 'shares' when a post has none.
        Column("shares_count", "bigint", f"coalesce({bigint('shares.count')}, 0)"),
        Column("impressions", "bigint", facebook_insight("post_impressions")),
        Column("reach", "bigint", facebook_insight("post_impressions_unique")),
        Column("clicks", "bigint", facebook_insight("post_clicks")),
        # When Meta has retired post_impressions(_unique), the connector asks for their successors
        # (post_media_view, post_total_media_view_unique): impressions/reach are then NULL and the successors'
        # values stay in `payload` (a new column here would not reach tables created before it).
    ),
)

COMMENTS = TableSpec(
    name="comments",
    records_path="$.data[*]",
    natural_key="comment_id",
    description="Comments and replies on the page's posts (GET /{post-id}/comments).",
    columns=(
        Column("comment_id", "varchar", text("id"), required=True, raw_field="id"),
        Column("post_id", "varchar", f"coalesce({_POST_OF_REQUEST}, {_POST_OF_COMMENT})", required=True,
               raw_field="permalink_url"),
        Column("parent_comment_id", "varchar", text("parent.id")),
        Column("created_at", "timestamptz", timestamp("created_time"), required=True, raw_field="created_time"),
        Column("message", "varchar", text("message")),
        Column("author_id", "varchar", text("from.id"), required=True, raw_field="from.id"),
        Column("author_name", "varchar", text("from.name")),
        Column("like_count", "bigint", bigint("like_count")),
        Column("reply_count", "bigint", bigint("comment_count")),
    ),
)

PAGE_INSIGHTS = TableSpec(
    name="page_insights",
    records_path="$.records[*]",  # one record per metric x value, reshaped by graph.graph_insights_to_json
    natural_key="insight_id",
    description="Page insights (GET /{page-id}/insights?period=day), one row per metric x period x end_time; "
    "is_successor_metric flags the rows of a successor fetched in place of a retired metric.",
    columns=insight_columns("page_id"),
)

FEEDS = (
    FeedSpec(source="facebook", feed="posts", tables=(POSTS,), description="Page feed",
             api_resource=RESOURCE_KEY, fetch=fetch_posts, refetch_max_age_days=REFETCH_MAX_AGE_DAYS),
    FeedSpec(source="facebook", feed="comments", tables=(COMMENTS,), description="Post comments",
             api_resource=RESOURCE_KEY, fetch=fetch_comments),
    FeedSpec(source="facebook", feed="page_insights", tables=(PAGE_INSIGHTS,), description="Page insights",
             content_format=GRAPH_INSIGHTS_FORMAT, page_converter=graph_insights_to_json, api_resource=RESOURCE_KEY, fetch=fetch_page_insights),
)
