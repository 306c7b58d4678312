"""Alert feeds (listening) against a local HTTP server replaying a real RSS 2.0 feed
(../shared/samples/rss_feed/rss_entries.xml, 7 items)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from werkzeug import Response

from pipelines.defs.ingestion.listening.api import AlertFeeds, api_resources, fetch_alerts
from pipelines.defs.ingestion.listening.feeds import FEEDS
from pipelines.lib.http import ApiPage
from tests.unit import connector_support as support

(ALERTS,) = FEEDS
TODAY = datetime.now(UTC).date()


def rss(samples) -> str:
    return support.read_sample(samples, "rss_feed", "rss_entries.xml")


def serve_feed(httpserver, path: str, *answers) -> None:
    for answer in answers:
        handler = httpserver.expect_ordered_request(path)
        if isinstance(answer, Response):
            handler.respond_with_response(answer)
        else:
            handler.respond_with_data(answer, content_type="application/rss+xml")


@pytest.fixture
def feeds(httpserver) -> AlertFeeds:
    urls = ",".join(httpserver.url_for(p) for p in ("/alerts/brand", "/alerts/competitor"))
    return AlertFeeds(feed_urls=urls, backoff_initial_seconds=0.01, max_attempts=5)


def test_every_feed_is_read_and_every_item_loads(httpserver, feeds, samples, warehouse_con, no_inbox):
    text = rss(samples)
    serve_feed(httpserver, "/alerts/brand", text)
    serve_feed(httpserver, "/alerts/competitor", text)
    fetched = support.fetch_pages(feeds, fetch_alerts, TODAY)
    httpserver.check_assertions()
    assert [p.number for p in fetched.pages] == [1, 2]
    items = len(re.findall(r"<item>", text))
    # the same items in two feeds of one fetch: loaded once, the repeat quarantined as a duplicate
    ingested = support.land_and_ingest(warehouse_con, ALERTS, TODAY, fetched.pages, no_inbox)
    assert ingested["alert_items"] == (2 * items, items, items)
    reasons = support.quarantine_reasons(warehouse_con)
    assert len(reasons) == items and all(r.startswith("duplicate item_id ") and "of page 1)" in r for r in reasons)
    first = support.rows(warehouse_con, "select alert_name, title, url, author, published_at, alert_feed_url "
                                        "from listening.alert_items order by published_at desc limit 1")
    assert first == [("CouchBase Blogs", "Connect 2016 Developer Workshop",
                      "http://blog.couchbase.com/2016/november/connect-2016-developer-workshop", "Matthew Groves",
                      datetime(2016, 12, 6, 17, 17, tzinfo=UTC), httpserver.url_for("/alerts/brand"))]
    assert support.balanced(warehouse_con, ALERTS, TODAY)


def test_a_503_run_and_a_429_are_retried(httpserver, feeds, samples):
    serve_feed(httpserver, "/alerts/brand", *support.busy(3), rss(samples))
    serve_feed(httpserver, "/alerts/competitor",
               Response("slow down", status=429, headers={"Retry-After": "2"}), rss(samples))
    fetched = support.fetch_pages(feeds, fetch_alerts, TODAY)
    assert len(fetched.pages) == 2 and fetched.requests_made == 6
    assert fetched.waits[-1] == 2.0


def test_a_past_day_does_not_ask_the_feed(httpserver, feeds):
    fetched = support.fetch_pages(feeds, fetch_alerts, TODAY - timedelta(days=3))
    assert fetched.pages == [] and fetched.requests_made == 0


def test_a_google_redirect_link_is_unwrapped_and_a_truncated_feed_is_quarantined(warehouse_con, no_inbox):
    # Google Alerts feeds link through https://www.google.com/url?...&url=<the page>&... (documented form)
    atom = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
      <title>Google Alert - Maison Lumière</title>
      <entry><id>tag:google.com,2013:googlealerts/feed:1</id><title type="html">&lt;b&gt;Maison Lumière&lt;/b&gt; ouvre</title>
      <link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://news.example/a%3Fx%3D1&amp;ct=ga&amp;cd=1"/>
      <published>2026-06-01T08:00:00Z</published><content type="html">La maison</content></entry></feed>"""
    pages = [ApiPage(url="https://www.google.com/alerts/feeds/1/2", text=atom, status=200, number=1),
             ApiPage(url="https://www.google.com/alerts/feeds/1/3", text=atom[:120], status=200, number=2)]
    ingested = support.land_and_ingest(warehouse_con, ALERTS, date(2026, 6, 1), pages, no_inbox)
    assert ingested["alert_items"] == (2, 1, 1)
    assert support.rows(warehouse_con, "select alert_name, url from listening.alert_items") == [
        ("Google Alert - Maison Lumière", "https://news.example/a?x=1")]
    assert support.rows(warehouse_con, "select source_file, reason like 'page is not a readable rss document%' "
                                       "from raw.quarantine") == [("https://www.google.com/alerts/feeds/1/3", True)]


def test_idle_without_feeds(monkeypatch):
    monkeypatch.delenv("LISTENING_ALERT_FEED_URLS", raising=False)
    assert not api_resources()["listening_alert_feeds"].is_configured()
