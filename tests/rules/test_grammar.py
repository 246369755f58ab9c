"""The pattern engine finds what spaCy's DependencyMatcher finds for the same rules, in the same order: the
engine walks the parse itself (for speed), and the DependencyMatcher is the meaning the rules are written in."""

from __future__ import annotations

import pytest
from spacy.matcher import DependencyMatcher
from spacy.tokens import Token

from transforms.rules import casualties, events
from transforms.rules.grammar import ATTRS, Grammar, _names

MODULES = {"casualties": casualties, "events": events}
SPACY_ATTRS = {"dep": "DEP", "pos": "POS", "tag": "TAG", "lemma": "LEMMA", "lower": "LOWER", "ent": "ENT_TYPE"}


def _matcher(grammar: Grammar, vocab) -> DependencyMatcher:
    """The rules as DependencyMatcher patterns, the predicates as token extensions."""
    for name, fn in grammar.predicates.items():
        if not Token.has_extension(f"test_{grammar.name}_{name}"):
            Token.set_extension(f"test_{grammar.name}_{name}", getter=lambda t, fn=fn: bool(fn(t)))
    matcher = DependencyMatcher(vocab)
    for rule in grammar.rules:
        pattern = []
        for i, (name, spec) in enumerate(rule.nodes):
            attrs: dict = {SPACY_ATTRS[key]: ({"IN": value} if isinstance(value, list) else value)
                           for key, value in spec.items() if key in ATTRS}
            tests = {f"test_{grammar.name}_{p}": True for p in _names(spec.get("is"))}
            tests.update({f"test_{grammar.name}_{p}": False for p in _names(spec.get("not"))})
            if tests:
                attrs["_"] = tests
            step: dict = {"RIGHT_ID": name, "RIGHT_ATTRS": attrs}
            if i:
                left, op = spec["rel"].split()
                step.update(LEFT_ID=left, REL_OP=op)
            pattern.append(step)
        matcher.add(rule.name, [pattern])
    return matcher


@pytest.mark.parametrize("file", MODULES)
def test_the_engine_finds_the_dependency_matchers_matches(language, file):
    grammar = MODULES[file].grammar()
    assert set(SPACY_ATTRS) == set(ATTRS)
    order = {rule.name: rule.order for rule in grammar.rules}
    # every rule's example, and the sentences of the others' (a rule must also not match where it should not)
    doc = language(" ".join(rule.example for rule in grammar.rules))
    matcher = _matcher(grammar, doc.vocab)
    for sent in doc.sents:
        want = [(doc.vocab.strings[key], ids) for key, ids in matcher(doc)
                if all(sent.start <= i < sent.end for i in ids)]
        want.sort(key=lambda m: (order[m[0]], sorted(m[1])))
        got = [(m.rule.name, [m.tokens[name].i for name, _ in m.rule.nodes]) for m in grammar.matches(sent)]
        assert got == want, sent.text
