"""Ingest on real articles, and every kind of bad input quarantined with a reason that names its file."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

from conftest import CORPUS, SAMPLE_ARTICLE
from transforms.reading.ingest import ingest, split_sentences


def test_line_file_keeps_its_sentences_as_given():
    got = ingest(SAMPLE_ARTICLE)
    assert not got.quarantine
    [article] = got.articles
    assert article["title"] == "Ukrainian forces withdraw from Lysychansk their last holdout in key region"
    assert article["published_date"] == date(2022, 7, 3)
    assert article["source"] == "cbs58.com"
    assert article["external_id"] is None
    assert len(got.sentences) == 38
    assert got.sentences[0]["text"].startswith("The city of Kramatorsk was also hit")


def test_jsonl_records_are_split_into_sentences(tmp_path):
    records = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").split("\n")[:3]]
    path = tmp_path / "three.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records))
    got = ingest(path)
    assert [a["external_id"] for a in got.articles] == [r["id"] for r in records]
    assert all(a["url"] is None and len(a["article_id"]) == 16 for a in got.articles)
    assert len(got.sentences) > 3 * 5


def test_prose_splits_on_sentences_and_lines():
    text = ("KABUL, Afghanistan (Jan. 25, 2013)\nDuring a security operation, a force killed two insurgents. "
            "No civilians were hurt.")
    assert split_sentences(text) == [
        "KABUL, Afghanistan (Jan. 25, 2013)",
        "During a security operation, a force killed two insurgents.",
        "No civilians were hurt.",
    ]


def test_unicode_line_separators_and_datelines_end_sentences():
    # ISAF releases separate their header lines with U+2028; the dateline is the filing day, not the event's.
    text = ("ISAF Joint Command - Afghanistan\u20282011-03-S-081\u2028For Immediate Release\u2028\u2028"
            "KABUL, Afghanistan (Jan. 14) \u2014 An Afghan and coalition security force conducted an operation.")
    assert split_sentences(text) == [
        "ISAF Joint Command - Afghanistan", "2011-03-S-081", "For Immediate Release",
        "KABUL, Afghanistan (Jan. 14)", "An Afghan and coalition security force conducted an operation.",
    ]
    # A parenthesis inside a sentence is no dateline.
    assert split_sentences("At least eight people (omitting a senior police officer) have been killed.") == [
        "At least eight people (omitting a senior police officer) have been killed."]


def test_article_id_is_stable_and_same_article_twice_is_read_once(tmp_path):
    shutil.copy(SAMPLE_ARTICLE, tmp_path / "a.txt")
    shutil.copy(SAMPLE_ARTICLE, tmp_path / "b.txt")
    got = ingest(tmp_path)
    assert len(got.articles) == 1
    assert got.articles[0]["article_id"] == ingest(SAMPLE_ARTICLE).articles[0]["article_id"]


def test_changed_body_under_same_url_is_another_version(tmp_path):
    original = SAMPLE_ARTICLE.read_text()
    (tmp_path / "v1.txt").write_text(original)
    first = ingest(tmp_path).articles[0]
    (tmp_path / "v1.txt").write_text(original + "A late line added by the editors.\n")
    second = ingest(tmp_path).articles[0]
    assert first["article_id"] == second["article_id"]
    assert first["content_hash"] != second["content_hash"]


BAD_INPUTS = {
    "empty.txt": (b"", "empty file"),
    "no_title.txt": (b"20220703\nhttps://example.com/a\nThree people were killed.\n", "missing title line"),
    "bad_date.txt": (b"A title\n2022-13-45\nhttps://example.com/a\nThree people were killed.\n",
                     "line 2 is not a date"),
    "latin1.txt": ("A title\n20220703\nhttps://example.com/a\nKyiv caf\u00e9 hit.\n".encode("latin-1"), "not UTF-8"),
    "records.jsonl": (b'{"id": "x1", "title": "T", "date": "2022-07-03", "url": null, "text": "Two died."}\n'
                      b'{not json\n',
                      "line 2: not JSON"),
    "bad_record_date.jsonl": (b'{"id": "x2", "title": "T", "date": "yesterday", "url": null, "text": "Two died."}\n',
                              "'date' is not a date"),
    "notes.pdf": (b"%PDF-1.4", "unsupported file type"),
    "flag_id.jsonl": (b'{"id": true, "title": "T", "date": "2022-07-03", "url": null, "text": "Two died."}\n',
                      "'id' is a JSON bool, not a string or number"),
    "invisible.jsonl": (b'{"id": "x4", "title": "T", "date": "2022-07-03", "url": null, "text": "\\u200b "}\n',
                        "no 'text'"),
    "typed.jsonl": (b'{"id": "x3", "title": "T", "date": "2022-07-03", "url": null, "source": 5, '
                    b'"text": "Two died."}\n',
                    "'source' is a JSON int, not a string"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_quarantined_with_file_and_reason(tmp_path, name):
    content, reason = BAD_INPUTS[name]
    (tmp_path / name).write_bytes(content)
    shutil.copy(SAMPLE_ARTICLE, tmp_path / "good.txt")
    got = ingest(tmp_path)
    assert any(a["title"].startswith("Ukrainian forces withdraw") for a in got.articles)
    [bad] = got.quarantine
    assert name in bad["reason"] and reason in bad["reason"], bad["reason"]
    assert str(tmp_path / name) == bad["source_file"]


def test_good_records_of_a_jsonl_file_survive_its_bad_lines(tmp_path):
    (tmp_path / "mixed.jsonl").write_bytes(BAD_INPUTS["records.jsonl"][0] + b"\xff\xfe broken bytes\n")
    got = ingest(tmp_path)
    assert [a["external_id"] for a in got.articles] == ["x1"]
    assert sorted(q["record_ref"] for q in got.quarantine) == ["line 2", "line 3"]
    assert "line 3 is not UTF-8" in got.quarantine[1]["reason"]


def test_oversized_file_is_quarantined_without_being_read(tmp_path):
    big = tmp_path / "huge.jsonl"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    got = ingest(tmp_path, max_file_mb=20)
    [bad] = got.quarantine
    assert "huge.jsonl" in bad["reason"] and "52.4 MB, over the 20 MB limit" in bad["reason"]


def test_gold_annotations_beside_samples_are_not_articles():
    got = ingest(SAMPLE_ARTICLE.parent)
    assert len(got.articles) == 1 and not got.quarantine


def test_byte_order_marks_are_not_content(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\xef\xbb\xbf" + SAMPLE_ARTICLE.read_bytes())
    (tmp_path / "b.jsonl").write_bytes(b'\xef\xbb\xbf{"id": "x1", "title": "T", "date": "2022-07-03", "url": null, '
                                       b'"text": "Two died."}\n')
    got = ingest(tmp_path)
    assert not got.quarantine
    assert sorted(a["title"] for a in got.articles) == [
        "T", "Ukrainian forces withdraw from Lysychansk their last holdout in key region"]


def test_a_blank_date_is_no_date_and_every_line_may_carry_a_byte_order_mark(tmp_path):
    record = b'{"id": "x1", "title": "T", "date": "  ", "url": null, "text": "Two died."}'
    second = record.replace(b"x1", b"x2").replace(b"Two", b"Three")
    (tmp_path / "joined.jsonl").write_bytes(b"\xef\xbb\xbf" + record + b"\n\xef\xbb\xbf" + second)
    got = ingest(tmp_path)
    assert not got.quarantine
    assert [(a["external_id"], a["published_date"]) for a in got.articles] == [("x1", None), ("x2", None)]


def test_a_parenthesis_after_a_name_is_no_dateline():
    assert split_sentences("Mr. Zelensky (in a video, 2022) said ten died.") == [
        "Mr. Zelensky (in a video, 2022) said ten died."]
