"""What a sentence says about where, when and on whose word: read once, shared by every extractor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from spacy.tokens import Span

from transforms.attribution import Attribution, find_attribution
from transforms.dates import DateMention, find_dates
from transforms.places import Place, find_places


@dataclass(frozen=True)
class SentenceFacts:
    attribution: Attribution | None
    places: list[Place]
    dates: list[DateMention]


def read_facts(sent: Span, published: date | None, country_hint: Iterable[str] | None = None,
               antecedent: Place | None = None) -> SentenceFacts:
    """`antecedent`: the one town the article named before this sentence, for its "the city"."""
    return SentenceFacts(find_attribution(sent), find_places(sent, country_hint, antecedent),
                         find_dates(sent.text, published))
