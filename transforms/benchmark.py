"""Throughput and memory of the pipeline on a real input: figures printed, never asserted.

Each stage is timed on its own (ingest, extraction, publish) into a throwaway
warehouse, so a change to the extraction rules shows up in its own line.
"""

from __future__ import annotations

import resource
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from transforms import nlp, staging
from transforms.config import Settings
from transforms.extract import extract_batch
from transforms.pipeline import stage
from transforms.places import gazetteer
from transforms.publish import publish_run


def bench(input_path: Path, cfg: Settings) -> dict:
    with tempfile.TemporaryDirectory(prefix="warledger-bench-") as tmp:
        cfg = replace(cfg, warehouse=Path(tmp) / "w.duckdb", staging=Path(tmp) / "staging", docs=Path(tmp) / "docs")
        timings = {}
        start = time.perf_counter()
        nlp.load(cfg.spacy_model)
        gazetteer()
        timings["load_s"] = time.perf_counter() - start     # model and gazetteer, once per process

        start = time.perf_counter()
        batches = stage(input_path, cfg, "bench")
        timings["ingest_s"] = time.perf_counter() - start

        start = time.perf_counter()
        for batch in batches:
            extract_batch(batch, cfg.spacy_model)
        timings["extract_s"] = time.perf_counter() - start

        articles, sentences, figures = (staging.count_rows(batches, name)
                                        for name in (staging.ARTICLES, staging.SENTENCES, staging.FIGURES))
        start = time.perf_counter()
        publish_run(cfg, "bench")
        timings["publish_s"] = time.perf_counter() - start

    return {
        "articles": articles, "sentences": sentences, "figures": figures, **timings,
        "sentences_per_s": sentences / timings["extract_s"] if timings["extract_s"] else 0.0,
        "articles_per_s_end_to_end": articles / (timings["ingest_s"] + timings["extract_s"] + timings["publish_s"]),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def report(result: dict) -> str:
    return "\n".join(f"{k:>28}: {v:,.2f}" if isinstance(v, float) else f"{k:>28}: {v:,}" for k, v in result.items())
