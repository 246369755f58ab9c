"""Casualty figures from one parsed sentence, by the rules of shared/CASUALTY_GUIDE.md.

A figure is a quantity of people tied through the dependency parse to a word
that says what happened to them (vocab/casualty_triggers.csv). Every sentence
is read on its own plus the article's publication date: sentences of line
files come in no particular order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache, partial

from spacy.tokens import Span, Token

from transforms.rules import spelling, vocab
from transforms.rules.attribution import Attribution, credits
from transforms.rules.dates import DateMention, find_dates
from transforms.rules.grammar import Grammar, Match
from transforms.rules.numbers import NOUN_NUMBERS, SCALES, is_number_word, parse_number
from transforms.rules.places import Place, gazetteer, landmarks_of
from transforms.rules.sentence import SentenceFacts, read_facts
from transforms.rules.syntax import clause_head

SUBJECT_DEPS = {"nsubj", "nsubjpass"}
# Complements that turn any verb into a harm: "shot dead", "taken prisoner".
COMPLEMENT_DEPS = {"oprd", "acomp", "advmod"}
# Nouns that modify a noun by a clause: "12 people killed", "others injured", "people who were killed".
# A number on these counts no one: "eight wounded Monday".
TIME_ENTS = {"DATE", "TIME"}
# Clauses whose subject is shared with their head: "were shot and killed", "are believed to have been killed",
# and the parser's "are feared [advcl] killed".
SHARED_SUBJECT_DEPS = {"conj", "xcomp", "advcl"}
NON_PERSON_ENTS = {"GPE", "LOC", "ORG", "FAC", "NORP", "PRODUCT", "WORK_OF_ART"}
QUANTITY_ENTS = {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"}
# The hedge of a sum: the loosest of its parts.
HEDGE_ORDER = ["at least", "vague", "range", "approximately"]


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
    place: Place | None = None          # location_name geocoded
    date_precision: int | None = None   # of event_date: 1 day, 2 about that day or week, 3 month
    trigger_index: int | None = None    # where the trigger is: ties the figure to an event of its sentence
    adds: bool = False                  # the sentence adds it to a count told before: "also detained two more"


@dataclass(frozen=True)
class Quantity:
    tokens: tuple[Token, ...]   # the number words, hedge excluded
    low: int | None
    high: int | None
    hedge: str | None
    hedge_tokens: tuple[Token, ...] = ()

    @property
    def head(self) -> Token:
        ids = {t.i for t in self.tokens}
        return next((t for t in self.tokens if t.head.i not in ids or t.head == t), self.tokens[-1])

    @property
    def text(self) -> str:
        doc = self.tokens[0].doc
        return doc[self.tokens[0].i:self.tokens[-1].i + 1].text


@dataclass(frozen=True)
class Link:
    """A quantity tied to the word that harms it, and to the noun naming the people (None when the number stands
    alone)."""
    quantity: Quantity
    trigger: Token
    victim: Token | None
    anchor: Token   # the token that holds the quantity's place in the clause
    key: Token | None = None   # names the figure in its id when its first token names a part of it (a sum)
    hedge: str | None = None   # the construction's own: "four children were among the dead" is at least four
    verb: Token | None = None   # the rule's `verb` node: the verb the quantity hangs on ("were among the dead")


@lru_cache(maxsize=1)
def _triggers() -> dict[str, str]:
    return vocab.mapping("casualty_triggers", "lemma", "category")


@lru_cache(maxsize=1)
def _phrasals() -> dict[str, list[tuple[str, str]]]:
    table: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in vocab.rows("phrasal_triggers"):
        table[row["lemma"]].append((row["partner"], row["category"]))
    return dict(table)


@lru_cache(maxsize=1)
def _resultatives() -> dict[tuple[str, ...], dict[str, str]]:
    """ "to death" -> ("to", "death"): a preposition and its object that complete a verb, with what the object
    may or must carry (an article; a modifier of a role)."""
    return {tuple(row["phrase"].split()): row for row in vocab.rows("resultatives")}


_role = partial(vocab.words, "word_roles")


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


_non_victims = partial(vocab.lemmas, "non_victims")
_persons = partial(vocab.lemmas, "person_nouns")


def _lemma(tok: Token) -> str:
    # The lemmatizer reads these adjectives as verbs or the verbs as adjectives, depending on the parse.
    return {"wounded": "wound", "injured": "injure", "dead": "dead", "missing": "missing"}.get(
        tok.lower_, tok.lemma_.lower())


def category_of(tok: Token) -> str | None:
    """What a word says happened to people: its own meaning, a phrasal verb ("gunned down") or a resultative
    ("to death")."""
    lemma = _lemma(tok)
    if lemma == "miss":
        return None  # "the missile missed": only "missing" counts people
    return (_triggers().get(lemma) or _phrasal_category(tok, lemma) or _resultative_category(tok, lemma)
            or _misspelt_category(tok))


@lru_cache(maxsize=1)
def _trigger_targets() -> spelling.Targets:
    return spelling.Targets(_triggers())


def _misspelt_category(tok: Token) -> str | None:
    """ "Seven more people were injuered": a misspelt trigger word says what it would (transforms/rules/spelling.py)."""
    target = spelling.misspelt(tok, _trigger_targets())
    return _triggers()[target] if target else None


def _phrasal_category(tok: Token, lemma: str) -> str | None:
    for partner, category in _phrasals().get(lemma, ()):
        if _lemma(tok.head) == partner or any(c.dep_ == "prt" and c.lower_ == partner for c in tok.children):
            return category
    return None


def _resultative_category(tok: Token, lemma: str) -> str | None:
    """ "taken into custody": the object of a preposition that completes a verb; "sentenced to death" is no killing
    yet."""
    row = _resultatives().get((tok.head.lower_, lemma))
    if row is None or tok.dep_ != "pobj" or _lemma(tok.head.head) in _role("sentence"):
        return None
    if not row["article"] and any(c.dep_ == "det" for c in tok.children):
        return None     # "fought to the death"
    if row["modifier_role"] and not any(c.lower_ in _role(row["modifier_role"]) for c in tok.children):
        return None     # "in critical condition" is a patient's; "held in appalling conditions" is no harm
    return row["category"]


def extract_figures(sent: Span, published: date | None, facts: SentenceFacts | None = None) -> list[Figure]:
    """Every casualty figure in one sentence (a Doc or a sentence Span)."""
    if not any(category_of(t) or t.lemma_.lower() in _role("tally") for t in sent):
        return []
    facts = facts or read_facts(sent, published)
    found = pattern_matches(sent)
    links = [link for q in find_quantities(sent, facts.dates)
             if (link := link_quantity(q, found, published)) is not None]
    links += _what_befell_them_next(links, published)
    counted = ({t.i for link in links for t in link.quantity.tokens}
               | {link.victim.i for link in links if link.victim is not None}
               | _source_words(sent, facts.attribution))   # the speaker is no victim, however it is parsed
    links = _died_of_their_wounds(links + _implicit_singles(counted, published, found))
    context = _SentenceContext(sent, facts)
    figures = [f for link in _sum_coordinated(links) if (f := context.figure(link)) is not None]
    figures += _none_reported(sent, context, {f.trigger_text for f in figures})
    return _inherit_victims(figures)


def _source_words(sent: Span, attribution: Attribution | None) -> set[int]:
    return set() if attribution is None else set(range(sent.start + attribution.start, sent.start + attribution.end))


def find_quantities(sent: Span, dates: list[DateMention] | None = None) -> list[Quantity]:
    """Runs of number words ("2,600", "twenty-one", "1.5 million", "a dozen", "five to ten") and vague quantities."""
    # NER misses many dates ("23 Jul 2022 18.05 Three people were killed"); the date rules do not.
    dates = find_dates(sent.text, None) if dates is None else dates
    in_dates = {t.i for d in dates for t in sent.char_span(d.start, d.end, alignment_mode="expand") or ()}
    tokens = [t for t in sent if t.i not in in_dates]
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
        if tokens[i].lower_ == "both" and tokens[i].dep_ in ("det", "predet", "nsubj", "nsubjpass", "dobj"):
            out.append(Quantity((tokens[i],), 2, 2, None))     # "Both men were detained"
            i += 1
            continue
        if tokens[i].lower_ == "half" and _a_dozen(tokens, i + 1) and tokens[i + 2].lower_ == "dozen":
            out.append(Quantity(tuple(tokens[i:i + 3]), 6, 6, None))     # "half a dozen soldiers"
            i += 3
            continue
        if not _numeric(tokens[i]) and not _a_dozen(tokens, i):
            i += 1
            continue
        j = _number_end(tokens, i)
        first = tokens[i:j]
        value = None if _named_measure(first) or _no_count(tokens, i, j) else parse_number([t.text for t in first])
        if value is None:
            i = j
            continue
        # "five to ten", "two or three", "between 5 and 10"
        if j + 1 < len(tokens) and tokens[j].lower_ in _role("range_joiner") and _numeric(tokens[j + 1]):
            k = _number_end(tokens, j + 1)
            second = parse_number([t.text for t in tokens[j + 1:k]])
            scales = [t.text for t in tokens[j + 1:k] if t.lower_ in SCALES]
            if scales and not any(t.lower_ in SCALES for t in first):
                # "40-50 thousand": both are thousands
                value = parse_number([t.text for t in first] + scales[-1:]) or value
            if second is not None and second > value and (tokens[j].lower_ != "and" or _before(tokens, i, "between")):
                # the parser may take "between" for a preposition and the counted noun for its object
                between = (tokens[i - 1],) if _before(tokens, i, "between") else ()
                out.append(Quantity(tuple(tokens[i:k]), value, second, "range", between))
                i = k
                continue
        hedge, hedge_tokens = _hedge_before(tokens, i)
        # "at least six" has no upper bound, "up to six" no lower one
        out.append(Quantity(tuple(first), None if hedge == "up to" else value, None if hedge == "at least" else value,
                            hedge, hedge_tokens))
        i = j
    return out


def _number_end(tokens: list[Token], i: int) -> int:
    """Where the run of number words starting at i ends: "1.5 million", "two hundred and ten", "Forty - nine"."""
    j = i + (2 if _a_dozen(tokens, i) else 1)
    while j < len(tokens):
        if _numeric(tokens[j], first=False) and _continues(tokens[j - 1], tokens[j]) and not _compound(tokens, j):
            j += 1
        elif (tokens[j].lower_ == "and" and j + 1 < len(tokens) and tokens[j - 1].lower_ in SCALES
              and _numeric(tokens[j + 1], first=False)):
            j += 1
        elif _hyphen_split(tokens, j + 1):
            j += 2   # the tokenizer splits "Forty-nine" into three tokens
        else:
            break
    return j


def _no_count(tokens: list[Token], i: int, j: int) -> bool:
    """A number that counts no one: a time or a measure with decimals and no scale ("21.51", the live blog's
    timestamp; "1.5 million" counts), or the number of a compound modifier ("a three-star general", "a
    two-time champion", "a 26-member body", "two-thirds of")."""
    decimal = any(re.fullmatch(r"\d+[.:]\d+", t.text) for t in tokens[i:j])
    return decimal and not any(t.lower_ in SCALES for t in tokens[i:j]) or _compound(tokens, j - 1)


def _compound(tokens: list[Token], j: int) -> bool:
    """tokens[j] is a number joined by a hyphen to a word that is no number: "three-star", "two-thirds"; not a
    dash set off by spaces ("30 - mostly women - were injured") nor "twenty-odd", "100-plus"."""
    return (j + 2 < len(tokens) and tokens[j + 1].text == "-" and not tokens[j].whitespace_
            and not tokens[j + 1].whitespace_ and not tokens[j + 2].like_num
            and tokens[j + 2].lower_ not in ("odd", "plus") and not _hyphen_split(tokens, j + 2))


def _continues(prev: Token, tok: Token) -> bool:
    """ "1.5 million", "twenty one", not the "2022 18.05" of a timestamp: digits are whole numbers but for a scale."""
    return (tok.lower_ in SCALES or tok.lower_ in NOUN_NUMBERS
            or not (prev.like_num and prev.text[0].isdigit() or tok.text[0].isdigit()))


def _hyphen_split(tokens: list[Token], j: int) -> bool:
    """tokens[j] is the unit of a hyphenated number the tokenizer split: "Forty", "-", "nine"."""
    return (2 <= j < len(tokens) and tokens[j - 1].text == "-"
            and is_number_word(f"{tokens[j - 2].text}-{tokens[j].text}"))


def _numeric(tok: Token, first: bool = True) -> bool:
    """A number word; "dozen" and "hundred" only after one ("two dozen"), and not the "one" of "no one"."""
    if tok.lower_ == "one" and tok.i > 0 and tok.nbor(-1).lower_ in ("no", "every", "any", "some"):
        return False
    if first and tok.lower_ in NOUN_NUMBERS:
        return False
    return is_number_word(tok.text)


def _a_dozen(tokens: list[Token], i: int) -> bool:
    return (i + 1 < len(tokens) and tokens[i].lower_ in ("a", "one")
            and tokens[i + 1].lower_ in ("dozen", "couple", "score", "pair"))


def _match_words(tokens: list[Token], i: int, phrases) -> tuple | None:
    for words, value in phrases:
        if [t.lower_ for t in tokens[i:i + len(words)]] == words:
            return words, value
    return None


def _timed(tok: Token) -> bool:
    """A word of a date or time the NER names; not a number word it names so on its own ("killing nineteen",
    "injuring fourteen": no date is one spelt-out number)."""
    if tok.ent_type_ not in TIME_ENTS:
        return False
    return not (tok.is_alpha and tok.pos_ == "NUM" and tok.ent_iob_ == "B"
                and (tok.i + 1 == len(tok.doc) or tok.doc[tok.i + 1].ent_iob_ != "I"))


def _named_measure(words: list[Token]) -> bool:
    """A date, sum or measure the NER names, no count; but a number on a person noun counts people when the NER
    reads it as a date ("Between 10 and 15 soldiers died")."""
    labels = {t.ent_type_ for t in words if t.ent_type_ not in TIME_ENTS or _timed(t)} & QUANTITY_ENTS
    return bool(labels) and not (labels <= TIME_ENTS and words[-1].dep_ == "nummod" and _person(words[-1].head))


def _before(tokens: list[Token], i: int, word: str) -> bool:
    return i > 0 and tokens[i - 1].lower_ == word


def _hedge_before(tokens: list[Token], i: int) -> tuple[str | None, tuple[Token, ...]]:
    for words, hedge in _hedges():
        n = len(words)
        if i - n >= 0 and [t.lower_ for t in tokens[i - n:i]] == words:
            return hedge, tuple(tokens[i - n:i])
    return None, ()


def link_quantity(q: Quantity, found: dict[int, list[Match]], published: date | None = None) -> Link | None:
    """The trigger a quantity counts the victims of, or None when the quantity counts no one harmed.

    found: the sentence's pattern matches by the token in their quantity slot.
    """
    anchor, victim = _anchor(q)
    # "12 were injured, two of them seriously": a part told before; "and one of them later died" a figure of its own
    subset = _subset(anchor)
    if victim is not None and victim.lemma_.lower() in _non_victims() or subset and not (
            anchor.dep_ in SUBJECT_DEPS and category_of(anchor.head)):
        return None
    if subset:
        victim = None   # "one of them": the whole's noun names them (_inherit_victims)
    if victim is None and len(q.tokens) == 1 and re.fullmatch(r"(1[89]|20)\d\d", q.tokens[0].text):
        return None     # "from 1932 to 1933": a year the date rules did not catch, no count
    match = _match_for(anchor, found)
    if match is None:
        return None
    trigger = _stranded_object_verb(anchor, match["trigger"])
    if _hypothetical(trigger) or _negated(trigger) or _not_war(trigger, published):
        return None
    return Link(q, trigger, None if trigger == victim else victim, anchor, hedge=match.rule.hedge,
                verb=match.get("verb"))


def _anchor(q: Quantity) -> tuple[Token, Token | None]:
    """The token that stands for the quantity in the clause, and the noun naming the people counted."""
    head = q.head
    # "several insurgents", not "several stab wounds": a vague word counts people, not injuries.
    determiner = (q.hedge == "vague" or head.lower_ == "both") and not category_of(head.head)
    number_deps = {"nummod", "quantmod"} | ({"amod", "det", "predet"} if determiner else set())
    if determiner and head.dep_ == "advmod" and _additive_modifier(head.head):
        head = head.head                                # "several more insurgents": the parser hangs it on "more"
    if head.dep_ in number_deps and head.head.pos_ in ("NOUN", "PROPN", "PRON", "ADJ"):
        anchor = head.head
        # The parser hangs a count inside a name used as a modifier on the name: "several suspected [Islamic
        # Movement of Uzbekistan] insurgents" counts the insurgents.
        while anchor.dep_ in ("nmod", "compound") and anchor.head.pos_ == "NOUN" and anchor.head.i > anchor.i:
            anchor = anchor.head
        victim = None if _timed(anchor) else anchor
    elif (q.hedge == "vague" or head.pos_ == "NUM") and (objs := _of_objects(head)):
        anchor, victim = head, objs[0]                  # "dozens of people", "three of his associates"
    elif head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.lemma_.lower() in _role("group_noun"):
        anchor = victim = head.head.head                # "a family of seven"
    else:
        anchor, victim = head, None
    # The parser hangs "over 104 bandits" and "more than 75" on the hedge words: they stand in the clause for the
    # number.
    hedge_ids = {t.i for t in q.hedge_tokens}
    while anchor.head.i in hedge_ids:
        anchor = anchor.head
    return anchor, victim


def _additive_modifier(tok: Token) -> bool:
    return tok.dep_ == "amod" and tok.lower_ in _role("additive") and tok.head.pos_ in ("NOUN", "PROPN")


def _subset(anchor: Token) -> bool:
    """ "180 of them", "two of whom": part of a count told elsewhere in the sentence."""
    return any(o.pos_ == "PRON" for o in _of_objects(anchor))


def _of_objects(tok: Token) -> list[Token]:
    return [o for p in tok.children if p.dep_ == "prep" and p.lower_ == "of" for o in p.children if o.dep_ == "pobj"]


def _match_for(anchor: Token, found: dict[int, list[Match]]) -> Match | None:
    """The first pattern that ties the quantity to a trigger; a conjunct counts for the trigger of the
    word it is coordinated with ("killed 5 soldiers and 3 civilians"), but not by its own meaning."""
    slot = anchor
    for _ in range(4):
        for match in found.get(slot.i, ()):
            if slot is anchor or match["trigger"] != slot:
                return match
        if slot.dep_ != "conj" or slot.head == slot or _timed(slot):
            return None
        slot = slot.head
    return None


def _stranded_object_verb(anchor: Token, trigger: Token) -> Token:
    """ "killed three and injured nine": the parser makes "injured" a conjunct of "three" and hangs "nine" on
    "killed"; a harm verb with no object of its own, coordinated between the trigger and this object, is the
    object's verb."""
    if anchor.dep_ != "dobj" or anchor.head != trigger or anchor.i < trigger.i:
        return trigger
    for tok in reversed(anchor.doc[trigger.i + 1:anchor.i]):
        if tok.pos_ == "VERB":
            stranded = (tok.dep_ == "conj" and tok.head.i > trigger.i and category_of(tok) is not None
                        and not any(c.dep_ == "dobj" for c in tok.children))
            return tok if stranded else trigger
    return trigger


def _leaves_object_harmed(verb: Token) -> bool:
    """ "left 58 people dead": an object, and a trigger completing the verb, as in "X left Y dead"."""
    children = list(verb.children)
    return (any(c.dep_ == "dobj" and not category_of(c) for c in children)
            and any(c.dep_ in ("oprd", "acomp", "xcomp", "ccomp") and category_of(c) for c in children))


def _headline_passive(verb: Token) -> bool:
    """ "Six Rohingya Muslims killed and nine wounded": a participle with neither auxiliary nor object."""
    return verb.tag_ in ("VBD", "VBN") and not any(c.dep_ in ("aux", "dobj", "ccomp", "xcomp") for c in verb.children)


def _companion_verb(prep: Token) -> Token | None:
    """The verb a companion phrase ("with his son", "along with three others") hangs on, None for other prepositions."""
    if prep.lower_ not in _role("companion_prep"):
        return None
    governor = prep.head
    return governor.head if governor.dep_ == "prep" else governor   # the parser's "along [with ...]"


def _companion_trigger(verb: Token) -> Token | None:
    """The trigger a companion phrase adds to: its verb, or the verb's conjunct ("identified and detained X along
    with Y")."""
    if category_of(verb):
        return verb
    return next((c for c in verb.children if c.dep_ == "conj" and category_of(c)), None)


# The named tests the pattern file's `is:`/`not:` use: what a word means, never which construction it is in.
PREDICATES: dict[str, Callable[[Token], bool]] = {
    "trigger": lambda t: category_of(t) is not None,
    # whose subject is the victim: "six people died", "were killed", the headline's "Six killed"
    "subject_victim": lambda v: (_lemma(v) in _role("intransitive") or v.pos_ in ("ADJ", "NOUN")
                                 or _passive(v) or _headline_passive(v)),
    # a verb whose subject a complement describes: "lay dead", "were shot dead"
    "victim_subject_verb": lambda v: _lemma(v) in _role("intransitive") | _role("copula") or _passive(v),
    # and the verbs that say what one became: "went missing"
    "completed_verb": lambda v: (_lemma(v) in _role("intransitive") | _role("copula") | _role("becoming")
                                 or _passive(v)),
    "passive": lambda v: _passive(v),
    "right_after_head": lambda t: t.head.i == t.i - 1,
    "no_subject": lambda v: not any(c.dep_ in SUBJECT_DEPS for c in v.children),
    "no_object": lambda v: not any(c.dep_ == "dobj" for c in v.children),
    "intransitive": lambda v: _lemma(v) in _role("intransitive"),
    "determined": lambda t: _has_det(t),
    "linking": lambda v: _lemma(v) in _role("linking"),
    "leaves_harmed": _leaves_object_harmed,
    "resultative": lambda t: _resultative_category(t, _lemma(t)) is not None,
    # "stabbed to death Pamo Hobobo": a complement the parser hangs on the object after it
    "shifted": lambda t: _shifted_object(t) is not None,
    "time": _timed,
    "tally": lambda t: t.lemma_.lower() in _role("tally"),
    "companion": lambda p: p.dep_ == "prep" and p.lower_ in _role("companion_prep"),
    # "including", "among": what hangs on it is part of the count it follows
    "part": lambda p: p.dep_ == "prep" and p.lower_ in _role("part"),
    "person_like": lambda t: _person(t) or any(_person(o) for o in _of_objects(t)),
}


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    return Grammar("casualties", PREDICATES)


def pattern_matches(sent: Span) -> dict[int, list[Match]]:
    """The casualty patterns' matches in a sentence, by the token in their quantity slot, best first."""
    found: dict[int, list[Match]] = defaultdict(list)
    for match in grammar().matches(sent):
        found[match["quantity"].i].append(match)
    return found


def _passive(verb: Token) -> bool:
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return True
    if verb.dep_ == "conj" and not any(c.dep_ in SUBJECT_DEPS | {"dobj"} for c in verb.children) and verb.head != verb:
        return _passive(verb.head)    # "was stabbed and then beheaded"
    # A bare participle ("12 people killed", "and seven wounded"), not a perfect ("have killed") nor one with an object.
    return verb.tag_ == "VBN" and not any(c.dep_ in ("aux", "dobj") for c in verb.children)


_non_war = partial(vocab.words, "non_war", by="kind")


@lru_cache(maxsize=1)
def _death_causes() -> frozenset[str]:
    """The causes that make a death no war's, and the words that name a natural death only in a death's own
    words ("died of a heart attack", "died aged 82"); in any harm word's phrase those are no cause ("killed in the
    heart of Kharkiv")."""
    return _non_war("cause") | _non_war("death")


def _not_war(trigger: Token, published: date | None) -> bool:
    """Harm that is no war violence: arrests on criminal charges, natural deaths, events of years past."""
    if category_of(trigger) == "captured" and _on_charges(trigger):
        return True
    if trigger.dep_ == "pobj" and any(_lemma(t) in _role("sentence")
                                      for t in [trigger.head.head, *trigger.head.head.children]):
        return True   # "the sentencing to death of two Britons" (however parsed): a verdict, no killing
    if _lemma(trigger) == "die" and any(t.lower_ in _death_causes() for t in _clause_words(trigger)):
        return True   # "died aged 82", "died of cancer"
    if any(t.lower_ in _non_war("cause") for t in _prepositional_heads(trigger)):
        return True   # "were killed in a car crash", "evacuated after the wildfire"
    if _natural_cause(trigger):
        return True
    if any(_names_past_war(c) for c in (_completed_verb(trigger) or trigger).children
           if c.dep_ in ("prep", "nsubj", "agent")):
        return True   # "died in the second world war": the figures of other wars are no figures of this one
    return _years_past(trigger, published)


def _names_past_war(phrase: Token) -> bool:
    """The phrase is that war, not a thing named for it ("a world war two memorial") nor a war compared with it
    ("the war, the largest in Europe since World War II, has killed")."""
    if phrase.dep_ == "prep" and phrase.lower_ not in ("in", "during"):
        return False     # "near a world war two memorial" is a place
    heads = [phrase] if phrase.dep_ != "prep" else [o for o in phrase.children if o.dep_ == "pobj"]
    for head in heads:
        name = [head, *(c for c in head.children if c.dep_ in ("compound", "amod", "nummod", "flat"))]
        words = " " + " ".join(t.lower_ for t in sorted(name, key=lambda t: t.i)) + " "
        if any(f" {war} " in words and head.lower_ in war.split() + ["i", "ii", "one", "two"]
               for war in _non_war("past_war")):
            return True
    return False


def _prepositional_heads(trigger: Token) -> list[Token]:
    """The nouns of the trigger's prepositional phrases ("in a car [crash]", "after the [wildfire]"), not their
    modifiers: "including a seven-year-[old] girl" is no old age, "at a [cancer] hospital" no cancer."""
    return [o for p in trigger.children if p.dep_ == "prep" for o in p.children if o.dep_ == "pobj"]


def _natural_cause(trigger: Token) -> bool:
    """ "the famine killed millions", "a famine that killed millions", "wildfires raged, prompting the evacuation
    of"."""
    clause = trigger
    for _ in range(3):
        agents = [c for c in clause.children if c.dep_ in ("nsubj", "agent")]
        if clause.dep_ == "relcl":
            agents.append(clause.head)
        if any(t.lower_ in _death_causes() for a in agents for t in (a.subtree if a.head is clause else [a])):
            return True
        if clause.head == clause:
            return False
        clause = clause.head
    return False


def _on_charges(trigger: Token) -> bool:
    """ "arrested on drug charges", "detained for corruption", "on suspicion of fraud", "arrested and charged 12
    men with fraud"; and, for the police's verbs, contraband in the arrest's own clause: "arrested 14 drug
    dealers", "was detained ... after customs officials found hashish oil"."""
    heads = [trigger] + [c for c in trigger.children if c.dep_ in ("dobj", "nsubjpass", "conj")]
    if any(t.lower_ in _non_war("charge") for h in heads for p in h.children
           if p.dep_ == "prep" and p.lower_ in ("on", "for", "over", "with") for t in p.subtree):
        return True
    return _lemma(trigger) in _role("custody") and any(
        t.lower_ in _non_war("contraband") for t in _own_clause(trigger))


def _own_clause(verb: Token) -> Iterator[Token]:
    """The verb's subtree without its subject (who arrests), its conjuncts ("detained two insurgents and seized 50
    kilograms of narcotics") and relative clauses (of someone else: "a leader who facilitates drug trafficking")."""
    stack = [c for c in verb.children if c.dep_ not in ("conj", "cc", "nsubj")]
    while stack:
        tok = stack.pop()
        if tok.dep_ != "relcl":
            yield tok
            stack.extend(tok.children)


def charged_names(text: str) -> frozenset[str]:
    """The capitalised words of an article's sentences that name a criminal charge ("Griner ... hashish oil"): an
    arrest of a person among them, told in another sentence ("Griner was arrested at a Moscow airport"), is that
    case's."""
    return frozenset(word for sentence in re.split(r"(?<=[.!?])\s+|\n", text) if _charge_words().search(sentence)
                     for word in re.findall(r"\b[A-Z][a-z]+\b", sentence))


@lru_cache(maxsize=1)
def _charge_words() -> re.Pattern:
    words = sorted(_non_war("charge") | _non_war("contraband"))
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.I)


def _arrest_of_the_charged(trigger: Token, victim: Token | None, charged: frozenset[str]) -> bool:
    """An arrest of a person whom the article names with a charge; a capture, an abduction, is never one."""
    return (victim is not None and victim.ent_type_ == "PERSON" and victim.text in charged
            and _lemma(trigger) in _role("custody"))


def _clause_words(trigger: Token) -> list[Token]:
    """The trigger's own modifiers ("aged 82", "of cancer", "at the age of"), not its subject's."""
    return [t for c in trigger.children if c.dep_ not in SUBJECT_DEPS for t in c.subtree]


def _years_past(trigger: Token, published: date | None) -> bool:
    """ "McCain died in 2018", "the 1932-33 famine killed millions" (in a 2022 article): history, not news.
    A running total "since 2014" is news: its year opens a period."""
    if published is None:
        return False
    verb = _completed_verb(trigger) or trigger
    if any(_past_year(a, published) for a in list(verb.ancestors)[:3]):
        return True   # "in 2017, when he was detained"
    for tok in verb.subtree:
        if not _past_year(tok, published):
            continue
        path = list(tok.ancestors)[:list(tok.ancestors).index(verb)]
        # The year dates the trigger's own clause, not a clause of its own ("a man wanted for a 2016 crime").
        if all(a.pos_ not in ("VERB", "AUX") for a in path) and not any(
                a.lower_ in ("since", "from") for a in path if a.dep_ == "prep"):
            return True
    return False


def _past_year(tok: Token, published: date) -> bool:
    return bool(re.fullmatch(r"(1[89]|20)\d\d", tok.text)) and int(tok.text) < published.year


def _negated(trigger: Token) -> bool:
    """ "The woman was not detained": no one was."""
    return any(c.dep_ == "neg" for c in trigger.children)


def _hypothetical(trigger: Token) -> bool:
    if _purpose(trigger):
        return True
    verb, via = trigger, None
    for _ in range(3):
        auxes = [c.lower_ for c in verb.children if c.dep_ == "aux"]
        # "may have been killed", "must have died": an estimate of what happened, not a hypothesis; but "had they
        # stayed, 300 might have been killed", "without the warning"
        if any(a in _role("hypothetical_aux") for a in auxes) and not (
                "have" in auxes and any(a in _role("estimate_aux") for a in auxes) and not _conditional(trigger)):
            return True
        if any(c.dep_ == "mark" and c.lower_ in _role("condition_word") for c in verb.children):
            return True
        # "threatened to kill": a complement of the aim; a conjunct ("wanted ... and were killed") tells its own deed.
        if via != "conj" and verb.lemma_.lower() in _role("hypothetical_head"):
            return True
        if verb.head == verb:
            break
        verb, via = verb.head, verb.dep_
    return False


def _conditional(trigger: Token) -> bool:
    """The sentence makes its clause a condition: "if", "unless", "without", "otherwise", a fronted "Had"."""
    sent = trigger.sent
    return sent[0].lower_ == "had" or any(t.lower_ in _role("condition_word") for t in sent)


def _purpose(trigger: Token) -> bool:
    """ "an operation to detain a Taliban leader": an aim, not a deed.

    Not "forced to flee" or "were reported to have been killed", whose infinitive tells what happened.
    """
    auxes = [c.lower_ for c in trigger.children if c.dep_ in ("aux", "auxpass")]
    # a participle after "to" is no infinitive: "were lightly to moderately wounded" grades a harm
    return (auxes == ["to"] and trigger.tag_ != "VBN" and trigger.dep_ in ("acl", "advcl", "xcomp", "relcl")
            and trigger.head.lemma_.lower() not in _role("infinitive_fact"))


def _implicit_singles(counted: set[int], published: date | None, found: dict[int, list[Match]]) -> list[Link]:
    """ "shot dead the village chief" = killed 1; "a woman was wounded" = injured 1; "killing him, his son and ..."
    one each: a person the patterns put in the quantity slot, with no number."""
    out: list[Link] = []
    # (person, category): "was abducted and killed" is one captured and one killed
    seen: set[tuple[int, str | None]] = set()
    firsts: dict[tuple[int, int], Match] = {}
    for matches in found.values():
        for match in matches:
            firsts.setdefault((match["quantity"].i, match["trigger"].i), match)
    for _, match in sorted(firsts.items()):
        trigger, slot = match["trigger"], match["quantity"]
        # an apposition names the one its head names: "the hostage, a British aid worker,"
        if (not match.rule.one_victim or trigger == slot or slot.dep_ == "appos" or _hypothetical(trigger)
                or _negated(trigger) or _not_war(trigger, published)):
            continue
        verb = match.get("verb") or trigger
        takes_people = (_lemma(trigger) in _role("person_object")
                        or verb != trigger and category_of(trigger) == "killed")
        for member in _conjuncts(slot):
            key = (member.i, category_of(trigger))
            harmed = any(m == member.i for m, _ in seen)   # "was injured and evacuated": to care, not displaced
            if member.i not in counted and key not in seen and not (key[1] == "displaced" and harmed) and (
                    _single_person(member) or takes_people and _single_noun(member, {trigger.i, verb.i})):
                seen.add(key)
                out.append(Link(Quantity((member,), 1, 1, None), trigger, member, member, hedge=match.rule.hedge,
                                verb=match.get("verb")))
    return out


def _completed_verb(trigger: Token) -> Token | None:
    """The verb whose clause a trigger's guards read (past wars, past years): itself, or the verb it completes
    ("shot dead", "stabbed to death")."""
    if trigger.pos_ == "VERB":
        return trigger
    if trigger.pos_ == "ADJ" and (trigger.dep_ in COMPLEMENT_DEPS | {"attr"}
                                  or trigger.dep_ == "dep" and trigger.head.i == trigger.i - 1):
        return trigger.head      # "shot dead X", however the parser labels "dead"
    if (shifted := _shifted_object(trigger)) is not None:
        return shifted.head if shifted.dep_ == "dobj" else shifted.head.head
    if _resultative_category(trigger, _lemma(trigger)):
        return trigger.head.head
    return None


def _shifted_object(trigger: Token) -> Token | None:
    """ "shot dead Pamo Hobobo", "stabbed to death Pamo Hobobo": with the object after the complement, the parser
    takes the complement for a modifier of the object; the object is the victim of the verb just before."""
    if trigger.dep_ not in ("amod", "compound") or trigger.i == 0 or trigger.head.i <= trigger.i:
        return None
    noun, before = trigger.head, trigger.nbor(-1)
    if noun.dep_ == "dobj" and noun.head == before and before.pos_ == "VERB":
        return noun                                     # "shot dead X"
    if (noun.dep_ == "pobj" and noun.head == before and before.head.pos_ == "VERB" and before.i == before.head.i + 1
            and (before.lower_, _lemma(trigger)) in _resultatives()):
        return noun                                     # "stabbed to death X"
    return None


def _conjuncts(tok: Token) -> list[Token]:
    """ "a district governor and his son": both are victims."""
    return [tok] + [m for c in tok.children if c.dep_ == "conj" for m in _conjuncts(c)]


def _single_person(tok: Token) -> bool:
    if tok.lower_ in _role("single_pronoun"):
        return tok.lower_ != "another" or not _elides_a_thing(tok)
    if (tok.ent_type_ == "ORDINAL" and tok.dep_ in SUBJECT_DEPS | {"dobj"} and not _of_objects(tok)
            and any(c.dep_ == "det" and c.lower_ in ("a", "another") for c in tok.children)):
        return not _elides_a_thing(tok)     # "killed two insurgents and wounded a third": one more of them
    if any(c.dep_ == "nummod" for c in tok.children):
        return False
    if _named_person(tok) or any(c.dep_ == "appos" and _named_person(c) for c in tok.children):
        return True     # "Fernando Herrera Silva", "the head of legal services, Sizwe Vilakazi,"
    one = any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in tok.children)
    if one and tok.ent_type_ == "NORP" and tok.pos_ in ("PROPN", "NOUN"):
        return True     # "a 16-year-old Palestinian was shot dead": a people's word for one of them
    if one and tok.pos_ == "PROPN" and any(_person(o) and not _has_det(o) for o in _of_objects(tok)):
        return True     # "a senior Islamic Movement of Uzbekistan (IMU) leader": the parser hangs the leader on "of"
    if tok.pos_ == "PROPN":
        # A town is no person, even when NER calls it one ("captured Enerhodar").
        if tok.text in gazetteer():
            return False
        # "Pamo Hobobo, a former acting chairman of the party": the apposition says who the name is.
        described = any(c.dep_ == "appos" and c.tag_ == "NN" and c.lemma_.lower() in _persons() and _singular_det(c)
                        for c in tok.children)
        return tok.ent_type_ == "PERSON" or described or (tok.lemma_.lower() in _persons() and _singular_det(tok))
    return tok.tag_ == "NN" and tok.lemma_.lower() in _persons() and (_singular_det(tok) or not _has_det(tok))


def _elides_a_thing(tok: Token) -> bool:
    """ "destroyed two tanks and captured a third", "one tank was destroyed and another captured": the noun left
    out is the one before it, a thing."""
    before = [t for t in tok.sent[:tok.i - tok.sent.start] if t.pos_ in ("NOUN", "NUM")]
    return bool(before) and before[-1].pos_ == "NOUN" and before[-1].lemma_.lower() in _non_victims()   # not "one"


def _single_noun(tok: Token, verbs: set[int]) -> bool:
    """ "arrested a suspected IED maker": whom one arrests is a person, whatever the noun.

    Only the own object or passive subject of the trigger or the verb it completes: a shared one may be a seized
    "shipment".
    """
    own = tok.head.i in verbs and tok.dep_ in ("dobj", "nsubjpass")
    if own and tok.pos_ == "PROPN":
        # "killed Rostum and his associate": a name the NER missed, unless it names a place or a body.
        name = " ".join(t.text for t in tok.lefts if t.dep_ == "compound" and t.pos_ == "PROPN") + " " + tok.text
        return tok.ent_type_ not in NON_PERSON_ENTS and name.strip() not in gazetteer()
    return (own and tok.tag_ == "NN" and _singular_det(tok) and tok.lemma_.lower() not in _non_victims()
            # "put the death toll at 64": a tally of harm; "killed a tribal figure" a person
            and not (tok.lemma_.lower() in _role("tally") and any(category_of(t) for t in tok.subtree if t != tok))
            and not any(c.dep_ == "nummod" for c in tok.children)
            and not (tok.ent_type_ == "ORDINAL" and _of_objects(tok)))   # "a third of the residents": a share


def _named_person(tok: Token) -> bool:
    """A first and a last name: a PERSON entity of two words or more, which no gazetteer hit outweighs."""
    if tok.ent_type_ != "PERSON" or tok.pos_ != "PROPN":
        return False
    entity = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
    return entity is not None and len(entity) >= 2


def _singular_det(tok: Token) -> bool:
    return any(c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ in _role("singular_det")) for c in tok.children)


def _has_det(tok: Token) -> bool:
    return any(c.dep_ in ("det", "poss") for c in tok.children)


def _person(tok: Token) -> bool:
    return tok.lemma_.lower() in _persons() or tok.lower_ in _role("single_pronoun") or tok.ent_type_ == "PERSON"


def _what_befell_them_next(links: list[Link], published: date | None) -> list[Link]:
    """ "Two aid workers were abducted and killed", "one insurgent was wounded and later died": a coordinated
    harm verb of another category with no subject of its own befalls the same people, a figure of its own."""
    out = []
    for link in links:
        subject = link.anchor
        while subject.dep_ == "conj" and subject.head != subject:
            subject = subject.head      # "a soldier and two civilians were abducted and killed"
        conjunctions = [c for c in link.trigger.children if c.dep_ == "cc"]
        if subject.head != link.trigger or subject.dep_ not in SUBJECT_DEPS or len(conjunctions) != 1 or (
                conjunctions[0].lower_ not in ("and", "but")):
            continue    # "thousands were killed or injured" says how many were harmed, not that each was both
        category = category_of(link.trigger)
        for verb in link.trigger.children:
            # "were injured and evacuated" is a transfer to care, no displacement
            if (verb.dep_ == "conj" and verb.pos_ == "VERB" and verb.i > conjunctions[0].i
                    and category_of(verb) not in (None, category, "displaced")
                    and _bare_after(conjunctions[0], verb)
                    and PREDICATES["subject_victim"](verb)
                    and not (_hypothetical(verb) or _negated(verb) or _not_war(verb, published))):
                out.append(Link(link.quantity, verb, link.victim, link.anchor, hedge=link.hedge))
    return out


def _killed_or_injured(trigger: Token) -> bool:
    """ "were killed or injured", "killed or wounded dozens": harmed, the dead not told from the wounded (the
    guide's casualties)."""
    pair = {"killed", "injured"}
    if category_of(trigger) not in pair:
        return False
    if trigger.dep_ == "conj" and category_of(trigger.head) in pair - {category_of(trigger)}:
        return any(c.dep_ == "cc" and c.lower_ == "or" for c in trigger.head.children)
    return any(c.dep_ == "conj" and category_of(c) in pair - {category_of(trigger)} for c in trigger.children) and any(
        c.dep_ == "cc" and c.lower_ == "or" for c in trigger.children)


def _died_of_their_wounds(links: list[Link]) -> list[Link]:
    """ "were wounded and later died", "left him seriously wounded ... where he died": the wounded who died count
    among the dead only, each person once."""
    dead = {_person_of(link, links) for link in links if category_of(link.trigger) == "killed"}
    return [link for link in links if category_of(link.trigger) != "injured" or _person_of(link, links) not in dead]


def _person_of(link: Link, links: list[Link]) -> int:
    """Who the link counts, by the token naming them; "he" after "him" is the same one: the nearest single victim
    before it named by a pronoun of its gender ("a woman was wounded and he died" are two)."""
    anchor = link.anchor
    gender = anchor.morph.get("Gender", [])
    if anchor.pos_ != "PRON" or not gender or anchor.morph.get("Number", []) != ["Sing"]:
        return anchor.i
    earlier = [other.anchor for other in links if other.quantity.low == other.quantity.high == 1
               and other.anchor.i < anchor.i and other.anchor.pos_ == "PRON"
               and other.anchor.morph.get("Gender", []) == gender]
    return max(earlier, key=lambda t: t.i).i if earlier else anchor.i


def _bare_after(conjunction: Token, verb: Token) -> bool:
    """Nothing but auxiliaries and adverbs ("and later died", "and were then killed") between the conjunction and
    the verb, and no subject or object of its own: "and several wounded", "and a third wounded" count others."""
    between = conjunction.doc[conjunction.i + 1:verb.i]
    return (all(t.dep_ in ("aux", "auxpass", "advmod", "neg") and t.pos_ in ("AUX", "ADV", "PART")
                and not any(t.lower_ == words[0] for words, _ in _vague()) for t in between)
            and PREDICATES["no_subject"](verb) and PREDICATES["no_object"](verb))


def _sum_coordinated(links: list[Link]) -> list[Link]:
    """ "killed two women and three children" = killed 5: coordinated victims of one trigger are one count.

    So are the victims of coordinated triggers of one category, with one subject or each its own:
    "the force arrested a facilitator and detained two suspected insurgents" = captured 3, "a leader was
    captured and multiple suspected insurgents were detained" = captured 4.
    """
    groups: dict[int, list[Link]] = defaultdict(list)
    out = []
    for link in links:
        if _coordinated_argument(link):
            groups[_shared_trigger(link.trigger).i].append(link)
        else:
            out.append(link)
    for members in groups.values():
        out.extend(_summed(members))
    return sorted(out, key=lambda link: link.quantity.tokens[0].i)


def _shared_trigger(trigger: Token) -> Token:
    """The first of a chain of same-category triggers joined by "and"."""
    category = category_of(trigger)
    while trigger.dep_ == "conj" and trigger.head != trigger and category_of(trigger.head) == category:
        trigger = trigger.head
    return trigger


def _coordinated_argument(link: Link) -> bool:
    """The quantity is the trigger's subject or object, one of their conjuncts, or a companion ("with four others")."""
    slot = link.anchor
    while slot.dep_ == "conj" and slot.head != slot:
        if _parenthetical(slot):
            return False      # "15 persons died (13 civilians)": a part, not a further count
        slot = slot.head
    if slot.dep_ == "pobj" and (verb := _companion_verb(slot.head)) is not None:
        return verb == link.trigger or _companion_trigger(verb) == link.trigger
    if link.verb is not None and slot.head == link.verb and slot.dep_ in SUBJECT_DEPS | {"attr"}:
        return True     # "a soldier and two guards were among those killed"
    return slot.dep_ in SUBJECT_DEPS | {"dobj"} and _argument_of(slot, link.trigger)


def _parenthetical(tok: Token) -> bool:
    start = tok.left_edge.i
    return start > 0 and tok.doc[start - 1].text == "("


def _argument_of(slot: Token, trigger: Token) -> bool:
    """slot hangs on the trigger's own clause: on the trigger, or on a verb it completes or shares arguments with."""
    clause = trigger
    while clause != slot.head:
        if clause.dep_ not in SHARED_SUBJECT_DEPS | COMPLEMENT_DEPS | {"attr", "pobj", "prep"} or clause.head == clause:
            return False
        clause = clause.head
    return True


def _summed(members: list[Link]) -> list[Link]:
    lows = [low for m in members if (low := m.quantity.low) is not None]
    if len(members) == 1 or len(lows) < len(members):
        return members         # "up to" counts have no lower bound to add up
    first, *rest = sorted(members, key=lambda m: m.quantity.tokens[0].i)
    if len(rest) > 1 and first.quantity.low == sum(m.quantity.low or 0 for m in rest):
        return members         # "killed 20 people, 12 civilians and eight soldiers": a total, then its parts
    highs = [high for m in members if (high := m.quantity.high) is not None]
    hedges = {m.quantity.hedge for m in members}
    total = Quantity(
        tokens=tuple(sorted((t for m in members for t in m.quantity.tokens), key=lambda t: t.i)),
        low=sum(lows),
        high=sum(highs) if len(highs) == len(members) else None,
        hedge=next((h for h in HEDGE_ORDER if h in hedges), None),
    )
    # The parts are figures of their own: "six civilians and two police officers were killed" gives 6, 2 and 8.
    return [*members, replace(first, quantity=total, key=first.trigger,
                              hedge=next((m.hedge for m in members if m.hedge), None))]


def _none_reported(sent: Span, context: "_SentenceContext", taken: set[str]) -> list[Figure]:
    """ "no casualties", "no one was killed", "nobody was hurt", "without casualties"."""
    out = []
    for trigger in sent:
        category = category_of(trigger)
        # "no killers were found" says nothing of victims
        if not category or trigger.text in taken or _hypothetical(trigger) or _lemma(trigger) in _role("agent_noun"):
            continue
        negated_by = _negated_by(trigger)
        if negated_by is None:
            continue
        victim = negated_by if negated_by != trigger and negated_by.lower_ not in ("one", "nobody", "none") else None
        zero = Quantity((negated_by,), 0, 0, "none reported")
        figure = context.figure(Link(zero, trigger, victim, negated_by))
        if figure is not None:
            out.append(figure)
    return out


def _negated_by(trigger: Token) -> Token | None:
    """The word that says none were harmed: the trigger noun itself ("no casualties", "without casualties", "no
    reports of casualties"), or a verb's subject or object ("no one was killed", "nobody was hurt")."""
    negators = _role("negator")
    if trigger.pos_ == "NOUN":
        if any(c.dep_ == "det" and c.lower_ in negators for c in trigger.children) or trigger.head.lower_ == "without":
            return trigger
        # "no reports of casualties", not "made no mention of casualties": a silence is no report of none
        told = trigger.head.head
        if (trigger.dep_ == "pobj" and trigger.head.lower_ == "of" and told.lemma_.lower() in _role("report_noun")
                and any(c.dep_ == "det" and c.lower_ == "no" for c in told.children)):
            return trigger
        return None
    negated_by = None
    for subj in (c for c in trigger.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")):
        if subj.lower_ in negators or any(c.lower_ in negators for c in subj.children if c.dep_ == "det"):
            negated_by = subj
    return negated_by


def _inherit_victims(figures: list[Figure]) -> list[Figure]:
    """ "six people have died and 15 were injured": the 15 are people too; but not the five children of "killed 50
    people, among them five children, and wounded 100", nor the one person of "one person died and 15 were hurt"."""
    out: list[Figure] = []
    last: Figure | None = None
    for f in figures:
        # but a part names no whole: "five children were among the 12 dead" are not 12 children
        part_of_this = last is not None and last.category == f.category and (last.low or 0) < (f.low or 0)
        if f.victims is None and last is not None and f.hedge != "none reported" and not part_of_this:
            f = replace(f, victims=last.victims)
        part_of_last = last is not None and last.category == f.category and (f.low or 0) < (last.low or 0)
        if (part_of_this and not f.victims) or (f.victims and f.low == 1):
            # the whole the part was of names none ("and 30 were wounded" are not children); one person names no
            # group ("one civilian died and 10 were wounded" are no soldiers named before)
            last = None
        elif f.victims and not part_of_last:
            last = f
        out.append(f)
    return out


class _SentenceContext:
    """What every figure of a sentence shares: where, when, who says so, over what period."""

    def __init__(self, sent: Span, facts: SentenceFacts):
        self.sent = sent
        self.attribution: Attribution | None = facts.attribution
        self.places: list[Place] = [p for p in facts.places
                                    if not self._in_attribution(p) and not _says_whose(sent[p.end - 1], p)]
        self.dates = facts.dates
        self.charged = facts.charged
        self.landmarks = landmarks_of(sent, self.places)
        text = sent.text   # a Span joins its tokens' texts anew at every call
        cues = [sent.char_span(m.start(), m.end(), alignment_mode="expand")[0]
                for pattern in _scope_cues() for m in pattern.finditer(text)]
        self.scope_cues = [cue for cue in cues if not _comparison(cue)]

    def _in_attribution(self, place: Place) -> bool:
        a = self.attribution
        return a is not None and a.start <= place.start and place.end <= a.end

    def figure(self, link: Link) -> Figure | None:
        trigger, q = link.trigger, link.quantity
        category = "casualties" if _killed_or_injured(trigger) else category_of(trigger)
        if category == "displaced" and (harm := _harm_of_the_moved(trigger, link.victim)):
            category = harm
        if category is None or _arrest_of_the_charged(trigger, link.victim, self.charged):
            return None
        cumulative = any(_governs(cue, t) for cue in self.scope_cues for t in _gapped_partners(trigger))
        place = self._place_for(trigger)
        day = None if cumulative else self._date_for(trigger)
        return Figure(
            category=category, low=q.low, high=None if link.hedge == "at least" else q.high,
            hedge=q.hedge or link.hedge,
            victims=_victims(link.victim),
            scope="cumulative" if cumulative else "event",
            location_name=place.name if place else None,
            event_date=day.day if day else None,
            attributed_to=credits(self.attribution, self.sent, trigger),
            quantity_text=q.text, trigger_text=trigger.text,
            token_index=(link.key or q.tokens[0]).i - self.sent.start,
            place=place,
            date_precision=day.precision if day else None,
            trigger_index=trigger.i - self.sent.start,
            adds=_adds(trigger, link.victim),
        )

    def _place_for(self, trigger: Token) -> Place | None:
        """The most specific place, nearest the trigger: a city over a country, a town named outright over the one
        a distance is measured from ("in Serhiivka, 50km south of Odesa")."""
        places = [p for p in self.places
                  if not _in_background(self.sent[p.start], trigger) and p.start not in self.landmarks]
        if not places:
            return None
        rank = {"city": 0, "admin1": 1, "ner": 2, "country": 3}
        where = trigger.i - self.sent.start
        return min(places, key=lambda p: (rank.get(p.kind, 2), p.geo_precision or 1, abs(p.start - where)))

    def _date_for(self, trigger: Token) -> DateMention | None:
        days = [d for d in self.dates if d.day is not None]
        if not days:
            return None
        where = trigger.idx - self.sent.start_char
        return min(days, key=lambda d: min(abs(d.start - where), abs(d.end - where)))


def _harm_of_the_moved(trigger: Token, victim: Token | None) -> str | None:
    """ "Two wounded soldiers were evacuated to Kyiv", "seven casualties were evacuated": the harm the moved people
    carry, not a displacement (the wounded are taken to care; the wounded who fled are displaced)."""
    if victim is None or _lemma(trigger) not in _role("care_move"):
        return None
    words = [victim] + [c for c in victim.children if c.dep_ in ("amod", "compound")]
    return next((c for w in words if (c := category_of(w)) not in (None, "displaced")), None)


def _says_whose(tok: Token, place: Place) -> bool:
    """A place that says whose or from where people are, not where harm befell them: "two US citizens",
    "one of Ukraine's best-known poets", "Moscow's offensive", "mercenaries from Poland" ("Mariupol residents" may
    be where they were)."""
    governor = tok.head
    lemma = governor.lemma_.lower()
    if tok.dep_ in ("compound", "poss", "nmod", "amod"):
        return lemma in _role("actor_noun") or place.kind in ("country", "ner") and lemma in _persons()
    return (tok.dep_ == "pobj" and governor.lower_ == "from" and governor.head.lemma_.lower() in _persons()
            and place.kind in ("country", "ner"))    # "civilians from Mariupol" may be those evacuated from it


def _in_background(tok: Token, trigger: Token) -> bool:
    """The place is an actor or target of a clause that sets the scene in time, not the trigger's: "since Russia
    invaded Ukraine"; not its scene ("since fighting began in Mariupol")."""
    clause = tok.head
    return (tok.dep_ in ("nsubj", "dobj") and clause.pos_ == "VERB" and clause.dep_ in ("advcl", "pcomp")
            and trigger not in clause.subtree
            and any(c.dep_ == "mark" and c.lower_ in _role("background_mark") for c in clause.children))


def _adds(trigger: Token, victim: Token | None) -> bool:
    """ "The force also detained two additional suspects": this count comes on top of one told before. A part
    of a count never does: "other" in "killed 23 people, including Liza and two other children" is other than
    Liza."""
    if victim is not None and _within_part(victim, trigger):
        return False
    words = [c for c in trigger.children if c.dep_ == "advmod"] + (list(victim.children) if victim is not None else [])
    return any(w.lower_ in _role("additive") for w in words)


def _within_part(tok: Token, trigger: Token) -> bool:
    """The word hangs, below the trigger, on a word that makes it part of a count ("including", "among")."""
    for head in tok.ancestors:
        if head == trigger:
            return False
        if PREDICATES["part"](head):
            return True
    return False


def with_additions(figures: list[tuple[int, str, Figure]]) -> list[tuple[int, str, Figure]]:
    """An article's figures (sentence index, text, figure) in sentence order, and for each that adds to the
    latest earlier event count of its category ("captured a Taliban leader ... also detained two insurgents"),
    the running sum (3) as a figure of the adding sentence."""
    out = list(figures)
    for index, text, f in figures:
        if not f.adds or f.scope != "event" or f.low is None:
            continue
        before = [(g.low, g) for i, _, g in figures if i < index and g.category == f.category and g.scope == "event"
                  and g.low is not None]
        if before and _adds_to(f, before[-1][1]):
            last_low, last = before[-1]
            high = None if f.high is None or last.high is None else f.high + last.high
            # A negative token index keeps the sum's id apart from every figure read off the sentence itself.
            hedge = f.hedge or (last.hedge if high is None else None)   # "at least 1" + 1 is at least 2
            out.append((index, text, replace(f, low=f.low + last_low, high=high, hedge=hedge,
                                              token_index=-1 - f.token_index,
                                              quantity_text=f"{last.quantity_text} + {f.quantity_text}", adds=False)))
    return out


def _comparison(cue: Token) -> bool:
    """ "the worst attack since March", "the first such strike since 2014": a record the harm sets, no period."""
    head = cue.head
    return cue.lower_ == "since" and head.pos_ == "NOUN" and any(
        c.tag_ == "JJS" or c.lower_ == "first" for c in head.children if c.dep_ == "amod")


def _adds_to(f: Figure, last: Figure) -> bool:
    """ "also detained two more" adds to the count before it, unless that count is of another place ("Vadaturskyi
    was killed in Mykolaiv" ... "one man was also killed in Kharkiv")."""
    here, there = f.place, last.place
    if here is None or there is None or "country" in (here.kind, there.kind):
        return True
    # a region unknown for either ("Saltivka", a district of Kharkiv) is no other place
    return here.canonical == there.canonical or here.admin1 is None or there.admin1 is None or (
        here.admin1 == there.admin1)


def _gapped_partners(trigger: Token) -> list[Token]:
    """The trigger and the conjunct verbs that share its auxiliaries ("had been killed and 645 injured since the
    start"): one clause, so a period phrase on either speaks for both. A conjunct with auxiliaries of its own is a
    clause of its own ("killed three on Monday and have killed 300 since February")."""
    def gapped(verb: Token) -> bool:
        return verb.dep_ == "conj" and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)
    partners = [trigger] + [c for c in trigger.children if gapped(c)]
    if gapped(trigger):
        partners.append(trigger.head)
    return partners


def _governs(cue: Token, trigger: Token) -> bool:
    """A scope cue speaks for the trigger's clause or one above it, not for a clause of its own
    ("a leader who won a prize in 2005 has been shot dead"), unless it introduces that clause ("since the war
    began")."""
    clause, target = clause_head(cue), clause_head(trigger)
    if clause == target or clause.is_ancestor(target):
        return True
    return cue.dep_ == "mark" and clause.head == target


def _victims(victim: Token | None) -> str | None:
    if victim is None or victim.pos_ == "NUM" or victim.lower_ in _role("negator"):
        return None
    words = [c for c in victim.lefts if c.dep_ == "compound" and not category_of(c)] + [victim]
    return " ".join(t.lower_ for t in words)
