"""The WordPress export importer (wordpress-wxr) on a real WordPress.com export (tests/fixtures/real/wordpress_wxr, see
its PROVENANCE.md: it has no comments), a handmade export with comments and a draft
(tests/fixtures/handmade/wordpress_wxr), their zip and folder forms and corrupted copies."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pipelines import cli
from pipelines.defs.ingestion.blog.exports import EXPORT_FORMATS, members
from pipelines.lib.imports import Export, ExportError, import_export
from tests.unit.connector_support import REAL_FIXTURES, rows
from tests.unit.import_support import HANDMADE_FIXTURES, counts

FMT = EXPORT_FORMATS[0]
REAL = REAL_FIXTURES / "wordpress_wxr" / "jekyll-import" / "sitetitle.wordpress.2025-01-19.000.xml"
HANDMADE = HANDMADE_FIXTURES / "wordpress_wxr" / "comments.wordpress.xml"
SLACK_REAL = REAL_FIXTURES / "slack_export" / "zulip"
DAY = date(2025, 1, 20)
WP = "{http://wordpress.org/export/1.2/}"


def items(path: Path) -> list[ET.Element]:
    """The posts and pages of a WXR, read here with xml.etree, independently of the import."""
    return [i for i in ET.parse(path).getroot().iter("item") if i.findtext(f"{WP}post_type") in ("post", "page")]






def test_real_export_balances_and_types_its_posts(warehouse_con):
    posts = items(REAL)
    n_comments = sum(len(p.findall(f"{WP}comment")) for p in posts)
    result = import_export(warehouse_con, FMT, REAL, DAY)
    assert counts(result, "blog.wxr_posts") == (len(posts), len(posts), 0) == (8, 8, 0)
    assert counts(result, "blog.wxr_comments") == (n_comments, n_comments, 0) == (0, 0, 0)
    # attachments, global styles and navigation are not posts: they stay in the landed file only
    assert len(list(ET.parse(REAL).getroot().iter("item"))) == 16

    blog_post_1 = next(p for p in posts if p.findtext(f"{WP}post_id") == "14")
    assert rows(warehouse_con, """
        select post_key, post_type, title, status, published_at, author, categories, tags, slug, site_url
        from blog.wxr_posts where post_id = '14'""") == [(
            "https://jekyllbot.wordpress.com#14", "post", blog_post_1.findtext("title"), "publish",
            datetime.strptime(blog_post_1.findtext(f"{WP}post_date_gmt"), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC),
            "jekyllbot",
            [c.text for c in blog_post_1.findall("category") if c.get("domain") == "category"],
            [c.text for c in blog_post_1.findall("category") if c.get("domain") == "post_tag"],
            "blog-post-1", "https://jekyllbot.wordpress.com")]
    assert rows(warehouse_con, "select title, tags from blog.wxr_posts where post_id = '14'") == [
        ("Blog Post 1", ["code", "ruby", "ship", "stars"])]
    # the formatter-indented <guid> is trimmed
    assert rows(warehouse_con, "select count(*) from blog.wxr_posts where guid <> trim(guid) or link <> trim(link)") == [
        (0,)]
    assert rows(warehouse_con, "select post_type, count(*) from blog.wxr_posts group by 1 order by 1") == [
        ("page", 1), ("post", 7)]


def test_comments_and_drafts(warehouse_con):
    posts = items(HANDMADE)
    comments = [c for p in posts for c in p.findall(f"{WP}comment")]
    result = import_export(warehouse_con, FMT, HANDMADE, DAY)
    assert counts(result, "blog.wxr_posts") == (len(posts), len(posts), 0) == (3, 3, 0)
    assert counts(result, "blog.wxr_comments") == (len(comments), len(comments), 0) == (4, 4, 0)
    # a draft's 0000-00-00 00:00:00 date is no date, not an error
    assert rows(warehouse_con, "select status, published_at, modified_at from blog.wxr_posts where post_id = '24'") == [
        ("draft", None, datetime(2024, 6, 5, 15, 42, 10, tzinfo=UTC))]
    assert rows(warehouse_con, "select comment_count, excerpt from blog.wxr_posts where post_id = '21'") == [
        (3, "Deux jours de portes ouvertes.")]
    by_id = {r[0]: r[1:] for r in rows(warehouse_con, """
        select comment_id, post_id, parent_comment_id, user_id, author_email, commented_at, approved, comment_type
        from blog.wxr_comments""")}
    assert by_id["8"] == ("21", "7", "1", "claire@example.org", datetime(2024, 6, 1, 13, 20, tzinfo=UTC), "1",
                          "comment")
    assert by_id["9"][3:] == (None, datetime(2024, 6, 3, 7, tzinfo=UTC), "0", "pingback")
    assert by_id["4"][:1] + by_id["4"][5:] == ("3", "spam", "comment")  # an empty comment_type is a comment


def test_corrupted_posts_are_quarantined_with_reason_and_position(tmp_path, warehouse_con):
    text = HANDMADE.read_text()
    text = text.replace("<wp:post_id>3</wp:post_id>", "")  # the page (record 3): no key
    # the published post (record 1) without a date
    text = text.replace("<wp:post_date_gmt><![CDATA[2024-06-01 08:00:00]]>",
                        "<wp:post_date_gmt><![CDATA[0000-00-00 00:00:00]]>")
    text = text.replace("<wp:comment_date_gmt><![CDATA[2024-06-01 13:20:00]]>",  # comment 8 (record 2): a bad date
                        "<wp:comment_date_gmt><![CDATA[2024-06-01 25:20:00]]>")
    broken = tmp_path / "broken.xml"
    broken.write_text(text)
    result = import_export(warehouse_con, FMT, broken, DAY)
    assert counts(result, "blog.wxr_posts") == (3, 1, 2)
    # the page's comment (record 4) goes with its page: it has no post id to belong to
    assert counts(result, "blog.wxr_comments") == (4, 2, 2)
    assert rows(warehouse_con, "select entity, record_index, reason from raw.quarantine order by 1, 2") == [
        ("wxr_comments", 2, 'invalid or missing comment_date_gmt: "2024-06-01 25:20:00"'),
        ("wxr_comments", 4, "invalid or missing post_id: absent"),
        ("wxr_posts", 1, 'invalid or missing post_date_gmt: "0000-00-00 00:00:00"'),
        ("wxr_posts", 3, "invalid or missing post_id: absent"),
    ]


def test_a_truncated_export_is_quarantined_whole(tmp_path, warehouse_con):
    text = REAL.read_text()
    truncated = tmp_path / "truncated.xml"
    truncated.write_text(text[: len(text) // 2])
    result = import_export(warehouse_con, FMT, truncated, DAY)
    assert counts(result, "blog.wxr_posts") == (1, 0, 1)
    assert counts(result, "blog.wxr_comments") == (1, 0, 1)
    reasons = rows(warehouse_con, "select distinct record_index, source_file, reason from raw.quarantine")
    assert len(reasons) == 1
    assert reasons[0][:2] == (None, str(truncated))
    assert reasons[0][2].startswith("page is not a readable wxr document: not well-formed XML (")
    assert "line 453" in reasons[0][2]  # where the file stops: ElementTree names the position


def test_the_same_export_twice_lands_once(tmp_path, warehouse_con):
    first = import_export(warehouse_con, FMT, REAL, DAY)
    copy = tmp_path / "renamed.xml"
    shutil.copy(REAL, copy)
    again = import_export(warehouse_con, FMT, copy, DAY)
    assert (first.pages_landed, again.pages_landed, again.already_imported) == (1, 0, ["blog/wxr"])
    assert rows(warehouse_con, "select count(*), count(distinct post_key) from blog.wxr_posts") == [(8, 8)]


def test_zip_and_folder_of_several_files_import_as_one_batch(tmp_path, warehouse_con):
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(REAL, folder / REAL.name)
    shutil.copy(HANDMADE, folder / HANDMADE.name)
    (folder / "notes.xml").write_text("<notes/>")  # not a WXR: not a page of the export
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in folder.iterdir():
            zf.write(path, f"wordpress-export/{path.name}")
    from_folder = import_export(warehouse_con, FMT, folder, DAY)
    assert from_folder.pages_landed == 2
    assert counts(from_folder, "blog.wxr_posts") == (11, 11, 0)
    from_zip = import_export(warehouse_con, FMT, archive, DAY)
    assert from_zip.pages_landed == 0 and from_zip.already_imported == ["blog/wxr"]
    assert rows(warehouse_con, "select site_url, count(*) from blog.wxr_posts group by 1 order by 1") == [
        ("https://blog.example.org", 3), ("https://jekyllbot.wordpress.com", 8)]


def test_matches_the_export_and_rejects_other_files(tmp_path):
    assert FMT.matches(REAL) and FMT.matches(REAL.parent)
    rss = tmp_path / "feed.xml"
    rss.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>')
    assert not FMT.matches(rss)
    assert not FMT.matches(SLACK_REAL)
    with Export(rss) as export, pytest.raises(ExportError, match="feed.xml: no xmlns:wp="):
        members(export)
    with Export(SLACK_REAL) as export, pytest.raises(ExportError, match="no .xml file"):
        members(export)


def test_cli_imports_and_prints_the_summary(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ANIMATEUR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ANIMATEUR_WAREHOUSE", str(tmp_path / "data" / "w.duckdb"))
    assert cli.main(["import", "wordpress-wxr", str(HANDMADE), "--date", "2025-01-20", "--no-build"]) == 0
    out = capsys.readouterr().out
    assert "blog.wxr_posts: 3 in = 3 loaded + 0 quarantined" in out
    assert "blog.wxr_comments: 4 in = 4 loaded + 0 quarantined" in out
