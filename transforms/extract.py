"""Extraction: parse a batch's sentences with spaCy (nlp.pipe) and read casualty figures off them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from transforms import nlp, staging
from transforms.casualties import extract_figures
from transforms.ingest import sha1

FIGURE_COLUMNS = [
    "figure_id", "article_id", "sentence_index", "sentence_text", "category", "low", "high",
    "hedge", "victims", "scope", "location_name", "event_date", "attributed_to",
    "quantity_text", "trigger_text",
]
PIPE_BATCH = 256


def figures_for(articles: pd.DataFrame, sentences: pd.DataFrame, model: str) -> pd.DataFrame:
    """Casualty figures of the given sentences, one row per figure."""
    language = nlp.load(model)
    meta = articles.set_index("article_id")[["published_date", "content_hash"]].to_dict("index")
    rows = []
    texts = sentences["text"].tolist()
    keys = sentences[["article_id", "sentence_index"]].itertuples(index=False)
    for (article_id, index), doc, text in zip(keys, language.pipe(texts, batch_size=PIPE_BATCH), texts):
        info = meta[article_id]
        published = _as_date(info["published_date"])
        for f in extract_figures(doc[:], published):
            figure_id = sha1(f"{article_id}|{info['content_hash']}|{index}|{f.token_index}|{f.category}")[:16]
            rows.append({
                "figure_id": figure_id, "article_id": article_id, "sentence_index": int(index),
                "sentence_text": text, "category": f.category, "low": f.low, "high": f.high,
                "hedge": f.hedge, "victims": f.victims, "scope": f.scope,
                "location_name": f.location_name, "event_date": f.event_date,
                "attributed_to": f.attributed_to, "quantity_text": f.quantity_text,
                "trigger_text": f.trigger_text,
            })
    frame = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    for col in ("low", "high"):
        frame[col] = frame[col].astype("Int64")
    return frame


def extract_batch(batch_dir: str, model: str) -> str:
    """Read a staged batch, write its figures beside it, return the folder (the XCom value)."""
    folder = Path(batch_dir)
    articles = staging.read(folder / staging.ARTICLES)
    sentences = staging.read(folder / staging.SENTENCES)
    staging.write(figures_for(articles, sentences, model), folder / staging.FIGURES)
    return batch_dir


def _as_date(value):
    if value is None or pd.isna(value):
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value
