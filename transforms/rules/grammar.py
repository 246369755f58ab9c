"""A small rule engine: declarative dependency patterns, read from YAML files in patterns/.

A grammar file lists rules; each rule names its tokens (nodes) and how they hang
together in the parse, in the form of spaCy's DependencyMatcher patterns. Words
are tested by spaCy attributes (dep, pos, tag, lemma, lower, ent) and by named
predicates that the grammar's user supplies in Python (``is: [trigger, passive]``):
the rules say which construction, the predicates what a word means. The README
("How to add a pattern") documents the format.

The matches are those spaCy's DependencyMatcher finds, in its order, but found by walking the parse
from the first node's words: the DependencyMatcher runs every node's test on every word (every
predicate of the file on every word, eagerly) and tries the cartesian product of the nodes' words,
where a walk only tests the words an earlier node's relation reaches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import NamedTuple

import yaml
from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

PATTERN_DIR = files(__package__) / "patterns"
ATTRS = {"dep": "dep_", "pos": "pos_", "tag": "tag_", "lemma": "lemma_", "lower": "lower_", "ent": "ent_type_"}
NODE_KEYS = set(ATTRS) | {"rel", "is", "not"}
RULE_KEYS = {"name", "nodes", "roles", "example", "expect", "why", "hedge", "one_victim"}
SET_OPERATORS = ("IN", "NOT_IN")
# spaCy's relation operators (">" child, "<" head, ">>" descendant, "." right after, ...), as its DependencyMatcher
# resolves them: (doc, token index) -> the related tokens.
RELATIONS: dict[str, Callable[[Doc, int], list[Token]]] = DependencyMatcher(Vocab())._ops


class GrammarError(ValueError):
    """A grammar file that does not say what the engine can compile; the message names file and rule."""


class NodeTest(NamedTuple):
    """What a node asks of a word: (attribute, the values it may have, refuse those instead) and
    (predicate, the truth it must have)."""
    attrs: tuple[tuple[str, frozenset[str], bool], ...]
    predicates: tuple[tuple[str, bool], ...]


class Step(NamedTuple):
    left: int          # the earlier node this one hangs on (-1 for the first)
    relation: str
    test: int          # the grammar's number for the node's test: the rules' many identical tests are one


@dataclass(frozen=True)
class Rule:
    name: str
    nodes: tuple[tuple[str, dict], ...]
    roles: dict[str, str]      # output role -> node; every node is also a role of its own name
    example: str
    expect: tuple[dict, ...]
    order: int
    hedge: str | None = None   # what the match says of its count: "at least" for a part of the harmed
    # whether a person in the quantity slot with no number is one victim ("a woman was wounded"); not in a
    # part of a count already counted ("including a girl")
    one_victim: bool = True


@dataclass(frozen=True)
class Match:
    rule: Rule
    tokens: dict[str, Token] = field(hash=False)

    def __getitem__(self, role: str) -> Token:
        return self.tokens[self.rule.roles.get(role, role)]

    def get(self, role: str) -> Token | None:
        return self.tokens.get(self.rule.roles.get(role, role))


class Grammar:
    """The rules of one pattern file, with the predicates its ``is:``/``not:`` tests name."""

    def __init__(self, name: str, predicates: dict[str, Callable[[Token], bool]], path: Traversable | None = None):
        self.name = name
        self.path = path or PATTERN_DIR / f"{name}.yml"
        self.predicates = predicates
        self.rules = _read_rules(self.path, set(predicates))
        self._tests: dict[NodeTest, int] = {}
        self._steps = [self._compiled(rule) for rule in self.rules]

    def _compiled(self, rule: Rule) -> tuple[Step, ...]:
        names = [name for name, _ in rule.nodes]
        steps = []
        for i, (_, spec) in enumerate(rule.nodes):
            left, relation = spec["rel"].split() if i else (names[0], "")
            test = self._tests.setdefault(_test(spec), len(self._tests))
            steps.append(Step(names.index(left) if i else -1, relation, test))
        return tuple(steps)

    def matches(self, sent: Span) -> list[Match]:
        """Every match inside the sentence, in file order of the rules, then by token position."""
        doc = sent.doc
        walk = _Walk(sent, list(self._tests), self.predicates)
        out = []
        for rule, steps in zip(self.rules, self._steps):
            for ids in walk.bind(steps):
                if all(sent.start <= i < sent.end for i in ids):
                    out.append(Match(rule, {name: doc[i] for (name, _), i in zip(rule.nodes, ids)}))
        return sorted(out, key=lambda m: (m.rule.order, sorted(t.i for t in m.tokens.values())))


class _Walk:
    """One sentence's matching: each predicate and relation is worked out once per word. A match starts in the
    sentence, but a relation may reach a word past it ("." the next word), so the columns are the doc's."""

    def __init__(self, sent: Span, tests: list[NodeTest], predicates: dict[str, Callable[[Token], bool]]):
        self.sent = sent
        self.doc = doc = sent.doc
        self.tests = tests
        self.predicates = predicates
        self.tokens = list(doc)
        self.columns = {attr: [getattr(t, attr) for t in self.tokens] for attr in {a for test in tests
                                                                                     for a, _, _ in test.attrs}}
        self._truths: dict[str, list[bool | None]] = {}
        self._related: dict[tuple[int, str], list[int]] = {}
        self._firsts: dict[int, list[int]] = {}

    def bind(self, steps: tuple[Step, ...]) -> list[list[int]]:
        """The token indices of every match, node by node, in the DependencyMatcher's order (the nodes'
        indices in ascending order, the first node's first)."""
        found = [[i] for i in self.firsts(steps[0].test)]
        for step in steps[1:]:
            found = [ids + [j] for ids in found for j in self.related(ids[step.left], step.relation)
                     if self.passes(step.test, j)]
            if not found:
                break
        return found

    def firsts(self, test: int) -> list[int]:
        """The words that pass a first node's test: attribute by attribute over the sentence, the predicates
        last and only on the words left."""
        found = self._firsts.get(test)
        if found is None:
            attrs, predicates = self.tests[test]
            found = list(range(self.sent.start, self.sent.end))
            for attr, values, refused in attrs:
                column = self.columns[attr]
                found = [i for i in found if (column[i] in values) != refused]
            for name, wanted in predicates:
                found = [i for i in found if self.truth(name, i) == wanted]
            self._firsts[test] = found
        return found

    def passes(self, test: int, i: int) -> bool:
        attrs, predicates = self.tests[test]
        for attr, values, refused in attrs:
            if (self.columns[attr][i] in values) == refused:
                return False
        return all(self.truth(name, i) == wanted for name, wanted in predicates)

    def related(self, i: int, relation: str) -> list[int]:
        key = (i, relation)
        if key not in self._related:
            self._related[key] = sorted(t.i for t in RELATIONS[relation](self.doc, i))
        return self._related[key]

    def truth(self, name: str, i: int) -> bool:
        truths = self._truths.get(name)
        if truths is None:
            truths = self._truths[name] = [None] * len(self.tokens)
        found = truths[i]
        if found is None:
            found = truths[i] = bool(self.predicates[name](self.tokens[i]))
        return found


def _test(spec: dict) -> NodeTest:
    attrs = []
    for key, attr in ATTRS.items():
        if key in spec:
            value = spec[key]
            if isinstance(value, dict):
                ((operator, values),) = value.items()
                attrs.append((attr, frozenset(_names(values)), operator == "NOT_IN"))
            else:
                attrs.append((attr, frozenset(_names(value)), False))
    predicates = [(p, True) for p in _names(spec.get("is"))] + [(p, False) for p in _names(spec.get("not"))]
    return NodeTest(tuple(attrs), tuple(predicates))


def _names(value) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def _read_rules(path: Traversable, predicates: set[str]) -> tuple[Rule, ...]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise GrammarError(f"{path}: cannot read the grammar: {err}") from err
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise GrammarError(f"{path}: a grammar file is a mapping with a list under 'rules'")
    rules = [_rule(path, i, raw, predicates) for i, raw in enumerate(data["rules"])]
    names = [r.name for r in rules]
    if len(set(names)) != len(names):
        raise GrammarError(f"{path}: rule names repeat: {sorted({n for n in names if names.count(n) > 1})}")
    return tuple(rules)


def _rule(path: Traversable, order: int, raw: dict, predicates: set[str]) -> Rule:
    where = f"{path}: rule {raw.get('name', order) if isinstance(raw, dict) else order}"
    if not isinstance(raw, dict) or not {"name", "nodes", "example", "expect"} <= set(raw):
        raise GrammarError(f"{where}: needs name, nodes, example and expect")
    if set(raw) - RULE_KEYS:
        raise GrammarError(f"{where}: unknown keys {sorted(set(raw) - RULE_KEYS)}")
    nodes = [_node(where, n) for n in raw["nodes"]]
    seen: set[str] = set()
    for i, (name, spec) in enumerate(nodes):
        if i and ("rel" not in spec or len(spec["rel"].split()) != 2 or spec["rel"].split()[0] not in seen):
            raise GrammarError(f"{where}: node {name} needs rel: '<earlier node> <operator>'")
        if i and spec["rel"].split()[1] not in RELATIONS:
            raise GrammarError(f"{where}: node {name} relates by {spec['rel'].split()[1]!r}, no operator of spaCy's")
        unknown = (set(_names(spec.get("is"))) | set(_names(spec.get("not")))) - predicates
        if unknown:
            raise GrammarError(f"{where}: node {name} tests unknown predicates {sorted(unknown)}")
        seen.add(name)
    roles = dict(raw.get("roles") or {})
    if set(roles.values()) - seen:
        raise GrammarError(f"{where}: roles name no node: {sorted(set(roles.values()) - seen)}")
    expect = raw["expect"] if isinstance(raw["expect"], list) else [raw["expect"]]
    if not isinstance(raw.get("one_victim", True), bool):
        raise GrammarError(f"{where}: one_victim is true or false, not {raw['one_victim']!r}")
    return Rule(raw["name"], tuple(nodes), roles, raw["example"], tuple(expect), order, raw.get("hedge"),
                raw.get("one_victim", True))


def _node(where: str, raw) -> tuple[str, dict]:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise GrammarError(f"{where}: each node is one 'name: {{tests}}' mapping, got {raw!r}")
    (name, spec), = raw.items()
    spec = spec or {}
    if set(spec) - NODE_KEYS:
        raise GrammarError(f"{where}: node {name} has unknown keys {sorted(set(spec) - NODE_KEYS)}")
    for key in set(spec) & set(ATTRS):
        value = spec[key]
        if isinstance(value, dict) and (len(value) != 1 or set(value) - set(SET_OPERATORS)):
            raise GrammarError(f"{where}: node {name} {key}: {value!r} is neither a value, a list nor one of "
                               f"{{{', '.join(f'{op}: [...]' for op in SET_OPERATORS)}}}")
        values = [v for vs in value.values() for v in _names(vs)] if isinstance(value, dict) else _names(value)
        if not all(isinstance(v, str) for v in values):
            # YAML reads a bare on, off, yes or no as a boolean: "lower: [on, at]" would test for True.
            raise GrammarError(f"{where}: node {name} {key}: {value!r} is not a word; quote it")
    return str(name), dict(spec)
