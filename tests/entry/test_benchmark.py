"""The benchmark's input: the corpus repeated to N distinct articles with the corpus's mix."""

from __future__ import annotations

import json

from conftest import CORPUS


def test_benchmark_repeats_the_corpus_as_distinct_articles(tmp_path):
    from transforms.entry.benchmark import repeat_corpus
    from transforms.reading.ingest import ingest_files

    n = 450                                       # past one file and past one copy of the corpus (407 records)
    landing = repeat_corpus(CORPUS, n, tmp_path)
    assert len(list(landing.glob("*.jsonl"))) == 2
    articles = ingest_files(sorted(landing.glob("*.jsonl")), 20).frames()[0]
    assert len(articles) == n and articles["article_id"].is_unique
    # Each copy is the whole corpus in one shuffled order, so a part-copy has the corpus's mix.
    ids = [json.loads(line)["id"] for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    first, rest = list(articles["external_id"][:len(ids)]), list(articles["external_id"][len(ids):])
    assert sorted(first) == sorted(ids) and first != ids and rest == first[:n - len(ids)]
