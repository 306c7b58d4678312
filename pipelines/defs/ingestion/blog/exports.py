"""The WordPress export (Tools > Export > All content): a WXR file (WordPress eXtended RSS, versions 1.1 and 1.2),
an RSS 2.0 document whose ``<item>``s are the site's posts, pages, attachments, menu items... with ``wp:``
elements (``wp:post_id``, ``wp:post_date_gmt``, ``wp:status``, ``wp:post_type``) and their comments nested as
``<wp:comment>``. Large sites are often exported as several WXR files (a folder or a zip of them): each file
is one page of the same batch.

XML has no reader in DuckDB, so a page converter (one ``xml.etree.ElementTree.iterparse`` pass per file, each
``<item>`` freed once read) turns each file into ``{"posts": [...], "comments": [...]}``, the comments carrying
their post's id; the file itself lands unchanged in ``raw.pages``, and the records are then typed in SQL like any
JSON page. The posts are the items of type ``post`` and ``page`` (the blog's articles; attachments, menu items,
blocks and revisions are site machinery, left in the landed file), in ``blog.wxr_posts``; their comments in
``blog.wxr_comments``. A date of ``0000-00-00 00:00:00`` (a draft never published) is NULL, except on a
published post, which is then quarantined for it."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from pipelines.lib.imports import Export, ExportError, ExportFormat, read_members
from pipelines.lib.ingest import Column, FeedSpec, TableSpec
from pipelines.lib.sql_fragments import text, text_list

# http:// in WordPress exports, https:// in some WordPress.com ones
WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/$")
EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/excerpt/$")
WXR_MARKER = re.compile(r"xmlns:wp=[\"']https?://wordpress\.org/export/\d+\.\d+/[\"']")
POST_TYPES = {"post", "page"}
NAMESPACES = {  # WXR's namespaces, by the prefix WordPress gives them (wp: and excerpt: carry the WXR version)
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}


def _local(tag: str) -> str:
    """'{http://wordpress.org/export/1.2/}post_id' -> 'wp:post_id' (whatever the WXR version)."""
    if not tag.startswith("{"):
        return tag
    namespace, name = tag[1:].split("}", 1)
    if WP_NAMESPACE.match(namespace):
        return f"wp:{name}"
    if EXCERPT_NAMESPACE.match(namespace):
        return f"excerpt:{name}"
    return f"{NAMESPACES.get(namespace, namespace)}:{name}"


def _fields(element: ET.Element) -> dict[str, str]:
    """The text of each leaf child (the first of a repeated one), by prefixed name; trimmed (XML formatters indent
    some values, e.g. a <guid> on its own line)."""
    return {k: v for k, v in reversed([(_local(c.tag), (c.text or "").strip()) for c in element if len(c) == 0])}


def _post(element: ET.Element, site: dict[str, str]) -> dict | None:
    """An ``<item>`` of type post or page as a record (other item types: None)."""
    item = _fields(element)
    if item.get("wp:post_type") not in POST_TYPES:
        return None
    categories = element.findall("category")
    post = {
        "post_id": item.get("wp:post_id"),
        "post_type": item.get("wp:post_type"),
        "title": item.get("title"),
        "link": item.get("link"),
        "guid": item.get("guid"),
        "post_name": item.get("wp:post_name"),
        "post_date": item.get("wp:post_date"),
        "post_date_gmt": item.get("wp:post_date_gmt"),
        "post_modified_gmt": item.get("wp:post_modified_gmt"),
        "creator": item.get("dc:creator"),
        "content": item.get("content:encoded"),
        "excerpt": item.get("excerpt:encoded"),
        "status": item.get("wp:status"),
        "post_parent": item.get("wp:post_parent"),
        "comment_status": item.get("wp:comment_status"),
        "categories": [(c.text or "").strip() for c in categories if c.get("domain") == "category"],
        "tags": [(c.text or "").strip() for c in categories if c.get("domain") == "post_tag"],
        "comment_count": 0,
        "site_url": site.get("wp:base_blog_url") or site.get("link"),
    }
    return {k: v for k, v in post.items() if v is not None}  # an element the item lacks is absent, as in the file


def wxr_to_json(text: str) -> str:
    """A WXR file as ``{"site": {...}, "posts": [...], "comments": [...]}``: one pass, per page (a page is a whole
    file: WXR is XML, which no SQL reader here reads). Values stay the strings of the file; typing is SQL's."""
    posts: list[dict] = []
    comments: list[dict] = []
    site: dict[str, str] = {}
    is_wxr = False
    depth = 0  # at the end of an element: 2 when it was a child of <channel> (title, link, base_blog_url...)
    try:
        for event, element in ET.iterparse(io.StringIO(text), events=("start-ns", "start", "end")):
            if event == "start-ns":
                is_wxr = is_wxr or bool(WP_NAMESPACE.match(element[1]))
                continue
            if event == "start":
                depth += 1
                continue
            depth -= 1
            tag = _local(element.tag)
            if depth == 2 and tag == "item":
                if (post := _post(element, site)) is not None:
                    for c in element:
                        if _local(c.tag) == "wp:comment":
                            comment = {k.removeprefix("wp:"): v for k, v in _fields(c).items()}
                            comments.append({k: v for k, v in (("post_id", post.get("post_id")),
                                                               ("site_url", post.get("site_url"))) if v} | comment)
                            post["comment_count"] += 1
                    posts.append(post)
                element.clear()  # an item read is freed: a large export is not held twice
            elif depth == 2 and len(element) == 0:
                site.setdefault(tag, (element.text or "").strip())
    except ET.ParseError as exc:  # the ingestion quarantines a page whose converter raises ValueError
        raise ValueError(f"not well-formed XML ({exc})") from None
    if not is_wxr:
        raise ValueError("not a WordPress export (no http://wordpress.org/export/ namespace)")
    return json.dumps({"site": site, "posts": posts, "comments": comments})


def wxr_date(path: str) -> str:
    """'2024-03-01 09:30:00' (UTC for *_gmt) to an instant; '0000-00-00 00:00:00' and anything else unreadable is
    NULL."""
    return f"try_strptime({text(path)}, '%Y-%m-%d %H:%M:%S')::timestamptz"


def wp_id(path: str) -> str:
    """A WordPress id, '0' meaning none."""
    return f"nullif({text(path)}, '0')"


def site_key(path: str) -> str:
    return f"coalesce({text('site_url')}, '') || '#' || nullif({text(path)}, '')"


PUBLISHED_AT = wxr_date("post_date_gmt")

WXR_POSTS = TableSpec(
    name="wxr_posts",
    records_path="$.posts[*]",
    natural_key="post_key",
    description="The posts and pages of a WordPress export (WXR), every status (drafts, private, scheduled...).",
    columns=(
        # a WordPress id is unique within its site only: the key is '<site url>#<id>'
        Column("post_key", "varchar", site_key("post_id"), required=True, raw_field="post_id"),
        Column("post_id", "varchar", text("post_id")),
        Column("post_type", "varchar", text("post_type")),
        Column("title", "varchar", text("title")),
        Column("link", "varchar", text("link")),
        Column("guid", "varchar", text("guid")),
        Column("slug", "varchar", f"nullif({text('post_name')}, '')"),
        # a published post must have its date; a draft's '0000-00-00 00:00:00' is simply no date yet
        Column("status", "varchar",
               f"case when {text('status')} = 'publish' and {PUBLISHED_AT} is null then null "
               f"else {text('status')} end", required=True, raw_field="post_date_gmt"),
        Column("published_at", "timestamptz", PUBLISHED_AT),
        Column("modified_at", "timestamptz", wxr_date("post_modified_gmt")),
        Column("author", "varchar", text("creator")),
        Column("content", "varchar", text("content")),  # HTML (block markup), as exported
        Column("excerpt", "varchar", f"nullif({text('excerpt')}, '')"),
        Column("categories", "varchar[]", text_list("categories")),
        Column("tags", "varchar[]", text_list("tags")),
        Column("parent_post_id", "varchar", wp_id("post_parent")),
        Column("comment_status", "varchar", text("comment_status")),
        Column("comment_count", "bigint", f"try_cast({text('comment_count')} as bigint)"),
        Column("site_url", "varchar", text("site_url")),
    ),
)

WXR_COMMENTS = TableSpec(
    name="wxr_comments",
    records_path="$.comments[*]",
    natural_key="comment_key",
    description="The comments, pingbacks and trackbacks of the posts and pages of a WordPress export (WXR), "
                "approved or not.",
    columns=(
        Column("comment_key", "varchar", site_key("comment_id"), required=True, raw_field="comment_id"),
        Column("comment_id", "varchar", text("comment_id")),
        Column("post_id", "varchar", text("post_id"), required=True, raw_field="post_id"),
        Column("parent_comment_id", "varchar", wp_id("comment_parent")),
        Column("author", "varchar", text("comment_author")),
        Column("author_email", "varchar", f"nullif({text('comment_author_email')}, '')"),
        Column("author_url", "varchar", f"nullif({text('comment_author_url')}, '')"),
        Column("user_id", "varchar", wp_id("comment_user_id")),  # the site's user, when a logged-in one wrote it
        Column("commented_at", "timestamptz", wxr_date("comment_date_gmt"), required=True,
               raw_field="comment_date_gmt"),
        Column("content", "varchar", text("comment_content")),
        Column("approved", "varchar", text("comment_approved")),  # '1', '0' (pending), 'spam', 'trash'
        # '' is an ordinary comment in older exports, 'comment' in newer ones
        Column("comment_type", "varchar", f"coalesce(nullif({text('comment_type')}, ''), 'comment')"),
        Column("site_url", "varchar", text("site_url")),
    ),
)

FEEDS = (
    FeedSpec(source="blog", feed="wxr", tables=(WXR_POSTS, WXR_COMMENTS), extension="xml", content_format="wxr",
             page_converter=wxr_to_json, batches="all", description="WordPress export (WXR)"),
)

SNIFF_CHARS = 8192  # the <rss> element and its namespace declarations open the file


def _is_wxr_head(head: str) -> bool:
    return bool(WXR_MARKER.search(head))


def _wxr_files(export: Export) -> list[str]:
    return [n for n in export.names() if n.lower().endswith(".xml")]


def members(export: Export) -> dict[str, list]:
    files = _wxr_files(export)
    if not files:
        raise ExportError(f"{export.path}: not a WordPress export (no .xml file)")
    wxr = read_members(export, files)
    not_wxr = [m.name for m in wxr if not _is_wxr_head(m.text[:SNIFF_CHARS])]
    if len(not_wxr) == len(wxr):
        raise ExportError(f"{export.path}: not a WordPress export ({', '.join(not_wxr)}: no xmlns:wp="
                          "\"http://wordpress.org/export/…\" namespace in its <rss> element)")
    # another .xml beside the WXR files (a sitemap, a theme's config) is not a page of the export
    return {"wxr": [m for m in wxr if m.name not in not_wxr]}


def matches(path: Path) -> bool:
    try:
        with Export(path) as export:
            return any(_is_wxr_head(export.read_text(n)[:SNIFF_CHARS]) for n in _wxr_files(export))
    except Exception:  # noqa: BLE001 - a file we cannot open is simply not a WordPress export
        return False


EXPORT_FORMATS = (
    ExportFormat(
        name="wordpress-wxr",
        source="blog",
        description="WordPress export (WXR): every post and page with its status, categories and tags, and their "
                    "comments",
        where_to_download="WordPress admin: Tools > Export > All content > Download Export File (an .xml file; "
                          "WordPress.com: Tools > Export > Export all, a zip of it)",
        feeds=FEEDS,
        members=members,
        matches=matches,
    ),
)
