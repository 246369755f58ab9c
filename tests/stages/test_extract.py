"""The extraction stage on articles read as the pipeline reads them (ingest), with the real model."""

import json

from transforms.config import settings
from transforms.reading.ingest import ingest
from transforms.stages.extract import extract


def _attributions(tmp_path, sentences: list[str]) -> list[tuple[str, str | None]]:
    path = tmp_path / "article.jsonl"
    path.write_text(json.dumps({"id": "a1", "title": "Shelling in Kharkiv", "date": "2022-05-04", "url": None,
                                "text": " ".join(sentences)}) + "\n")
    articles, sentence_rows, _ = ingest(path).frames()
    figures = extract(articles, sentence_rows, settings().spacy_model).figures
    # a figure credited to no one reads back as NaN
    return [(f["category"], f["attributed_to"] if isinstance(f["attributed_to"], str) else None)
            for f in figures.sort_values("sentence_index").to_dict("records")]


def test_he_said_follows_the_speaker_of_the_sentence_before(tmp_path):
    assert _attributions(tmp_path, [
        "Oleh Synehubov, the governor of the Kharkiv region, said two people were killed.",
        "He said three more were wounded.",
    ]) == [("killed", "Oleh Synehubov"), ("injured", "Oleh Synehubov")]


def test_he_said_after_a_sentence_the_parser_skipped_is_no_one(tmp_path):
    """The sentence between has no casualty or event word, so the parser never reads it; it may name whom "he"
    means, so he stays unnamed."""
    found = _attributions(tmp_path, [
        "Oleh Synehubov, the governor of the Kharkiv region, said two people were killed.",
        "President Zelensky spoke later.",
        "He said three more were wounded.",
    ])
    assert found == [("killed", "Oleh Synehubov"), ("injured", None)]


def test_she_said_after_a_skipped_sentence_is_the_person_it_opens_with(tmp_path):
    """The parser never reads the sentence between, but its words introduce a person: "she" is her."""
    found = _attributions(tmp_path, [
        "Oleh Synehubov, the governor of the Kharkiv region, said two people were killed.",
        "Maria Kovalenko, a teacher, lives near the school.",
        "She said three more were wounded.",
    ])
    assert found == [("killed", "Oleh Synehubov"), ("injured", "Maria Kovalenko")]


def test_the_title_a_skipped_sentence_gives_a_name_resolves_later(tmp_path):
    assert _attributions(tmp_path, [
        "The regional governor, Serhiy Haidai, spoke to reporters in Bakhmut.",
        "The governor said eight civilians had been killed in Lysychansk.",
    ]) == [("killed", "Serhiy Haidai")]
