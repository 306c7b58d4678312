"""WordPress REST API connector against a local HTTP server replaying real WordPress answers
(tests/fixtures/real/wordpress_api, see its PROVENANCE.md): comments recorded from Frontity's test site, and the
posts and comments collections WordPress core's own REST server generates in its test suite. The sources kept
the bodies only: each is served here with the ``X-WP-Total`` / ``X-WP-TotalPages`` headers WordPress sends."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from werkzeug import Response

from pipelines.defs.ingestion.wordpress.api import (
    WordPressApi,
    api_resources,
    fetch_collection,
    fetch_comments,
    fetch_posts,
)
from pipelines.defs.ingestion.wordpress.feeds import FEEDS
from pipelines.lib.ingest import land_api_pages
from tests.unit import connector_support as support

W_POSTS, W_COMMENTS = FEEDS
POSTS_PATH = "/wp-json/wp/v2/posts"
COMMENTS_PATH = "/wp-json/wp/v2/comments"
DAY = date(2026, 6, 1)
PAST_LAST_PAGE = {"code": "rest_post_invalid_page_number",
                  "message": "The page number requested is larger than the number of pages available.",
                  "data": {"status": 400}}


def real(name: str) -> str:
    return support.read_real_fixture("wordpress_api", name)


FRONTITY_COMMENTS = "frontity_wp-source_post-60-comments.json"  # 3 comments, a site in UTC+2
CORE_COMMENTS = "wordpress-develop_wp-api-generated_CommentsCollection.json"  # 1 comment
CORE_POSTS = "wordpress-develop_wp-api-generated_PostsCollection.json"  # 1 post


def wp_page(body: str, *, total: int | None = None, total_pages: int | None = None) -> Response:
    headers = {}
    if total is not None:
        headers["X-WP-Total"] = str(total)
    if total_pages is not None:
        headers["X-WP-TotalPages"] = str(total_pages)
    return Response(body, status=200, content_type="application/json; charset=UTF-8", headers=headers)


def day_query(day: date, *, page: int, modified: bool = False) -> dict[str, str]:
    """The query of a day's page: WordPress's bounds are exclusive, so the window opens one second early."""
    start, end = datetime(day.year, day.month, day.day, tzinfo=UTC), date.fromordinal(day.toordinal() + 1)
    bounds = {"after": (start - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "before": f"{end.isoformat()}T00:00:00Z"}
    if modified:
        bounds = {"modified_after": bounds["after"], "modified_before": bounds["before"]}
    return {**bounds, "orderby": "id", "order": "asc", "per_page": "100", "page": str(page)}


@pytest.fixture
def api(httpserver) -> WordPressApi:
    return support.local_api(WordPressApi, httpserver)


def test_comments_page_to_x_wp_totalpages_and_the_rows_match_x_wp_total(httpserver, api, warehouse_con, no_inbox):
    day = date(2019, 2, 8)
    total = len(json.loads(real(FRONTITY_COMMENTS))) + len(json.loads(real(CORE_COMMENTS)))
    support.respond(httpserver.expect_ordered_request(COMMENTS_PATH, query_string=day_query(day, page=1)),
                    wp_page(real(FRONTITY_COMMENTS), total=total, total_pages=2))
    support.respond(httpserver.expect_ordered_request(COMMENTS_PATH, query_string=day_query(day, page=2)),
                    wp_page(real(CORE_COMMENTS), total=total, total_pages=2))
    fetched = support.fetch_pages(api, fetch_comments, day)
    httpserver.check_assertions()
    assert [p.number for p in fetched.pages] == [1, 2]
    assert fetched.requests_made == 2  # X-WP-TotalPages said 2: no third request
    ingested = support.land_and_ingest(warehouse_con, W_COMMENTS, day, fetched.pages, no_inbox)
    assert ingested["comments"] == (total, total, 0)
    assert warehouse_con.execute("select count(*) from wordpress.comments").fetchone()[0] == total == 4
    assert support.balanced(warehouse_con, W_COMMENTS, day)


def test_the_counts_read_are_checked_against_x_wp_total(httpserver, api):
    support.serve_in_order(httpserver, COMMENTS_PATH, wp_page(real(FRONTITY_COMMENTS), total=5, total_pages=1))
    with api.client() as client:
        pages, counts = fetch_collection(api, client, "/comments", {})
    assert len(pages) == 1
    assert (counts.total, counts.total_pages, counts.records) == (5, 1, 3)
    assert not counts.complete  # 3 read where WordPress counted 5 (it changed during the read): logged


def test_comments_shape_variants_are_typed(httpserver, api, warehouse_con, no_inbox):
    support.respond(httpserver.expect_request(COMMENTS_PATH), wp_page(real(FRONTITY_COMMENTS), total=3,
                                                                      total_pages=1))
    pages = support.fetch_pages(api, fetch_comments, DAY).pages
    support.land_and_ingest(warehouse_con, W_COMMENTS, DAY, pages, no_inbox)
    rows = support.rows(warehouse_con, "select comment_id, post_id, parent_comment_id, author_id, author_name, "
                                       "author_url, commented_at from wordpress.comments order by comment_id")
    assert rows == [
        (5, 60, None, 2, "Reyes Martinez", "http://www.worona.org", datetime(2017, 1, 13, 16, 10, 43, tzinfo=UTC)),
        # a visitor without an account (author 0) and an empty author_url
        (124, 60, None, None, "Mario", None, datetime(2019, 2, 6, 15, 35, 39, tzinfo=UTC)),
        # a reply; date_gmt (15:28 UTC) is read, not the site's local date (17:28)
        (129, 60, 124, 4, "David Arenas", None, datetime(2019, 2, 8, 15, 28, 33, tzinfo=UTC)),
    ]
    content = warehouse_con.execute("select content from wordpress.comments where comment_id = 5").fetchone()[0]
    assert content == "<p>Nice post, Alan! Iceland must be amazing. Thanks for sharing \U0001f642</p>\n"


def test_posts_a_page_past_the_last_ends_the_pagination(httpserver, api, warehouse_con, no_inbox):
    # Without X-WP-TotalPages the connector asks for page 2: WordPress answers 400 rest_post_invalid_page_number.
    day = date(2017, 2, 14)
    support.respond(httpserver.expect_ordered_request(POSTS_PATH, query_string=day_query(day, page=1,
                                                                                       modified=True)),
                    wp_page(real(CORE_POSTS)))
    support.respond(httpserver.expect_ordered_request(POSTS_PATH, query_string=day_query(day, page=2,
                                                                                       modified=True)),
                    support.json_response(PAST_LAST_PAGE, status=400))
    fetched = support.fetch_pages(api, fetch_posts, day)
    httpserver.check_assertions()
    assert fetched.requests_made == 2 and len(fetched.pages) == 1  # the 400 is the end, not a page
    ingested = support.land_and_ingest(warehouse_con, W_POSTS, day, fetched.pages, no_inbox)
    assert ingested["posts"] == (1, 1, 0)
    row = warehouse_con.execute("select post_id, post_type, status, title, author_id, featured_media_id, "
                                "category_ids, tag_ids, is_sticky, published_at, modified_at "
                                "from wordpress.posts").fetchone()
    assert row == (4, "post", "publish", "REST API Client Fixture: Post", None, None, [1], [], False,
                   datetime(2017, 2, 14, tzinfo=UTC), datetime(2017, 2, 14, tzinfo=UTC))


def test_another_400_is_an_error(httpserver, api):
    invalid = {"code": "rest_invalid_param", "message": "Invalid parameter(s): per_page",
               "data": {"status": 400, "params": {"per_page": "per_page must be between 1 (inclusive) and 100"}}}
    support.respond(httpserver.expect_request(POSTS_PATH), support.json_response(invalid, status=400))
    with pytest.raises(httpx.HTTPStatusError):
        support.fetch_pages(api, fetch_posts, DAY)


def test_an_empty_day_lands_its_empty_page(httpserver, api, warehouse_con, no_inbox):
    support.respond(httpserver.expect_request(POSTS_PATH), wp_page("[]", total=0, total_pages=0))
    fetched = support.fetch_pages(api, fetch_posts, DAY)
    assert fetched.requests_made == 1 and len(fetched.pages) == 1
    ingested = support.land_and_ingest(warehouse_con, W_POSTS, DAY, fetched.pages, no_inbox)
    assert ingested["posts"] == (0, 0, 0)
    assert support.balanced(warehouse_con, W_POSTS, DAY)


def test_429_with_retry_after_then_success(httpserver, api):
    support.serve_in_order(httpserver, COMMENTS_PATH,
                           Response("Too Many Requests", status=429, headers={"Retry-After": "2"}),
                           wp_page(real(FRONTITY_COMMENTS), total=3, total_pages=1))
    fetched = support.fetch_pages(api, fetch_comments, DAY)
    assert fetched.requests_made == 2
    assert len(fetched.pages) == 1 and fetched.pages[0].status == 200
    assert fetched.waits == [2.0]


def test_a_run_of_503s_then_success(httpserver, api):
    support.serve_in_order(httpserver, COMMENTS_PATH, *support.busy(3),
                           wp_page(real(FRONTITY_COMMENTS), total=3, total_pages=1))
    fetched = support.fetch_pages(api, fetch_comments, DAY)
    assert len(fetched.pages) == 1 and len(fetched.waits) == 3
    assert fetched.waits == sorted(fetched.waits)


def test_truncated_body_is_landed_and_quarantined_whole(httpserver, api, warehouse_con, no_inbox):
    support.respond(httpserver.expect_request(COMMENTS_PATH),
                    wp_page(real(FRONTITY_COMMENTS)[:1500], total=3, total_pages=1))
    pages = support.fetch_pages(api, fetch_comments, DAY).pages
    assert len(pages) == 1
    ingested = support.land_and_ingest(warehouse_con, W_COMMENTS, DAY, pages, no_inbox)
    assert ingested["comments"] == (1, 0, 1)
    assert support.quarantine_reasons(warehouse_con) == ["page is not valid JSON (truncated or corrupt body)"]


def test_the_same_page_delivered_twice_loads_each_comment_once(httpserver, api, warehouse_con, no_inbox):
    for _ in (1, 2):
        support.respond(httpserver.expect_ordered_request(COMMENTS_PATH),
                        wp_page(real(FRONTITY_COMMENTS), total=6, total_pages=2))
    pages = support.fetch_pages(api, fetch_comments, DAY).pages
    assert len(pages) == 2
    ingested = support.land_and_ingest(warehouse_con, W_COMMENTS, DAY, pages, no_inbox)
    assert ingested["comments"] == (6, 3, 3)
    reasons = support.quarantine_reasons(warehouse_con)
    assert all(r.startswith("duplicate comment_id") and r.endswith("of page 1)") for r in reasons)
    assert support.balanced(warehouse_con, W_COMMENTS, DAY)
    assert land_api_pages(warehouse_con, W_COMMENTS, DAY, pages) == 0


def test_application_password_and_embed(httpserver, warehouse_con, no_inbox):
    api = support.local_api(WordPressApi, httpserver, "/wp-json", username="editor",
                            app_password="abcd EFGH 1234 ijkl", embed=True)
    basic = base64.b64encode(b"editor:abcd EFGH 1234 ijkl").decode()
    support.respond(httpserver.expect_request(POSTS_PATH, headers={"Authorization": f"Basic {basic}"},
                                              query_string={**day_query(DAY, page=1, modified=True), "_embed": "1"}),
                    wp_page(real(CORE_POSTS), total=1, total_pages=1))
    pages = support.fetch_pages(api, fetch_posts, DAY).pages
    httpserver.check_assertions()
    support.land_and_ingest(warehouse_con, W_POSTS, DAY, pages, no_inbox)
    # the password travels in a header only: nothing of it reaches the warehouse
    assert support.rows(warehouse_con, "select count(*) from raw.pages where source_file like '%EFGH%' "
                                       "or content like '%EFGH%'")[0][0] == 0


def test_dagster_materializes_comments_from_the_api(httpserver, api, tmp_path):
    support.respond(httpserver.expect_request(COMMENTS_PATH), wp_page(real(FRONTITY_COMMENTS), total=3,
                                                                      total_pages=1))
    result = support.materialize_feed(W_COMMENTS, DAY, "wordpress_api", api, tmp_path)
    assert result.success
    metadata = support.materialized(result, "wordpress__comments")["comments"]
    assert metadata["pages_fetched_from_api"] == 1
    assert metadata["records_loaded"] == 3
    assert support.checks_passed(result) == [True]


def test_without_a_base_url_the_connector_stays_idle(monkeypatch):
    for name in ("WORDPRESS_BASE_URL", "WORDPRESS_USERNAME", "WORDPRESS_APP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    assert not api_resources()["wordpress_api"].is_configured()
    public = WordPressApi(base_url="https://blog.example.org")
    assert public.is_configured() and public.auth_headers() == {}
    assert public.api_path("/posts") == "/wp-json/wp/v2/posts"
    assert WordPressApi(base_url="https://blog.example.org/wp-json/").api_path("/posts") == "/wp/v2/posts"
    assert WordPressApi(base_url="https://blog.example.org/wp-json/wp/v2").api_path("/posts") == "/posts"
    assert WordPressApi(base_url="https://b.org", username="u").auth_headers() == {}  # no password: anonymous
