"""YouTube (Data API v3): the brand channel's statistics (one snapshot per day), its videos with statistics, the
comment threads on its videos (the top-level comments) and the replies in those threads, in the API's own
``youtube#...ListResponse`` envelope (records in ``items``)."""

from pipelines.defs.ingestion.youtube.api import (
    RESOURCE_KEY,
    fetch_channel_statistics,
    fetch_comment_replies,
    fetch_comment_threads,
    fetch_videos,
)
from pipelines.lib.ingest import REFETCH_MAX_AGE_DAYS, Column, FeedSpec, TableSpec
from pipelines.lib.sql_fragments import bigint, boolean, text, text_list, timestamp

# ISO 8601 durations as YouTube writes them ('PT4M13S', 'PT1H2M', 'P1DT2H', 'P0D' for a live stream) in seconds;
# NULL when absent or in another form (DuckDB does not cast ISO 8601 durations to intervals).
_DURATION = "json_extract_string(r.payload, '$.contentDetails.duration')"
_DURATION_PATTERN = r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$"
_DURATION_SECONDS = (
    f"case when regexp_full_match({_DURATION}, '{_DURATION_PATTERN}') then "
    + " + ".join(f"coalesce(try_cast(nullif(regexp_extract({_DURATION}, '{_DURATION_PATTERN}', {group}), '') "
                 f"as bigint), 0) * {seconds}"
                 for group, seconds in ((1, 86400), (2, 3600), (3, 60), (4, 1)))
    + " end"
)

CHANNEL_STATISTICS = TableSpec(
    name="channel_statistics",
    records_path="$.items[*]",
    natural_key="channel_id",
    description="The brand channel's audience as fetched on the partition day (GET /channels, part statistics): "
    "one snapshot per channel per day.",
    columns=(
        Column("channel_id", "varchar", text("id"), required=True, raw_field="id"),
        Column("channel_title", "varchar", text("snippet.title")),
        Column("custom_url", "varchar", text("snippet.customUrl")),
        Column("country", "varchar", text("snippet.country")),
        Column("channel_created_at", "timestamptz", timestamp("snippet.publishedAt")),
        Column("uploads_playlist_id", "varchar", text("contentDetails.relatedPlaylists.uploads")),
        # a channel that hides its subscriber count has no subscriberCount (hiddenSubscriberCount = true)
        Column("subscriber_count", "bigint", bigint("statistics.subscriberCount")),
        Column("view_count", "bigint", bigint("statistics.viewCount"), required=True,
               raw_field="statistics.viewCount"),
        Column("video_count", "bigint", bigint("statistics.videoCount")),
        Column("hidden_subscriber_count", "boolean", boolean("statistics.hiddenSubscriberCount")),
    ),
)

VIDEOS = TableSpec(
    name="videos",
    records_path="$.items[*]",
    natural_key="video_id",
    description="The channel's videos published in the day, with lifetime statistics as last fetched "
    "(GET /videos, parts snippet, statistics, contentDetails).",
    columns=(
        Column("video_id", "varchar", text("id"), required=True, raw_field="id"),
        Column("channel_id", "varchar", text("snippet.channelId"), required=True, raw_field="snippet.channelId"),
        Column("channel_title", "varchar", text("snippet.channelTitle")),
        Column("published_at", "timestamptz", timestamp("snippet.publishedAt"), required=True,
               raw_field="snippet.publishedAt"),
        Column("title", "varchar", text("snippet.title")),
        Column("description", "varchar", text("snippet.description")),
        Column("tags", "varchar[]", text_list("snippet.tags")),
        Column("category_id", "varchar", text("snippet.categoryId")),
        Column("default_language", "varchar", text("snippet.defaultLanguage")),
        Column("default_audio_language", "varchar", text("snippet.defaultAudioLanguage")),
        Column("live_broadcast_content", "varchar", text("snippet.liveBroadcastContent")),
        Column("duration", "varchar", text("contentDetails.duration")),
        Column("duration_seconds", "bigint", _DURATION_SECONDS),
        Column("definition", "varchar", text("contentDetails.definition")),
        Column("has_captions", "boolean", boolean("contentDetails.caption")),
        # statistics: absent when the part is not returned; likeCount/commentCount absent when hidden/disabled
        Column("view_count", "bigint", bigint("statistics.viewCount")),
        Column("like_count", "bigint", bigint("statistics.likeCount")),
        Column("comment_count", "bigint", bigint("statistics.commentCount")),
        Column("favorite_count", "bigint", bigint("statistics.favoriteCount")),
    ),
)

_TOP = "snippet.topLevelComment.snippet"

COMMENTS = TableSpec(
    name="comments",
    records_path="$.items[*]",  # one comment thread = its top-level comment
    natural_key="comment_id",
    description="Top-level comments on the channel's videos, one per comment thread "
    "(GET /commentThreads?allThreadsRelatedToChannelId=); their replies are in comment_replies.",
    columns=(
        Column("comment_id", "varchar", text("snippet.topLevelComment.id"), required=True,
               raw_field="snippet.topLevelComment.id"),
        Column("thread_id", "varchar", text("id")),
        Column("video_id", "varchar", text("snippet.videoId")),
        Column("channel_id", "varchar", text("snippet.channelId")),
        Column("parent_comment_id", "varchar", "null::varchar"),
        Column("author_channel_id", "varchar", text(f"{_TOP}.authorChannelId.value")),
        Column("author_display_name", "varchar", text(f"{_TOP}.authorDisplayName")),
        # textOriginal (raw) is only guaranteed to the comment's author; textDisplay is plain text when
        # requested with textFormat=plainText (HTML otherwise)
        Column("text", "varchar", f"coalesce({text(f'{_TOP}.textOriginal')}, {text(f'{_TOP}.textDisplay')})"),
        Column("like_count", "bigint", bigint(f"{_TOP}.likeCount")),
        Column("reply_count", "bigint", bigint("snippet.totalReplyCount")),
        Column("can_reply", "boolean", boolean("snippet.canReply")),
        Column("is_public", "boolean", boolean("snippet.isPublic")),
        Column("published_at", "timestamptz", timestamp(f"{_TOP}.publishedAt"), required=True,
               raw_field=f"{_TOP}.publishedAt"),
        Column("updated_at", "timestamptz", timestamp(f"{_TOP}.updatedAt")),
    ),
)

COMMENT_REPLIES = TableSpec(
    name="comment_replies",
    records_path="$.items[*]",
    natural_key="comment_id",
    description="Replies in the comment threads started in the day (GET /comments?parentId=<thread>).",
    columns=(
        Column("comment_id", "varchar", text("id"), required=True, raw_field="id"),
        Column("parent_comment_id", "varchar", text("snippet.parentId"), required=True, raw_field="snippet.parentId"),
        # comments.list does not always repeat the video: staging takes it from the thread
        Column("video_id", "varchar", text("snippet.videoId")),
        Column("channel_id", "varchar", text("snippet.channelId")),
        Column("author_channel_id", "varchar", text("snippet.authorChannelId.value")),
        Column("author_display_name", "varchar", text("snippet.authorDisplayName")),
        Column("text", "varchar", f"coalesce({text('snippet.textOriginal')}, {text('snippet.textDisplay')})"),
        Column("like_count", "bigint", bigint("snippet.likeCount")),
        Column("published_at", "timestamptz", timestamp("snippet.publishedAt"), required=True,
               raw_field="snippet.publishedAt"),
        Column("updated_at", "timestamptz", timestamp("snippet.updatedAt")),
    ),
)

FEEDS = (
    FeedSpec(source="youtube", feed="channel_statistics", description="Channel audience snapshot",
             api_resource=RESOURCE_KEY, fetch=fetch_channel_statistics, tables=(CHANNEL_STATISTICS,)),
    FeedSpec(source="youtube", feed="videos", description="Channel videos with statistics",
             api_resource=RESOURCE_KEY, fetch=fetch_videos, tables=(VIDEOS,), refetch_max_age_days=REFETCH_MAX_AGE_DAYS),
    FeedSpec(source="youtube", feed="comment_threads", description="Comment threads on the channel's videos",
             api_resource=RESOURCE_KEY, fetch=fetch_comment_threads, tables=(COMMENTS,)),
    FeedSpec(source="youtube", feed="comment_replies", description="Replies in the comment threads",
             api_resource=RESOURCE_KEY, fetch=fetch_comment_replies, tables=(COMMENT_REPLIES,)),
)
