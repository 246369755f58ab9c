"""Who a sentence credits for what it reports: "according to X", "X said", "X's Telegram channel".

The source is the whole name or noun phrase ("the governor of the Donetsk region", "Ukraine's
presidential office"), and a surname or a bare title resolves to the person the article named
with it before, a surname also to a first name anywhere in the article's text (``Speakers``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import partial

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Span, Token

from transforms.rules import vocab
from transforms.rules.places import PLACE_ENTS, gazetteer

# "Haidai was quoted as saying": the passive subject of these is the speaker.
SPEAKER_AS_PASSIVE_SUBJECT = {"quote", "cite"}
SPEECH_LEMMAS = {
    "say", "tell", "announce", "report", "claim", "confirm", "state", "add", "write",
    "post", "declare", "estimate", "accuse", "allege", "insist", "note", "acknowledge",
    "reveal", "disclose", "publish", "cite", "quote", "warn",
}
# Verbs of speech whose past participle ("a video posted on Telegram", "the document published") rarely describes
# a noun: after a set-off noun they are its report ("..., the TASS news agency reported").
REPORTING = {"say", "report", "announce", "claim", "confirm", "state", "add", "tell"}
# A verb of speech these mark is a clause of its own, no report of the figures around it.
TIME_OR_CONTRAST_MARKS = {"after", "before", "while", "although", "though", "whereas", "since", "until", "when"}
PERSONAL_PRONOUNS = {"he", "she"}
# "It said": a body (office, ministry, agency) credited before.
BODY_PRONOUNS = {"it"}
# Words for an organisation that speaks, and the entities that name one.
BODIES = {"ministry", "office", "agency", "army", "military", "police", "service", "services", "staff", "command",
          "administration", "government", "council", "committee", "department", "presidency", "mission",
          "organisation", "organization", "force", "forces", "headquarters", "hospital", "clinic", "company",
          "authorities", "prosecutor"}
BODY_ENTS = {"ORG", "GPE", "NORP"}
# "according to X's Telegram channel" credits X, not the channel.
CHANNELS = {"channel", "account", "page", "post", "statement", "website", "feed", "report", "video", "message",
            "briefing", "update", "figure", "datum", "data", "tally", "toll", "count", "statistic", "statistics",
            "number", "estimate"}
# "The ministry's figures show that ...", "the regional administration's tally puts the toll at 23": verbs that
# credit a source only when their subject is someone's document or figures (not "videos show").
DATA_VERBS = {"show", "suggest", "put", "indicate"}
# Modifiers that belong to a source's name; possessives ("Ukraine's ...") and clauses do not.
NAME_DEPS = {"compound", "amod", "flat", "nmod", "det"}


# A title's phrase stops before these: "the governor, who ...", "the office, which said".
PHRASE_ENDS = {"relcl", "acl", "punct", "cc", "conj", "advcl"}
_titles = partial(vocab.lemmas, "person_nouns")   # "a post by the regional governor"
_not_first_names = partial(vocab.words, "word_roles", "not_a_first_name")
_office_words = partial(vocab.words, "word_roles", "title")
# A person or a body that a sentence the parse gate skips opens with, read off its text: "he said" or "the governor
# said" after it means the one it introduced.
_NAME = r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2}"
_DET = r"(?:[Tt]he|[Aa]n?|[A-Z][\w-]*['’]s)\s+"
_MODS = r"(?:[\w-]+\s+){0,3}?"
_TITLE_END = r"(?=,|\s+(?:of|for|at|in)\b)"
INTRODUCED = [
    # "Pavlo Kyrylenko, the head of the Donetsk regional military administration, posted on Telegram"
    re.compile(rf"^(?P<name>{_NAME}),\s+{_DET}{_MODS}(?P<title>[a-z]+){_TITLE_END}"),
    # "The regional governor, Serhiy Haidai, spoke to reporters", "Kharkiv's mayor, Ihor Terekhov, ..."
    re.compile(rf"^(?:{_DET})?{_MODS}(?P<title>[a-z]+)(?:\s+(?:of|for|at|in)\s+[^,]+)?,\s+(?P<name>{_NAME}),"),
    # "Governor Oleh Synehubov visited the site", "Kharkiv Mayor Ihor Terekhov ..."
    re.compile(rf"^(?:[A-Z][\w'’-]*\s+)?(?P<title>[A-Z][a-z]+)\s+(?P<name>{_NAME})\s+[a-z]"),
]
# "The State Emergency Service posted photographs ...", "The defence ministry published ..."
_BODY_FIRST = re.compile(rf"^(?P<det>{_DET})?(?P<mods>(?:[\w'’-]+\s+){{0,4}}?)(?P<word>(?i:{'|'.join(BODIES)}))"
                         rf"(?P<of>\s+of\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)?\s+[a-z]")


@dataclass(frozen=True)
class Attribution:
    source: str
    start: int   # token offsets of the whole attributing phrase in the sentence
    end: int
    head: str = ""   # the lemma of the source's head word: what a bare title ("the governor") resolves by
    verb: int | None = None   # the offset of its verb of speech ("said"), none for "according to"


class Speakers:
    """The people an article has named so far, by surname and by their titles in apposition, and its whole text for
    the first names of surnames said alone."""

    def __init__(self, text: str = "") -> None:
        # the whole article: a name given in a sentence the casualty gate skips ("Serhiy Haidai, the governor of
        # Luhansk, said on Telegram ...") still names the surname said later
        self.text = text
        self._first_names: dict[str, str | None] = {}   # surname -> its full name in the text, looked up once
        self.by_surname: dict[str, str] = {}
        self.by_title: dict[str, str] = {}
        # whom "he said" means: the person credited last, while no sentence since has named anyone else
        self.last: str | None = None
        # whom "it said" means: the body credited last ("Zelensky's office said ... It said")
        self.last_body: str | None = None

    def learn(self, sent: Span) -> None:
        for ent in sent.ents:
            if ent.label_ != "PERSON" or len(ent) < 2 or not all(t.pos_ == "PROPN" for t in ent):
                continue
            self.by_surname[ent[-1].text] = ent.text
            root = ent.root
            # "Oleh Synehubov, the governor of the Kharkiv region" and "the regional governor, Oleh Synehubov,"
            titles = [c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
            if root.dep_ == "appos" and root.head.pos_ == "NOUN":
                titles.append(root.head)
            # "Governor Oleh Synehubov said": a title the parser makes part of the name
            titles += [c for c in root.lefts if c.dep_ == "compound" and c.i < ent.start and _an_office(c.lower_)]
            # "The mayor of Kyiv, Vitali Klitschko, said": the parser takes the name for the place's
            if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.pos_ == "NOUN" \
                    and ent.start > 0 and sent.doc[ent.start - 1].text == ",":
                titles.append(root.head.head)
            for title in titles:
                self.by_title[title.lemma_.lower()] = ent.text

    def _named_in_text(self, surname: Token) -> str | None:
        """The full name a one-word source has in the article's text, when it is a name (not "officials") and
        names no place ("Kyiv said"); the NER takes many surnames for places or bodies."""
        if surname.pos_ != "PROPN" or surname.text in gazetteer() or surname.ent_type_ == "NORP":
            return None
        if surname.text not in self._first_names:
            self._first_names[surname.text] = _full_name(self.text, surname.text)
        return self._first_names[surname.text]

    def _named_body(self, head: str) -> str | None:
        """ "Yemen's health ministry said ... The ministry added": a bare body word means the body credited last
        whose name ends in it."""
        body = self.last_body
        return body if head in BODIES and body is not None and body.lower().split()[-1] == head else None

    def unread(self, text: str = "") -> None:
        """A sentence read without the parser may have named someone else: "he" and "it" no longer mean the last
        speaker, but the person or body it opens with, when its words introduce one ("Serhiy Haidai, the governor
        of Luhansk, visited ...")."""
        self.last = self.last_body = None
        introduced = _introduced(text)
        if introduced is not None:
            name, title = introduced
            self.last = self.by_surname[name.split()[-1]] = self.by_title[title] = name
        else:
            self.last_body = _body_opening(text)

    def resolve(self, found: Attribution | None, sent: Span) -> Attribution | None:
        """The source as the article named it before; "he said" is the person it credited last."""
        body = self.last_body
        resolved = self._resolved(found, sent)
        if _names_another(sent, resolved):
            self.last = None   # "Maria Kovalenko, a teacher, was wounded. She said ...": "she" may be her
        if self.last_body == body and _names_another(sent, resolved, "ORG"):
            self.last_body = None   # "... the army launched an attack. It said ...": "it" may be the army
        return resolved

    def _resolved(self, found: Attribution | None, sent: Span) -> Attribution | None:
        if found is None:
            pronoun = _pronoun_speaker(sent)
            meant = None if pronoun is None else self.last_body if pronoun.lower_ in BODY_PRONOUNS else self.last
            if pronoun is None or meant is None:
                return None
            return Attribution(meant, pronoun.i - sent.start, pronoun.i + 1 - sent.start, pronoun.lower_,
                               pronoun.head.i - sent.start)
        words = found.source.split()
        name = None
        if len(words) == 1:
            name = self.by_surname.get(words[0]) or self._named_in_text(sent[found.start])
        elif words[0].lower() == "the" and len(words) <= 3:
            name = self.by_title.get(found.head)    # "the governor", "the regional governor"
            # only a bare body word: "the health ministry" after "the defence ministry" is another body
            body = None if name or len(words) != 2 else self._named_body(found.head)
            if body is not None:
                return replace(found, source=body)
        if name is None:
            # a full name, as learn() takes them: the NER calls some one-word firms people ("Maxar said")
            if any(e.label_ == "PERSON" and e.text == found.source and len(e) > 1 for e in sent.ents):
                self.last = found.source
            elif found.head in BODIES and found.head in found.source.lower().split() or any(
                    e.label_ in BODY_ENTS and e.text == found.source for e in sent.ents):
                self.last_body = found.source   # one body ("the ministry", "Kyiv"), not "officials" nor a title
            return found
        self.last = name
        return replace(found, source=name)


def _an_office(word: str) -> bool:
    """A word its holder is named with: "the governor", "the head of ..."."""
    return word in _titles() or word in _office_words()


def _introduced(text: str) -> tuple[str, str] | None:
    """The name and the title (lowercase) of the person a sentence opens with: "Natalia Humeniuk, a spokeswoman
    for the southern command, said ...". Not "On Monday, the governor ..." nor "Kharkiv Oblast, the region ..."."""
    for pattern in INTRODUCED:
        found = pattern.match(text)
        if found is None:
            continue
        name, title = found["name"], found["title"].lower()
        first = name.split()[0].lower()
        if _an_office(title) and first not in _not_first_names() and first not in _titles() \
                and not any(word in gazetteer() for word in name.split()[1:]):
            return name, title
    return None


def _body_opening(text: str) -> str | None:
    """The body a sentence opens with, as the parsed source would name it: a capitalised name without its
    determiner ("State Emergency Service"), a common one with it ("The defence ministry")."""
    found = _BODY_FIRST.match(text)
    if found is None or any(w.lower() in STOP_WORDS for w in found["mods"].split()):
        return None
    det = found["det"] or ""
    named = found["word"][0].isupper()
    return f"{'' if named else det}{found['mods']}{found['word']}{found['of'] or ''}"


def _full_name(text: str, surname: str) -> str | None:
    """The first name the article writes before a surname, most often ("Serhiy Haidai" for "Haidai"); not a
    title ("Governor Haidai", "Mr Haidai")."""
    # a capitalised word, not a possessive ("Ukraine's Zelensky")
    before = rf"\b([A-Z][a-z-]+(?:['’][a-rt-z][a-z]*)?)\s+{re.escape(surname)}\b"
    refused = _not_first_names() | _titles()
    firsts = Counter(m.group(1) for m in re.finditer(before, text) if m.group(1).lower() not in refused)
    return f"{firsts.most_common(1)[0][0]} {surname}" if firsts else None


def find_attribution(sent: Span) -> Attribution | None:
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < sent.end and sent.doc[tok.i + 1].lower_ == "to":
            to = sent.doc[tok.i + 1]
            objs = [c for c in to.children if c.dep_ == "pobj"]
            if objs:
                return _named_after(sent, _phrase(sent, objs[0], tok))
    for verb, subjects in _speech_subjects(sent):
        # "He said" names no one the reader can check: no attribution beats a pronoun.
        if subjects and subjects[0].pos_ != "PRON":
            # The parser sometimes splits "The governor of X Vyacheslav Gladkov" into two subjects.
            named = [s for s in subjects if s.ent_type_ == "PERSON"] or subjects
            found = _phrase(sent, named[-1], _split_name_start(subjects, named[-1]))
            return replace(found, verb=verb.i - sent.start)
    return None


def credits(attribution: Attribution | None, sent: Span, trigger: Token) -> str | None:
    """The source, unless its verb of speech sits in a clause of its own that the trigger is no part of: "killed on
    Sunday, a day after Synehubov said the city had been quiet", "While the governor said the situation was under
    control, 12 people were killed", "the attack on Odesa, which the command said was carried out by missiles"."""
    if attribution is None or attribution.verb is None:
        return attribution.source if attribution else None
    verb = sent[attribution.verb]
    # "..., hours after the governor said the region was calm": the parser may hang the report on a verb that a
    # subordinator marks, whose words come after it
    marked = any(c.dep_ == "mark" and c.lower_ in TIME_OR_CONTRAST_MARKS for c in verb.children)
    if verb == trigger or verb.is_ancestor(trigger):
        return None if marked and trigger.i < verb.i else attribution.source
    return None if verb.dep_ in ("advcl", "relcl", "pcomp") else attribution.source


def _names_another(sent: Span, credited: Attribution | None, label: str = "PERSON") -> bool:
    """The sentence names a person (or a body: ORG) outside the words that credit its source."""
    words = range(credited.start, credited.end) if credited is not None else range(0)
    return any(e.label_ == label and e.start - sent.start not in words for e in sent.ents)


def _pronoun_speaker(sent: Span) -> Token | None:
    """The "he", "she" or "it" of "he said"."""
    for _, subjects in _speech_subjects(sent):
        pronoun = subjects[0] if subjects else None
        if pronoun is None:
            continue
        if pronoun.lower_ in PERSONAL_PRONOUNS:
            return pronoun
        # "It said", not the impersonal "it is estimated that", "it was reported that"
        if pronoun.lower_ in BODY_PRONOUNS and pronoun.dep_ == "nsubj" and not any(
                c.dep_ == "auxpass" for c in pronoun.head.children):
            return pronoun
    return None


def _speech_subjects(sent: Span) -> Iterator[tuple[Token, list[Token]]]:
    """Each verb of speech, in the sentence's order, with its subjects."""
    for tok in sent:
        if tok.lemma_.lower() in DATA_VERBS and tok.pos_ == "VERB":
            yield tok, [c for c in tok.children if c.dep_ == "nsubj" and _owned_document(c)]
        elif tok.lemma_.lower() in SPEECH_LEMMAS and tok.pos_ in ("VERB", "AUX"):
            passive = [c for c in tok.children if c.dep_ == "nsubjpass"]
            # "the governor was reported as saying", "was quoted as saying": the subject said it
            says = any(t.lemma_.lower() in SPEECH_LEMMAS for t in tok.subtree if t.dep_ in ("xcomp", "pcomp"))
            if passive and tok.lemma_.lower() not in SPEAKER_AS_PASSIVE_SUBJECT and not says:
                # "two civilians were reported killed", "he is accused of killing": what is told, not who tells;
                # the teller is the agent ("was confirmed by the governor")
                yield tok, [o for a in tok.children if a.dep_ == "agent" for o in a.children if o.dep_ == "pobj"]
            else:
                yield tok, [c for c in tok.children if c.dep_ == "nsubj"] or passive or _stranded_speaker(tok)


def _owned_document(noun: Token) -> bool:
    """Someone's figures or report: "the ministry's figures", "data from the United Nations"."""
    return noun.lemma_.lower() in CHANNELS and any(
        c.dep_ == "poss" and c.pos_ in ("NOUN", "PROPN") or c.dep_ == "prep" and c.lower_ in ("from", "by")
        for c in noun.children)


def _stranded_speaker(verb: Token) -> list[Token]:
    """The speaker the parser hung elsewhere, right before its verb: "In the region of Luhansk, the governor, Serhiy
    Haidai, said" (the name an apposition of the place), "..., the state-controlled TASS news agency reported on
    Friday." (the verb a participle on the agency)."""
    doc = verb.doc
    noun = verb.head
    # Not "Ukraine: Russian missile strikes reported in Kharkiv" (a headline's report of a strike), nor "a toll
    # confirmed by the governor" (its speaker is the agent): a body named set off by commas.
    if (verb.dep_ == "acl" and verb.lemma_.lower() in REPORTING and noun.i == verb.i - 1 and noun.dep_ == "appos"
            and noun.left_edge.i > 0 and doc[noun.left_edge.i - 1].text == "," and _body(noun)
            and not any(c.dep_ in ("dobj", "ccomp", "agent") for c in verb.children)):
        return [noun]
    # A finite verb: in "the mayor, Ivan Fedorov, accusing him of" the name is no speaker.
    if verb.i >= 2 and verb.tag_ in ("VBD", "VBZ", "VBP") and doc[verb.i - 1].text == "," and (
            doc[verb.i - 2].dep_ == "appos" and doc[verb.i - 2].ent_type_ == "PERSON"):
        return [doc[verb.i - 2]]
    return []


def _body(head: Token) -> bool:
    """An organisation: named as one ("TASS news agency", "Nibulon") or by a word for one ("the ministry")."""
    return (head.lemma_.lower() in BODIES or head.ent_type_ in BODY_ENTS
            or any(t.ent_type_ in BODY_ENTS for t in head.lefts if t.dep_ == "compound"))


def _named_after(sent: Span, found: Attribution) -> Attribution:
    """ "According to the head of the Luhansk administration, Serhiy Haidai, ...": the name set off by commas
    after the title is the source, however the parser attached it."""
    doc, after = sent.doc, sent.start + found.end
    if after < sent.end and doc[after].text == ",":
        name = next((e for e in sent.ents if e.start == after + 1 and e.label_ == "PERSON"), None)
        if name is not None and name.end < sent.end and doc[name.end].text == ",":
            return Attribution(name.text, found.start, name.end + 1 - sent.start, found.head)
    return found


def _split_name_start(subjects: list[Token], chosen: Token) -> Token:
    """Where the speaker's words start: a subject right before the chosen one is the rest of its split name;
    one set off by a comma ("nine wounded in the shelling of Mykolaiv, Mayor X said") is the report's own."""
    start = min(chosen.subtree, key=lambda t: t.i)
    for other in sorted((s for s in subjects if s.i < chosen.i), key=lambda t: -t.i):
        words = sorted(other.subtree, key=lambda t: t.i)
        if words[-1].i + 1 == start.i and not words[-1].is_punct:
            start = words[0]
    return start


def _phrase(sent: Span, head: Token, phrase_start: Token) -> Attribution:
    """The source's name: a person named in apposition beats a title ("the governor ... X")."""
    subtree = list(head.subtree)
    # "the ministry's figures" are the ministry's, but "the regional governor's office" is an office of its own
    channel = head.lemma_.lower() in CHANNELS
    owner = [c for c in head.children if c.dep_ == "poss" and (c.pos_ == "PROPN" or channel and c.pos_ == "NOUN")]
    # "its Telegram channel", "a statement from the Ukrainian military": the channel's owner speaks.
    authors = [o for p in head.children if p.dep_ == "prep" and p.lower_ in ("from", "by")
               for o in p.children if o.dep_ == "pobj" and o.ent_type_ not in PLACE_ENTS and o.text not in gazetteer()
               and (_body(o) or o.ent_type_ == "PERSON" or o.lemma_.lower() in _titles())]   # not "from Mariupol"
    if channel and (owner or authors):
        head = (owner or authors)[0]
        name = _person_in(sent, subtree, head)
    else:
        # "President Volodymyr Zelensky's office": the office speaks, not its owner
        owned = {t.i for c in owner for t in c.subtree}
        name = _person_in(sent, [t for t in subtree if t.i not in owned], head)
    if name is None:
        name = _noun_phrase(head)
    start = min(phrase_start.i, subtree[0].i) - sent.start
    end = subtree[-1].i + 1 - sent.start
    return Attribution(name, start, end, head.lemma_.lower())


def _proper(head: Token) -> bool:
    """ "Donetsk Regional Military Administration", "Ministry of Defense": a name of its own, which needs no owner."""
    # the tagger calls "defence ministry" a name too: a name is capitalised
    return (head.pos_ == "PROPN" and not head.is_lower
            or any(t.dep_ == "compound" and t.pos_ == "PROPN" and not t.is_lower for t in head.lefts))


def _same_name(word: Token, head: Token) -> bool:
    """Both words inside one named entity."""
    return any(e.start <= word.i < e.end and e.start <= head.i < e.end for e in head.doc.ents)


def _noun_phrase(head: Token) -> str:
    """A title or body named by common nouns, with what makes it identifiable: its owner
    ("Ukraine's presidential office"), its "of" phrase ("the governor of the Donetsk region"),
    an abbreviation in brackets ("the UN human rights office (OHCHR)")."""
    tokens = [head]
    proper = _proper(head)
    for child in head.children:
        # "Klitschko's [channel]" is Klitschko
        if child.dep_ in PHRASE_ENDS or child.dep_ == "case" or child.dep_ == "appos" and child.pos_ != "PROPN":
            continue
        # "The Sudan Doctors' Committee" keeps the possessive the NER makes part of the name
        if proper and (child.dep_ == "poss" and not _same_name(child, head)
                       or child.dep_ == "det" and child.lower_ in ("the", "a", "an")):
            continue
        # "the governor of the region", "a spokesman for the army", "a doctor at the hospital" say who, "police in
        # Kharkiv" where; not "for their part", "at a briefing on Monday", "in the city"
        objects = [o for o in child.children if o.dep_ == "pobj"]
        if child.dep_ == "prep" and not (
                child.lower_ == "of"
                or child.lower_ in ("for", "at") and any(_body(o) or _a_place(o) for o in objects)
                or child.lower_ == "in" and any(_a_place(o) for o in objects)):
            continue
        tokens.extend(child.subtree)
    run = _run(head, tokens)
    text = run.text
    after = run.end
    if after + 2 < len(head.doc) and head.doc[after].text == "(" and head.doc[after + 2].text == ")":
        text += f" ({head.doc[after + 1].text})"
    return text


def _a_place(word: Token) -> bool:
    """A place, by the NER or by the gazetteer: the NER calls "Kharkiv" in "police in Kharkiv" a person or a body."""
    return word.ent_type_ in PLACE_ENTS or word.text in gazetteer()


def _person_in(sent: Span, tokens: list[Token], head: Token) -> str | None:
    """The person named in the source's words: the one whose name is its head ("Vitaliy Kim, the governor of
    Mykolaiv"), else the last; the NER calls many towns people ("the Kharkiv regional police"): none the gazetteer
    names."""
    ids = {t.i for t in tokens}
    people = [e for e in sent.ents if e.label_ == "PERSON" and all(t.i in ids for t in e)
              and e.text not in gazetteer()]
    if not people:
        # NER sometimes calls a person ORG; a name in apposition is still the speaker.
        appos = [t for t in tokens if t.dep_ == "appos" and t.pos_ == "PROPN" and t.nbor(-1).text != "("]
        return _name_of(appos[-1]) if appos else None
    person = next((e for e in people if e.start <= head.i < e.end), people[-1])
    return (person[:-1] if person[-1].tag_ == "POS" else person).text   # "Vitali Klitschko's [channel]"


def _name_of(head: Token) -> str:
    left = [t for t in head.lefts if t.dep_ in NAME_DEPS and t.lower_ not in ("the", "a", "an")]
    tokens = left + [head] + [t for t in head.rights if t.dep_ in ("flat", "compound")]
    return _run(head, tokens).text


def _run(head: Token, tokens: list[Token]) -> Span:
    """The one contiguous run of tokens through the head: a word cut off by another stays out."""
    tokens = sorted(tokens, key=lambda t: t.i)
    start = end = head.i
    for t in reversed([t for t in tokens if t.i < head.i]):
        if t.i == start - 1:
            start = t.i
    for t in (t for t in tokens if t.i > head.i):
        if t.i == end + 1:
            end = t.i
    return head.doc[start:end + 1]
