"""LinkedIn organization page (Community Management API): the page's posts, a daily snapshot of each recent
post's lifetime statistics, the page's daily (time-bound) share statistics and a daily snapshot of its follower
count. Records are the ``elements`` of LinkedIn's Rest.li collections; LinkedIn times are epoch milliseconds.

Lifetime counters become daily figures in dbt (``int_linkedin_share_statistics_differenced``: each snapshot minus
the previous one), not here: ingestion keeps what the API said."""

import json

from pipelines.defs.ingestion.linkedin.api import (
    RESOURCE_KEY,
    fetch_daily_share_statistics,
    fetch_follower_count,
    fetch_posts,
    fetch_share_statistics,
)
from pipelines.lib.ingest import Column, FeedSpec, TableSpec
from pipelines.lib.sql_fragments import bigint, boolean, text

NETWORK_SIZE_FORMAT = "linkedin_network_size"


def epoch_ms(path: str) -> str:
    """Epoch milliseconds to an instant (the naive timestamp ``epoch_ms`` gives is UTC)."""
    return f"timezone('UTC', epoch_ms({bigint(path)}))"


def double(path: str) -> str:
    return f"try_cast(json_extract_string(r.payload, '$.{path}') as double)"


def network_size_to_elements(page_text: str) -> str:
    """``GET /networkSizes/{urn}`` answers one object, ``{"firstDegreeSize": N}``: read it as a one-element
    ``elements`` collection. Any other body passes unchanged. Raises ValueError on a body that is not JSON."""
    try:
        body = json.loads(page_text)
    except ValueError as exc:
        raise ValueError(f"not valid JSON (truncated or corrupt body): {exc}") from None
    if isinstance(body, dict) and "firstDegreeSize" in body and "elements" not in body:
        return json.dumps({"elements": [body]})
    return page_text


_STATS = "totalShareStatistics"


def _share_counters() -> tuple[Column, ...]:
    return (
        Column("impression_count", "bigint", bigint(f"{_STATS}.impressionCount")),
        Column("unique_impressions_count", "bigint", bigint(f"{_STATS}.uniqueImpressionsCount")),
        Column("click_count", "bigint", bigint(f"{_STATS}.clickCount")),
        Column("like_count", "bigint", bigint(f"{_STATS}.likeCount")),
        Column("comment_count", "bigint", bigint(f"{_STATS}.commentCount")),
        Column("share_count", "bigint", bigint(f"{_STATS}.shareCount")),
        Column("engagement", "double", double(f"{_STATS}.engagement")),
        Column("comment_mentions_count", "bigint", bigint(f"{_STATS}.commentMentionsCount")),
        Column("share_mentions_count", "bigint", bigint(f"{_STATS}.shareMentionsCount")),
    )


POSTS = TableSpec(
    name="posts",
    records_path="$.elements[*]",
    natural_key="post_urn",
    description="The organization page's posts (GET /rest/posts?q=author, newest modified first), the pages "
    "around the day.",
    columns=(
        Column("post_urn", "varchar", text("id"), required=True, raw_field="id"),
        Column("author_urn", "varchar", text("author")),
        Column("commentary", "varchar", text("commentary")),
        Column("visibility", "varchar", text("visibility")),
        Column("lifecycle_state", "varchar", text("lifecycleState")),
        Column("feed_distribution", "varchar", text("distribution.feedDistribution")),
        # the kind of content attached: media, article, multiImage, poll, reference...; NULL for text only
        Column("content_type", "varchar", "json_keys(json_extract(r.payload, '$.content'))[1]"),
        Column("media_urn", "varchar", text("content.media.id")),
        Column("media_type", "varchar",
               f"nullif(regexp_extract({text('content.media.id')}, '^urn:li:([A-Za-z]+):', 1), '')"),
        Column("image_count", "bigint",
               f"coalesce(json_array_length(json_extract(r.payload, '$.content.multiImage.images')), "
               f"case when {text('content.media.id')} like 'urn:li:image:%' then 1 end)"),
        Column("article_url", "varchar", text("content.article.source")),
        Column("article_title", "varchar", text("content.article.title")),
        Column("reshared_post_urn", "varchar", text("reshareContext.parent")),
        Column("is_edited", "boolean", boolean("lifecycleStateInfo.isEditedByAuthor")),
        Column("is_reshare_disabled", "boolean", boolean("isReshareDisabledByAuthor")),
        Column("created_at", "timestamptz", epoch_ms("createdAt"), required=True, raw_field="createdAt"),
        Column("published_at", "timestamptz", epoch_ms("publishedAt")),
        Column("last_modified_at", "timestamptz", epoch_ms("lastModifiedAt")),
    ),
)

SHARE_STATISTICS = TableSpec(
    name="share_statistics",
    records_path="$.elements[*]",
    natural_key="post_urn",
    description="Lifetime statistics of each recent post as fetched on the partition day "
    "(GET /rest/organizationalEntityShareStatistics with shares=List(...) / ugcPosts=List(...)): one snapshot "
    "per post per day.",
    columns=(
        # a share's statistics name it in `share`, a UGC post's in `ugcPost`; an element with neither is the
        # organization's aggregate, not a post's, and is quarantined
        Column("post_urn", "varchar", f"coalesce({text('share')}, {text('ugcPost')})", required=True,
               raw_field="share"),
        Column("organization_urn", "varchar", text("organizationalEntity")),
        *_share_counters(),
    ),
)

DAILY_SHARE_STATISTICS = TableSpec(
    name="daily_share_statistics",
    records_path="$.elements[*]",
    natural_key="statistic_id",
    description="The organization's share statistics per day (time-bound organizationalEntityShareStatistics, "
    "DAY granularity): organic activity on all its posts that day.",
    columns=(
        Column("statistic_id", "varchar",
               f"{text('organizationalEntity')} || '/' || {text('timeRange.start')}"),
        Column("organization_urn", "varchar", text("organizationalEntity")),
        Column("period_start_at", "timestamptz", epoch_ms("timeRange.start"), required=True,
               raw_field="timeRange.start"),
        Column("period_end_at", "timestamptz", epoch_ms("timeRange.end")),
        *_share_counters(),
    ),
)

FOLLOWER_COUNTS = TableSpec(
    name="follower_counts",
    records_path="$.elements[*]",
    natural_key="organization_urn",
    description="The organization page's lifetime follower count as fetched on the partition day "
    "(GET /rest/networkSizes/{organization URN}?edgeType=COMPANY_FOLLOWED_BY_MEMBER).",
    columns=(
        # the answer does not repeat the organization: it is in the URL the page came from
        Column("organization_urn", "varchar",
               "'urn:li:organization:' || nullif(regexp_extract(r.source_file, "
               "'organization(?:%3A|:)([0-9]+)', 1), '')"),
        Column("follower_count", "bigint", bigint("firstDegreeSize"), required=True, raw_field="firstDegreeSize"),
    ),
)

FEEDS = (
    FeedSpec(source="linkedin", feed="posts", description="Organization page posts", api_resource=RESOURCE_KEY,
             fetch=fetch_posts, tables=(POSTS,)),
    FeedSpec(source="linkedin", feed="share_statistics", description="Lifetime statistics of recent posts",
             api_resource=RESOURCE_KEY, fetch=fetch_share_statistics, tables=(SHARE_STATISTICS,)),
    FeedSpec(source="linkedin", feed="daily_share_statistics", description="Daily share statistics of the page",
             api_resource=RESOURCE_KEY, fetch=fetch_daily_share_statistics, tables=(DAILY_SHARE_STATISTICS,)),
    FeedSpec(source="linkedin", feed="follower_counts", description="Page follower count snapshot",
             api_resource=RESOURCE_KEY, fetch=fetch_follower_count, content_format=NETWORK_SIZE_FORMAT,
             page_converter=network_size_to_elements, tables=(FOLLOWER_COUNTS,)),
)
