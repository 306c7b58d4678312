"""Mattermost (API v4): channel posts.

A posts page is ``{"order": [ids...], "posts": {id: post, ...}}``: the records are the values of a JSON
object, not an array, so the page is read through a small page converter (the feed's ``page_converter``)
that turns the map into an array, per page: the posts listed in
``order`` first, in that order, then any other post of the map (none is dropped). The page lands unchanged
in ``raw.pages``; a page that is not JSON is quarantined whole, as any other."""

import json

from pipelines.defs.ingestion.mattermost.api import RESOURCE_KEY, fetch_posts
from pipelines.lib.ingest import Column, FeedSpec, TableSpec
from pipelines.lib.sql_fragments import bigint, text

CONTENT_FORMAT = "mattermost_posts"


def posts_map_to_array(page_text: str) -> str:
    """``posts`` as an array of the map's values (``order`` first); any other body passes unchanged, so an
    error body is still recognised as one. Raises ValueError on a body that is not JSON."""
    try:
        body = json.loads(page_text)
    except ValueError as exc:
        raise ValueError(f"not valid JSON (truncated or corrupt body): {exc}") from None
    if not isinstance(body, dict) or not isinstance(body.get("posts"), dict):
        return page_text
    posts = body["posts"]
    order = list(dict.fromkeys(post_id for post_id in body.get("order") or [] if post_id in posts))
    listed = set(order)
    ordered = order + [post_id for post_id in posts if post_id not in listed]
    return json.dumps({**body, "posts": [posts[post_id] for post_id in ordered]})


def epoch_ms(path: str, *, zero_is_null: bool = False) -> str:
    """Mattermost times are epoch milliseconds; edit_at and delete_at are 0 when it never happened."""
    value = bigint(path)
    if zero_is_null:
        value = f"nullif({value}, 0)"
    return f"epoch_ms({value})::timestamptz"


POSTS = TableSpec(
    name="posts",
    records_path="$.posts[*]",
    natural_key="post_id",
    description="Channel posts and replies (GET /api/v4/channels/{id}/posts), per channel and day.",
    columns=(
        Column("post_id", "varchar", text("id"), required=True, raw_field="id"),
        Column("channel_id", "varchar", text("channel_id"), required=True, raw_field="channel_id"),
        Column("user_id", "varchar", text("user_id")),
        Column("root_id", "varchar", f"nullif({text('root_id')}, '')"),
        Column("parent_id", "varchar", f"nullif({text('parent_id')}, '')"),
        Column("message", "varchar", text("message")),
        Column("post_type", "varchar", text("type")),  # '' for a user's post, 'system_join_team'...
        Column("reply_count", "bigint", bigint("reply_count")),
        Column("is_pinned", "boolean", f"try_cast({text('is_pinned')} as boolean)"),
        Column("has_reactions", "boolean", f"coalesce(try_cast({text('has_reactions')} as boolean), false)"),
        Column("created_at", "timestamptz", epoch_ms("create_at"), required=True, raw_field="create_at"),
        Column("updated_at", "timestamptz", epoch_ms("update_at")),
        Column("edited_at", "timestamptz", epoch_ms("edit_at", zero_is_null=True)),
        Column("deleted_at", "timestamptz", epoch_ms("delete_at", zero_is_null=True)),
    ),
)

FEEDS = (
    FeedSpec(source="mattermost", feed="posts", description="Channel posts", api_resource=RESOURCE_KEY,
             fetch=fetch_posts, content_format=CONTENT_FORMAT, page_converter=posts_map_to_array,
             tables=(POSTS,)),
)
