"""LinkedIn organization page connector against a local HTTP server replaying real LinkedIn answers
(tests/fixtures/real/linkedin_api, see its PROVENANCE.md): the posts pages of superfaceai/station's recording of
``GET /rest/posts?q=author`` (each recorded ``response`` served as the body), and the elements Airbyte's
acceptance test captured (organization share statistics, follower count).

No real per-post or time-bound share statistics answer exists in public: those bodies are built here in the
documented shape, around real post URNs and real elements, and the tests say so."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from functools import cache

import httpx
import pytest
from werkzeug import Response

from pipelines.defs.ingestion.linkedin.api import (
    LinkedInApi,
    api_resources,
    fetch_daily_share_statistics,
    fetch_follower_count,
    fetch_posts,
    fetch_share_statistics,
    next_start,
)
from pipelines.defs.ingestion.linkedin.feeds import FEEDS, network_size_to_elements
from pipelines.lib.http import ApiPage
from pipelines.lib.ingest import land_api_pages
from tests.unit import connector_support as support

L_POSTS, L_SHARE_STATISTICS, L_DAILY_SHARE_STATISTICS, L_FOLLOWER_COUNTS = FEEDS
ORG_ID = "2414183"  # the organization of the recorded pages (LinkedIn's developer test page)
ORG_URN = f"urn:li:organization:{ORG_ID}"
TOKEN = "test-token"
POSTS_PATH = "/rest/posts"
STATS_PATH = "/rest/organizationalEntityShareStatistics"
RECORDED_DAY = date(2023, 2, 23)  # the 27 posts of the three recorded pages of 2023-02-23 were all created that day
DAY = date(2026, 6, 1)

# superfaceai/station recording: interaction keys
PAGE_START_0 = "5f8f89ba79306b80d68ec8bbb33e942b"  # 10 posts, next link start=10
PAGE_START_10 = "fc22291d36e405c6a9a4b20db2200bd3"  # 8 posts (fewer than count), next link start=18
PAGE_START_20 = "7ca6a28a7cf2cbdf4394659e9a831523"  # 9 posts, next link start=29
PAGE_OF_FEB_24 = "44eba5ce9e44c03b10d22aafdc0f0c9b"  # the first page fetched again on 2023-02-24, 10 posts


@cache
def recording() -> dict:
    text = support.read_real_fixture("linkedin_api", "superface_station_linkedin.recording.json")
    return json.loads(text)["social-media/posts/linkedin/GetProfilePosts"]


def recorded_body(key: str) -> dict:
    """The body LinkedIn answered to the interaction's first request (a fresh copy)."""
    return json.loads(json.dumps(recording()[key][0]["response"]))


def recorded_text(key: str) -> str:
    return json.dumps(recorded_body(key))


@cache
def airbyte_records() -> dict[str, dict]:
    """Airbyte's captured records, by stream: ``data`` is the API's element (or whole body) as returned."""
    lines = support.read_real_fixture("linkedin_api", "airbyte_source_linkedin_pages_expected_records.jsonl")
    return {record["stream"]: record["data"] for record in map(json.loads, lines.splitlines())}


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def local_linkedin(httpserver, **settings) -> LinkedInApi:
    return support.local_api(LinkedInApi, httpserver, "/rest", access_token=TOKEN, organization_id=ORG_ID,
                             **{"page_size": 10, **settings})


@pytest.fixture
def api(httpserver) -> LinkedInApi:
    return local_linkedin(httpserver)


def posts_query(start: int, count: int = 10) -> dict[str, str]:
    return {"q": "author", "author": ORG_URN, "sortBy": "LAST_MODIFIED", "count": str(count), "start": str(start)}


def posts_page(httpserver, start: int, answer, **match) -> None:
    support.respond(httpserver.expect_ordered_request(POSTS_PATH, query_string=posts_query(start), **match), answer)


def last_page_of(key: str, *, start: int, keep: int, total: int) -> dict:
    """A real page cut to its first ``keep`` posts, made the last one of a listing of ``total`` posts."""
    body = recorded_body(key)
    body["elements"] = body["elements"][:keep]
    body["paging"] = {"start": start, "count": 10, "links": [], "total": total}
    return body


def test_next_start_follows_linkedins_next_link_not_start_plus_count():
    # Real pages: 8 posts at start=10 and a next link to start=18; 9 posts at start=20 and a link to 29.
    assert next_start(recorded_body(PAGE_START_0), 0, 10) == 10
    assert next_start(recorded_body(PAGE_START_10), 10, 10) == 18
    assert next_start(recorded_body(PAGE_START_20), 20, 10) == 29
    assert next_start({"paging": {"start": 0, "count": 10, "links": []}, "elements": []}, 0, 10) is None
    # without a next link: the number returned, until paging.total
    assert next_start(last_page_of(PAGE_START_20, start=18, keep=2, total=30), 18, 10) == 20
    assert next_start(last_page_of(PAGE_START_20, start=18, keep=2, total=20), 18, 10) is None


def test_posts_page_to_paging_total_and_every_post_of_the_day_loads(httpserver, api, warehouse_con, no_inbox):
    posts_page(httpserver, 0, recorded_text(PAGE_START_0),
               headers={"Authorization": f"Bearer {TOKEN}", "X-Restli-Protocol-Version": "2.0.0",
                        "LinkedIn-Version": api.api_version})
    posts_page(httpserver, 10, recorded_text(PAGE_START_10))
    # LinkedIn's next link says start=18 (8 posts came, not 10): the last page, 2 real posts, paging.total 20
    last = last_page_of(PAGE_START_20, start=18, keep=2, total=20)
    posts_page(httpserver, 18, last)
    fetched = support.fetch_pages(api, fetch_posts, RECORDED_DAY)
    httpserver.check_assertions()
    assert [p.number for p in fetched.pages] == [1, 2, 3]
    assert fetched.requests_made == 3
    # URNs travel percent-encoded (Rest.li 2.0), the rest of the query literally
    assert "author=urn%3Ali%3Aorganization%3A2414183" in fetched.pages[0].url
    ingested = support.land_and_ingest(warehouse_con, L_POSTS, RECORDED_DAY, fetched.pages, no_inbox)
    assert ingested["posts"] == (20, 20, 0)
    assert ingested["posts"][1] == last["paging"]["total"]  # every post the listing counted, loaded
    assert support.balanced(warehouse_con, L_POSTS, RECORDED_DAY)


def test_posts_shape_variants_are_typed(httpserver, api, warehouse_con, no_inbox):
    support.respond(httpserver.expect_request(POSTS_PATH), recorded_text(PAGE_OF_FEB_24))
    day = date(2023, 2, 24)
    pages = support.fetch_pages(api, fetch_posts, day).pages
    assert len(pages) == 1  # it reaches posts last modified on 2023-02-23: reading stops
    assert support.land_and_ingest(warehouse_con, L_POSTS, day, pages, no_inbox)["posts"] == (10, 10, 0)

    def post(urn: str) -> tuple:
        return warehouse_con.execute(
            "select content_type, media_type, image_count, article_url, reshared_post_urn, commentary, "
            "created_at, published_at from linkedin.posts where post_urn = ?", [urn]).fetchone()

    assert post("urn:li:share:7034871045106847744") == (
        None, None, None, None, None, "Testing", datetime(2023, 2, 24, 13, 5, 58, 829000, tzinfo=UTC),
        datetime(2023, 2, 24, 13, 5, 58, 829000, tzinfo=UTC))
    assert post("urn:li:share:7034767950653853696")[4] == "urn:li:share:7031878963324928000"  # a reshare
    assert post("urn:li:ugcPost:7034735182234443776")[:3] == ("media", "video", None)
    assert post("urn:li:ugcPost:7034682247848853504")[:3] == ("reference", None, None)  # an article in a series
    assert post("urn:li:ugcPost:7034659212542496768")[:3] == ("multiImage", None, 2)
    assert post("urn:li:share:7034659197531095040")[:3] == ("media", "image", 1)
    # LinkedIn's "little" text format escapes '@': kept as sent
    assert post("urn:li:share:7034670843116879873")[5].endswith("tempor amet \\@ 1677196226720")
    # published (1677193551070) after it was created (1677193450496)
    created, published = post("urn:li:share:7034659197531095040")[6:]
    assert published - created == timedelta(seconds=100, microseconds=574000)


def test_posts_pages_all_created_after_the_day_are_skipped(httpserver, api):
    # Hand-made envelopes around real posts: page 1 holds two posts of 2023-02-24, page 2 two of 2023-02-23.
    first = recorded_body(PAGE_OF_FEB_24)
    first["elements"] = first["elements"][:2]
    first["paging"] = {"start": 0, "count": 2, "links": [], "total": 4}
    second = last_page_of(PAGE_START_20, start=2, keep=0, total=4)
    second["elements"] = recorded_body(PAGE_START_20)["elements"][6:8]
    second["paging"]["count"] = 2
    api = local_linkedin(httpserver, page_size=2)
    support.respond(httpserver.expect_ordered_request(POSTS_PATH, query_string=posts_query(0, 2)), first)
    support.respond(httpserver.expect_ordered_request(POSTS_PATH, query_string=posts_query(2, 2)), second)
    fetched = support.fetch_pages(api, fetch_posts, RECORDED_DAY)
    assert fetched.requests_made == 2
    assert [p.number for p in fetched.pages] == [1]
    assert "start=2" in fetched.pages[0].url


def test_a_listing_with_only_newer_posts_still_lands_its_last_page(httpserver, api):
    support.respond(httpserver.expect_request(POSTS_PATH),
                    last_page_of(PAGE_OF_FEB_24, start=0, keep=3, total=3))
    pages = support.fetch_pages(api, fetch_posts, date(2023, 2, 20)).pages
    assert len(pages) == 1 and len(json.loads(pages[0].text)["elements"]) == 3


def test_429_with_retry_after_then_success(httpserver, api):
    support.serve_in_order(httpserver, POSTS_PATH,
                           Response('{"message": "Resource level throttle limit", "status": 429}', status=429,
                                    headers={"Retry-After": "2"}),
                           recorded_text(PAGE_OF_FEB_24))
    fetched = support.fetch_pages(api, fetch_posts, DAY)
    assert fetched.requests_made == 2
    assert len(fetched.pages) == 1 and fetched.pages[0].status == 200
    assert fetched.waits == [2.0]


def test_a_run_of_503s_then_success(httpserver, api):
    support.serve_in_order(httpserver, POSTS_PATH, *support.busy(3), recorded_text(PAGE_OF_FEB_24))
    fetched = support.fetch_pages(api, fetch_posts, DAY)
    assert len(fetched.pages) == 1 and len(fetched.waits) == 3
    assert fetched.waits == sorted(fetched.waits)


def test_a_real_400_is_not_retried(httpserver, api):
    recorded = recording()["346ee6355f8af85835202fe8e9368ca1"][0]  # posts asked for a member's URN
    support.respond(httpserver.expect_request(POSTS_PATH),
                    support.json_response(recorded["response"], status=recorded["status"]))
    with pytest.raises(httpx.HTTPStatusError):
        support.fetch_pages(api, fetch_posts, DAY)
    assert len(httpserver.log) == 1


def test_truncated_body_is_landed_and_quarantined_whole(httpserver, api, warehouse_con, no_inbox):
    support.respond(httpserver.expect_request(POSTS_PATH), recorded_text(PAGE_START_0)[:1200])
    pages = support.fetch_pages(api, fetch_posts, RECORDED_DAY).pages
    assert len(pages) == 1
    ingested = support.land_and_ingest(warehouse_con, L_POSTS, RECORDED_DAY, pages, no_inbox)
    assert ingested["posts"] == (1, 0, 1)
    assert support.quarantine_reasons(warehouse_con) == ["page is not valid JSON (truncated or corrupt body)"]


def test_the_same_page_delivered_twice_loads_each_post_once(httpserver, api, warehouse_con, no_inbox):
    # Asked for start=10, the server sends the start=0 page again: its next link (start=10) does not move on,
    # so reading stops instead of looping; its posts load once, the repeats are quarantined.
    page = recorded_text(PAGE_START_0)
    posts_page(httpserver, 0, page)
    posts_page(httpserver, 10, page)
    fetched = support.fetch_pages(api, fetch_posts, RECORDED_DAY)
    assert fetched.requests_made == 2
    ingested = support.land_and_ingest(warehouse_con, L_POSTS, RECORDED_DAY, fetched.pages, no_inbox)
    assert ingested["posts"] == (20, 10, 10)
    reasons = support.quarantine_reasons(warehouse_con)
    assert all(r.startswith("duplicate post_urn urn:li:") and r.endswith("of page 1)") for r in reasons)
    assert support.balanced(warehouse_con, L_POSTS, RECORDED_DAY)
    assert land_api_pages(warehouse_con, L_POSTS, RECORDED_DAY, fetched.pages) == 0


def statistics_element(urn: str, impressions: int, likes: int) -> dict:
    """A per-post statistics element in the documented shape (no real one exists in public)."""
    kind = "share" if urn.startswith("urn:li:share:") else "ugcPost"
    return {kind: urn, "organizationalEntity": ORG_URN,
            "totalShareStatistics": {"uniqueImpressionsCount": impressions // 2, "shareCount": 1, "engagement": 0.05,
                                     "clickCount": 3, "likeCount": likes, "impressionCount": impressions,
                                     "commentCount": 2}}


def test_share_statistics_snapshot_the_recent_posts_by_share_and_ugc_post(httpserver, api, warehouse_con,
                                                                          no_inbox):
    # Statistics are "as of now": allow the recorded 2023 posts (lookback) and the 2023 day (snapshot age).
    api = local_linkedin(httpserver, snapshot_max_age_days=100_000, statistics_lookback_days=2,
                         statistics_batch_size=4)
    day = date(2023, 2, 24)
    support.respond(httpserver.expect_request(POSTS_PATH), recorded_text(PAGE_OF_FEB_24))
    listing = recorded_body(PAGE_OF_FEB_24)["elements"]
    shares = [p["id"] for p in listing if p["id"].startswith("urn:li:share:")]
    ugc_posts = [p["id"] for p in listing if p["id"].startswith("urn:li:ugcPost:")]
    assert (len(shares), len(ugc_posts)) == (7, 3)
    answers = [shares[:4], shares[4:], ugc_posts]
    for param, batch in (("shares", answers[0]), ("shares", answers[1]), ("ugcPosts", answers[2])):
        query = {"q": "organizationalEntity", "organizationalEntity": ORG_URN, param: f"List({','.join(batch)})"}
        support.respond(httpserver.expect_request(STATS_PATH, query_string=query),
                        {"paging": {"start": 0, "count": 10, "links": []},
                         "elements": [statistics_element(urn, 100 * (i + 1), i) for i, urn in enumerate(batch)]})
    fetched = support.fetch_pages(api, fetch_share_statistics, day)
    httpserver.check_assertions()
    assert [p.number for p in fetched.pages] == [1, 2, 3]
    assert "shares=List(urn%3Ali%3Ashare%3A7034871045106847744," in fetched.pages[0].url
    ingested = support.land_and_ingest(warehouse_con, L_SHARE_STATISTICS, day, fetched.pages, no_inbox)
    assert ingested["share_statistics"] == (10, 10, 0)
    row = warehouse_con.execute("select organization_urn, impression_count, unique_impressions_count, like_count, "
                                "engagement from linkedin.share_statistics "
                                "where post_urn = 'urn:li:ugcPost:7034682247848853504'").fetchone()
    assert row == (ORG_URN, 200, 100, 1, 0.05)


def test_share_statistics_are_not_fetched_for_an_old_day(httpserver, api):
    fetched = support.fetch_pages(api, fetch_share_statistics, datetime.now(UTC).date() - timedelta(days=30))
    assert fetched.pages == [] and fetched.requests_made == 0


def test_the_organizations_aggregate_element_is_not_a_post(httpserver, api, warehouse_con, no_inbox):
    # The real (Airbyte-captured) lifetime element of the organization has no share/ugcPost: quarantined.
    body = {"paging": {"start": 0, "count": 10, "links": []},
            "elements": [statistics_element("urn:li:share:7034871045106847744", 10, 1),
                         airbyte_records()["share_statistics"]]}
    pages = [ApiPage(url=f"http://localhost{STATS_PATH}?q=organizationalEntity", text=json.dumps(body), status=200,
                     number=1)]
    ingested = support.land_and_ingest(warehouse_con, L_SHARE_STATISTICS, DAY, pages, no_inbox)
    assert ingested["share_statistics"] == (2, 1, 1)
    assert support.quarantine_reasons(warehouse_con) == ["invalid or missing share: absent"]


def test_daily_share_statistics_ask_for_the_day(httpserver, api, warehouse_con, no_inbox):
    day = datetime.now(UTC).date() - timedelta(days=3)
    start = ms(datetime(day.year, day.month, day.day, tzinfo=UTC))
    end = start + 86_400_000
    query = {"q": "organizationalEntity", "organizationalEntity": ORG_URN,
             "timeIntervals": f"(timeRange:(start:{start},end:{end}),timeGranularityType:DAY)"}
    # Documented time-bound shape around the real element's counters (no real time-bound answer in public);
    # the second element is the real lifetime one, without a timeRange: quarantined.
    real = airbyte_records()["share_statistics"]
    element = {**json.loads(json.dumps(real)), "organizationalEntity": ORG_URN, "timeRange": {"start": start,
                                                                                              "end": end}}
    element["totalShareStatistics"].update({"impressionCount": 1200, "uniqueImpressionsCount": 800,
                                            "likeCount": 30, "clickCount": 12})
    support.respond(httpserver.expect_request(STATS_PATH, query_string=query),
                    {"paging": {"start": 0, "count": 10, "links": []}, "elements": [element, real]})
    fetched = support.fetch_pages(api, fetch_daily_share_statistics, day)
    httpserver.check_assertions()
    assert len(fetched.pages) == 1
    assert "timeIntervals=(timeRange:(start:" in fetched.pages[0].url
    ingested = support.land_and_ingest(warehouse_con, L_DAILY_SHARE_STATISTICS, day, fetched.pages, no_inbox)
    assert ingested["daily_share_statistics"] == (2, 1, 1)
    row = warehouse_con.execute("select statistic_id, period_start_at, period_end_at - period_start_at, "
                                "impression_count, unique_impressions_count, like_count, share_mentions_count "
                                "from linkedin.daily_share_statistics").fetchone()
    assert row == (f"{ORG_URN}/{start}", datetime(day.year, day.month, day.day, tzinfo=UTC), timedelta(days=1),
                   1200, 800, 30, 0)
    assert support.quarantine_reasons(warehouse_con) == ["invalid or missing timeRange.start: absent"]
    assert support.fetch_pages(api, fetch_daily_share_statistics, date(2023, 2, 23)).requests_made == 0


def test_follower_count_snapshot_reads_the_real_network_size(httpserver, api, warehouse_con, no_inbox):
    body = airbyte_records()["total_follower_count"]  # the whole real body: {"firstDegreeSize": 0}
    path = f"/rest/networkSizes/{ORG_URN}"  # sent percent-encoded; the server matches the decoded path
    support.respond(httpserver.expect_request(path, query_string={"edgeType": "COMPANY_FOLLOWED_BY_MEMBER"}), body)
    day = datetime.now(UTC).date()
    pages = support.fetch_pages(api, fetch_follower_count, day).pages
    httpserver.check_assertions()
    assert f"/networkSizes/urn%3Ali%3Aorganization%3A{ORG_ID}?" in pages[0].url
    ingested = support.land_and_ingest(warehouse_con, L_FOLLOWER_COUNTS, day, pages, no_inbox)
    assert ingested["follower_counts"] == (1, 1, 0)
    assert warehouse_con.execute("select organization_urn, follower_count from linkedin.follower_counts"
                                 ).fetchone() == (ORG_URN, 0)
    # the page lands as received; only its reading wraps the object into a collection
    assert json.loads(network_size_to_elements(json.dumps(body))) == {"elements": [body]}
    assert network_size_to_elements('{"message": "Not enough permissions", "status": 403}').startswith('{"message"')
    with pytest.raises(ValueError, match="not valid JSON"):
        network_size_to_elements('{"firstDegreeSize": 1')


def test_dagster_materializes_posts_from_the_api(httpserver, api, tmp_path):
    # The 2023 posts are all before the partition day: page 1 reaches before it, reading stops there.
    support.respond(httpserver.expect_request(POSTS_PATH), recorded_text(PAGE_OF_FEB_24))
    result = support.materialize_feed(L_POSTS, DAY, "linkedin_api", api, tmp_path)
    assert result.success
    metadata = support.materialized(result, "linkedin__posts")["posts"]
    assert metadata["pages_fetched_from_api"] == 1
    assert metadata["records_loaded"] == 10
    assert support.checks_passed(result) == [True]


def test_without_credentials_the_connector_stays_idle(monkeypatch):
    for name in ("LINKEDIN_ACCESS_TOKEN", "LINKEDIN_ORGANIZATION_ID", "LINKEDIN_API_VERSION"):
        monkeypatch.delenv(name, raising=False)
    idle = api_resources()["linkedin_api"]
    assert not idle.is_configured()
    assert idle.api_version == "202511"
    assert not LinkedInApi(access_token="t").is_configured()  # no organization
    configured = LinkedInApi(access_token="t", organization_id=ORG_URN, api_version="202601")
    assert configured.is_configured() and configured.organization_urn() == ORG_URN
    assert configured.auth_headers() == {"Authorization": "Bearer t", "LinkedIn-Version": "202601",
                                         "X-Restli-Protocol-Version": "2.0.0"}
    assert LinkedInApi(organization_id="42").organization_urn() == "urn:li:organization:42"
