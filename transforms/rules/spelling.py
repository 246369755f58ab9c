"""Misspelt trigger words: "Seven more people were injuered" still says what happened to them.

Hand-typed reporting misspells the words the rules start from. A word is read as the trigger it
misspells when it is long enough for one slip not to make another word (six letters or more), it is
no word the model's lemmatizer knows, and one edit (a letter added, dropped, changed, or two
neighbours swapped) turns it into the trigger's lemma. "founded" is no "wounded": the lemmatizer
knows "found".
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Token
from spacy.vocab import Vocab

MIN_WORD = 6      # "kiled" is left alone: at five letters one slip reaches too many other words
MIN_TARGET = 5

_KNOWN: dict[int, frozenset[str]] = {}   # by id of the loaded pipeline's vocabulary


def register(language: Language) -> None:
    """Remember the words the pipeline's lemmatizer knows, for the tokens it will make."""
    if "lemmatizer" not in language.pipe_names:
        return
    lookups = getattr(language.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None:
        return
    known: set[str] = set()
    for lemmas in lookups.get_table("lemma_index", {}).values():
        known.update(lemmas)
    for exceptions in lookups.get_table("lemma_exc", {}).values():
        for word, lemmas in exceptions.items():
            known.add(word)
            known.update(lemmas)
    _KNOWN[id(language.vocab)] = frozenset(known)


def known_words(vocab: Vocab) -> frozenset[str]:
    """What the lemmatizer of the pipeline that made ``vocab`` knows; empty for a pipeline not loaded through
    ``transforms.rules.nlp.load`` (then nothing is read as a misspelling)."""
    return _KNOWN.get(id(vocab), frozenset())


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def one_edit(a: str, b: str) -> bool:
    """a and b differ by exactly one insertion, deletion, substitution or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) != len(b):
        short, long_ = sorted((a, b), key=len)
        return short in _deletions(long_)
    diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                              and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])


class Targets:
    """The words a misspelling may stand for, indexed by their one-letter deletions (SymSpell's trick): two words
    one edit apart share the word itself or one of its deletions."""

    def __init__(self, targets: Iterable[str]):
        self.by_key: dict[str, set[str]] = {}
        for target in targets:
            if len(target) >= MIN_TARGET and target.isalpha():
                for key in _deletions(target) | {target}:
                    self.by_key.setdefault(key, set()).add(target)

    def near(self, word: str) -> list[str]:
        """The targets one edit from word, in alphabetical order."""
        if len(word) < MIN_WORD or not word.isalpha():
            return []
        found = {t for key in _deletions(word) | {word} for t in self.by_key.get(key, ())}
        return sorted(t for t in found if one_edit(word, t))


def misspelt(tok: Token, targets: Targets) -> str | None:
    """The target a content word misspells: none of its forms is a word the lemmatizer knows, and one of them is
    one edit from the target. Names are no misspellings."""
    if tok.pos_ not in ("VERB", "NOUN", "ADJ") or tok.ent_type_ or len(tok.text) < MIN_WORD:
        return None
    forms = {tok.lower_, tok.lemma_.lower()}
    known = known_words(tok.vocab)
    if not known or not forms.isdisjoint(known):
        return None
    return next((t for form in sorted(forms) for t in targets.near(form)), None)
