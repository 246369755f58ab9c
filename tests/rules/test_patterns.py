"""Every rule of every pattern file gives what its example says, parsed by the real spaCy model;
and the engine names the file and the rule when a pattern file is wrong."""

from __future__ import annotations

from datetime import date

import pytest

from transforms.rules import events
from transforms.rules.casualties import extract_figures, grammar
from transforms.rules.grammar import Grammar, GrammarError

CASUALTY_RULES = grammar().rules
EVENT_RULES = events.grammar().rules


@pytest.mark.parametrize("rule", CASUALTY_RULES, ids=[r.name for r in CASUALTY_RULES])
def test_casualty_pattern_example(language, rule):
    sent = language(rule.example)[:]
    assert rule.name in {m.rule.name for m in grammar().matches(sent)}, f"{rule.name} does not match its example"
    found = [vars(f) for f in extract_figures(sent, date(2022, 7, 3))]
    for want in rule.expect:
        assert any(all(f[k] == v for k, v in want.items()) for f in found), (rule.name, want, found)


@pytest.mark.parametrize("rule", EVENT_RULES, ids=[r.name for r in EVENT_RULES])
def test_event_pattern_example(language, rule):
    sent = language(rule.example)[:]
    assert rule.name in {m.rule.name for m in events.grammar().matches(sent)}, f"{rule.name} does not match its example"
    found = [{**vars(e), "place": e.location.name if e.location else None}
             for e in events.extract_events(sent, date(2022, 7, 3), {"UA", "RU", "BY"})]
    for want in rule.expect:
        assert any(all(e[k] == v for k, v in want.items()) for e in found), (rule.name, want, found)


def test_rules_are_tried_in_file_order(language):
    doc = language("Gunmen killed 14 villagers and 12 people killed in the blast were civilians.")
    matches = grammar().matches(doc[:])
    orders = [m.rule.order for m in matches]
    assert orders == sorted(orders) and orders


def _grammar(tmp_path, text: str) -> Grammar:
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    return Grammar("bad", {"trigger": lambda t: True}, path)


@pytest.mark.parametrize("text, problem", [
    ("rules: [{name: a, example: x, expect: {}, nodes: [{q: {}}, {t: {dep: nsubj}}]}]", "node t needs rel"),
    ("rules: [{name: a, example: x, expect: {}, nodes: [{q: {is: victim}}]}]", "unknown predicates ['victim']"),
    ("rules: [{name: a, example: x, nodes: [{q: {}}]}]", "needs name, nodes, example and expect"),
    ("rules: [{name: a, example: x, expect: {}, nodes: [{q: {colour: red}}]}]", "unknown keys ['colour']"),
    ("rules: [{name: a, example: x, expect: {}, nodes: [{q: {}}]}, "
     "{name: a, example: x, expect: {}, nodes: [{q: {}}]}]",
     "rule names repeat"),
    ("nodes: []", "a list under 'rules'"),
    ("rules: [{name: a, example: x, expect: {}, nodes: [{q: {lower: [on, at]}}]}]", "is not a word; quote it"),
])
def test_a_bad_pattern_file_is_named_with_its_problem(tmp_path, text, problem):
    with pytest.raises(GrammarError) as err:
        _grammar(tmp_path, text)
    assert "bad.yml" in str(err.value) and problem in str(err.value)
