"""Every rule of every pattern file gives what its example says, parsed by the real spaCy model;
and the engine names the file and the rule when a pattern file is wrong."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from transforms.rules import casualties, events
from transforms.rules.grammar import PATTERN_DIR, Grammar, GrammarError

MODULES = {"casualties": casualties, "events": events}
RULES = [(file, rule) for file, module in MODULES.items() for rule in module.grammar().rules]
RULE_IDS = [f"{file}:{rule.name}" for file, rule in RULES]


@pytest.fixture(scope="module")
def examples(language):
    """Each rule's example, parsed once for the module."""
    return {(file, rule.name): language(rule.example)[:] for file, rule in RULES}


def _found(file: str, sent) -> list[dict]:
    if file == "casualties":
        return [vars(f) for f in casualties.extract_figures(sent, date(2022, 7, 3))]
    return [{**vars(e), "place": e.location.name if e.location else None}
            for e in events.extract_events(sent, date(2022, 7, 3), {"UA", "RU", "BY"})]


def _missing(rule, found: list[dict]) -> list[dict]:
    """The expected records the extraction did not give."""
    return [want for want in rule.expect if not any(all(f.get(k) == v for k, v in want.items()) for f in found)]


@pytest.mark.parametrize("file, rule", RULES, ids=RULE_IDS)
def test_pattern_example(examples, file, rule):
    sent = examples[(file, rule.name)]
    grammar = MODULES[file].grammar()
    assert rule.name in {m.rule.name for m in grammar.matches(sent)}, f"{rule.name} does not match its example"
    found = _found(file, sent)
    assert not _missing(rule, found), (rule.name, _missing(rule, found), found)


@pytest.mark.parametrize("file, rule", RULES, ids=RULE_IDS)
def test_every_rule_is_needed_by_its_example(tmp_path, monkeypatch, examples, file, rule):
    """Without the rule its example no longer gives its expect: a rule whose example passes without it is
    untested (breaking it fails nothing)."""
    module = MODULES[file]
    raw = yaml.safe_load((PATTERN_DIR / f"{file}.yml").read_text(encoding="utf-8"))
    raw["rules"] = [r for r in raw["rules"] if r["name"] != rule.name]
    path = tmp_path / f"{file}.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    # A grammar of its own for this test only: the module's cached one is left as it is for the others.
    without = Grammar(file, module.PREDICATES, path)
    monkeypatch.setattr(module, "grammar", lambda: without)
    assert _missing(rule, _found(file, examples[(file, rule.name)])), f"{rule.name}'s example passes without it"


def test_rules_are_tried_in_file_order(language):
    doc = language("Gunmen killed 14 villagers and 12 people killed in the blast were civilians.")
    matches = casualties.grammar().matches(doc[:])
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
    ("rules: [{name: a, example: x, expect: {}, nodes: [{q: {}}, {t: {rel: q >>>}}]}]", "no operator of spaCy's"),
    ("rules: [{name: a, example: x, expect: {}, nodes: [{q: {dep: {REGEX: subj}}}]}]", "neither a value, a list"),
])
def test_a_bad_pattern_file_is_named_with_its_problem(tmp_path, text, problem):
    with pytest.raises(GrammarError) as err:
        _grammar(tmp_path, text)
    assert "bad.yml" in str(err.value) and problem in str(err.value)
