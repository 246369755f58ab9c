"""What a sentence says about where, when and on whose word: read once, shared by every extractor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from spacy.tokens import Span

from transforms.rules.attribution import Attribution, Speakers, find_attribution
from transforms.rules.dates import DateMention, find_dates
from transforms.rules.places import Place, find_places


@dataclass(frozen=True)
class SentenceFacts:
    attribution: Attribution | None
    places: list[Place]
    dates: list[DateMention]
    charged: frozenset[str] = frozenset()   # names the article gives with a criminal charge (casualties.charged_names)


def read_facts(sent: Span, published: date | None, country_hint: Iterable[str] | None = None,
               speakers: Speakers | None = None, antecedent: Place | None = None,
               charged: frozenset[str] = frozenset()) -> SentenceFacts:
    """speakers: the people the article named in its earlier sentences; learns this sentence's.
    antecedent: the one town the article named before this sentence, for its "the city".
    charged: the names the article gives with a criminal charge."""
    attribution = find_attribution(sent)
    if speakers is not None:
        attribution = speakers.resolve(attribution, sent)
        speakers.learn(sent)
    return SentenceFacts(attribution, find_places(sent, country_hint, antecedent), find_dates(sent.text, published),
                         charged)
