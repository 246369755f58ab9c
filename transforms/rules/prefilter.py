"""Which sentences need the parser: only those where a casualty figure or an event can be read.

Both extractors start from a trigger word (``casualties.extract_figures`` returns nothing
without a casualty trigger or a tally word, ``events.extract_events`` nothing without a named
trigger or a frame word), and both read a sentence on its own. So a sentence none of whose
words can be lemmatized to a trigger yields nothing, and the full pipeline (tok2vec, tagger,
parser, NER: most of the extraction's time) is spent only on the others.

The trigger words are read from the vocabularies that ``vocab/parse_gate.csv`` names, so the
filter follows rule changes. It is conservative: a word passes when *any* reading the
lemmatizer could give it (every part of speech, every rule, the attribute ruler's exceptions)
is a trigger, and a phrase passes when each of its words is somewhere in the sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from spacy.language import Language
from spacy.tokens import Doc

from transforms.rules import spelling, vocab

if TYPE_CHECKING:
    from spacy.pipeline import AttributeRuler, Lemmatizer

GATE = "parse_gate"
UNIVERSAL_POS = ("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
                 "PUNCT", "SCONJ", "SYM", "VERB", "X")


@lru_cache(maxsize=1)
def trigger_phrases() -> tuple[frozenset[str], tuple[frozenset[str], ...]]:
    """The one-word triggers, and the several-word ones as sets of words (all must be present)."""
    singles: set[str] = set()
    phrases: set[frozenset[str]] = set()
    for source in vocab.rows(GATE):
        for row in _source_rows(source):
            cells = row[source["column"]].split(source["separator"]) if source["separator"] else [row[source["column"]]]
            # "gun" counts only with its partner "down" somewhere in the sentence
            partner = row[source["with"]].lower().split() if source["with"] else []
            for words in (cell.lower().split() + partner for cell in cells):
                if len(words) == 1:
                    singles.add(words[0])
                elif words:
                    phrases.add(frozenset(words))
    return frozenset(singles), tuple(phrases)


def _source_rows(source: dict[str, str]) -> list[dict[str, str]]:
    name, column = source["vocabulary"], source["column"]
    try:
        rows = vocab.rows(name)
    except FileNotFoundError:
        raise RuntimeError(f"vocab/{GATE}.csv names vocab/{name}.csv, which does not exist") from None
    for col in filter(None, (column, source["with"])):
        if rows and col not in rows[0]:
            raise RuntimeError(f"vocab/{GATE}.csv names column {col!r} of vocab/{name}.csv, which has none")
    return [r for r in rows if not source["role"] or r.get("role") == source["role"]]


class SentenceGate:
    """Decides, from the tokenizer's output alone, whether a sentence needs the full pipeline."""

    def __init__(self, language: Language):
        self.language = language
        self.singles, self.phrases = trigger_phrases()
        # get_pipe is typed as any pipe (a Doc -> Doc callable); these two are spaCy's own classes
        lookups = cast("Lemmatizer", language.get_pipe("lemmatizer")).lookups
        rules, exceptions = lookups.get_table("lemma_rules", {}), lookups.get_table("lemma_exc", {})
        # (the rules, the exceptions) of each part of speech that lemmatizes beyond lowercasing
        self.tables = [(rules.get(pos.lower(), []), exceptions.get(pos.lower(), {}))
                       for pos in UNIVERSAL_POS if pos.lower() in rules or pos.lower() in exceptions]
        self.ruler_lemmas, self.ruler_anywhere = _ruler_lemmas(language)
        # the words casualties.category_of also reads misspelt ("injuered"), and what the lemmatizer knows
        self.misspelt_targets = spelling.Targets(vocab.column("casualty_triggers", "lemma"))
        self.known = spelling.known_words(language.vocab)
        self._readings: dict[str, frozenset[str]] = {}
        self.phrase_words = frozenset().union(*self.phrases)
        # per word (its lowercase hash): True for a trigger, else the phrase words it may be
        self._words: dict[int, bool | frozenset[str]] = {}

    def readings(self, lower: str) -> frozenset[str]:
        """Every lemma the pipeline could give a word, whatever its tag: a superset of what
        ``Lemmatizer.rule_lemmatize`` returns (every suffix rule's form, in the index or not, and
        every exception), without building a token per tag."""
        found = self._readings.get(lower)
        if found is None:
            forms = {lower} | self.ruler_lemmas.get(lower, set()) | self.ruler_anywhere
            for rules, exceptions in self.tables:
                forms.update(lower[:len(lower) - len(old)] + new for old, new in rules if lower.endswith(old))
                forms.update(exceptions.get(lower, ()))
            found = self._readings[lower] = frozenset(f.lower() for f in forms)
        return found

    def needs_parse(self, doc: Doc) -> bool:
        seen: set[str] = set()
        for token in doc:
            word = self._words.get(token.lower)
            if word is None:
                forms = self.readings(token.lower_)
                word = self._words[token.lower] = (not forms.isdisjoint(self.singles)
                                                   or self._misspelt(token.lower_, forms) or forms & self.phrase_words)
            if word is True:
                return True
            if word:
                seen |= word
        return any(phrase <= seen for phrase in self.phrases)

    def _misspelt(self, lower: str, forms: frozenset[str]) -> bool:
        """A superset of spelling.misspelt: an unknown word, one of whose readings is one edit from a trigger."""
        return bool(self.known) and lower not in self.known and any(self.misspelt_targets.near(f) for f in forms)

    def split(self, texts: Iterable[str]) -> tuple[list[Doc], list[bool]]:
        """The tokenized texts (the pipeline takes them as they are) and which of them need parsing."""
        # make_doc, as nlp.pipe would: it refuses texts over nlp.max_length (E088) before the parser
        # sees them, so a bad article fails here and extraction's guard quarantines it alone.
        docs = [self.language.make_doc(text) for text in texts]
        return docs, [self.needs_parse(doc) for doc in docs]


def _ruler_lemmas(language: Language) -> tuple[dict[str, set[str]], set[str]]:
    """Lemmas the attribute ruler sets ("'d" -> "would"), which the lemmatizer then keeps: by word,
    and those of patterns that name no word (they may fall on any word)."""
    by_word: dict[str, set[str]] = {}
    anywhere: set[str] = set()
    for lemma, token_patterns in _lemma_patterns(language):
        for tokens in token_patterns:
            words = [w for spec in tokens for key in ("LOWER", "ORTH", "TEXT") if (w := spec.get(key)) is not None]
            named = [w for w in words for w in ([w] if isinstance(w, str) else w.get("IN", []))]
            if not named or any(not isinstance(w, (str, dict)) for w in words):
                anywhere.add(lemma.lower())
            for word in named:
                by_word.setdefault(word.lower(), set()).add(lemma.lower())
    return by_word, anywhere


def _lemma_patterns(language: Language) -> Iterator[tuple[str, list[list[dict]]]]:
    """The attribute ruler's patterns that set a lemma: the lemma, and the Matcher patterns it is set on."""
    if "attribute_ruler" not in language.pipe_names:
        return
    # spaCy types a pattern as a dict of a union of its values' types; these two keys always hold these two types
    for pattern in cast("AttributeRuler", language.get_pipe("attribute_ruler")).patterns:
        lemma = cast(dict, pattern["attrs"]).get("LEMMA")
        if lemma:
            yield lemma, cast("list[list[dict]]", pattern["patterns"])


@lru_cache(maxsize=2)
def gate(model: str) -> SentenceGate:
    from transforms.rules import nlp

    return SentenceGate(nlp.load(model))


def parse(model: str, texts: list[str], batch_size: int) -> Iterator[Doc | None]:
    """The texts through the full pipeline in order, ``None`` for those that cannot hold a figure or event."""
    sentence_gate = gate(model)
    docs, needed = sentence_gate.split(texts)
    parsed = sentence_gate.language.pipe((d for d, n in zip(docs, needed) if n), batch_size=batch_size)
    for need in needed:
        yield next(parsed) if need else None
