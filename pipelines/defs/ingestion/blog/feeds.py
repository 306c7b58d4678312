"""The brand's blog through its RSS 2.0 / Atom feed (snapshots of the feed, one file a day)."""

from pipelines.lib.ingest import Column, FeedSpec, TableSpec
from pipelines.lib.sql_fragments import text, text_list, timestamp

POSTS = TableSpec(
    name="posts",
    records_path="$.items[*]",
    natural_key="item_id",
    description="Blog articles as listed in the feed.",
    columns=(
        Column("item_id", "varchar", "coalesce(json_extract_string(r.payload, '$.id'), "
               "json_extract_string(r.payload, '$.link'))", required=True, raw_field="link"),
        Column("title", "varchar", text("title")),
        Column("link", "varchar", text("link")),
        Column("summary", "varchar", text("summary")),
        Column("author", "varchar", text("author")),
        Column("categories", "varchar[]", text_list("categories")),
        Column("published_at", "timestamptz", timestamp("published_at"), required=True, raw_field="published"),
        Column("feed_title", "varchar", text("feed_title")),
    ),
)

FEEDS = (FeedSpec(source="blog", feed="rss", tables=(POSTS,), extension="xml", content_format="rss",
                  description="Blog feed"),)
