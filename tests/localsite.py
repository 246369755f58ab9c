"""A real news site on 127.0.0.1 for the fetch tests: feeds, article pages in boilerplate, robots.txt.

Pages are built at test time from ../shared/corpus texts (never stored in the repo),
wrapped in what real pages carry around an article: navigation, a byline, a
newsletter promo, related links and a cookie footer.
"""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from conftest import CORPUS

# Every line of boilerplate the pages carry: none of them may become a sentence.
BOILERPLATE = [
    "Home", "World", "Ukraine", "Opinion", "Sport",
    "By Jane Doe and Sam Roe in Kyiv",
    "Sign up to First Edition",
    "Our free daily newsletter brings you the stories you need to know every morning, enter your email to subscribe.",
    "Related stories",
    "Ukraine war latest: what we know on day 130 of the invasion",
    "Zelenskiy says troops will return to the city after the withdrawal",
    "We use cookies to improve your experience on our site. By continuing to browse you agree to our use of cookies.",
    "© 2022 The Daily Test. All rights reserved.",
]

Handler = Callable[[dict], tuple[int, dict, bytes]]


@dataclass
class Request:
    path: str
    headers: dict
    at: float


@dataclass
class LocalSite:
    routes: dict[str, Handler] = field(default_factory=dict)
    log: list[Request] = field(default_factory=list)

    def __post_init__(self):
        site = self

        class Serve(BaseHTTPRequestHandler):
            def do_GET(self):
                headers = dict(self.headers.items())
                site.log.append(Request(self.path, headers, time.monotonic()))
                handler = site.routes.get(self.path)
                status, extra, body = handler(headers) if handler else (404, {}, b"not found")
                self.send_response(status)
                for key, value in {"Content-Length": str(len(body)), **extra}.items():
                    self.send_header(key, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass   # the client gave up (the timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Serve)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def paths(self, since: int = 0) -> list[str]:
        return [r.path for r in self.log[since:]]


def static(body: bytes | str, content_type: str, status: int = 200) -> Handler:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return lambda headers: (status, {"Content-Type": content_type}, data)


def conditional(body: str, content_type: str, etag: str = '"v1"') -> Handler:
    """A feed that answers 304 when asked with its ETag or its Last-Modified."""
    modified = "Sun, 03 Jul 2022 12:00:00 GMT"

    def handle(headers: dict):
        if headers.get("If-None-Match") == etag or headers.get("If-Modified-Since") == modified:
            return 304, {"ETag": etag, "Last-Modified": modified}, b""
        return 200, {"Content-Type": content_type, "ETag": etag, "Last-Modified": modified}, body.encode()
    return handle


def failing_first(handler: Handler, failures: int = 1) -> Handler:
    """500 for the first ``failures`` requests, then the real answer."""
    count = {"n": 0}

    def handle(headers: dict):
        count["n"] += 1
        return (500, {}, b"upstream error") if count["n"] <= failures else handler(headers)
    return handle


def slow(handler: Handler, seconds: float) -> Handler:
    def handle(headers: dict):
        time.sleep(seconds)
        return handler(headers)
    return handle


def article_page(record: dict) -> str:
    """A corpus record as a news site serves it: its paragraphs inside navigation, promos and footers."""
    paras = "\n".join(f"<p>{html.escape(p.strip())}</p>" for p in record["text"].split("\n") if p.strip())
    nav = "".join(f'<li><a href="/{w.lower()}">{w}</a></li>' for w in BOILERPLATE[:5])
    title = html.escape(record["title"])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Daily Test</title>
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{record['date']}T08:00:00Z"></head>
<body><header><nav><ul>{nav}</ul></nav></header>
<main><article><h1>{title}</h1>
<div class="byline">{BOILERPLATE[5]}</div><time datetime="{record['date']}">{record['date']}</time>
<div class="article-body">{paras}
<aside class="newsletter-promo"><h3>{BOILERPLATE[6]}</h3><p>{BOILERPLATE[7]}</p>
<form><input type="email" placeholder="Your email"><button>Sign up</button></form></aside></div></article>
<aside class="related"><h2>{BOILERPLATE[8]}</h2><ul><li><a href="/a">{BOILERPLATE[9]}</a></li>
<li><a href="/b">{BOILERPLATE[10]}</a></li></ul></aside></main>
<footer><div class="cookie-banner"><p>{BOILERPLATE[11]}</p><button>Accept</button></div>
<p>{BOILERPLATE[12]}</p><a href="/privacy">Privacy policy</a></footer></body></html>"""


def section_page() -> str:
    """A section front: headlines and links, no article."""
    links = "".join(f'<li><a href="/story/{n}">Headline number {n} on the war</a></li>' for n in range(8))
    return f"<html><head><title>World news</title></head><body><nav>Home World</nav><h1>World news</h1>" \
           f"<ul>{links}</ul><footer>{BOILERPLATE[11]}</footer></body></html>"


def rss(items: list[dict], title: str = "The Daily Test: World") -> str:
    """RSS 2.0 with items {guid, link, title, date (YYYY-MM-DD), summary?}."""
    entries = "".join(
        f"<item><title>{html.escape(i['title'])}</title><link>{html.escape(i['link'])}</link>"
        f"<guid isPermaLink=\"false\">{html.escape(i['guid'])}</guid>"
        f"<pubDate>{_rfc822(i['date'])}</pubDate>"
        + (f"<description>{html.escape(i['summary'])}</description>" if i.get("summary") else "")
        + "</item>"
        for i in items)
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://example.org/</link><description>World news</description>{entries}</channel></rss>")


def _rfc822(day: str) -> str:
    return format_datetime(datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC))


# Fast, polite settings for a server on this machine.
SETTINGS = {"min_interval_s": 0.05, "timeout_s": 2, "retries": 2, "backoff_s": 0.05}


def news_records(n: int) -> list[dict]:
    """Full news reports from the corpus that tell of deaths (Guardian texts are whole; letters are not news)."""
    records = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    return [r for r in records if r["id"].startswith("guardian") and " killed" in r["text"]
            and "|" not in r["title"]][:n]


def feed_item(record: dict, link: str) -> dict:
    return {"guid": f"urn:test:{record['id']}", "link": link, "title": record["title"], "date": record["date"]}
