"""Extraction: parse a batch's sentences with spaCy (nlp.pipe) and read casualty figures and events off them.

Each sentence is read on its own (line files come in no particular order), with two
things from its article: the publication date and the countries the article speaks
of, which choose between places of one name. Events are then folded per article:
several sentences often tell of one strike.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pandas as pd
from spacy.tokens import Doc

from transforms.reading import staging
from transforms.reading.rows import QUARANTINE_COLUMNS, log_quarantined, quarantine_row, sha1, unexpected
from transforms.rules import prefilter
from transforms.rules.attribution import Speakers
from transforms.rules.casualties import Figure, charged_names, extract_figures, with_additions
from transforms.rules.events import Event, Mention, acled_type, extract_events, merge_mentions, place_key
from transforms.rules.places import Place, country_hint
from transforms.rules.sentence import read_facts
from transforms.store import warehouse

GEO_COLUMNS = ["geonameid", "latitude", "longitude", "country_code", "admin1", "admin1_name", "geo_precision"]
FIGURE_COLUMNS = warehouse.columns("casualty_figures")
EVENT_COLUMNS = warehouse.columns("events")
MENTION_COLUMNS = warehouse.columns("event_mentions")
# One process: n_process=2 parsed 2,300-2,500 words/s against 3,000 for one (pickling docs back costs more
# than the second core gives). `bench/throughput.py --sweep` re-measures batch sizes and process counts.
PIPE_BATCH = 256
log = logging.getLogger(__name__)


@dataclass
class Extracted:
    figures: pd.DataFrame
    events: pd.DataFrame
    mentions: pd.DataFrame
    quarantine: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=QUARANTINE_COLUMNS))


def extract(articles: pd.DataFrame, sentences: pd.DataFrame, model: str) -> Extracted:
    """Casualty figures, events and event mentions of the given sentences.

    Every article is read inside its own guard: an error no rule foresaw (in spaCy or in the
    rules) takes that article into ``quarantine`` with the error, and the others go on.
    """
    meta = articles.set_index("article_id")[["published_date", "content_hash", "title", "body",
                                             "source_file"]].to_dict("index")
    whole = {a: f"{m['title']}\n{m['body']}" for a, m in meta.items()}
    hints = {a: country_hint(text) for a, text in whole.items()}
    charged = {a: charged_names(text) for a, text in whole.items()}
    failed: dict[str, Exception] = {}
    figures: dict[str, list[tuple[int, str, Figure]]] = defaultdict(list)
    mentions: dict[str, list[Mention]] = defaultdict(list)
    texts: dict[tuple[str, int], str] = {}
    speakers: dict[str, Speakers] = defaultdict(Speakers, {a: Speakers(text) for a, text in whole.items()})
    towns: dict[str, dict[int, Place]] = defaultdict(dict)  # the towns each article has named so far
    for article_id, index, text, doc in _parsed(model, sentences, failed):
        if doc is None:
            speakers[article_id].unread(text)
        if doc is None or article_id in failed:
            continue                                    # no trigger word, or the article already failed
        try:
            published = _as_date(meta[article_id]["published_date"])
            facts = read_facts(doc[:], published, hints[article_id], speakers[article_id], _one(towns[article_id]),
                               charged[article_id])
            towns[article_id].update({p.geonameid: p for p in facts.places if p.kind == "city" and p.geonameid})
            texts[(article_id, index)] = doc.text
            figures[article_id].extend((index, doc.text, f) for f in extract_figures(doc[:], published, facts))
            mentions[article_id].extend(Mention(index, e) for e in extract_events(doc[:], published, facts=facts))
        except Exception as err:
            failed[article_id] = err

    figure_rows, event_rows, mention_rows = [], [], []
    for article_id, info in meta.items():
        if article_id in failed:
            continue
        try:
            rows = _article_rows(article_id, info, hints[article_id], figures[article_id], mentions[article_id],
                                 texts)
        except Exception as err:
            failed[article_id] = err
            continue
        figure_rows += rows[0]
        event_rows += rows[1]
        mention_rows += rows[2]

    return Extracted(
        figures=_typed(pd.DataFrame(figure_rows, columns=FIGURE_COLUMNS)),
        events=_typed(pd.DataFrame(event_rows, columns=EVENT_COLUMNS)),
        mentions=pd.DataFrame(mention_rows, columns=MENTION_COLUMNS),
        quarantine=_quarantined(failed, meta),
    )


def _parsed(model: str, sentences: pd.DataFrame,
            failed: dict[str, Exception]) -> Iterator[tuple[str, int, str, Doc | None]]:
    """(article_id, sentence_index, text, doc or None where no trigger word can be) of every sentence, piped
    in large batches. When spaCy fails on a batch, the rest is parsed article by article, so that
    only the article it fails on is lost."""
    keys = [(a, int(i)) for a, i in sentences[["article_id", "sentence_index"]].itertuples(index=False)]
    texts = sentences["text"].tolist()
    done = 0
    try:
        for key, text, doc in zip(keys, texts, prefilter.parse(model, texts, PIPE_BATCH)):
            yield (*key, text, doc)
            done += 1
        return
    except Exception:   # the generator is spent: the articles left are parsed one by one
        pass
    rest: dict[str, list[int]] = defaultdict(list)
    for position in range(done, len(keys)):
        rest[keys[position][0]].append(position)
    for article_id, positions in rest.items():
        try:
            docs = list(prefilter.parse(model, [texts[p] for p in positions], PIPE_BATCH))
        except Exception as err:
            failed[article_id] = err
            continue
        yield from ((article_id, keys[p][1], texts[p], doc) for p, doc in zip(positions, docs))


def _article_rows(article_id: str, info: dict, hint: frozenset[str], figures: list[tuple[int, str, Figure]],
                  mentions: list[Mention],
                  texts: dict[tuple[str, int], str]) -> tuple[list[dict], list[dict], list[dict]]:
    """An article's figure, event and mention rows, its mentions folded into events (placed, where
    a sentence gives no place, in the article's countries ``hint``)."""
    ids = _Ids(article_id, info["content_hash"])
    merged = merge_mentions(mentions, _as_date(info["published_date"]), hint)
    event_of: dict[tuple[int, int], list[tuple[tuple, str]]] = defaultdict(list)
    event_rows = []
    for event, members in merged:
        # The representative is one member's reading, completed from the others.
        lead = next((m for m in members if (m.event.token_index, m.event.trigger_text)
                     == (event.token_index, event.trigger_text)), members[0])
        event_id = ids.event(lead.sentence_index, event)
        for m in members:
            event_of[(m.sentence_index, m.event.token_index)].append((place_key(m.event.location), event_id))
        event_rows.append(_event_row(event_id, article_id, lead.sentence_index,
                                     texts[(article_id, lead.sentence_index)], event, len(members)))
    mention_rows = [_mention_row(ids.event(m.sentence_index, m.event), _event_of(m, event_of), article_id,
                                 m.sentence_index, texts[(article_id, m.sentence_index)], m.event)
                    for m in mentions]
    figure_rows = [_figure_row(ids.figure(index, f), article_id, index, text, f,
                               _nearest_event(f, index, mentions, event_of))
                   for index, text, f in with_additions(sorted(figures, key=lambda x: x[0]))]
    return figure_rows, event_rows, mention_rows


def _quarantined(failed: dict[str, Exception], meta: dict) -> pd.DataFrame:
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    rows = []
    for article_id, err in failed.items():
        row = quarantine_row(meta[article_id]["source_file"], article_id,
                             f"article {article_id}: {unexpected(err)}", meta[article_id]["body"], now)
        rows.append({**row, "stage": "extract"})
    return pd.DataFrame(rows, columns=QUARANTINE_COLUMNS)


def extract_batch(batch_dir: str, model: str) -> str:
    """Read a staged batch, write its figures and events beside it, return the folder (the XCom value)."""
    folder = staging.location(batch_dir)
    start = time.perf_counter()
    articles, sentences = staging.read(folder / staging.ARTICLES), staging.read(folder / staging.SENTENCES)
    out = extract(articles, sentences, model)
    staging.write(out.figures, folder / staging.FIGURES)
    staging.write(out.events, folder / staging.EVENTS)
    staging.write(out.mentions, folder / staging.MENTIONS)
    staging.write(out.quarantine, folder / staging.EXTRACT_QUARANTINE)
    staging.write_extracted_manifest(folder)
    log_quarantined(log, "extract", out.quarantine["reason"].tolist())
    log.info("extracted %s: %d articles, %d sentences, %d figures, %d events, %d articles quarantined, %.1f s",
             folder.name, len(articles), len(sentences), len(out.figures), len(out.events), len(out.quarantine),
             time.perf_counter() - start)
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


def _event_of(m: Mention, event_of: dict[tuple[int, int], list[tuple[tuple, str]]]) -> str | None:
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
