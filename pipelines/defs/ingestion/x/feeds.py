"""X (API v2): the brand's own timeline, its mentions, and the listening search, all in the v2 envelope
(``data`` + ``includes.users`` + ``meta``)."""

from pipelines.defs.ingestion.x.api import RESOURCE_KEY, fetch_mentions, fetch_search, fetch_tweets
from pipelines.lib.ingest import REFETCH_MAX_AGE_DAYS, Column, FeedSpec, Lookup, TableSpec
from pipelines.lib.sql_fragments import bigint, referenced_tweet, text, timestamp

_AUTHORS = Lookup(
    records_path="$.includes.users[*]",
    key_expr="obj->>'id'",
    record_key_expr="json_extract_string(r.payload, '$.author_id')",
)


def tweet_table(name: str, description: str) -> TableSpec:
    return TableSpec(
        name=name,
        records_path="$.data[*]",  # X omits 'data' on an empty page: no records, not an error
        natural_key="tweet_id",
        lookup=_AUTHORS,
        description=description,
        columns=(
            Column("tweet_id", "varchar", text("id"), required=True, raw_field="id"),
            Column("author_id", "varchar", text("author_id"), required=True, raw_field="author_id"),
            Column("author_username", "varchar", "lk.obj->>'username'"),
            Column("author_name", "varchar", "lk.obj->>'name'"),
            Column("created_at", "timestamptz", timestamp("created_at"), required=True, raw_field="created_at"),
            Column("text", "varchar", text("text")),
            Column("lang", "varchar", text("lang")),
            Column("conversation_id", "varchar", text("conversation_id")),
            Column("in_reply_to_user_id", "varchar", text("in_reply_to_user_id")),
            Column("replied_to_tweet_id", "varchar", referenced_tweet("replied_to")),
            Column("quoted_tweet_id", "varchar", referenced_tweet("quoted")),
            Column("retweeted_tweet_id", "varchar", referenced_tweet("retweeted")),
            Column("retweet_count", "bigint", bigint("public_metrics.retweet_count")),
            Column("reply_count", "bigint", bigint("public_metrics.reply_count")),
            Column("like_count", "bigint", bigint("public_metrics.like_count")),
            Column("quote_count", "bigint", bigint("public_metrics.quote_count")),
            Column("bookmark_count", "bigint", bigint("public_metrics.bookmark_count")),
            Column("impression_count", "bigint", bigint("public_metrics.impression_count")),
        ),
    )


FEEDS = (
    FeedSpec(source="x", feed="tweets", description="Brand timeline", api_resource=RESOURCE_KEY, fetch=fetch_tweets,
             refetch_max_age_days=REFETCH_MAX_AGE_DAYS,
             tables=(tweet_table("tweets", "The brand's own posts and replies (GET /2/users/:id/tweets)."),)),
    FeedSpec(source="x", feed="mentions", description="Mentions of the brand", api_resource=RESOURCE_KEY,
             fetch=fetch_mentions,
             tables=(tweet_table("mentions", "Posts mentioning the brand (GET /2/users/:id/mentions)."),)),
    FeedSpec(source="x", feed="search", description="Listening search", api_resource=RESOURCE_KEY,
             fetch=fetch_search,
             tables=(tweet_table("search", "Listening query results (GET /2/tweets/search/recent)."),)),
)
