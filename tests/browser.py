"""Headless Chromium for the UI test: Debian's ``chromium`` driven by the ``playwright`` package.

Playwright's own browser download (``playwright install``) needs a host that is not a package
registry, so the browser is the distribution's (``make browser`` installs it as root); the pip
package only brings the driver. Pages load only from files and from servers on this machine:
everything else (a page's CDN scripts and fonts) is refused before it leaves.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

# Headless as root, and quiet on a closed network: no sandbox, no GPU, none of the background
# fetches (updates, sync, QUIC probes, DNS prefetch) that a fresh profile would otherwise start.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--dns-prefetch-disable",
    # No name but localhost resolves, whatever asks.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def find_chromium() -> str | None:
    """The Chromium binary: $CHROMIUM, else chromium (Debian) or chromium-browser on PATH, else None."""
    for candidate in (os.environ.get("CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser"),
                      "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def is_local(url: str) -> bool:
    """Whether the browser may load ``url``: a file, inline data, or a server on this machine."""
    parts = urlsplit(url)
    if parts.scheme in ("file", "data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and (parts.hostname or "") in LOCAL_HOSTS


@dataclass
class Shot:
    """What a page showed: the screenshot, the rendered DOM, the visible text, what was refused."""

    url: str
    png: Path
    dom: str
    text: str
    seconds: float
    blocked: list[str] = field(default_factory=list)


class Browser:
    """One headless Chromium for several screenshots: ``with Browser() as b: b.shot(url, png)``."""

    def __init__(self, executable: str | None = None, timeout_s: float = 60.0):
        self.executable = executable or find_chromium()
        if self.executable is None:
            raise FileNotFoundError("no Chromium found (install Debian's chromium: make browser)")
        self.timeout_ms = timeout_s * 1000

    def __enter__(self) -> Browser:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=self.executable, headless=True,
                                                     args=CHROMIUM_FLAGS, timeout=self.timeout_ms)
        except BaseException:
            self._pw.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._browser.close()
        finally:
            self._pw.stop()

    def shot(self, url: str, png: Path, *, cookies: list[dict] = (), wait_for_text: tuple[str, ...] = (),
             wait_for_js: str | None = None, viewport: tuple[int, int] = (1600, 1000),
             full_page: bool = False) -> Shot:
        """Open ``url`` in a fresh context, wait until it shows every ``wait_for_text`` (and
        ``wait_for_js`` is true), then screenshot it to ``png``.

        ``cookies`` are Playwright cookie dicts set before the page loads (e.g. Airflow's ``_token``).
        On timeout, raises playwright's TimeoutError with the page's visible text (and still saves the PNG).
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        started = time.monotonic()
        png.parent.mkdir(parents=True, exist_ok=True)
        context = self._browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                            locale="en-US", timezone_id="UTC")
        try:
            blocked: list[str] = []

            def only_local(route):
                if is_local(route.request.url):
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort("blockedbyclient")

            context.route("**/*", only_local)
            if cookies:
                context.add_cookies(list(cookies))
            page = context.new_page()
            page.goto(url, wait_until="load", timeout=self.timeout_ms)
            condition = "texts => texts.every(t => document.body && document.body.innerText.includes(t))"
            if wait_for_js:
                condition = f"texts => ({condition})(texts) && ({wait_for_js})"
            try:
                page.wait_for_function(condition, arg=list(wait_for_text), timeout=self.timeout_ms, polling=250)
            except PlaywrightTimeout as exc:
                page.screenshot(path=str(png), full_page=full_page)
                raise PlaywrightTimeout(
                    f"{url} never showed {wait_for_text} / {wait_for_js} in {self.timeout_ms / 1000:.0f}s "
                    f"(screenshot: {png}); it showed:\n{page.inner_text('body')[:2000]}") from exc
            # Let the last responses paint (icons, state colours) before the picture.
            page.wait_for_timeout(500)
            page.screenshot(path=str(png), full_page=full_page)
            return Shot(url=url, png=png, dom=page.content(), text=page.inner_text("body"),
                        seconds=time.monotonic() - started, blocked=blocked)
        finally:
            context.close()
