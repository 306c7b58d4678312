"""Discourse: the forum's topics (``/latest.json`` pages) and posts (``/t/{id}.json`` and
``/t/{id}/posts.json`` pages), landed together in one batch per day (see api.py); each table reads its own
pages' records (``topic_list.topics``, ``post_stream.posts``) and finds none in the others'."""

from pipelines.defs.ingestion.discourse.api import RESOURCE_KEY, fetch_forum
from pipelines.lib.ingest import Column, FeedSpec, TableSpec
from pipelines.lib.sql_fragments import bigint, boolean, text, timestamp

TOPICS = TableSpec(
    name="topics",
    records_path="$.topic_list.topics[*]",
    natural_key="topic_id",
    description="Forum topics by latest activity (GET /latest.json), as of each fetch.",
    columns=(
        Column("topic_id", "bigint", bigint("id"), required=True, raw_field="id"),
        Column("title", "varchar", text("title")),
        Column("slug", "varchar", text("slug")),
        Column("category_id", "bigint", bigint("category_id")),
        Column("archetype", "varchar", text("archetype")),
        # tags are strings, or objects with a name on recent Discourse versions
        Column("tags", "varchar[]",
               "list_transform(json_extract(r.payload, '$.tags[*]'), lambda t: coalesce(t->>'name', t->>'$'))"),
        Column("original_poster_user_id", "bigint",
               "try_cast(list_filter(json_extract(r.payload, '$.posters[*]'), "
               "lambda p: p->>'description' like '%Original Poster%')[1]->>'user_id' as bigint)"),
        Column("last_poster_username", "varchar", text("last_poster_username")),
        Column("posts_count", "bigint", bigint("posts_count")),
        Column("reply_count", "bigint", bigint("reply_count")),
        Column("highest_post_number", "bigint", bigint("highest_post_number")),
        Column("views", "bigint", bigint("views")),
        Column("like_count", "bigint", bigint("like_count")),
        Column("pinned", "boolean", boolean("pinned")),
        Column("closed", "boolean", boolean("closed")),
        Column("archived", "boolean", boolean("archived")),
        Column("visible", "boolean", boolean("visible")),
        Column("has_accepted_answer", "boolean", boolean("has_accepted_answer")),
        Column("created_at", "timestamptz", timestamp("created_at"), required=True, raw_field="created_at"),
        Column("bumped_at", "timestamptz", timestamp("bumped_at")),
        Column("last_posted_at", "timestamptz", timestamp("last_posted_at")),
    ),
)

POSTS = TableSpec(
    name="posts",
    records_path="$.post_stream.posts[*]",
    natural_key="post_id",
    description="Forum posts of the topics active each day (GET /t/{id}.json, /t/{id}/posts.json).",
    columns=(
        Column("post_id", "bigint", bigint("id"), required=True, raw_field="id"),
        Column("topic_id", "bigint", bigint("topic_id"), required=True, raw_field="topic_id"),
        Column("post_number", "bigint", bigint("post_number")),
        Column("reply_to_post_number", "bigint", bigint("reply_to_post_number")),
        Column("post_type", "bigint", bigint("post_type")),  # 1 regular, 2 moderator action, 3 small action, 4 whisper
        Column("user_id", "bigint", bigint("user_id")),
        Column("username", "varchar", text("username")),
        Column("cooked", "varchar", text("cooked")),
        Column("reply_count", "bigint", bigint("reply_count")),
        Column("quote_count", "bigint", bigint("quote_count")),
        Column("incoming_link_count", "bigint", bigint("incoming_link_count")),
        Column("reads", "bigint", bigint("reads")),
        Column("score", "double", f"try_cast({text('score')} as double)"),
        # likes: the 'like' entry (id 2) of actions_summary, absent when nobody liked the post
        Column("like_count", "bigint",
               "coalesce(try_cast(list_filter(json_extract(r.payload, '$.actions_summary[*]'), "
               "lambda a: a->>'id' = '2')[1]->>'count' as bigint), 0)"),
        Column("trust_level", "bigint", bigint("trust_level")),
        Column("staff", "boolean", boolean("staff")),
        Column("admin", "boolean", boolean("admin")),
        Column("moderator", "boolean", boolean("moderator")),
        Column("hidden", "boolean", boolean("hidden")),
        Column("accepted_answer", "boolean", boolean("accepted_answer")),
        Column("created_at", "timestamptz", timestamp("created_at"), required=True, raw_field="created_at"),
        Column("updated_at", "timestamptz", timestamp("updated_at")),
        Column("deleted_at", "timestamptz", timestamp("deleted_at")),
    ),
)

FEEDS = (
    FeedSpec(source="discourse", feed="forum", description="Forum topics and posts", api_resource=RESOURCE_KEY,
             fetch=fetch_forum, tables=(TOPICS, POSTS)),
)
