"""Casualty figures from one parsed sentence, by the rules of shared/CASUALTY_GUIDE.md.

A figure is a quantity of people tied through the dependency parse to a word
that says what happened to them (vocab/casualty_triggers.csv). Every sentence
is read on its own plus the article's publication date: sentences of line
files come in no particular order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from spacy.tokens import Span, Token

from transforms import vocab
from transforms.attribution import Attribution, find_attribution
from transforms.dates import find_dates
from transforms.numbers import NOUN_NUMBERS, SCALES, is_number_word, parse_number
from transforms.places import Place, find_places

# Subjects of these are their victims even in the active voice ("six people died").
INTRANSITIVE = {"die", "flee", "perish", "miss", "drown", "disappear"}
# "15 people sustained injuries", "the toll rose to 45", "3 were reported dead".
LINKING_VERBS = {"sustain", "suffer", "receive", "be", "rise", "climb", "reach", "stand", "increase", "jump", "hit", "leave", "remain", "report", "confirm"}
TALLY_NOUNS = {"toll", "tally", "number", "count", "total", "figure"}
NEGATORS = {"no", "none", "nobody", "zero"}
HYPOTHETICAL_AUX = {"could", "would", "might", "may", "can", "will", "'ll", "should", "must"}
HYPOTHETICAL_HEADS = {"threaten", "vow", "plan", "warn", "risk", "fear", "intend", "want", "try", "seek", "aim", "prepare"}
RANGE_JOINERS = {"to", "-", "–", "or", "and"}
SINGULAR_DETS = {"a", "an", "the", "his", "her", "their", "its", "one", "another", "this", "that"}
SINGLE_PRONOUNS = {"him", "her"}


@dataclass(frozen=True)
class Figure:
    category: str
    low: int | None
    high: int | None
    hedge: str | None
    victims: str | None
    scope: str
    location_name: str | None
    event_date: date | None
    attributed_to: str | None
    quantity_text: str
    trigger_text: str
    token_index: int  # where the quantity starts: part of the figure's stable id


@dataclass(frozen=True)
class Quantity:
    tokens: tuple[Token, ...]   # the number words, hedge excluded
    low: int | None
    high: int | None
    hedge: str | None

    @property
    def head(self) -> Token:
        ids = {t.i for t in self.tokens}
        return next((t for t in self.tokens if t.head.i not in ids or t.head == t), self.tokens[-1])

    @property
    def text(self) -> str:
        doc = self.tokens[0].doc
        return doc[self.tokens[0].i:self.tokens[-1].i + 1].text


@lru_cache(maxsize=1)
def _triggers() -> dict[str, str]:
    return vocab.mapping("casualty_triggers", "lemma", "category")


@lru_cache(maxsize=1)
def _hedges() -> list[tuple[list[str], str]]:
    phrases = [(row["phrase"].split(), row["hedge"]) for row in vocab.rows("hedge_phrases")]
    return sorted(phrases, key=lambda p: -len(p[0]))


@lru_cache(maxsize=1)
def _vague() -> list[tuple[list[str], int]]:
    phrases = [(row["phrase"].split(), int(row["low"])) for row in vocab.rows("vague_quantities")]
    return sorted(phrases, key=lambda p: -len(p[0]))


@lru_cache(maxsize=1)
def _scope_cues() -> list[re.Pattern]:
    return [re.compile(row["pattern"], re.I) for row in vocab.rows("scope_cues")]


@lru_cache(maxsize=1)
def _non_victims() -> frozenset[str]:
    return frozenset(vocab.column("non_victims", "lemma"))


@lru_cache(maxsize=1)
def _persons() -> frozenset[str]:
    return frozenset(vocab.column("person_nouns", "lemma"))


def category_of(tok: Token) -> str | None:
    lemma = tok.lemma_.lower()
    if tok.lower_ in ("dead", "missing", "wounded", "injured"):
        lemma = {"wounded": "wound", "injured": "injure"}.get(tok.lower_, tok.lower_)
    if lemma == "miss" and tok.lower_ != "missing":
        return None  # "the missile missed": only "missing" counts people
    return _triggers().get(lemma)


def extract_figures(sent: Span, published: date | None) -> list[Figure]:
    """Every casualty figure in one sentence (a Doc or a sentence Span)."""
    if not any(category_of(t) or t.lemma_.lower() in TALLY_NOUNS for t in sent):
        return []
    raw: list[tuple[Quantity, Token, Token | None]] = []
    claimed: set[int] = set()
    for quantity in find_quantities(sent):
        link = link_quantity(quantity)
        if link is None:
            continue
        trigger, victim = link
        raw.append((quantity, trigger, victim))
        claimed.add(trigger.i)
    raw.extend(_implicit_singles(sent, claimed))
    context = _SentenceContext(sent, published)
    figures = [context.figure(q, trig, victim) for q, trig, victim in raw]
    figures = [f for f in figures if f is not None]
    figures += _none_reported(sent, context, {f.trigger_text for f in figures})
    return _inherit_victims(figures)


def find_quantities(sent: Span) -> list[Quantity]:
    """Runs of number words ("2,600", "twenty-one", "1.5 million", "a dozen", "five to ten") and vague quantities."""
    tokens = list(sent)
    out: list[Quantity] = []
    i = 0
    while i < len(tokens):
        vague = _match_words(tokens, i, _vague())
        if vague:
            words, low = vague
            span = tuple(tokens[i:i + len(words)])
            out.append(Quantity(span, low, None, "vague"))
            i += len(words)
            continue
        if not _numeric(tokens[i]) and not _a_dozen(tokens, i):
            i += 1
            continue
        j = i + (2 if _a_dozen(tokens, i) else 1)
        while j < len(tokens) and (_numeric(tokens[j], first=False) or (
                tokens[j].lower_ == "and" and j + 1 < len(tokens) and tokens[j - 1].lower_ in SCALES)):
            j += 1
        first = tokens[i:j]
        if any(t.ent_type_ in ("DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL") for t in first):
            i = j
            continue
        value = parse_number([t.text for t in first])
        if value is None:
            i = j
            continue
        # "five to ten", "two or three", "between 5 and 10"
        if j + 1 < len(tokens) and tokens[j].lower_ in RANGE_JOINERS and _numeric(tokens[j + 1]):
            k = j + 1
            while k < len(tokens) and _numeric(tokens[k]):
                k += 1
            second = parse_number([t.text for t in tokens[j + 1:k]])
            if second is not None and second > value and (tokens[j].lower_ != "and" or _before(tokens, i, "between")):
                out.append(Quantity(tuple(tokens[i:k]), value, second, "range"))
                i = k
                continue
        hedge = _hedge_before(tokens, i)
        low, high = value, value
        if hedge == "at least":
            high = None
        elif hedge == "up to":
            low = None
        out.append(Quantity(tuple(first), low, high, hedge))
        i = j
    return out


def _numeric(tok: Token, first: bool = True) -> bool:
    """A number word; "dozen" and "hundred" only after one ("two dozen"), and not the "one" of "no one"."""
    if tok.lower_ == "one" and tok.i > 0 and tok.nbor(-1).lower_ in ("no", "every", "any", "some"):
        return False
    if first and tok.lower_ in NOUN_NUMBERS:
        return False
    return is_number_word(tok.text)


def _a_dozen(tokens: list[Token], i: int) -> bool:
    return i + 1 < len(tokens) and tokens[i].lower_ in ("a", "one") and tokens[i + 1].lower_ in ("dozen", "couple", "score")


def _match_words(tokens: list[Token], i: int, phrases) -> tuple | None:
    for words, value in phrases:
        if [t.lower_ for t in tokens[i:i + len(words)]] == words:
            return words, value
    return None


def _before(tokens: list[Token], i: int, word: str) -> bool:
    return i > 0 and tokens[i - 1].lower_ == word


def _hedge_before(tokens: list[Token], i: int) -> str | None:
    for words, hedge in _hedges():
        n = len(words)
        if i - n >= 0 and [t.lower_ for t in tokens[i - n:i]] == words:
            return hedge
    return None


def link_quantity(q: Quantity) -> tuple[Token, Token | None] | None:
    """The trigger a quantity counts the victims of, and the noun naming them (None when the number stands alone)."""
    head = q.head
    if head.dep_ in ("nummod", "quantmod") and head.head.pos_ in ("NOUN", "PROPN", "PRON", "ADJ"):
        carrier, victim = head.head, head.head
    elif q.hedge == "vague" and any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children):
        of = next(c for c in head.children if c.dep_ == "prep" and c.lower_ == "of")
        objs = [c for c in of.children if c.dep_ == "pobj"]
        carrier, victim = head, (objs[0] if objs else None)
    else:
        carrier, victim = head, None
    if victim is not None and victim.lemma_.lower() in _non_victims():
        return None
    if victim is not None and category_of(victim):
        return victim, None          # "45 deaths", "15 casualties"
    trigger = _trigger_for(carrier)
    if trigger is None or _hypothetical(trigger):
        return None
    return trigger, victim


def _trigger_for(carrier: Token, depth: int = 0) -> Token | None:
    if depth > 3:
        return None
    for child in carrier.children:     # "12 people killed", "5 wounded soldiers", "people who were killed"
        if child.dep_ in ("acl", "amod", "relcl", "oprd", "acomp") and category_of(child):
            return child
        if child.dep_ == "prep" and child.lower_ == "of":   # "the bodies of 12 people" is handled from the noun
            continue
    head = carrier.head
    dep = carrier.dep_
    if head is carrier:
        return None
    if category_of(head):
        if dep in ("nsubjpass", "dobj", "obj", "attr", "oprd", "appos", "npadvmod"):
            return head
        if dep == "nsubj" and (head.lemma_.lower() in INTRANSITIVE or head.pos_ in ("ADJ", "NOUN") or _passive(head)):
            return head
        if dep == "pobj":
            return None
    if dep == "conj":                  # "killed 5 soldiers and 3 civilians"
        return _trigger_for(head, depth + 1)
    if dep == "pobj" and head.dep_ == "prep":
        governor = head.head
        if head.lower_ == "of" and category_of(governor) and governor.pos_ == "NOUN":   # "the deaths of 12 people"
            return governor
        if head.lower_ == "of" and governor.lemma_.lower() in TALLY_NOUNS | {"body", "corpse"}:
            return _tally_trigger(governor) or (governor if category_of(governor) else None)
        if head.lower_ in ("to", "at") and governor.pos_ in ("VERB", "AUX"):
            return _subject_tally(governor)
    if head.pos_ in ("VERB", "AUX") and head.lemma_.lower() in LINKING_VERBS:
        for child in head.children:
            if child.dep_ in ("dobj", "attr", "oprd", "acomp", "ccomp", "xcomp") and child is not carrier and category_of(child):
                return child
        if dep in ("attr", "dobj"):
            return _subject_tally(head)
    return None


def _subject_tally(verb: Token) -> Token | None:
    """ "the death toll rose to 45": the subject is a tally of a trigger."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.lemma_.lower() in TALLY_NOUNS:
            return _tally_trigger(child)
    return None


def _tally_trigger(tally: Token) -> Token | None:
    for tok in tally.subtree:
        if tok is not tally and category_of(tok):
            return tok
    return None


def _passive(verb: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children) or verb.tag_ == "VBN"


def _hypothetical(trigger: Token) -> bool:
    verb = trigger
    for _ in range(3):
        if any(c.dep_ == "aux" and c.lower_ in HYPOTHETICAL_AUX for c in verb.children):
            return True
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in verb.children):
            return True
        if verb.lemma_.lower() in HYPOTHETICAL_HEADS:
            return True
        if verb.head is verb:
            break
        verb = verb.head
    return False


def _implicit_singles(sent: Span, claimed: set[int]) -> list[tuple[Quantity, Token, Token]]:
    """ "shot dead the village chief" = killed 1; "a woman was wounded" = injured 1."""
    out = []
    for trigger in sent:
        if trigger.i in claimed or trigger.pos_ not in ("VERB", "ADJ") or not category_of(trigger):
            continue
        if _hypothetical(trigger):
            continue
        verb = trigger.head if trigger.dep_ in ("oprd", "acomp", "advmod", "xcomp") and trigger.lower_ == "dead" else trigger
        deps = {"dobj"} if not _passive(verb) else {"nsubjpass"}
        if verb.lemma_.lower() in INTRANSITIVE or trigger.pos_ == "ADJ":
            deps |= {"nsubj"}
        for victim in (c for c in verb.children if c.dep_ in deps):
            if _single_person(victim):
                one = Quantity((victim,), 1, 1, None)
                out.append((one, trigger, victim))
    return out


def _single_person(tok: Token) -> bool:
    if tok.lower_ in SINGLE_PRONOUNS:
        return True
    if tok.tag_ != "NN" and not (tok.pos_ == "PROPN" and tok.ent_type_ == "PERSON"):
        return False
    if any(c.dep_ == "nummod" for c in tok.children):
        return False
    if tok.pos_ == "PROPN":
        return True
    dets = {c.lower_ for c in tok.children if c.dep_ in ("det", "poss")}
    return tok.lemma_.lower() in _persons() and bool(dets & SINGULAR_DETS or any(c.dep_ == "poss" for c in tok.children))


def _none_reported(sent: Span, context: "_SentenceContext", taken: set[str]) -> list[Figure]:
    """ "no casualties", "no one was killed", "nobody was hurt", "without casualties"."""
    out = []
    for trigger in sent:
        category = category_of(trigger)
        if not category or trigger.text in taken or _hypothetical(trigger):
            continue
        negated_by = None
        if trigger.pos_ == "NOUN":
            if any(c.dep_ == "det" and c.lower_ in NEGATORS for c in trigger.children):
                negated_by = trigger
            elif trigger.head.lower_ == "without":
                negated_by = trigger
            elif trigger.dep_ == "pobj" and trigger.head.lower_ == "of" and any(
                    c.dep_ == "det" and c.lower_ == "no" for c in trigger.head.head.children):
                negated_by = trigger                         # "no reports of casualties"
        else:
            for subj in (c for c in trigger.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")):
                if subj.lower_ in NEGATORS or any(c.lower_ in NEGATORS for c in subj.children if c.dep_ == "det"):
                    negated_by = subj
        if negated_by is None:
            continue
        victim = negated_by if negated_by is not trigger and negated_by.lower_ not in ("one", "nobody", "none") else None
        zero = Quantity((negated_by,), 0, 0, "none reported")
        figure = context.figure(zero, trigger, victim)
        if figure is not None:
            out.append(figure)
    return out


def _inherit_victims(figures: list[Figure]) -> list[Figure]:
    """ "six people have died and 15 were injured": the 15 are people too."""
    out, last = [], None
    for f in figures:
        if f.victims is None and last is not None and f.hedge != "none reported":
            f = replace(f, victims=last)
        last = f.victims or last
        out.append(f)
    return out


class _SentenceContext:
    """What every figure of a sentence shares: where, when, who says so, over what period."""

    def __init__(self, sent: Span, published: date | None):
        self.sent = sent
        self.published = published
        self.attribution: Attribution | None = find_attribution(sent)
        self.places: list[Place] = [p for p in find_places(sent) if not self._in_attribution(p)]
        self.dates = find_dates(sent.text, published)
        self.cumulative = any(p.search(sent.text) for p in _scope_cues())

    def _in_attribution(self, place: Place) -> bool:
        a = self.attribution
        return a is not None and a.start <= place.start and place.end <= a.end

    def figure(self, q: Quantity, trigger: Token, victim: Token | None) -> Figure | None:
        category = category_of(trigger)
        if category is None:
            return None
        return Figure(
            category=category, low=q.low, high=q.high, hedge=q.hedge,
            victims=_victims(victim),
            scope="cumulative" if self.cumulative else "event",
            location_name=self._place_for(trigger),
            event_date=None if self.cumulative else self._date_for(trigger),
            attributed_to=self.attribution.source if self.attribution else None,
            quantity_text=q.text, trigger_text=trigger.text,
            token_index=q.tokens[0].i - self.sent.start,
        )

    def _place_for(self, trigger: Token) -> str | None:
        """The most specific place, nearest the trigger: a city over a country."""
        if not self.places:
            return None
        rank = {"city": 0, "ner": 1, "country": 2}
        where = trigger.i - self.sent.start
        best = min(self.places, key=lambda p: (rank[p.kind], abs(p.start - where)))
        return best.name

    def _date_for(self, trigger: Token):
        days = [d for d in self.dates if d.day is not None]
        if not days:
            return None
        where = trigger.idx - self.sent.start_char
        return min(days, key=lambda d: min(abs(d.start - where), abs(d.end - where))).day


def _victims(victim: Token | None) -> str | None:
    if victim is None or victim.pos_ == "NUM" or victim.lower_ in NEGATORS:
        return None
    words = [c for c in victim.lefts if c.dep_ == "compound"] + [victim]
    return " ".join(t.lower_ for t in words)
