"""Throughput and memory of the pipeline against the bare spaCy pipeline: figures printed, never asserted.

One process, three measurements over the same sentences, so that the machine's load (shared,
noisy) cancels out of their ratios:

(a) bare ``nlp.pipe`` with the full pipeline over every sentence;
(b) warledger's extraction alone (the extract stage of (c): read a batch, gate, parse, rules, write);
(c) the whole ``warledger run`` (ingest, extract, validate, load) into a throwaway warehouse.

The model and the gazetteer are loaded before any clock starts (once per process, as a worker does).
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import transforms
from transforms.config import Settings

FILE_ARTICLES = 250     # articles per landing file: copies of the corpus stay under WARLEDGER_MAX_FILE_MB
# The DAG's own ingest callable, as a worker runs it: a fresh interpreter that has Airflow and the
# parsed DAG already (the task runner's start-up, not timed), then the task's body, timed.
EMPTY_RUN_PROBE = """
import json, runpy, sys, time
from airflow.sdk.exceptions import AirflowSkipException
from airflow.sdk.execution_time.context import set_current_context
dag = runpy.run_path(sys.argv[1])["warledger"]()
context = {"params": dag.params.dump(), "run_id": "scheduled__empty_bench"}
wall, cpu = time.perf_counter(), time.process_time()
with set_current_context(context):
    try:
        outcome = f"staged {len(dag.get_task('ingest').python_callable())} batch(es)"
    except AirflowSkipException as skip:
        outcome = f"skipped ({skip})"
print(json.dumps([time.perf_counter() - wall, time.process_time() - cpu, outcome]))
"""


class Clock:
    """Wall and CPU seconds since it started: CPU time barely moves with the load of a shared machine."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


@dataclass
class Measure:
    seconds: float
    articles: int
    words: int
    cpu_seconds: float = 0.0

    def line(self, name: str) -> str:
        return (f"{name:<34} {self.seconds:9.1f} s {self.articles / self.seconds:9.2f} articles/s "
                f"{self.words / self.seconds:10,.0f} words/s  (CPU {self.cpu_seconds:.1f} s)")


@dataclass
class Result:
    articles: int
    sentences: int
    words: int
    stages: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    bare: Measure | None = None
    empty_run: tuple[float, float, str] | None = None
    no_empty_run: str | None = None     # why the empty run was not measured

    def measure(self, *stages: str) -> Measure:
        return Measure(sum(self.stages[s] for s in stages), self.articles, self.words, sum(self.cpu[s] for s in stages))


def repeat_corpus(corpus: Path, n: int, landing: Path) -> Path:
    """The corpus's records repeated to ``n`` articles; each copy has its own URL, so its own article id.

    Every copy takes the records in one fixed shuffled order, so that a size that is not a whole number
    of copies still has the corpus's mix of long and short articles (the file's first 200 are long ones)
    and sizes compare per article.
    """
    lines = [line for line in corpus.read_text(encoding="utf-8").split("\n") if line.strip()]
    order = random.Random(0).sample(range(len(lines)), len(lines))
    landing.mkdir(parents=True, exist_ok=True)
    for start in range(0, n, FILE_ARTICLES):
        out = []
        for i in range(start, min(n, start + FILE_ARTICLES)):
            record = json.loads(lines[order[i % len(lines)]])
            record["url"] = f"https://bench.example/{i // len(lines)}/{record.get('id') or i % len(lines)}"
            out.append(json.dumps(record))
        (landing / f"bench_{start // FILE_ARTICLES:05d}.jsonl").write_text("\n".join(out) + "\n", encoding="utf-8")
    return landing


def run_stages(input_path: Path, cfg: Settings, bare: bool = True) -> Result:
    """Time (a) and each stage of (c) on one input; (b) is (c)'s extract stage."""
    from transforms.reading import staging
    from transforms.rules import nlp, prefilter
    from transforms.rules.places import gazetteer
    from transforms.stages.extract import PIPE_BATCH, extract_batch
    from transforms.stages.pipeline import stage
    from transforms.stages.publish import publish_run

    nlp.load(cfg.spacy_model)
    prefilter.gate(cfg.spacy_model)
    gazetteer()
    clock = Clock()
    batches = stage(input_path, cfg, "bench")
    ingest = clock.lap()
    texts = staging.read_batches(batches, staging.SENTENCES)["text"].tolist()
    result = Result(staging.count_rows(batches, staging.ARTICLES), len(texts), sum(len(t.split()) for t in texts))
    if bare:
        clock = Clock()
        for _ in nlp.load(cfg.spacy_model).pipe(texts, batch_size=PIPE_BATCH):
            pass
        wall, cpu = clock.lap()
        result.bare = Measure(wall, result.articles, result.words, cpu)
    del texts
    clock = Clock()
    for batch in batches:
        extract_batch(batch, cfg.spacy_model)
    extract = clock.lap()
    result.counts = {name: staging.count_rows(batches, f) for name, f in
                     (("figures", staging.FIGURES), ("events", staging.EVENTS), ("mentions", staging.MENTIONS))}
    clock = Clock()
    summary = publish_run(cfg, "bench")
    publish = clock.lap()
    result.counts["rows_loaded"] = sum(summary.loaded.values())
    dag = dag_file()
    if dag.is_file():
        result.empty_run = empty_run(input_path, cfg, dag)
    else:
        result.no_empty_run = f"no DAG at {dag} (AIRFLOW__CORE__DAGS_FOLDER names the dags folder)"
    laps = {"ingest": ingest, "extract": extract, "publish": publish}
    result.stages = {k: wall for k, (wall, _) in laps.items()}
    result.cpu = {k: cpu for k, (_, cpu) in laps.items()}
    return result


def dag_file() -> Path:
    """The DAG file in Airflow's dags folder (``AIRFLOW__CORE__DAGS_FOLDER``): the wheel holds no DAG, so
    the deployment's Airflow says which one it runs."""
    from airflow.configuration import conf

    return Path(conf.get("core", "dags_folder")) / "warledger_dag.py"


def empty_run(landing: Path, cfg: Settings, dag: Path) -> tuple[float, float, str]:
    """Wall and CPU seconds of the DAG's ingest task in a scheduled run over ``landing`` once it is loaded,
    and what it did. Extract and publish then start no process (their trigger rules skip them)."""
    env = {**os.environ, "WARLEDGER_LANDING": str(landing), "WARLEDGER_INPUT_ROOTS": str(landing),
           "WARLEDGER_WAREHOUSE": str(cfg.warehouse), "WARLEDGER_STAGING": str(cfg.staging),
           "WARLEDGER_DOCS": str(cfg.docs),
           # The child imports the transforms this process runs, wherever it was imported from.
           "PYTHONPATH": os.pathsep.join([str(Path(transforms.__file__).parent.parent),
                                          os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", EMPTY_RUN_PROBE, str(dag)], env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"empty-run probe failed (exit {done.returncode}): {done.stderr[-2000:]}")
    wall, cpu, outcome = json.loads(done.stdout.strip().splitlines()[-1])
    return wall, cpu, outcome


def bench(input_path: Path, cfg: Settings, bare: bool = True) -> Result:
    with tempfile.TemporaryDirectory(prefix="warledger-bench-") as tmp:
        cfg = replace(cfg, warehouse=Path(tmp) / "w.duckdb", staging=Path(tmp) / "staging", docs=Path(tmp) / "docs")
        return run_stages(input_path, cfg, bare)


def bench_corpus(corpus: Path, n: int, cfg: Settings, bare: bool = True) -> Result:
    with tempfile.TemporaryDirectory(prefix="warledger-landing-") as tmp:
        return bench(repeat_corpus(corpus, n, Path(tmp)), cfg, bare)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(result: Result) -> str:
    """The side-by-side table; its last line is the machine-readable summary."""
    run = result.measure("ingest", "extract", "publish")
    extract = result.measure("extract")
    lines = [f"{result.articles:,} articles, {result.sentences:,} sentences, {result.words:,} words; "
             + ", ".join(f"{k} {v:,}" for k, v in result.counts.items())]
    if result.bare:
        lines.append(result.bare.line("(a) bare nlp.pipe, full pipeline"))
    lines.append(extract.line("(b) warledger extraction"))
    lines.append(run.line("(c) warledger run (all stages)"))
    lines.append("stages: " + ", ".join(f"{k} {v:.1f} s (CPU {result.cpu[k]:.1f} s)" for k, v in result.stages.items()))
    rows_per_s = result.counts["rows_loaded"] / result.stages["publish"]
    lines.append(f"publish (validate + single-writer load): {rows_per_s:,.0f} rows/s")
    if result.empty_run:
        wall, cpu, outcome = result.empty_run
        lines.append(f"empty scheduled run (the same landing again): ingest task {wall:.2f} s (CPU {cpu:.2f} s), "
                     f"{outcome}; extract and publish skipped without a process")
    elif result.no_empty_run:
        lines.append(f"empty scheduled run: not measured, {result.no_empty_run}")
    peak = peak_rss_mib()
    lines.append(f"peak RSS {peak:,.0f} MiB")
    if result.bare:
        ratio_extract, ratio_run = result.bare.seconds / extract.seconds, result.bare.seconds / run.seconds
        lines.append(f"by CPU time: ratio_extract={result.bare.cpu_seconds / extract.cpu_seconds:.2f} "
                     f"ratio_run={result.bare.cpu_seconds / run.cpu_seconds:.2f}")
        lines.append(f"ratio_extract={ratio_extract:.2f} ratio_run={ratio_run:.2f} peak_rss_mib={peak:.0f}")
    return "\n".join(lines)
