"""warledger fetch against a real news site on 127.0.0.1, then warledger run over what it wrote."""

from __future__ import annotations

import html
import json
from itertools import pairwise
from pathlib import Path

import pandas as pd
import pytest

from conftest import query
from localsite import (
    BOILERPLATE,
    SETTINGS,
    LocalSite,
    article_page,
    conditional,
    failing_first,
    feed_item,
    news_records,
    rss,
    section_page,
    slow,
    static,
)
from transforms.reading.fetch import fetch, state_path
from transforms.reading.ingest import split_sentences


@pytest.fixture(scope="module")
def records():
    return news_records(5)


@pytest.fixture(scope="module")
def site(records):
    site = LocalSite()
    base = site.base
    news, flaky, saved = records[:3], records[3], records[4]
    items = [feed_item(r, f"{base}/2022/{r['id']}.html") for r in news]
    items += [{"guid": "urn:test:section", "link": f"{base}/world/", "title": "World", "date": "2022-07-03"},
              {"guid": "urn:test:private", "link": f"{base}/private/memo.html", "title": "Memo", "date": "2022-07-03"}]
    site.routes.update({
        "/robots.txt": static("User-agent: *\nDisallow: /private/\n", "text/plain"),
        "/world/rss.xml": conditional(rss(items), "application/rss+xml"),
        "/world/": static(section_page(), "text/html"),
        "/private/memo.html": static(article_page(saved), "text/html"),
        "/flaky/rss.xml": failing_first(conditional(rss([feed_item(flaky, f"{base}/2022/{flaky['id']}.html")]),
                                                    "application/rss+xml", etag='"f1"')),
        "/down/rss.xml": static("upstream error", "text/plain", status=500),
        "/slow/rss.xml": slow(static(rss([]), "application/rss+xml"), 1.0),
        "/broken/rss.xml": static('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Broken</title>\n'
                                  "<item><title>Half an item", "application/rss+xml"),
        "/not-a-feed.xml": static(section_page(), "text/html"),
        f"/saved/{saved['id']}.html": static(article_page(saved), "text/html; charset=utf-8"),
    })
    for r in news + [flaky]:
        site.routes[f"/2022/{r['id']}.html"] = static(article_page(r), "text/html; charset=utf-8")
    yield site
    site.close()


def write_sources(path: Path, base: str, saved_id: str) -> Path:
    import yaml

    sources = [
        {"name": "daily-test", "feed": f"{base}/world/rss.xml"},
        {"name": "flaky", "feed": f"{base}/flaky/rss.xml"},
        {"name": "down", "feed": f"{base}/down/rss.xml", "retries": 1},
        {"name": "slow", "feed": f"{base}/slow/rss.xml", "timeout_s": 0.2, "retries": 1},
        {"name": "broken", "feed": f"{base}/broken/rss.xml"},
        {"name": "html-not-feed", "feed": f"{base}/not-a-feed.xml"},
        {"name": "gone", "feed": f"{base}/gone.xml"},
        {"name": "no-such-host", "feed": "http://no-such-host.invalid/rss.xml", "retries": 0},
        {"name": "saved-pages", "pages": [f"{base}/saved/{saved_id}.html"]},
    ]
    path.write_text(yaml.safe_dump({"defaults": SETTINGS, "sources": sources}))
    return path


@pytest.fixture(scope="module")
def fetched(tmp_path_factory, site, records):
    """Two fetches in a row over the same site: what each wrote and asked for."""
    root = tmp_path_factory.mktemp("fetch")
    sources = root / "sources.yml"
    write_sources(sources, site.base, records[4]["id"])
    landing = root / "landing"
    first = fetch(sources, landing)
    first_log = list(site.log)
    second = fetch(sources, landing)
    return {"landing": landing, "first": first, "second": second, "first_log": first_log,
            "second_log": site.log[len(first_log):], "sources": sources}


def by_name(report) -> dict:
    return {s.name: s for s in report.sources}


def test_first_fetch_writes_the_new_articles(fetched, records, site):
    report = fetched["first"]
    [articles] = sorted(fetched["landing"].glob("fetch-*[0-9]Z.jsonl"))
    assert report.articles == str(articles) and report.written == 5
    got = {r["id"]: r for r in map(json.loads, articles.read_text().splitlines())}
    want = {f"urn:test:{r['id']}": (r, "daily-test") for r in records[:3]}
    want[f"urn:test:{records[3]['id']}"] = (records[3], "flaky")
    want[f"{site.base}/saved/{records[4]['id']}.html"] = (records[4], "saved-pages")
    assert set(got) == set(want)
    for key, (record, source) in want.items():
        article = got[key]
        assert (article["title"], article["date"], article["source"]) == (record["title"], record["date"], source)
        assert article["url"].startswith(site.base) and article["url"].endswith(f"{record['id']}.html")
        # The main text is the article's paragraphs, and nothing of the page around them.
        assert article["text"].split("\n") == [p.strip() for p in record["text"].split("\n") if p.strip()]

    counts = {name: (s.seen, s.new, s.fetched, len(s.failures)) for name, s in by_name(report).items()}
    assert counts == {"daily-test": (5, 5, 3, 2), "flaky": (1, 1, 1, 0), "down": (0, 0, 0, 1), "slow": (0, 0, 0, 1),
                      "broken": (0, 0, 0, 1), "html-not-feed": (0, 0, 0, 1), "gone": (0, 0, 0, 1),
                      "no-such-host": (0, 0, 0, 1), "saved-pages": (1, 1, 1, 0)}
    assert "daily-test: 5 item(s) seen, 5 new, 3 fetched, 2 failed" in report.lines()


def test_each_failure_is_quarantined_with_its_reason(fetched, site):
    reasons = {s.name: [f["reason"] for f in s.failures] for s in fetched["first"].sources}
    assert reasons["daily-test"] == [
        f"{site.base}/world/: no article text (0 characters of prose, want 200)",
        f"{site.base}/private/memo.html: disallowed by robots.txt"]
    assert reasons["down"] == [f"{site.base}/down/rss.xml: HTTP 500 Internal Server Error (after 2 attempts)"]
    assert site.paths().count("/down/rss.xml") >= 2
    assert reasons["slow"] == [f"{site.base}/slow/rss.xml: timed out after 0.2 s (after 2 attempts)"]
    assert reasons["broken"][0].startswith(f"{site.base}/broken/rss.xml: malformed feed: ")
    assert reasons["html-not-feed"] == [
        f"{site.base}/not-a-feed.xml: not a feed (RSS, Atom or JSON Feed): the body is text/html"]
    assert reasons["gone"] == [f"{site.base}/gone.xml: HTTP 404 Not Found"]
    # The resolver's own words vary (no such name, or no resolver at all offline).
    [dns] = reasons["no-such-host"]
    assert dns.startswith("http://no-such-host.invalid/rss.xml: robots.txt unavailable: host not found (DNS): ")
    # The 500 was retried and the feed read; robots.txt kept the private page from being asked for.
    assert site.paths().count("/flaky/rss.xml") >= 2
    assert "/private/memo.html" not in site.paths()

    failures = Path(fetched["first"].failures)
    assert failures.name.endswith(".failures.jsonl") and failures.parent == fetched["landing"]
    rows = [json.loads(line) for line in failures.read_text().splitlines()]
    assert sorted(r["reason"] for r in rows) == sorted(r for rs in reasons.values() for r in rs)
    assert next(r for r in rows if r["record_ref"] == "html-not-feed")["raw"].startswith("<html>")


def test_second_fetch_asks_conditionally_and_downloads_nothing(fetched, site):
    second = fetched["second"]
    assert second.articles is None and second.written == 0
    # Failures already recorded are not written again.
    assert second.failures is None
    assert len(list(fetched["landing"].glob("fetch-*"))) == 2
    log = fetched["second_log"]
    feeds = {r.path: r.headers for r in log if r.path in ("/world/rss.xml", "/flaky/rss.xml")}
    assert feeds["/world/rss.xml"]["If-None-Match"] == '"v1"'
    assert feeds["/world/rss.xml"]["If-Modified-Since"] == "Sun, 03 Jul 2022 12:00:00 GMT"
    assert feeds["/flaky/rss.xml"]["If-None-Match"] == '"f1"'
    # Nothing but robots.txt and the feeds: no page is downloaded again.
    assert not [r.path for r in log if r.path.endswith(".html") or r.path == "/world/"]
    assert "daily-test: 0 item(s) seen, 0 new, 0 fetched, 0 failed (feed unchanged)" in second.lines()
    state = json.loads(state_path(fetched["landing"]).read_text())
    assert state["feeds"][f"{site.base}/world/rss.xml"]["etag"] == '"v1"'


def test_requests_are_polite(fetched):
    log = fetched["first_log"]
    assert log[0].path == "/robots.txt" and [r.path for r in log].count("/robots.txt") == 1
    assert all(r.headers["User-Agent"].startswith("warledger-fetch/") for r in log)
    # One host, one request at a time and never sooner than min_interval_s after the last.
    gaps = [b.at - a.at for a, b in pairwise(log)]
    assert min(gaps) >= SETTINGS["min_interval_s"] * 0.9


def test_run_over_the_landing_folder_finds_the_articles_and_their_figures(fetched, records, workspace, tmp_path):
    from transforms.entry.cli import main

    assert main(["run", "--input", str(fetched["landing"])]) == 0
    articles = query(workspace.warehouse, "SELECT article_id, title, published_date, source FROM articles")
    assert sorted((a["title"], str(a["published_date"])) for a in articles) == sorted(
        (r["title"], r["date"]) for r in records)
    sentences = {s["text"] for s in query(workspace.warehouse, "SELECT text FROM sentences")}
    originals = {s for r in records for s in split_sentences(r["text"])}
    assert sentences == originals
    assert not sentences & set(BOILERPLATE)
    quarantined = query(workspace.warehouse, "SELECT reason, stage FROM quarantine ORDER BY reason")
    assert {q["stage"] for q in quarantined} == {"fetch"}
    assert len(quarantined) == sum(len(s.failures) for s in fetched["first"].sources)

    # The same texts read as they are in the corpus give the same figures.
    from transforms.reading.ingest import ingest
    from transforms.stages.extract import extract

    original = tmp_path / "original.jsonl"
    original.write_text("".join(json.dumps(r) + "\n" for r in records))
    frames, sentence_rows, _ = ingest(original).frames()
    titles = dict(zip(frames["article_id"], frames["title"]))
    want = extract(frames, sentence_rows, workspace.spacy_model).figures
    columns = ["category", "low", "high", "hedge", "sentence_text"]
    expected = sorted((titles[f["article_id"]], *[None if pd.isna(f[c]) else f[c] for c in columns])
                      for f in want.to_dict("records"))
    figures = [tuple(f.values()) for f in query(workspace.warehouse, f"""
        SELECT a.title, {', '.join('f.' + c for c in columns)}
        FROM casualty_figures f JOIN articles a USING (article_id) ORDER BY ALL""")]
    assert figures and figures == expected


def test_a_changed_sources_file_is_read_at_the_next_fetch(tmp_path, site, records):
    """A source added later is fetched; what earlier sources already gave is not fetched again."""
    sources = tmp_path / "sources.yml"
    landing = tmp_path / "landing"
    import yaml

    sources.write_text(yaml.safe_dump({"defaults": SETTINGS, "sources": [
        {"name": "one", "pages": [f"{site.base}/2022/{records[0]['id']}.html"]}]}))
    assert fetch(sources, landing).written == 1
    sources.write_text(yaml.safe_dump({"defaults": SETTINGS, "sources": [
        {"name": "one", "pages": [f"{site.base}/2022/{records[0]['id']}.html"]},
        {"name": "two", "feed": f"{site.base}/world/rss.xml", "max_items": 1}]}))
    again = fetch(sources, landing)
    # Only the feed's newest item is taken.
    assert {s.name: (s.seen, s.fetched) for s in again.sources} == {"one": (1, 0), "two": (1, 1)}
    [article] = [json.loads(line) for line in Path(again.articles).read_text().splitlines()]
    assert (article["id"], article["source"]) == (f"urn:test:{records[0]['id']}", "two")


def test_a_json_feed_that_carries_its_stories_whole_needs_no_page(tmp_path, site, records):
    record = records[0]
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Whole stories", "items": [
        {"id": "urn:test:whole", "title": record["title"], "date_published": f"{record['date']}T07:30:00Z",
         "content_html": "".join(f"<p>{html.escape(p)}</p>" for p in record["text"].split("\n") if p.strip())}]})
    site.routes["/whole/feed.json"] = static(body, "application/feed+json")
    sources = tmp_path / "sources.yml"
    sources.write_text(json.dumps({"defaults": SETTINGS, "sources": [
        {"name": "whole", "feed": f"{site.base}/whole/feed.json"}]}))
    report = fetch(sources, tmp_path / "landing")
    [article] = [json.loads(line) for line in Path(report.articles).read_text().splitlines()]
    assert (article["id"], article["title"], article["date"], article["url"]) == (
        "urn:test:whole", record["title"], record["date"], None)
    assert article["text"].split("\n") == [p.strip() for p in record["text"].split("\n") if p.strip()]
