"""Who a sentence credits for what it reports: "according to X", "X said", "X's Telegram channel"."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

SPEECH_LEMMAS = {
    "say", "tell", "announce", "report", "claim", "confirm", "state", "add", "write",
    "post", "declare", "estimate", "accuse", "allege", "insist", "note", "acknowledge",
    "reveal", "disclose", "publish", "cite", "quote", "warn",
}
# "according to X's Telegram channel" credits X, not the channel.
CHANNELS = {"channel", "account", "page", "post", "statement", "website", "feed"}
# Modifiers that belong to a source's name; possessives ("Ukraine's ...") and clauses do not.
NAME_DEPS = {"compound", "amod", "flat", "nmod", "det"}


@dataclass(frozen=True)
class Attribution:
    source: str
    start: int   # token offsets of the whole attributing phrase in the sentence
    end: int


def find_attribution(sent: Span) -> Attribution | None:
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < sent.end and sent.doc[tok.i + 1].lower_ == "to":
            to = sent.doc[tok.i + 1]
            objs = [c for c in to.children if c.dep_ == "pobj"]
            if objs:
                return _phrase(sent, objs[0], tok)
    for tok in sent:
        if tok.lemma_.lower() in SPEECH_LEMMAS and tok.pos_ in ("VERB", "AUX"):
            subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
            # "He said" names no one the reader can check: no attribution beats a pronoun.
            if subjects and subjects[0].pos_ != "PRON":
                # The parser sometimes splits "The governor of X Vyacheslav Gladkov" into two subjects.
                named = [s for s in subjects if s.ent_type_ == "PERSON"] or subjects
                return _phrase(sent, named[-1], min(subjects[0].subtree, key=lambda t: t.i))
    return None


def _phrase(sent: Span, head: Token, phrase_start: Token) -> Attribution:
    """The source's name: a person named in apposition beats a title ("the governor ... X")."""
    subtree = list(head.subtree)
    owner = [c for c in head.children if c.dep_ == "poss" and c.pos_ == "PROPN"]
    if head.lemma_.lower() in CHANNELS and owner:
        head = owner[0]
    name = _person_in(sent, subtree)
    if name is None:
        name = _name_of(head)
    start = min(phrase_start.i, subtree[0].i) - sent.start
    end = subtree[-1].i + 1 - sent.start
    return Attribution(name, start, end)


def _person_in(sent: Span, tokens: list[Token]) -> str | None:
    ids = {t.i for t in tokens}
    people = [e for e in sent.ents if e.label_ == "PERSON" and all(t.i in ids for t in e)]
    if not people:
        # NER sometimes calls a person ORG; a name in apposition is still the speaker.
        appos = [t for t in tokens if t.dep_ == "appos" and t.pos_ == "PROPN"]
        return _name_of(appos[-1]) if appos else None
    return people[-1].text


def _name_of(head: Token) -> str:
    left = [t for t in head.lefts if t.dep_ in NAME_DEPS and t.lower_ not in ("the", "a", "an")]
    tokens = left + [head] + [t for t in head.rights if t.dep_ in ("flat", "compound")]
    tokens = sorted(tokens, key=lambda t: t.i)
    # Keep one contiguous run ending at the head: "Ukraine's Donetsk Regional Military Administration" -> without "Ukraine's".
    run = [tokens[-1]] if tokens[-1] is head else [head]
    for t in reversed([t for t in tokens if t.i < head.i]):
        if t.i == run[0].i - 1:
            run.insert(0, t)
    tail = [t for t in tokens if t.i > head.i]
    for t in tail:
        if t.i == run[-1].i + 1:
            run.append(t)
    return head.doc[run[0].i:run[-1].i + 1].text
