"""Articles out of web pages and feeds: one extraction for fetched pages and for files users drop in.

A page's main text comes from trafilatura, which leaves out navigation, promos,
related links, bylines and footers. Feeds are RSS 2.0 or Atom (feedparser) or JSON
Feed (read here: feedparser does not know it). What comes out is ingest's JSON
record: ``{id, title, date, url, text, source}``.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HTML_SUFFIXES = {".html", ".htm"}
FEED_SUFFIXES = {".xml", ".atom", ".rss"}
# Below this much prose a page is a section front, an error page or a paywall, not an article.
MIN_PROSE_CHARS = 200
_PROSE_LINE = re.compile(r"^(?:\S+\s+){7,}\S*[.!?…][\"'”’)]*$")
_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "br", "section")


class NotAnArticle(ValueError):
    """A page, feed or item that gives no article; the message is the quarantine reason."""

    raw: str | None = None    # the start of the body, when it helps to see what came instead


@dataclass(frozen=True)
class Item:
    """One feed entry: where its article is, and what the feed itself says of it."""

    id: str | None
    url: str | None
    title: str | None
    date: str | None          # YYYY-MM-DD
    text: str | None          # the entry's content, else its summary, as plain text


def article(markup: bytes | str, url: str | None = None) -> dict:
    """Title, day, canonical URL and main text of an article page."""
    import trafilatura

    doc = trafilatura.bare_extraction(markup, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False, include_images=False)
    found = (doc if isinstance(doc, dict) else doc.as_dict()) if doc is not None else {}
    text = _clean(found.get("text") or "")
    prose = sum(len(line) for line in text.split("\n") if _PROSE_LINE.match(line))
    if prose < MIN_PROSE_CHARS:
        raise NotAnArticle(f"no article text ({prose} characters of prose, want {MIN_PROSE_CHARS})")
    return {"title": found.get("title") or None, "date": found.get("date") or None,
            "url": url or found.get("url") or None, "text": text}


def parse_feed(body: bytes, content_type: str = "") -> list[Item]:
    """The entries of an RSS, Atom or JSON feed, newest first as the feed gives them."""
    if "json" in content_type or body.lstrip()[:1] == b"{":
        return _json_feed(body)
    import feedparser

    parsed = feedparser.parse(body)
    items = [_entry(e) for e in parsed.entries]
    items = [i for i in items if i.url or i.text]
    if parsed.bozo and not items:
        err = parsed.get("bozo_exception")
        where = f" at line {err.getLineNumber()}" if hasattr(err, "getLineNumber") else ""
        raise NotAnArticle(f"malformed feed: {err}{where}" if parsed.version else f"not a feed: {err}{where}")
    if not parsed.version:
        kind = content_type.split(";")[0].strip()
        if not kind and re.match(rb"\s*(<!doctype html|<html)", body[:200], re.IGNORECASE):
            kind = "an HTML page"
        raise NotAnArticle("not a feed (RSS, Atom or JSON Feed)" + (f": the body is {kind}" if kind else ""))
    return items


def _entry(entry) -> Item:
    content = entry.get("content") or []
    markup = content[0].get("value") if content else entry.get("summary")
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return Item(id=entry.get("id") or entry.get("link"), url=entry.get("link"), title=entry.get("title") or None,
                date=time.strftime("%Y-%m-%d", stamp) if stamp else None,
                text=html_text(markup) if markup else None)


def _json_feed(body: bytes) -> list[Item]:
    try:
        doc = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise NotAnArticle(f"malformed JSON feed: {err}") from None
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith("https://jsonfeed.org/version/") \
            or not isinstance(doc.get("items"), list):
        raise NotAnArticle("not a feed: JSON without a jsonfeed.org 'version' and an 'items' list")
    items = []
    for entry in doc["items"]:
        if not isinstance(entry, dict):
            continue
        markup = entry.get("content_html") or entry.get("content_text") or entry.get("summary")
        items.append(Item(id=_str(entry.get("id")) or _str(entry.get("url")), url=_str(entry.get("url")),
                          title=_str(entry.get("title")), date=_iso_day(entry.get("date_published")),
                          text=html_text(markup) if isinstance(markup, str) else None))
    return [i for i in items if i.url or i.text]


def _str(value) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _iso_day(value) -> str | None:
    """JSON Feed dates are RFC 3339; the day is taken in UTC, as feedparser gives RSS and Atom days."""
    try:
        stamp = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return (stamp.astimezone(UTC) if stamp.tzinfo else stamp).date().isoformat()


def html_text(markup: str) -> str:
    """Plain text of an HTML fragment (a feed's summary or content), one paragraph per line."""
    if "<" not in markup:
        return _clean(markup)
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.LxmlError, ValueError):
        return _clean(re.sub(r"<[^>]+>", " ", markup))
    for bad in list(root.iter("script", "style")):
        bad.drop_tree()
    for element in root.iter():
        element.text = _spaces(element.text)
        element.tail = _spaces(element.tail)
        if element.tag in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    return _clean(root.text_content())


def _spaces(text: str | None) -> str | None:
    return re.sub(r"\s+", " ", text) if text else text


def _clean(text: str) -> str:
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def read_file(path: Path, data: bytes) -> list[tuple[str | None, dict]]:
    """Records of a saved page or feed file in the landing folder, each with its reference in the file."""
    if path.suffix.lower() in HTML_SUFFIXES:
        page = article(data)
        return [(None, {"id": page["url"], "source": None, **page})]
    items = parse_feed(data)
    if not items:
        raise NotAnArticle("the feed has no items")
    return [(f"item {n}", item_record(item, None)) for n, item in enumerate(items, start=1)]


def item_record(item: Item, source: str | None, page: dict | None = None) -> dict:
    """The record of a feed item; the feed's title and day win over the page's, the page's text over the feed's."""
    page = page or {}
    return {"id": item.id or item.url, "title": item.title or page.get("title"),
            "date": item.date or page.get("date"), "url": item.url or page.get("url"),
            "text": page.get("text") or item.text, "source": source}
