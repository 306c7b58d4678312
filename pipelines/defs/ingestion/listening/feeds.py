"""Listening: alert feeds (RSS/Atom) of the brand's and competitors' names. Keyword queries over the other
sources' public data, and listening-tool CSV exports (``imported.mentions``), meet them in dbt
(``int_mentions_matched``)."""

from pipelines.defs.ingestion.listening.api import RESOURCE_KEY, fetch_alerts
from pipelines.lib.ingest import Column, FeedSpec, TableSpec
from pipelines.lib.sql_fragments import text, timestamp

# Google Alerts links go through a redirect: https://www.google.com/url?rct=j&sa=t&url=<the page>&ct=ga&...
_LINK = text("link")
TARGET_URL = (f"coalesce(nullif(url_decode(regexp_extract({_LINK}, '^https?://www\\.google\\.[a-z.]+/url\\?.*?[?&]url=([^&]+)', 1)), ''), "
              f"{_LINK})")

ALERT_ITEMS = TableSpec(
    name="alert_items",
    records_path="$.items[*]",
    natural_key="item_id",
    description="Items of the alert feeds: pages and posts naming the brand or a competitor, per daily snapshot.",
    columns=(
        Column("item_id", "varchar", f"coalesce({text('id')}, {_LINK})", required=True, raw_field="link"),
        Column("alert_name", "varchar", text("feed_title")),
        Column("alert_feed_url", "varchar", "r.source_file"),
        Column("title", "varchar", text("title")),
        Column("url", "varchar", TARGET_URL),
        Column("summary", "varchar", text("summary")),
        Column("author", "varchar", text("author")),
        Column("published_at", "timestamptz", timestamp("published_at"), required=True, raw_field="published"),
    ),
)

FEEDS = (FeedSpec(source="listening", feed="alerts", tables=(ALERT_ITEMS,), extension="xml", content_format="rss",
                  description="Alert feeds", api_resource=RESOURCE_KEY, fetch=fetch_alerts),)
