"""Events from one parsed sentence: what happened, who did it to whom, with what, where and when.

Shaped like ACLED (event and sub-event types, actor and target, geo- and
time-precision). An event is a trigger word with the clause it heads: words of
vocab/event_types.csv name their type on their own ("shelling", "detained");
words of vocab/event_frames.csv take it from their arguments ("hit with missile
strikes", "destroyed a military base", "took control of Lysychansk"). Places,
weapons, days and actors are read inside the trigger's clause only, so that the
place of a neighbouring clause is never stitched onto the event (GDELT's fault).

Which words are triggers and which words fill an event's roles (subject, object,
target, instrument, ...) are the patterns of patterns/events.yml; this module
turns roles into fields, and keeps the guards and the steps after matching.

extract_events gives one Event per mention; merge_mentions folds an article's
mentions of the same happening into one event per place and day.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache, partial
from typing import Callable, Iterable, NamedTuple, TypeVar

from spacy.tokens import Span, Token

from transforms.rules import vocab
from transforms.rules.attribution import SPEECH_LEMMAS, Attribution, credits
from transforms.rules.dates import DateMention
from transforms.rules.grammar import Grammar, Match
from transforms.rules.places import Place, country_place, demonyms, region_place
from transforms.rules.sentence import SentenceFacts, read_facts
from transforms.rules.syntax import CLAUSE_DEPS, clause_head

# How sure a type is: named by the trigger or its weapon, read off the target or actor, or a bare "strike".
NAMED, INFERRED, GENERIC = 2, 1, 0
# Past this many days before publication an event is background the ledger has from older articles.
BACKGROUND_DAYS = 7
PRONOUNS = {"PRON"}
# The roles the patterns fill (patterns/events.yml), each by the word it hangs on.
ROLES = frozenset({"subject", "agent", "shared_agent", "governor", "accused", "modifier", "side", "fallen",
                   "object", "target", "instrument", "own", "described", "origin", "seizure"})


@dataclass(frozen=True)
class Event:
    event_type: str
    actor: str | None
    target: str | None
    weapon: str | None
    location: Place | None
    event_date: date | None
    date_precision: int | None   # 1 day, 2 about that day or week (also: undated, so the publication day), 3 month
    attributed_to: str | None
    claimed: bool                # a party's claim ("X said", "accused", "according to"), not the reporter's statement
    trigger_text: str
    token_index: int             # the trigger's offset in the sentence: part of the event's stable id


class Actor(NamedTuple):
    name: str
    side: str
    country_code: str | None
    pattern: re.Pattern


class Weapon(NamedTuple):
    name: str
    kind: str
    event_type: str | None
    pattern: re.Pattern


class _Reading(NamedTuple):
    """One trigger read with its clause: the type it implies and how sure that is."""
    trigger: Token
    event_type: str
    certainty: int
    weapon: str | None


# --- vocabularies -----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def event_types() -> dict[str, dict[str, str]]:
    return {row["event_type"]: row for row in vocab.rows("event_types")}


def acled_type(event_type: str) -> tuple[str, str]:
    """ACLED's (event_type, sub_event_type) for one of ours."""
    row = event_types()[event_type]
    return row["acled_event_type"], row["acled_sub_event_type"]


@lru_cache(maxsize=1)
def _named_triggers() -> dict[tuple[str, ...], str]:
    """Lemma sequences that name an event type: ("air", "strike") -> air_strike."""
    return {tuple(phrase.split()): row["event_type"]
            for row in vocab.rows("event_types") for phrase in filter(None, row["triggers"].split(";"))}


@lru_cache(maxsize=1)
def _frames() -> dict[str, str]:
    return vocab.mapping("event_frames", "lemma", "frame")


@lru_cache(maxsize=1)
def actors() -> tuple[Actor, ...]:
    """In file order, which is priority order: "Russian-backed separatists" before "Russia"."""
    return tuple(Actor(r["actor"], r["side"], r["country_code"] or None, re.compile(r["aliases"]))
                 for r in vocab.rows("actors"))


@lru_cache(maxsize=1)
def weapons() -> tuple[Weapon, ...]:
    """In file order, the specific before the generic: "Tochka-U" before "ballistic missile" before "missile"."""
    return tuple(Weapon(r["weapon"], r["kind"], r["event_type"] or None, re.compile(r["aliases"], re.I))
                 for r in vocab.rows("weapons"))


_cues = partial(vocab.words, "event_cues")


@lru_cache(maxsize=1)
def _place_parts() -> frozenset[str]:
    """The nouns of a part of a place: "Kyiv's Solomianskyi district", "Kyiv's outskirts"."""
    return vocab.words("place_cues", "district_suffix") | vocab.words("place_cues", "place_part")


_person_nouns = partial(vocab.lemmas, "person_nouns")


def _state_of(country_code: str | None) -> str | None:
    if not country_code:
        return None
    return next((a.name for a in actors() if a.side == "state" and a.country_code == country_code), None)


@lru_cache(maxsize=1)
def _named_words() -> frozenset[str]:
    return frozenset(word for phrase in _named_triggers() for word in phrase)


def _is_trigger(tok: Token) -> bool:
    # Every token is asked (the patterns test it): the cheap lookups first.
    lemma = tok.lemma_.lower()
    return lemma in _frames() or (lemma in _named_words() and bool(_named_type(tok)))


def _named_type(tok: Token) -> str | None:
    """The type a trigger names, alone or with its neighbours ("air strike", "shot down")."""
    named = _named_triggers()
    doc = tok.doc
    for width in (3, 2, 1):
        for start in range(tok.i - width + 1, tok.i + 1):
            if start < 0 or start + width > len(doc):
                continue
            lemmas = tuple(t.lemma_.lower() for t in doc[start:start + width])
            if lemmas in named:
                return named[lemmas]
    return None


# The named tests the pattern file's `is:`/`not:` use: what a word is, never which construction it is in.
PREDICATES: dict[str, Callable[[Token], bool]] = {
    "trigger": _is_trigger,
    # "shelled" is a strike, "shotgun shells" ammunition: the noun names no happening
    "verb_only": lambda t: t.pos_ != "VERB" and t.lemma_.lower() in _cues("verb_only"),
}


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    return Grammar("events", PREDICATES)


# --- one sentence --------------------------------------------------------------------------------------

def extract_events(sent: Span, published: date | None, country_hint: Iterable[str] | None = None,
                   facts: SentenceFacts | None = None) -> list[Event]:
    """Every event the sentence reports, one per trigger and place, in reading order."""
    # Every event starts from a trigger word (the trigger rules test it): without one, the matcher has nothing
    # to find, and it is the dearest step here.
    if not any(_is_trigger(tok) for tok in sent):
        return []
    matches = grammar().matches(sent)
    groups = _trigger_groups(matches)
    if not groups:
        return []
    sentence = _Sentence(sent, published, facts or read_facts(sent, published, country_hint), matches)
    events: list[Event] = []
    for head, triggers in groups.items():
        events.extend(sentence.events(head, triggers, groups))
    return events


def _trigger_groups(matches: list[Match]) -> dict[Token, list[Token]]:
    """Trigger words by the head of their clause: "hit with three missile strikes" is one event."""
    groups: dict[Token, list[Token]] = defaultdict(list)
    for tok in sorted({t for m in matches if (t := m.tokens.get("trigger")) is not None}, key=lambda t: t.i):
        groups[clause_head(tok, CLAUSE_DEPS)].append(tok)
    for head in [h for h in groups if _purpose_of_event(h, groups)]:
        del groups[head]
    return groups


# --- guards: what a matched event is not ------------------------------------------------------------------

def _purpose_of_event(head: Token, groups: dict[Token, list[Token]]) -> bool:
    """ "conducted an operation to capture a Haqqani facilitator in Logar province": the capture is the
    operation's aim, not an event; its words (the place, the day) stay with the operation's clause."""
    if head.dep_ not in ("advcl", "xcomp", "acl", "relcl") or not any(
            c.dep_ == "aux" and c.lower_ == "to" for c in head.children):
        return False
    return any(a in groups or any(a in ts for ts in groups.values()) for a in head.ancestors)


def _irrealis(trigger: Token) -> bool:
    """Denied, planned, feared or future: "did not provide evidence of the attack", "the goal of taking over"."""
    if any(c.dep_ == "amod" and c.lemma_.lower() in _cues("irrealis") for c in trigger.children):
        return True  # "possible explosion", "a potential attack"
    for tok in [trigger, *trigger.ancestors]:
        if tok.lemma_.lower() in _cues("irrealis"):
            return True
        if any(c.dep_ == "neg" or (c.dep_ == "aux" and c.lower_ in _cues("irrealis")) for c in tok.children):
            return True
        if tok.lemma_.lower() in SPEECH_LEMMAS:
            return False
    return False


def _cumulative(trigger: Token, head: Token) -> bool:
    """ "Russia had destroyed six Himars since the beginning of the invasion": a tally, not one happening."""
    return any(c.lower_ in _cues("cumulative") and c.dep_ in ("prep", "mark")
               for tok in {head, trigger}
               for c in [*tok.children, *(g for a in tok.children if a.dep_ == "advcl" for g in a.children)])


def _years_ago(sent: Span, published: date | None, region: set[int]) -> bool:
    """ "a nerve agent attack on British soil in 2018", "in March 2014": an event of a year before publication
    is history, whatever the rest of the sentence says."""
    if published is None:
        return False
    for i in region:
        tok = sent.doc[i]
        if not (tok.shape_ == "dddd" and tok.ent_type_ == "DATE" and 1900 <= int(tok.text) < published.year):
            continue
        holder = tok.head if tok.head.ent_type_ == "DATE" and tok.dep_ in ("nummod", "npadvmod", "appos") else tok
        if holder.dep_ == "pobj" and holder.head.lower_ in ("in", "during", "of"):
            return True
    return False


def _claimed(sent: Span, attribution: Attribution | None, trigger: Token) -> bool:
    if attribution is not None or any(a.lemma_.lower() in SPEECH_LEMMAS for a in trigger.ancestors):
        return True
    before = sent.doc[sent.start:trigger.i].text
    return before.count('"') % 2 == 1


Row = TypeVar("Row")


def _find(sent: Span, table: Iterable[Row], pattern_of: Callable[[Row], re.Pattern]) -> dict[int, Row]:
    """token index -> the first row (in priority order) whose pattern covers the token."""
    found: dict[int, Row] = {}
    text = sent.text   # a Span joins its tokens' texts anew at every call
    for row in table:
        for m in pattern_of(row).finditer(text):
            span = sent.char_span(m.start(), m.end(), alignment_mode="expand")
            for tok in span or ():
                found.setdefault(tok.i, row)
    return found


# --- roles: who, to whom, with what --------------------------------------------------------------------------

class _Roles:
    """The roles the patterns found in a sentence, by the word they hang on, and the parties they name."""

    def __init__(self, sent: Span, matches: list[Match]):
        self.actor_tokens = _find(sent, actors(), lambda a: a.pattern)
        self.weapon_tokens = _find(sent, weapons(), lambda w: w.pattern)
        self._found: dict[tuple[str, int], list[Token]] = defaultdict(list)
        for m in matches:
            anchor = m.tokens[m.rule.nodes[0][0]]
            for name, tok in m.tokens.items():
                if name in ROLES and tok not in self._found[(name, anchor.i)]:
                    self._found[(name, anchor.i)].append(tok)

    def of(self, role: str, *anchors: Token) -> list[Token]:
        """The words that fill the role on any of the anchors."""
        return [t for a in dict.fromkeys(anchors) for t in self._found.get((role, a.i), ())]

    def words(self, role: str, *anchors: Token) -> set[int]:
        """The role's phrases: the subtrees of its words."""
        return {t.i for tok in self.of(role, *anchors) for t in tok.subtree}

    def agent(self, head: Token, triggers: list[Token]) -> set[int]:
        """Who does it: the subject (or "by" agent), the modifiers of a noun trigger ("Russian strikes"),
        the one accused ("accused Ukraine of launching"), the speaker behind "they said they destroyed";
        the side a place falls to ("fell to Russian control")."""
        for trigger in triggers:
            if trigger.pos_ == "VERB" and _frames().get(trigger.lemma_.lower()) == "fall":
                return self.words("side", trigger)
            owners = [c for c in self.of("modifier", trigger) if c.i in self.actor_tokens]
            if trigger.pos_ == "NOUN" and owners:
                return {t.i for c in owners for t in c.subtree}
        if head.lemma_.lower() in SPEECH_LEMMAS:
            return set()  # "RIA Novosti confirmed the attack": the subject reports it, it did not do it
        return {t.i for subject in self.subjects(head) for t in subject.subtree}

    def subjects(self, head: Token) -> list[Token]:
        # All of them: a dateline parses as a second subject ("KABUL, Afghanistan (Oct. 6) — A ... force killed").
        found = [self._speaker_for(s) if s.pos_ in PRONOUNS else s for s in self.of("subject", head)]
        found += self.of("agent", head)
        subjects = found or self.of("shared_agent", head)
        if subjects:
            return [s for s in subjects if s is not None]
        governor = self.of("governor", head)
        return self.subjects(governor[0]) if governor else self.of("accused", head)

    @staticmethod
    def _speaker_for(pronoun: Token) -> Token | None:
        """ "Ukraine forces said they destroyed": they = Ukraine forces."""
        for anc in pronoun.ancestors:
            if anc.lemma_.lower() in SPEECH_LEMMAS:
                subject = next((c for c in anc.children if c.dep_ == "nsubj"), None)
                if subject is not None and subject.pos_ not in PRONOUNS:
                    return subject
        return None

    def objects(self, head: Token, trigger: Token) -> list[Token]:
        """What the event is done to: its objects and targets."""
        return [t for tok in self.of("object", head, trigger) + self.of("target", head, trigger)
                for t in tok.subtree]

    def instruments(self, trigger: Token, head: Token, frame: str) -> set[int]:
        """Where a clause names what it strikes with: its subject, "with"/"by" phrases, the trigger's own
        words ("missile strikes"); for "fire"/"launch" also the object, or the noun they describe."""
        if frame == "fall":
            # "shells fell on the airfield", not "the wreckage of one of the missiles fell".
            return {s.i for s in self.of("subject", trigger)}
        found = self.words("own", trigger)
        for role in ("subject", "agent", "instrument") + (("object",) if frame == "weapon" else ()):
            found |= self.words(role, head, trigger)
        return found

    def actor(self, tokens: set[int]) -> Actor | None:
        found = [a for i in sorted(tokens) if (a := self.actor_tokens.get(i))]
        return min(found, key=actors().index) if found else None

    def weapon(self, tokens: set[int]) -> Weapon | None:
        found = [w for i in sorted(tokens) if (w := self.weapon_tokens.get(i)) and w.kind != "air defense"]
        return min(found, key=weapons().index) if found else None


# --- types: what the roles make of a frame ----------------------------------------------------------------

class _Reader:
    """A trigger's type, from the word alone or from its frame and roles."""

    def __init__(self, roles: _Roles, place_at: Callable[[Token], bool]):
        self.roles = roles
        self.place_at = place_at

    def read(self, trigger: Token, head: Token, region: set[int], agent: set[int]) -> _Reading | None:
        named = _named_type(trigger)
        if named:
            return _Reading(trigger, named, NAMED, None)
        frame = _frames()[trigger.lemma_.lower()]
        instruments = self.roles.instruments(trigger, head, frame) & region
        if frame == "weapon":
            instruments |= {d.i for d in self.roles.of("described", trigger)}  # "missiles launched at Belgorod"
        weapon = self.roles.weapon(instruments)
        if frame == "attack":
            return self._attack(trigger, head, weapon, agent)
        if frame == "fall" and (self.roles.of("side", trigger) or self.roles.of("fallen", trigger)):
            return _Reading(trigger, "territory_change", NAMED, None)
        if frame in ("weapon", "fall"):
            return _Reading(trigger, weapon.event_type, NAMED, weapon.name) if weapon and weapon.event_type else None
        if frame == "seize":
            return self._seize(trigger)
        if frame == "operation":
            return self._operation(trigger, agent)
        # "armed": "killed by a landmine" is the weapon's attack; else killing or engaging is a clash only when
        # an armed party does it.
        if weapon and weapon.event_type:
            return _Reading(trigger, weapon.event_type, INFERRED, weapon.name)
        return _Reading(trigger, "armed_clash", INFERRED, None) if self.roles.actor(agent) else None

    def _attack(self, trigger: Token, head: Token, weapon: Weapon | None, agent: set[int]) -> _Reading | None:
        if self._figurative(trigger, head):
            return None
        agent_weapons = [w for i in sorted(agent) if (w := self.roles.weapon_tokens.get(i))]
        if any(w.kind == "air defense" for w in agent_weapons):
            return _Reading(trigger, "air_defense_interception", NAMED, None)
        if weapon and weapon.event_type:
            return _Reading(trigger, weapon.event_type, NAMED, weapon.name)
        if any(t.lemma_.lower() in _cues("military_object") for t in self.roles.objects(head, trigger)):
            return _Reading(trigger, "strike_on_military_target", INFERRED, None)
        return _Reading(trigger, "remote_attack", GENERIC, None)

    def _figurative(self, trigger: Token, head: Token) -> bool:
        """ "the rouble hit a record low", "hit by EU sanctions", "a cyber attack", "a hunger strike", "strike a
        deal", "an attack on democracy": the one who strikes, what with, or what is struck is no physical
        thing (event_cues non_physical), or the one attacked is a person's name (a verbal attack)."""
        of = self.roles.of
        words: list[Token] = [trigger, *of("subject", head, trigger), *of("agent", head, trigger),
                              *(o for o in of("object", head, trigger) if o.dep_ != "nsubjpass"),
                              *(p for p in of("instrument", head, trigger) + of("target", head, trigger)
                                if p.dep_ == "pobj"),
                              *of("described", trigger)]  # "disinformation campaigns targeted at Latin Americans"
        if trigger.head.dep_ == "prep" and trigger.head.lower_ == "on" and not list(trigger.children):
            words.append(trigger.head)  # "workers went on strike"
        cues = _cues("non_physical")
        for w in words:
            if w.lemma_.lower() in cues or w.lower_ in cues:
                return True
            if any(c.dep_ in ("compound", "amod") and (c.lemma_.lower() in cues or c.lower_ in cues)
                   for c in w.children):
                return True
        return trigger.lemma_.lower() == "attack" and any(
            o.ent_type_ == "PERSON" and not self.place_at(o)
            for o in self.roles.objects(head, trigger) if o.dep_ in ("pobj", "dobj"))

    def _seize(self, trigger: Token) -> _Reading | None:
        """ "took control of Lysychansk", "took over Lysychansk", "captured Kherson" vs "captured a Taliban leader"."""
        objects = self.roles.of("object", trigger)
        if trigger.lemma_ == "take" and not self.roles.of("seizure", trigger):
            return None  # a "take" seizes only in the phrases of the take-over and take-control patterns
        if any(o.lemma_ == "control" or self.place_at(o) for o in objects):
            return _Reading(trigger, "territory_change", NAMED, None)
        if any(o.ent_type_ == "PERSON" or o.lemma_.lower() in _person_nouns() for o in objects):
            return _Reading(trigger, "arrest", NAMED, None)
        # "captured an Islamic Movement of Uzbekistan leader": the parser makes the group's name the object.
        if any(t.lemma_.lower() in _person_nouns() for o in objects for t in _phrase(o)):
            return _Reading(trigger, "arrest", NAMED, None)
        return None

    def _operation(self, trigger: Token, agent: set[int]) -> _Reading | None:
        """ "An Afghan and coalition security force conducted an operation in Andar district", "during a
        clearing operation", "raided a compound": a security operation when an armed party carries it out.
        A bare "operation" counts only as the object of "conduct" or after "during", or named as a security,
        clearing or search operation; never the war's name ("the special military operation")."""
        if self.roles.actor(agent) is None or self._rescue(trigger):
            return None
        if trigger.lemma_.lower() == "operation":
            modifiers = {c.lower_ for c in self.roles.of("modifier", trigger) if c.dep_ != "poss"}
            if modifiers & _cues("battle_operation"):
                return _Reading(trigger, "armed_clash", INFERRED, None)
            if modifiers & _cues("not_operation"):
                return None
            if not (modifiers & _cues("operation_kind") or trigger.head.lemma_.lower() in _cues("operation_verb")):
                return None
        return _Reading(trigger, "security_operation", GENERIC, None)

    @staticmethod
    def _rescue(trigger: Token) -> bool:
        """ "a search for dozens more missing in the rubble", "searched the debris for survivors": a search for
        victims is a rescue, not a security operation (event_cues rescued)."""
        heads = [c for c in trigger.children if c.dep_ == "dobj"] + [
            o for p in trigger.children if p.dep_ == "prep" and p.lower_ == "for"
            for o in p.children if o.dep_ == "pobj"]
        if any(h.lemma_.lower() in _person_nouns() for h in heads):
            return False    # "searched the ruins of the compound for insurgents": an operation
        # the sought words and their own modifiers ("dozens more missing"), not their clauses
        sought = heads + [c for h in heads for c in h.children if c.dep_ in ("amod", "compound", "nummod")]
        return any(t.lemma_.lower() in _cues("rescued") for t in sought)


# --- where and when --------------------------------------------------------------------------------------

class _Where:
    """The words of a clause that are its own, and the place and day they give."""

    def __init__(self, sent: Span, facts: SentenceFacts, roles: _Roles):
        self.sent = sent
        self.attribution = facts.attribution
        self.places = facts.places
        self.dates = facts.dates
        self.roles = roles
        self.fragments = [t for t in sent if t.dep_ == "ROOT" and t != sent[0].sent.root and t.i > sent.start
                          and t.pos_ not in ("VERB", "AUX") and not any(x.pos_ in ("VERB", "AUX") for x in t.subtree)]

    def region(self, head: Token, groups: dict[Token, list[Token]]) -> set[int]:
        """The clause's tokens: the head's subtree without nested events and without the source's words."""
        region = {t.i for t in head.subtree}
        # The parser sometimes cuts a sentence's tail into a verbless fragment of its own ("... to capture a
        # facilitator in | Muhammad Aghah district, Logar province, today."): it belongs to the clause before it.
        for fragment in self.fragments:
            if fragment.left_edge.i == head.right_edge.i + 1:
                region |= {t.i for t in fragment.subtree}
        for other in groups:
            if other != head and other.i in region and head.is_ancestor(other):
                region -= {t.i for t in other.subtree}
        region -= self.records(head)
        if self.attribution:
            a = self.attribution
            region -= set(range(self.sent.start + a.start, self.sent.start + a.end))
        return region

    def asides(self, head: Token, trigger: Token, region: set[int]) -> set[int]:
        """The words of clauses the event is only set beside: "the strikes came as Nato's members invited Sweden",
        "the attack came before a planned meeting in St Petersburg", "... showed Moscow could not keep its
        promises", "... and an international conference in The Hague sought": their places are not its own."""
        out: set[int] = set()
        for i in sorted(region):
            tok = self.sent.doc[i]
            if tok == head or tok.i in out or tok.is_ancestor(trigger) or tok == trigger:
                continue
            # "destroyed two drones as they approached the city of Kursk": a clause about the event's own
            # participants (a pronoun subject) tells where it happened.
            if _aside(tok) and not any(c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in PRONOUNS
                                       for c in tok.children):
                out |= {t.i for t in tok.subtree}
        return out

    def origins(self, head: Token, trigger: Token) -> set[int]:
        """ "rockets fired from the territory of Belarus", "intensifying attacks from Izium": where a strike comes
        from is not where it lands."""
        # not "smoke rises from the plant after a bombardment"
        verbs = [trigger] + ([head] if _is_trigger(head) else [])
        return {t.i for c in self.roles.of("origin", *verbs) if not c.is_ancestor(trigger) for t in c.subtree}

    def records(self, trigger: Token) -> set[int]:
        """ "targeted a leader responsible for an attack Jan. 7 in Charkh district": the words of a record of the
        target's, with its own day and place, which are not this event's."""
        out: set[int] = set()
        for tok in self.sent:
            if tok.lemma_.lower() in _cues("record") and tok != trigger and not tok.is_ancestor(trigger):
                # Only its complement ("for an attack Jan. 7"): a later phrase may be the parser's misattachment.
                complement = next((c for c in tok.children if c.dep_ in ("prep", "pobj") and c.i > tok.i), None)
                if complement is not None and not complement.is_ancestor(trigger):
                    out |= {t.i for t in complement.subtree}
        return out

    def locations(self, trigger: Token, region: set[int], agent: set[int]) -> list[Place]:
        """The most precise place in the clause nearest the trigger, with the places coordinated with it."""
        start = self.sent.start
        # A place in capitals is a dateline ("KABUL, Afghanistan"), where the report was filed.
        # A region is never the one who acts: "In Sholgarah district, Balkh province, forces captured" parses
        # the province as a subject.
        # The target of a trigger noun that is itself the subject ("a missile strike on Odesa killed eight") is
        # the event's place, though it sits in the agent's words.
        aimed_at = self.roles.words("target", trigger)
        inside = [p for p in self.places if not p.name.isupper() and not self._acting(p)
                  and all(start + i in region
                          and (start + i not in agent or p.kind == "admin1" or start + i in aimed_at)
                          for i in range(p.start, p.end))]
        if not inside:
            own = _own_country(self.sent, region) or self._speakers_region()
            return [own] if own else []
        best = min(inside, key=lambda p: (_specificity(p), abs(start + p.start - trigger.i)))
        root = self.sent[best.start:best.end].root
        return [p for p in inside if p is best or _coordinated(root, self.sent[p.start:p.end].root)]

    def _acting(self, place: Place) -> bool:
        """ "arms delivered by Washington", "Moscow's supply lines", "showed Moscow could not keep": a capital or
        country that stands for its government (an actor's name) as a subject, possessor or agent is no place;
        the owner of a part of a place is one ("Kyiv's Solomianskyi district", "Kyiv's outskirts")."""
        root = self.sent[place.start:place.end].root
        if root.i not in self.roles.actor_tokens or root.dep_ == "poss" and root.head.lower_ in _place_parts():
            return False
        return root.dep_ in ("nsubj", "poss") or (root.dep_ == "pobj" and root.head.dep_ == "agent")

    def _speakers_region(self) -> Place | None:
        """ "The head of the Russia-installed council in the Zaporizhzhia region ... said that shells fell on
        the airfield": a clause that names no place happened in the speaker's jurisdiction, the one region
        named in the attribution (geo-precision 3)."""
        if self.attribution is None:
            return None
        a = self.attribution
        found = [p for p in self.places if p.kind == "admin1" and a.start <= p.start and p.end <= a.end]
        return replace(found[0], geo_precision=3) if len(found) == 1 else None

    def place_at(self, tok: Token) -> bool:
        i = tok.i - self.sent.start
        return any(p.start <= i < p.end for p in self.places) or any(
            self.place_at(c) for c in tok.children if c.dep_ in ("prep", "pobj", "appos") and c.i > tok.i)


def _aside(tok: Token) -> bool:
    """A phrase or clause of its own: "before"/"after" a happening, or a clause with a subject of its own and,
    below the clause, a subordinator ("as", "before"). "captured ... while defending Mariupol": a clause
    without a subject shares the event's."""
    if tok.dep_ == "prep":
        return tok.lower_ in _cues("aside_prep")
    if tok.dep_ not in ("advcl", "conj", "ccomp", "parataxis") or tok.pos_ not in ("VERB", "AUX"):
        return False
    subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)
    return subject and (tok.dep_ != "advcl" or any(c.dep_ == "mark" and c.lower_ in _cues("aside")
                                                    for c in tok.children))


def _own_country(sent: Span, region: set[int]) -> Place | None:
    """ "a missile attack on his country": the country of the one whose country it is (the sentence's subject)."""
    for i in sorted(region):
        tok = sent.doc[i]
        if tok.lemma_.lower() in _cues("own_country") and any(c.dep_ == "poss" and c.pos_ in PRONOUNS
                                                               for c in tok.children):
            code = _subject_country(sent)
            return country_place(code, i - sent.start, i + 1 - sent.start) if code else None
    return None


def _subject_country(sent: Span) -> str | None:
    subject = next((c for c in sent.root.children if c.dep_ == "nsubj"), None)
    words = [t.text for t in subject.subtree] if subject is not None else []
    return next((demonyms()[w] for w in words if w in demonyms()), None)


def _event_date(sent: Span, dates: list[DateMention], trigger: Token, region: set[int],
                records: set[int]) -> DateMention | None:
    """The day said in the clause, else in the sentence; a day in brackets is a dateline, the last resort."""
    head = clause_head(trigger, CLAUSE_DEPS)

    def first(d: DateMention) -> Token | None:
        span = sent.char_span(d.start, d.end, alignment_mode="expand")
        return span[0] if span else None
    dated = [d for d in dates if d.day is not None and not ((tok := first(d)) is not None and tok.i in records)]
    if not dated:
        return None
    reported = head != trigger and head.lemma_.lower() in SPEECH_LEMMAS

    def key(d: DateMention):
        span = sent.char_span(d.start, d.end, alignment_mode="expand")
        at = span[0].i if span else trigger.i
        bracketed = sent.text[:d.start].rstrip().endswith("(")
        # "forces today confirmed the arrest of ... Sept. 19": "today" is when it was said.
        said = reported and span is not None and span.root.head == head
        return (bracketed, at not in region, said, abs(at - trigger.i))
    return min(dated, key=key)


# --- a clause's event ------------------------------------------------------------------------------------

class _Sentence:
    """What every event of a sentence draws on: its roles, places, days and source."""

    def __init__(self, sent: Span, published: date | None, facts: SentenceFacts, matches: list[Match]):
        self.sent = sent
        self.published = published
        self.attribution = facts.attribution
        self.dates = facts.dates
        self.roles = _Roles(sent, matches)
        self.where = _Where(sent, facts, self.roles)
        self.reader = _Reader(self.roles, self.where.place_at)

    def events(self, head: Token, triggers: list[Token], groups: dict[Token, list[Token]]) -> list[Event]:
        region, agent, readings = self._readings(head, triggers, groups)
        if not readings:
            return []
        best = max(readings, key=lambda r: (r.certainty, -r.trigger.i))
        if _irrealis(best.trigger) or _cumulative(best.trigger, head) or self._outcome(head, best, groups):
            return []
        region = region - self.where.asides(head, best.trigger, region)
        if _years_ago(self.sent, self.published, region):
            return []
        if event_types()[best.event_type]["family"] == "remote":
            region = region - self.where.origins(head, best.trigger)
        return self._located(best, head, region, agent, groups)

    def _readings(self, head: Token, triggers: list[Token],
                  groups: dict[Token, list[Token]]) -> tuple[set[int], set[int], list[_Reading]]:
        """The clause's words, its agent's, and what each of its triggers says happened."""
        region = self.where.region(head, groups)
        agent = self.roles.agent(head, triggers)
        return region, agent, [r for t in triggers if (r := self.reader.read(t, head, region, agent))]

    def _outcome(self, head: Token, best: _Reading, groups: dict[Token, list[Token]]) -> bool:
        """ "A missile hit a shopping centre, killing 18": the killing that a participle adds to a named event of
        the clause it hangs on is that event's outcome, no clash of its own ("returned fire, killing four" names
        none, so there the killing is the clash)."""
        main = head.head
        if best.certainty != INFERRED or head.dep_ != "advcl" or head.tag_ != "VBG" or main not in groups:
            return False
        return any(r.certainty == NAMED for r in self._readings(main, groups[main], groups)[2])

    def _located(self, best: _Reading, head: Token, region: set[int], agent: set[int],
                 groups: dict[Token, list[Token]]) -> list[Event]:
        """The event at each of its places, dated, with its actor, weapon and source."""
        actor = self.roles.actor(agent)
        places = self.where.locations(best.trigger, region, agent) or self._scene(head, best.trigger, agent, groups)
        mention = _event_date(self.sent, self.dates, best.trigger, region, self.where.records(best.trigger))
        day, precision = ((mention.day, mention.precision) if mention
                          else (self.published, 2 if self.published else None))
        weapon = best.weapon or next((w.name for i in sorted(region) if (w := self.roles.weapon_tokens.get(i))
                                      and w.kind != "air defense"), None)
        base = Event(
            event_type=best.event_type, actor=actor.name if actor else None, target=None, weapon=weapon,
            location=None, event_date=day, date_precision=precision,
            attributed_to=credits(self.attribution, self.sent, best.trigger),
            claimed=_claimed(self.sent, self.attribution, best.trigger), trigger_text=best.trigger.text,
            token_index=best.trigger.i - self.sent.start,
        )
        locations: list[Place | None] = list(places) or [None]
        return [replace(base, location=p, target=self._target(head, best.trigger, region, agent, actor, p))
                for p in locations]

    def _scene(self, head: Token, trigger: Token, agent: set[int], groups: dict[Token, list[Token]]) -> list[Place]:
        """ "Two people were killed in Nikolaev when Russian rockets hit the city centre": a clause that tells when
        the harm of the clause it hangs on came, and names no place, happened at that clause's place (not "the
        mayor was in Kyiv when a missile hit the port": that clause tells of no harm)."""
        if head.dep_ != "advcl" or head.head.lemma_.lower() not in vocab.lemmas("casualty_triggers") \
                or not any(c.dep_ in ("advmod", "mark") and c.lower_ in _cues("scene_mark") for c in head.children):
            return []
        return self.where.locations(trigger, self.where.region(head.head, groups), agent)

    def _target(self, head: Token, trigger: Token, region: set[int], agent: set[int],
                actor: Actor | None, place: Place | None) -> str | None:
        """Whom it is done to: a party named in the objects, else the state whose ground was struck."""
        named = self.roles.actor({t.i for t in self.roles.objects(head, trigger)} & region - agent)
        if named and named != actor:
            return named.name
        if place and actor and place.country_code and place.country_code != actor.country_code:
            return _state_of(place.country_code)
        return None


def _phrase(tok: Token) -> list[Token]:
    """A noun with its "of" phrases, without clauses: "Movement of Uzbekistan leader"."""
    out = [tok]
    for c in tok.children:
        if c.dep_ in ("prep", "pobj", "compound"):
            out.extend(_phrase(c))
    return out


def _specificity(place: Place) -> int:
    """A town, near a town, a region, an unknown name (no coordinates), a country."""
    if place.kind == "ner":
        return 3
    if place.kind == "country":
        return 4
    return {1: 0, 2: 1}.get(place.geo_precision, 2) if place.geo_precision is not None else 2


def _coordinated(a: Token, b: Token) -> bool:
    """ "shelling Slovyansk and Bakhmut": b is a conjunct of a, or the other way round."""
    return (b.dep_ == "conj" and b.head == a) or (a.dep_ == "conj" and a.head == b) or (
        a.dep_ == b.dep_ == "conj" and a.head == b.head)


# --- one article --------------------------------------------------------------------------------------

class Mention(NamedTuple):
    sentence_index: int
    event: Event


def merge_mentions(mentions: Iterable[Mention], published: date | None = None,
                   countries: Iterable[str] = ()) -> list[tuple[Event, list[Mention]]]:
    """An article's events: its mentions of the same happening folded into one event per type, place and day.

    Articles tell one strike in several sentences ("Russia has taken control of Lysychansk", "the military
    had taken over Lysychansk"), so per happening: mentions at one place and day merge, a bare "strike" takes
    the type of a named one there, a region-wide event yields to one in a town of that region, and a
    mention that names no place lends its type to the one bare strike of the same actor and day. A named
    happening whose clause names no place and that no placed event of its kind that day accounts for
    still happened: it is placed where its sentence's other event is, else at the article's one region,
    else its one country (`countries`, the article's), at geo-precision 3. Events more than BACKGROUND_DAYS before
    publication are not happenings of this article.
    """
    mentions = list(mentions)
    unplaced = [m for m in mentions if m.event.location is None]
    located = [m for m in mentions if m.event.location is not None and not _background(m.event, published)
               and not _unmappable(m.event)]
    clusters = _cluster(located)
    _name_bare_strikes(clusters, unplaced)
    fallback = _article_place(located, countries)
    current = [m for m in unplaced if not _background(m.event, published)]
    for m in _unaccounted(current, clusters):
        # "Russian forces attacked near Hrianykivka, Kharkiv, but were repelled": the place of its sentence.
        here = next((x.event.location for x in located if x.sentence_index == m.sentence_index), fallback)
        if here is not None:
            clusters.append([replace_place(m, here)])
    clusters = [c for c in clusters if not _covered_by_town(c, clusters)]
    clusters = [_to_the_one_town(c, clusters) for c in clusters]
    return [(c[0].event if len(c) == 1 else _representative(c), c) for c in clusters]


def _article_place(located: list[Mention], countries: Iterable[str]) -> Place | None:
    """Where the article's events are: its one region, else its one country."""
    places = [p for m in located if (p := m.event.location) is not None]
    regions = {p.admin1 for p in places if p.kind in ("city", "admin1")}
    if len(regions) == 1 and (region := next(iter(regions))) is not None:
        return region_place(region)
    codes = {p.country_code for p in places} or set(countries)
    if len(codes) == 1 and (code := next(iter(codes))) is not None:
        return country_place(code, 0, 0)
    return None


def _unaccounted(unplaced: list[Mention], clusters: list[list[Mention]]) -> list[Mention]:
    """Unplaced mentions of a named type that no placed event of the same family and day (or another
    unplaced mention before them) tells of, and that lent their type to no bare strike."""
    types = event_types()
    lent = {id(x) for c in clusters for x in c}
    told = {(types[c[0].event.event_type]["family"], c[0].event.event_date) for c in clusters}
    out = []
    for m in unplaced:
        spot = (types[m.event.event_type]["family"], m.event.event_date)
        if id(m) in lent or types[m.event.event_type]["generic"] == "1" or spot in told:
            continue
        told.add(spot)
        out.append(m)
    return out


def replace_place(m: Mention, place: Place) -> Mention:
    return Mention(m.sentence_index, replace(m.event, location=place))


def _to_the_one_town(cluster: list[Mention], clusters: list[list[Mention]]) -> list[Mention]:
    """A region-wide event ("shells fell on the airfield", said the head of the Zaporizhzhia region) is placed
    near the one town of that region where the article has an event of the same family that day (Melitopol),
    at geo-precision 2; with no such town, or several, it stays the region's."""
    e = cluster[0].event
    if e.location is None or e.location.kind != "admin1" or e.location.geo_precision != 3:
        return cluster
    family = event_types()[e.event_type]["family"]
    towns = {there.geonameid: there for o in clusters
             if (there := o[0].event.location) is not None and there.kind == "city"
             and there.admin1 == e.location.admin1
             and o[0].event.event_date == e.event_date and event_types()[o[0].event.event_type]["family"] == family}
    if len(towns) != 1:
        return cluster
    (town,) = towns.values()
    return [Mention(m.sentence_index, replace(m.event, location=replace(
        town, name=town.canonical, start=m.event.location.start, end=m.event.location.end, geo_precision=2)))
        if m.event.location is not None else m for m in cluster]


def _unmappable(event: Event) -> bool:
    """A bare "attack" placed only in a country ("Russia's attack on Ukraine", "hit Russia with sanctions") is the
    war itself or a figure of speech far more often than a strike, and cannot be mapped."""
    return (event_types()[event.event_type]["generic"] == "1" and event.location is not None
            and event.location.kind == "country")


def _background(event: Event, published: date | None) -> bool:
    return bool(published and event.event_date and (published - event.event_date).days > BACKGROUND_DAYS)


def place_key(place: Place | None) -> tuple:
    """What makes two mentions' places one place: the GeoNames id, else the region, else the name (a town the
    gazetteer lacks is its name within its region)."""
    if place is None:
        return ()
    if place.kind == "city" and place.geonameid is None:
        return (place.kind, place.admin1, place.canonical)
    return (place.kind, place.geonameid or place.admin1 or place.canonical)


def _cluster(mentions: list[Mention]) -> list[list[Mention]]:
    """Mentions of one type (or a bare strike with a named one of its family) at one place and day."""
    by_spot: dict[tuple, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_spot[(place_key(m.event.location), m.event.event_date)].append(m)
    clusters: list[list[Mention]] = []
    for spot in by_spot.values():
        by_type: dict[str, list[Mention]] = defaultdict(list)
        for m in spot:
            by_type[m.event.event_type].append(m)
        for etype, ms in list(by_type.items()):
            named = _named_of_family(etype, by_type)
            if named:
                by_type[named].extend(ms)
                del by_type[etype]
        clusters.extend(by_type.values())
    return clusters


def _named_of_family(etype: str, by_type: dict[str, list[Mention]]) -> str | None:
    """For a bare strike, the one named type of its family at the same spot."""
    types = event_types()
    if types[etype]["generic"] != "1":
        return None
    family = [t for t in by_type if t != etype and types[t]["family"] == types[etype]["family"]]
    return family[0] if len(family) == 1 else None


def _name_bare_strikes(clusters: list[list[Mention]], unplaced: list[Mention]) -> None:
    """ "targeted the cities with Tochka-U missiles" names the weapon of "a strike on Belgorod and Kursk"
    when that is the one bare strike the same actor made that day."""
    types = event_types()
    for m in unplaced:
        e = m.event
        if e.actor is None or types[e.event_type]["generic"] == "1":
            continue
        bare = [c for c in clusters if types[c[0].event.event_type]["generic"] == "1"
                and types[c[0].event.event_type]["family"] == types[e.event_type]["family"]
                and all(x.event.actor == e.actor and x.event.event_date == e.event_date for x in c)]
        if len({(x.sentence_index, x.event.token_index) for c in bare for x in c}) != 1:
            continue
        for c in bare:
            c[:] = [Mention(x.sentence_index,
                            replace(x.event, event_type=e.event_type, weapon=e.weapon or x.event.weapon))
                    for x in c] + [m]


def _covered_by_town(cluster: list[Mention], clusters: list[list[Mention]]) -> bool:
    """ "declared the Luhansk region liberated" is the fall of Lysychansk, a town of that region, that day."""
    e = cluster[0].event
    here = e.location
    if here is None or here.kind not in ("admin1", "country"):
        return False
    return any(o[0].event.event_type == e.event_type and o[0].event.event_date == e.event_date
               and (there := o[0].event.location) is not None and there.kind == "city"
               and (there.admin1 == here.admin1 if here.kind == "admin1" else there.country_code == here.country_code)
               for o in clusters if o is not cluster)


def _representative(cluster: list[Mention]) -> Event:
    """The mention that says most (a named type, an actor, a weapon); the reporter's own word before a claim."""
    located = [m.event for m in cluster if m.event.location is not None]
    def informative(e: Event):
        return (event_types()[e.event_type]["generic"] != "1", e.actor is not None, e.weapon is not None, not e.claimed)
    best = max(located, key=informative)
    return replace(best,
                   actor=best.actor or next((e.actor for e in located if e.actor), None),
                   target=best.target or next((e.target for e in located if e.target), None),
                   weapon=best.weapon or next((m.event.weapon for m in cluster if m.event.weapon), None))
