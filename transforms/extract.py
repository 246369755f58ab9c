"""Extraction: parse a batch's sentences with spaCy (nlp.pipe) and read casualty figures and events off them.

Each sentence is read on its own (line files come in no particular order), with two
things from its article: the publication date and the countries the article speaks
of, which choose between places of one name. Events are then folded per article:
several sentences often tell of one strike.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from transforms import nlp, staging, warehouse
from transforms.casualties import Figure, extract_figures
from transforms.events import Event, Mention, acled_type, extract_events, merge_mentions, place_key
from transforms.ingest import sha1
from transforms.places import Place, country_hint
from transforms.sentence import read_facts

GEO_COLUMNS = ["geonameid", "latitude", "longitude", "country_code", "admin1", "admin1_name", "geo_precision"]
FIGURE_COLUMNS = warehouse.columns("casualty_figures")
EVENT_COLUMNS = warehouse.columns("events")
MENTION_COLUMNS = warehouse.columns("event_mentions")
PIPE_BATCH = 256


@dataclass
class Extracted:
    figures: pd.DataFrame
    events: pd.DataFrame
    mentions: pd.DataFrame


def extract(articles: pd.DataFrame, sentences: pd.DataFrame, model: str) -> Extracted:
    """Casualty figures, events and event mentions of the given sentences."""
    language = nlp.load(model)
    meta = articles.set_index("article_id")[["published_date", "content_hash", "title", "body"]].to_dict("index")
    hints = {a: country_hint(f"{m['title']}\n{m['body']}") for a, m in meta.items()}
    figures: dict[str, list[tuple[int, str, Figure]]] = defaultdict(list)
    mentions: dict[str, list[Mention]] = defaultdict(list)
    texts: dict[tuple[str, int], str] = {}
    towns: dict[str, dict[int, Place]] = defaultdict(dict)  # the towns each article has named so far
    keys = sentences[["article_id", "sentence_index"]].itertuples(index=False)
    docs = language.pipe(sentences["text"].tolist(), batch_size=PIPE_BATCH)
    for (article_id, index), doc in zip(keys, docs):
        index = int(index)
        published = _as_date(meta[article_id]["published_date"])
        facts = read_facts(doc[:], published, hints[article_id], _one(towns[article_id]))
        towns[article_id].update({p.geonameid: p for p in facts.places if p.kind == "city" and p.geonameid})
        texts[(article_id, index)] = doc.text
        figures[article_id].extend((index, doc.text, f) for f in extract_figures(doc[:], published, facts))
        mentions[article_id].extend(Mention(index, e) for e in extract_events(doc[:], published, facts=facts))

    figure_rows, event_rows, mention_rows = [], [], []
    for article_id, info in meta.items():
        ids = _Ids(article_id, info["content_hash"])
        merged = merge_mentions(mentions[article_id], _as_date(info["published_date"]), hints[article_id])
        event_of: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
        for event, members in merged:
            # The representative is one member's reading, completed from the others.
            lead = next((m for m in members if (m.event.token_index, m.event.trigger_text)
                         == (event.token_index, event.trigger_text)), members[0])
            event_id = ids.event(lead.sentence_index, event)
            for m in members:
                event_of[(m.sentence_index, m.event.token_index)].append((place_key(m.event.location), event_id))
            event_rows.append(_event_row(event_id, article_id, lead.sentence_index,
                                         texts[(article_id, lead.sentence_index)], event, len(members)))
        for m in mentions[article_id]:
            mention_rows.append(_mention_row(ids.event(m.sentence_index, m.event), _event_of(m, event_of),
                                             article_id, m.sentence_index, texts[(article_id, m.sentence_index)],
                                             m.event))
        for index, text, f in figures[article_id]:
            event_id = _nearest_event(f, index, mentions[article_id], event_of)
            figure_rows.append(_figure_row(ids.figure(index, f), article_id, index, text, f, event_id))

    return Extracted(
        figures=_typed(pd.DataFrame(figure_rows, columns=FIGURE_COLUMNS)),
        events=_typed(pd.DataFrame(event_rows, columns=EVENT_COLUMNS)),
        mentions=pd.DataFrame(mention_rows, columns=MENTION_COLUMNS),
    )


def extract_batch(batch_dir: str, model: str) -> str:
    """Read a staged batch, write its figures and events beside it, return the folder (the XCom value)."""
    folder = Path(batch_dir)
    out = extract(staging.read(folder / staging.ARTICLES), staging.read(folder / staging.SENTENCES), model)
    staging.write(out.figures, folder / staging.FIGURES)
    staging.write(out.events, folder / staging.EVENTS)
    staging.write(out.mentions, folder / staging.MENTIONS)
    return batch_dir


class _Ids:
    """Stable ids: the same article text gives the same ids, run after run."""

    def __init__(self, article_id: str, content_hash: str):
        self.prefix = f"{article_id}|{content_hash}"

    def figure(self, index: int, f: Figure) -> str:
        return sha1(f"{self.prefix}|{index}|{f.token_index}|{f.category}")[:16]

    def event(self, index: int, e: Event) -> str:
        return sha1(f"{self.prefix}|{index}|{e.token_index}|{e.event_type}|{place_key(e.location)}")[:16]


def _one(towns: dict[int, Place]) -> Place | None:
    return next(iter(towns.values())) if len(towns) == 1 else None


def _event_of(m: Mention, event_of: dict[tuple[int, int], list[tuple[str, str]]]) -> str | None:
    """The event a mention was folded into. Folding may move it (a region's event to its one town),
    so its own place decides only between events of one trigger at several places."""
    candidates = event_of.get((m.sentence_index, m.event.token_index), [])
    own = place_key(m.event.location)
    return next((e for key, e in candidates if key == own), candidates[0][1] if candidates else None)


def _nearest_event(f: Figure, index: int, mentions: list[Mention], event_of: dict) -> str | None:
    """The event of the figure's own sentence whose trigger stands nearest the figure's."""
    here = [m for m in mentions if m.sentence_index == index and _event_of(m, event_of)]
    if not here:
        return None
    anchor = f.trigger_index if f.trigger_index is not None else f.token_index
    return _event_of(min(here, key=lambda m: abs(m.event.token_index - anchor)), event_of)


def _geo(place: Place | None) -> dict:
    if place is None:
        return {c: None for c in GEO_COLUMNS}
    return {"geonameid": place.geonameid, "latitude": place.latitude, "longitude": place.longitude,
            "country_code": place.country_code, "admin1": place.admin1, "admin1_name": place.admin1_name,
            "geo_precision": place.geo_precision}


def _figure_row(figure_id: str, article_id: str, index: int, text: str, f: Figure, event_id: str | None) -> dict:
    return {
        "figure_id": figure_id, "article_id": article_id, "sentence_index": index, "sentence_text": text,
        "category": f.category, "low": f.low, "high": f.high, "hedge": f.hedge, "victims": f.victims,
        "scope": f.scope, "location_name": f.location_name, "event_date": f.event_date,
        "attributed_to": f.attributed_to, "quantity_text": f.quantity_text, "trigger_text": f.trigger_text,
        "event_id": event_id, **_geo(f.place), "date_precision": f.date_precision,
    }


def _event_row(event_id: str, article_id: str, index: int, text: str, e: Event, mentions: int) -> dict:
    acled_event, acled_sub = acled_type(e.event_type)
    return {
        "event_id": event_id, "article_id": article_id, "sentence_index": index, "sentence_text": text,
        "event_type": e.event_type, "acled_event_type": acled_event, "acled_sub_event_type": acled_sub,
        "actor": e.actor, "target": e.target, "weapon": e.weapon,
        "location_name": e.location.name if e.location else None, **_geo(e.location),
        "event_date": e.event_date, "date_precision": e.date_precision, "attributed_to": e.attributed_to,
        "claimed": e.claimed, "mentions": mentions, "trigger_text": e.trigger_text,
    }


def _mention_row(mention_id: str, event_id: str | None, article_id: str, index: int, text: str, e: Event) -> dict:
    return {
        "mention_id": mention_id, "event_id": event_id, "article_id": article_id, "sentence_index": index,
        "sentence_text": text, "event_type": e.event_type,
        "location_name": e.location.name if e.location else None, "event_date": e.event_date,
        "claimed": e.claimed, "trigger_text": e.trigger_text,
    }


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable integers stay integers in Parquet (pandas would make them floats)."""
    for col in ("low", "high", "geonameid", "geo_precision", "date_precision"):
        if col in frame.columns:
            frame[col] = frame[col].astype("Int64")
    return frame


def _as_date(value):
    if value is None or pd.isna(value):
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value
