"""Feeds in every format, saved pages and feed files in the landing folder, and the sources file's checks."""

from __future__ import annotations

import html
import json

import pytest

from localsite import BOILERPLATE, SETTINGS, LocalSite, article_page, news_records, rss, section_page, static
from transforms.reading.pages import NotAnArticle, parse_feed
from transforms.reading.sources import SourcesError, load_sources

ITEMS = [
    {"guid": "urn:test:1", "link": "https://example.org/2022/07/03/one.html", "title": "Strike on Sloviansk",
     "date": "2022-07-03", "summary": "<p>At least six people were killed.</p><p>Fifteen were injured.</p>"},
    {"guid": "urn:test:2", "link": "https://example.org/2022/07/02/two.html", "title": "Lysychansk falls",
     "date": "2022-07-02", "summary": "Ukrainian forces withdrew from the city."},
]
WANT = [("urn:test:1", "https://example.org/2022/07/03/one.html", "Strike on Sloviansk", "2022-07-03",
         "At least six people were killed.\nFifteen were injured."),
        ("urn:test:2", "https://example.org/2022/07/02/two.html", "Lysychansk falls", "2022-07-02",
         "Ukrainian forces withdrew from the city.")]


def atom(items: list[dict]) -> str:
    entries = "".join(
        f"<entry><id>{i['guid']}</id><title>{i['title']}</title><link rel=\"alternate\" href=\"{i['link']}\"/>"
        f"<published>{i['date']}T09:00:00Z</published><updated>{i['date']}T10:00:00Z</updated>"
        f"<content type=\"html\">{html.escape(i['summary'])}</content></entry>" for i in items)
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<id>urn:test:feed</id><title>Test</title><updated>2022-07-03T10:00:00Z</updated>{entries}</feed>")


def json_feed(items: list[dict]) -> str:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Test", "items": [
        {"id": i["guid"], "url": i["link"], "title": i["title"], "date_published": f"{i['date']}T09:00:00+00:00",
         "content_html": i["summary"]} for i in items]})


@pytest.mark.parametrize("body, content_type", [
    (rss(ITEMS), "application/rss+xml"), (atom(ITEMS), "application/atom+xml"),
    (json_feed(ITEMS), "application/feed+json"),
], ids=["rss", "atom", "json-feed"])
def test_every_feed_format_gives_the_same_items(body, content_type):
    items = parse_feed(body.encode(), content_type)
    assert [(i.id, i.url, i.title, i.date, i.text) for i in items] == WANT


@pytest.mark.parametrize("body, reason", [
    (b"<html><body><p>Page</p></body></html>", "not a feed (RSS, Atom or JSON Feed)"),
    (b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>Half', "malformed feed: "),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "malformed JSON feed"),
    (b'{"items": []}', "not a feed: JSON without a jsonfeed.org 'version'"),
])
def test_what_is_not_a_feed_says_why(body, reason):
    with pytest.raises(NotAnArticle, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_feed(body)


def test_saved_pages_and_feed_files_in_the_landing_folder(tmp_path):
    from transforms.reading.ingest import ingest

    [record] = news_records(1)
    (tmp_path / "story.html").write_text(article_page(record))
    (tmp_path / "world.rss").write_text(rss(ITEMS))
    (tmp_path / "world.atom").write_text(atom(ITEMS[:1]))
    (tmp_path / "section.htm").write_text(section_page())
    (tmp_path / "sitemap.xml").write_text(section_page())
    (tmp_path / "events.csv").write_text("GLOBALEVENTID,SQLDATE\n1,20220703\n")
    got = ingest(tmp_path)

    page = next(a for a in got.articles if a["source_file"].endswith("story.html"))
    assert (page["title"], str(page["published_date"])) == (record["title"], record["date"])
    sentences = [s["text"] for s in got.sentences if s["article_id"] == page["article_id"]]
    assert sentences and not set(sentences) & set(BOILERPLATE)
    feed = sorted((a["external_id"], a["title"], str(a["published_date"]), a["url"], a["body"])
                  for a in got.articles if not a["source_file"].endswith("story.html"))
    # The RSS and the Atom file carry item 1 alike: it is read once.
    assert feed == sorted((i, t, d, u, text) for i, u, t, d, text in WANT)
    reasons = sorted(q["reason"].removeprefix(f"{tmp_path}/") for q in got.quarantine)
    assert reasons == [
        "events.csv: unsupported file type '.csv' (want .txt line files, .jsonl, .html pages or .xml/.atom/.rss feeds)",
        "section.htm: no article text (0 characters of prose, want 200)",
        "sitemap.xml: not a feed (RSS, Atom or JSON Feed): the body is an HTML page",
    ]


def test_an_unsupported_file_is_quarantined_but_not_marked_as_read(workspace):
    """So that a later version that reads it picks it up."""
    from transforms.reading import staging
    from transforms.stages.pipeline import stage

    (workspace.landing / "events.csv").write_text("GLOBALEVENTID,SQLDATE\n1,20220703\n")
    (workspace.landing / "world.rss").write_text(rss(ITEMS))
    stage(workspace.landing, workspace, "run_1")
    folder = staging.run_dir(workspace.staging, "run_1")
    read = staging.read(folder / staging.LANDING_FILES)["path"].tolist()
    assert read == [str(workspace.landing / "world.rss")]
    quarantined = staging.read(folder / staging.QUARANTINE)
    assert quarantined["source_file"].tolist() == [str(workspace.landing / "events.csv")]


@pytest.mark.parametrize("text, message", [
    ("sources: [{feed: 'https://example.org/rss.xml'}]", "source 1: needs a 'name'"),
    ("sources: [{name: a}]", "source 'a': needs a 'feed' or 'pages'"),
    ("sources: [{name: a, feed: 'ftp://example.org/x'}]", "source 'a': not an http(s) URL: 'ftp://example.org/x'"),
    ("sources: [{name: a, pages: 'https://example.org/x'}]", "source 'a': 'pages' is not a list of URLs"),
    ("sources: [{name: a, feed: 'https://e.org/f', min_interval: 2}]", "unknown key(s) ['min_interval']"),
    ("sources: [{name: a, feed: 'https://e.org/f', retries: -1}]", "'retries' must be a non-negative int"),
    ("sources: [{name: a, feed: 'https://e.org/f'}, {name: a, pages: ['https://e.org/p']}]",
     "source names repeat: ['a']"),
    ("sources: [name: a", "not YAML"),
])
def test_sources_file_mistakes_name_the_file_and_the_source(tmp_path, text, message):
    path = tmp_path / "sources.yml"
    path.write_text(text)
    with pytest.raises(SourcesError) as err:
        load_sources(path)
    assert str(err.value).startswith(f"{path}: ") and message in str(err.value)


def test_the_repository_sources_file_is_valid_and_empty():
    from transforms.config import settings

    assert load_sources(settings().sources) == []


def test_warledger_fetch_prints_each_source(tmp_path, capsys):
    from transforms.entry.cli import main

    [record] = news_records(1)
    site = LocalSite()
    try:
        site.routes["/story.html"] = static(article_page(record), "text/html")
        sources = tmp_path / "sources.yml"
        sources.write_text(json.dumps({"defaults": SETTINGS, "sources": [
            {"name": "saved", "pages": [f"{site.base}/story.html", f"{site.base}/gone.html"]}]}))
        assert main(["fetch", "--sources", str(sources), "--landing", str(tmp_path / "landing")]) == 0
    finally:
        site.close()
    out = capsys.readouterr().out
    assert "saved: 2 item(s) seen, 2 new, 1 fetched, 1 failed" in out
    assert f"failed: {site.base}/gone.html: HTTP 404 Not Found" in out
    assert "wrote 1 article(s) to " in out
