"""What the rules of every component share about spaCy's dependency parse: where a clause begins."""

from __future__ import annotations

from collections.abc import Collection

from spacy.tokens import Token

# Dependencies that open a new clause: a trigger below one belongs to another event.
CLAUSE_DEPS = frozenset({"ccomp", "advcl", "relcl", "acl", "xcomp", "conj", "parataxis", "csubj", "csubjpass"})
VERBAL = ("VERB", "AUX")


def clause_head(tok: Token, stop: Collection[str] = ()) -> Token:
    """The verb whose clause the word belongs to: a noun climbs to its verb (or the sentence's root), and
    stops early on a dependency of ``stop`` (CLAUSE_DEPS: a noun that opens a clause of its own heads it)."""
    while tok.pos_ not in VERBAL and tok.dep_ not in stop and tok.head != tok:
        tok = tok.head
    return tok
