"""X API v2 connector: the brand's timeline, its mentions and the listening search, one UTC day at a time
(``start_time``/``end_time``), following ``meta.next_token``.

The timeline of a day is the brand's tweets created in the ``tweet_refresh_days`` days up to the day's end, so
each tweet's public_metrics get a daily snapshot while they grow (``stg_x__tweet_snapshots``); mentions and
search stay on the day (other people's tweets, whose counters the brand's indicators do not read)."""

from __future__ import annotations

from datetime import date, datetime

from pipelines.lib.connectors import ApiSource, day_window, env_vars, iso_z, refresh_window
from pipelines.lib.http import ApiClient, ApiPage, paginate_token, x_next_token

RESOURCE_KEY = "x_api"
# Everything the typed tables read (pipelines/defs/ingestion/x/feeds.py), requested explicitly: X's default
# fields (id, text) would leave author and date missing and every record in quarantine.
TWEET_FIELDS = "author_id,conversation_id,created_at,in_reply_to_user_id,lang,public_metrics,referenced_tweets"


class XApi(ApiSource):
    """``X_BEARER_TOKEN`` (app or user context), ``X_USER_ID`` (the brand's numeric id), and optionally
    ``X_SEARCH_QUERY`` (e.g. ``maisonlumiere OR bougiesceleste``) for listening."""

    base_url: str = "https://api.x.com"
    bearer_token: str | None = None
    user_id: str | None = None
    search_query: str | None = None
    max_results: int = 100
    # A tweet gathers nearly all its impressions and engagement within a few days, and every tweet read counts
    # against the plan's monthly read cap: a week of daily snapshots, 7 reads per tweet.
    tweet_refresh_days: int = 7

    def is_configured(self) -> bool:
        return bool(self.bearer_token and self.user_id)

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.bearer_token}"}

    def day_params(self, day: date, window: tuple[datetime, datetime] | None = None) -> dict[str, str | int]:
        start, end = window or day_window(day)
        return {"start_time": iso_z(start), "end_time": iso_z(end), "max_results": self.max_results,
                "tweet.fields": TWEET_FIELDS, "expansions": "author_id", "user.fields": "name,username"}


def fetch_tweets(api: XApi, client: ApiClient, day: date) -> list[ApiPage]:
    """The brand's tweets created in the ``tweet_refresh_days`` days to the day's end, metrics as of now."""
    window = refresh_window(day, api.tweet_refresh_days)
    return list(paginate_token(client, f"/2/users/{api.user_id}/tweets", api.day_params(day, window),
                               token_param="pagination_token", token_of=x_next_token))


def fetch_mentions(api: XApi, client: ApiClient, day: date) -> list[ApiPage]:
    return list(paginate_token(client, f"/2/users/{api.user_id}/mentions", api.day_params(day),
                               token_param="pagination_token", token_of=x_next_token))


def fetch_search(api: XApi, client: ApiClient, day: date) -> list[ApiPage]:
    if not api.search_query:
        return []
    # recent search takes `next_token`, the timelines `pagination_token`
    return list(paginate_token(client, "/2/tweets/search/recent", {**api.day_params(day), "query": api.search_query},
                               token_param="next_token", token_of=x_next_token))


def api_resources() -> dict[str, XApi]:
    """Credentials from the environment only; without them the connector stays idle."""
    env = env_vars("X_BEARER_TOKEN", "X_USER_ID", "X_SEARCH_QUERY")
    return {RESOURCE_KEY: XApi(bearer_token=env["X_BEARER_TOKEN"], user_id=env["X_USER_ID"],
                               search_query=env["X_SEARCH_QUERY"])}
