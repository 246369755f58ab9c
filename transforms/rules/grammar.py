"""A small rule engine: declarative dependency patterns, read from YAML files in patterns/.

A grammar file lists rules; each rule names its tokens (nodes) and how they hang
together in the parse, and compiles to one spaCy DependencyMatcher pattern. Words
are tested by spaCy attributes (dep, pos, tag, lemma, lower, ent) and by named
predicates that the grammar's user supplies in Python (``is: [trigger, passive]``):
the rules say which construction, the predicates what a word means. The README
("How to add a pattern") documents the format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from importlib.resources import files
from importlib.resources.abc import Traversable

import yaml
from spacy.matcher import DependencyMatcher
from spacy.tokens import Span, Token
from spacy.vocab import Vocab

PATTERN_DIR = files(__package__) / "patterns"
ATTRS = {"dep": "DEP", "pos": "POS", "tag": "TAG", "lemma": "LEMMA", "lower": "LOWER", "ent": "ENT_TYPE"}
NODE_KEYS = set(ATTRS) | {"rel", "is", "not"}
RULE_KEYS = {"name", "nodes", "roles", "example", "expect", "why"}


class GrammarError(ValueError):
    """A grammar file that does not say what the engine can compile; the message names file and rule."""


@dataclass(frozen=True)
class Rule:
    name: str
    nodes: tuple[tuple[str, dict], ...]
    roles: dict[str, str]      # output role -> node; every node is also a role of its own name
    example: str
    expect: tuple[dict, ...]
    order: int

    def pattern(self, predicate_prefix: str) -> list[dict]:
        out = []
        for i, (name, spec) in enumerate(self.nodes):
            step: dict = {"RIGHT_ID": name, "RIGHT_ATTRS": _attrs(spec, predicate_prefix)}
            if i:
                left, op = spec["rel"].split()
                step.update(LEFT_ID=left, REL_OP=op)
            out.append(step)
        return out


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
        for pred, fn in predicates.items():
            ext = f"{name}_{pred}"
            if not Token.has_extension(ext):
                Token.set_extension(ext, getter=_boolean(fn))

    def _matcher(self, vocab: Vocab) -> DependencyMatcher:
        matcher = self._matchers.get(id(vocab))
        if matcher is None:
            matcher = DependencyMatcher(vocab)
            for rule in self.rules:
                matcher.add(rule.name, [rule.pattern(self.name)])
            self._matchers[id(vocab)] = matcher
        return matcher

    @cached_property
    def _matchers(self) -> dict[int, DependencyMatcher]:
        return {}

    def matches(self, sent: Span) -> list[Match]:
        """Every match inside the sentence, in file order of the rules, then by token position."""
        doc = sent.doc
        by_name = {r.name: r for r in self.rules}
        out = []
        for key, ids in self._matcher(doc.vocab)(doc):
            rule = by_name[doc.vocab.strings[key]]
            if all(sent.start <= i < sent.end for i in ids):
                out.append(Match(rule, {name: doc[i] for (name, _), i in zip(rule.nodes, ids)}))
        return sorted(out, key=lambda m: (m.rule.order, sorted(t.i for t in m.tokens.values())))


def _boolean(fn: Callable[[Token], bool]) -> Callable[[Token], bool]:
    return lambda tok: bool(fn(tok))


def _attrs(spec: dict, prefix: str) -> dict:
    attrs: dict = {}
    for key, attr in ATTRS.items():
        if key in spec:
            value = spec[key]
            attrs[attr] = {"IN": value} if isinstance(value, list) else value
    tests = {f"{prefix}_{p}": True for p in _names(spec.get("is"))}
    tests.update({f"{prefix}_{p}": False for p in _names(spec.get("not"))})
    if tests:
        attrs["_"] = tests
    return attrs


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
        unknown = (set(_names(spec.get("is"))) | set(_names(spec.get("not")))) - predicates
        if unknown:
            raise GrammarError(f"{where}: node {name} tests unknown predicates {sorted(unknown)}")
        seen.add(name)
    roles = dict(raw.get("roles") or {})
    if set(roles.values()) - seen:
        raise GrammarError(f"{where}: roles name no node: {sorted(set(roles.values()) - seen)}")
    expect = raw["expect"] if isinstance(raw["expect"], list) else [raw["expect"]]
    return Rule(raw["name"], tuple(nodes), roles, raw["example"], tuple(expect), order)


def _node(where: str, raw) -> tuple[str, dict]:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise GrammarError(f"{where}: each node is one 'name: {{tests}}' mapping, got {raw!r}")
    (name, spec), = raw.items()
    spec = spec or {}
    if set(spec) - NODE_KEYS:
        raise GrammarError(f"{where}: node {name} has unknown keys {sorted(set(spec) - NODE_KEYS)}")
    for key in set(spec) & set(ATTRS):
        value = spec[key]
        values = [v for vs in value.values() for v in _names(vs)] if isinstance(value, dict) else _names(value)
        if not all(isinstance(v, str) for v in values):
            # YAML reads a bare on, off, yes or no as a boolean: "lower: [on, at]" would test for True.
            raise GrammarError(f"{where}: node {name} {key}: {value!r} is not a word; quote it")
    return str(name), dict(spec)
