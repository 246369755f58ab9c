"""A polite HTTP client: robots.txt, one request per host at a time and at most every so often, retries.

The standard library's urllib is enough: requests are made one after another, so
"one at a time per host" holds by construction, and the wait between two requests
to a host is kept here. Failures are FetchError with a reason fit for quarantine;
``transient`` says whether a later fetch may succeed (5xx, timeouts, refused
connections) or not (4xx, robots.txt, a body too large).
"""

from __future__ import annotations

import logging
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from transforms.reading.sources import Source

log = logging.getLogger(__name__)

class FetchError(RuntimeError):
    def __init__(self, reason: str, transient: bool):
        super().__init__(reason)
        self.transient = transient


@dataclass(frozen=True)
class Response:
    status: int              # 200, or 304 when a conditional request found nothing new
    body: bytes
    url: str                 # after redirects
    content_type: str
    etag: str | None
    last_modified: str | None


@dataclass
class Client:
    max_bytes: int = 20_000_000
    _last: dict[str, float] = field(default_factory=dict)           # host -> when its last request ended
    _robots: dict[str, RobotFileParser | str] = field(default_factory=dict)   # host -> rules, or why none

    def get(self, url: str, source: Source, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET ``url`` if robots.txt allows it, retrying transient failures with back-off."""
        self._check_robots(url, source)
        headers = {"User-Agent": source.user_agent, "Accept-Encoding": "identity"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._with_retries(url, headers, source)

    def _with_retries(self, url: str, headers: dict, source: Source) -> Response:
        for attempt in range(source.retries + 1):
            try:
                return self._once(url, headers, source)
            except FetchError as err:
                if not err.transient or attempt == source.retries:
                    if err.transient and source.retries:
                        raise FetchError(f"{err} (after {attempt + 1} attempts)", True) from None
                    raise
                pause = source.backoff_s * 2 ** attempt
                log.info("GET %s: %s; retry %d of %d in %g s", url, err, attempt + 1, source.retries, pause)
                time.sleep(pause)
        raise AssertionError("unreachable")

    def _once(self, url: str, headers: dict, source: Source) -> Response:
        host = urlsplit(url).netloc
        interval = max(source.min_interval_s, self._crawl_delay(host, source))
        wait = self._last.get(host, -interval) + interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            request = urllib.request.Request(url, headers=headers)
            with urllib.request.urlopen(request, timeout=source.timeout_s) as reply:
                body = reply.read(self.max_bytes + 1)
                if len(body) > self.max_bytes:
                    raise FetchError(f"body over {self.max_bytes / 1e6:g} MB", False)
                return Response(reply.status, body, reply.url, reply.headers.get("Content-Type", ""),
                                reply.headers.get("ETag"), reply.headers.get("Last-Modified"))
        except urllib.error.HTTPError as err:
            if err.code == 304:
                return Response(304, b"", url, "", err.headers.get("ETag"), err.headers.get("Last-Modified"))
            raise FetchError(f"HTTP {err.code} {err.reason}", err.code >= 500 or err.code == 429) from None
        except urllib.error.URLError as err:
            raise FetchError(_network_reason(err.reason, source.timeout_s), True) from None
        except TimeoutError:
            raise FetchError(f"timed out after {source.timeout_s:g} s", True) from None
        except (ConnectionError, OSError) as err:
            raise FetchError(f"connection failed: {err}", True) from None
        finally:
            self._last[host] = time.monotonic()

    def _check_robots(self, url: str, source: Source) -> None:
        rules = self._rules(url, source)
        if isinstance(rules, str):
            raise FetchError(rules, True)
        if not rules.can_fetch(source.user_agent, url):
            raise FetchError("disallowed by robots.txt", False)

    def _rules(self, url: str, source: Source) -> RobotFileParser | str:
        """robots.txt of the URL's host, read once per client (RFC 9309: 4xx allows all, 5xx allows nothing)."""
        parts = urlsplit(url)
        if parts.netloc not in self._robots:
            robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
            rules = RobotFileParser(robots_url)
            try:
                reply = self._with_retries(robots_url, {"User-Agent": source.user_agent}, source)
                rules.parse(reply.body.decode("utf-8", errors="replace").splitlines())
                self._robots[parts.netloc] = rules
            except FetchError as err:
                if err.transient:
                    self._robots[parts.netloc] = f"robots.txt unavailable: {err}"
                else:
                    rules.parse([])     # no rules: everything is allowed
                    self._robots[parts.netloc] = rules
        return self._robots[parts.netloc]

    def _crawl_delay(self, host: str, source: Source) -> float:
        rules = self._robots.get(host)
        delay = rules.crawl_delay(source.user_agent) if isinstance(rules, RobotFileParser) else None
        return float(delay or 0)


def _network_reason(reason, timeout_s: float) -> str:
    if isinstance(reason, socket.gaierror):
        return f"host not found (DNS): {reason.strerror}"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"timed out after {timeout_s:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    return f"connection failed: {reason}"
