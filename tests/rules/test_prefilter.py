"""The sentence gate: the tokenizer alone decides which sentences need the parser, and it loses nothing."""

from __future__ import annotations

import json
from itertools import islice

import pytest

from conftest import CORPUS, SAMPLE_ARTICLE
from transforms.config import settings

MODEL = settings().spacy_model


def test_sentences_without_a_trigger_word_yield_nothing():
    """The gate's promise, checked on real text with the full pipeline: what it skips has no figure and no event."""
    from transforms.reading.ingest import split_sentences
    from transforms.rules import nlp, prefilter
    from transforms.rules.casualties import extract_figures
    from transforms.rules.events import extract_events

    texts = split_sentences(SAMPLE_ARTICLE.read_text(encoding="utf-8"))
    for line in islice(CORPUS.open(encoding="utf-8"), 0, 400, 20):
        texts += split_sentences(json.loads(line)["text"])
    _, needed = prefilter.gate(MODEL).split(texts)
    skipped = [t for t, need in zip(texts, needed) if not need]
    assert skipped and len(skipped) < len(texts)
    for doc in nlp.load(MODEL).pipe(skipped):
        assert extract_figures(doc[:], None) == [] and extract_events(doc[:], None) == [], doc.text


@pytest.mark.parametrize("text, needed", [
    ("Three civilians were killed in Kharkiv.", True),
    ("Two soldiers were slain overnight.", True),             # an irregular form: the lemmatizer's exceptions
    ("Russian forces shelled the town.", True),
    ("The talks resumed in Geneva on Monday.", False),
    ("Prices rose by 12% in the year to June.", False),
    ("Seven more people were injuered.", True),               # a misspelt trigger (transforms/rules/spelling.py)
    ("The school was founded in 1990.", False),               # a real word one letter from "wounded"
])
def test_gate_reads_every_form_a_trigger_can_take(text, needed):
    from transforms.rules import prefilter

    gate = prefilter.gate(MODEL)
    assert gate.needs_parse(gate.language.tokenizer(text)) is needed


def test_gate_words_come_from_the_vocabularies():
    from transforms.rules import prefilter, vocab

    singles, phrases = prefilter.trigger_phrases()
    assert set(vocab.column("casualty_triggers", "lemma")) <= singles
    assert set(vocab.column("event_frames", "lemma")) <= singles
    assert {frozenset(p.split()) for p in vocab.column("resultatives", "phrase")} <= set(phrases)
