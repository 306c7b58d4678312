"""WordPress (REST API ``/wp-json/wp/v2``): the site's posts and their comments. A page is a JSON array of
records. WordPress gives each time twice, in the site's zone (``date``) and in UTC without an offset
(``date_gmt``): the UTC one is read. Rendered HTML (``title.rendered``...) is kept as WordPress sent it."""

from pipelines.defs.ingestion.wordpress.api import RESOURCE_KEY, fetch_comments, fetch_posts
from pipelines.lib.ingest import Column, FeedSpec, TableSpec
from pipelines.lib.sql_fragments import bigint, boolean, text


def utc(path: str) -> str:
    """A WordPress ``*_gmt`` time ('2019-02-08T15:28:33', UTC, no offset) to an instant; NULL when absent or
    unreadable (a draft's '0000-00-00...')."""
    return f"timezone('UTC', try_cast({text(path)} as timestamp))"


def id_list(path: str) -> str:
    return f"try_cast(json_extract(r.payload, '$.{path}') as bigint[])"


def zero_is_null(path: str) -> str:
    """WordPress writes 0 for "none" (no author account, no parent, no featured image)."""
    return f"nullif({bigint(path)}, 0)"


POSTS = TableSpec(
    name="posts",
    records_path="$[*]",
    natural_key="post_id",
    description="Posts changed in the day (GET /wp-json/wp/v2/posts?modified_after=&modified_before=).",
    columns=(
        Column("post_id", "bigint", bigint("id"), required=True, raw_field="id"),
        Column("post_type", "varchar", text("type")),
        Column("status", "varchar", text("status")),
        Column("slug", "varchar", text("slug")),
        Column("link", "varchar", text("link")),
        Column("title", "varchar", text("title.rendered")),
        Column("excerpt", "varchar", text("excerpt.rendered")),
        Column("content", "varchar", text("content.rendered")),
        Column("is_protected", "boolean", boolean("content.protected")),
        Column("author_id", "bigint", zero_is_null("author")),
        # only with _embed: the author's display name
        Column("author_name", "varchar", text("_embedded.author[0].name")),
        Column("featured_media_id", "bigint", zero_is_null("featured_media")),
        Column("comment_status", "varchar", text("comment_status")),
        Column("post_format", "varchar", text("format")),
        Column("is_sticky", "boolean", boolean("sticky")),
        Column("category_ids", "bigint[]", id_list("categories")),
        Column("tag_ids", "bigint[]", id_list("tags")),
        Column("published_at", "timestamptz", utc("date_gmt"), required=True, raw_field="date_gmt"),
        Column("modified_at", "timestamptz", utc("modified_gmt")),
    ),
)

COMMENTS = TableSpec(
    name="comments",
    records_path="$[*]",
    natural_key="comment_id",
    description="Comments written in the day (GET /wp-json/wp/v2/comments?after=&before=).",
    columns=(
        Column("comment_id", "bigint", bigint("id"), required=True, raw_field="id"),
        Column("post_id", "bigint", bigint("post"), required=True, raw_field="post"),
        Column("parent_comment_id", "bigint", zero_is_null("parent")),
        Column("author_id", "bigint", zero_is_null("author")),  # NULL for a visitor without an account
        Column("author_name", "varchar", text("author_name")),
        Column("author_url", "varchar", f"nullif({text('author_url')}, '')"),
        Column("content", "varchar", text("content.rendered")),
        Column("link", "varchar", text("link")),
        Column("status", "varchar", text("status")),
        Column("comment_type", "varchar", text("type")),
        Column("commented_at", "timestamptz", utc("date_gmt"), required=True, raw_field="date_gmt"),
    ),
)

FEEDS = (
    FeedSpec(source="wordpress", feed="posts", description="Blog posts (WordPress REST API)",
             api_resource=RESOURCE_KEY, fetch=fetch_posts, tables=(POSTS,)),
    FeedSpec(source="wordpress", feed="comments", description="Blog comments (WordPress REST API)",
             api_resource=RESOURCE_KEY, fetch=fetch_comments, tables=(COMMENTS,)),
)
