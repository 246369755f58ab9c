"""Throughput benchmark: bare spaCy vs warledger's extraction vs the whole run, on the corpus repeated to N articles.

    PYTHONPATH=. .venv/bin/python bench/throughput.py --articles 1000          # + accuracy on the dev sets
    PYTHONPATH=. .venv/bin/python bench/throughput.py --articles 1000 --skip-eval
    PYTHONPATH=. .venv/bin/python bench/throughput.py --scaling 1000 5000 20000   # flat cost: one process per size
    PYTHONPATH=. .venv/bin/python bench/throughput.py --sweep                    # nlp.pipe batch size / n_process

The last line of a plain run is ``ratio_extract=X ratio_run=Y peak_rss_mib=Z``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
# The empty-run probe runs the DAG Airflow would: from a checkout, this one's (as `make run` sets it).
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(REPO / "dags"))

from transforms import config  # noqa: E402 (importable only once the repo is on sys.path)
from transforms.entry import benchmark  # noqa: E402

SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "guardian_nyt_ukraine_2022.jsonl"
GOLD = [SHARED / "dev" / "wad_dev.jsonl", SHARED / "dev" / "isaf_dev.jsonl",
        SHARED / "samples" / "lysychansk_20220703.gold.json"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000, help="articles: the corpus repeated (default 1000)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--skip-eval", action="store_true", help="no accuracy on the dev sets (quick runs)")
    parser.add_argument("--no-bare", action="store_true", help="skip (a); print the run's articles/s only")
    parser.add_argument("--scaling", type=int, nargs="*", metavar="N",
                        help="run each size in its own process (default 1000 5000 20000) and compare articles/s")
    parser.add_argument("--sweep", action="store_true", help="time nlp.pipe batch sizes and n_process")
    args = parser.parse_args()
    cfg = config.settings()
    print(f"# {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
          f"{platform.processor() or platform.machine()}, "
          f"{_cores()} cores, Python {platform.python_version()}, model {cfg.spacy_model}", flush=True)
    if args.sweep:
        return sweep(args.corpus, cfg)
    if args.scaling is not None:
        return scaling(args.scaling or [1000, 5000, 20000], args.corpus)
    result = benchmark.bench_corpus(args.corpus, args.articles, cfg, bare=not args.no_bare)
    if not args.skip_eval:
        from transforms.entry.evaluate import evaluate, report

        for gold in GOLD:
            print(report(evaluate(gold, cfg)), flush=True)
    print(benchmark.report(result))
    if args.no_bare:
        run = result.measure("ingest", "extract", "publish")
        print(f"run_articles_per_s={run.articles / run.seconds:.3f} "
              f"cpu_articles_per_s={run.articles / run.cpu_seconds:.3f} "
              f"peak_rss_mib={benchmark.peak_rss_mib():.0f}")
    return 0


def scaling(sizes: list[int], corpus: Path) -> int:
    """Each size in a fresh process, so that each peak RSS is its own."""
    rates, cpu_rates = {}, {}
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--articles", str(n), "--corpus", str(corpus),
                              "--skip-eval", "--no-bare"], capture_output=True, text=True, check=True).stdout
        print(out.strip(), flush=True)
        found = re.search(r"run_articles_per_s=([\d.]+) cpu_articles_per_s=([\d.]+) peak_rss_mib=(\d+)", out)
        if found is None:
            raise SystemExit(f"the {n}-article run printed no result line:\n{out}")
        rate, cpu_rate, rss = found.groups()
        rates[n], cpu_rates[n] = float(rate), float(cpu_rate)
        print(f"scaling {n} articles: {rates[n]:.2f} articles/s ({cpu_rates[n]:.2f} per CPU second), "
              f"peak RSS {rss} MiB", flush=True)
    for name, table in (("articles/s", rates), ("articles per CPU second", cpu_rates)):
        spread = (max(table.values()) - min(table.values())) / max(table.values())
        print(f"scaling {name}: " + " ".join(f"{n}={r:.2f}" for n, r in table.items()) + f" spread={spread:.1%}")
    return 0


def sweep(corpus: Path, cfg: config.Settings) -> int:
    """nlp.pipe over the sentences the gate passes, by batch size and process count (the extract's choice)."""
    from transforms.reading.ingest import ingest_files
    from transforms.rules import nlp, prefilter

    texts = ingest_files([corpus], cfg.max_file_mb).frames()[1]["text"].tolist()
    gate = prefilter.gate(cfg.spacy_model)
    _, needed = gate.split(texts)
    passed = [t for t, n in zip(texts, needed) if n]
    words = sum(len(t.split()) for t in passed)
    print(f"gate: {len(passed):,} of {len(texts):,} sentences need the parser ({len(passed) / len(texts):.0%})")
    language = nlp.load(cfg.spacy_model)
    for n_process, batch_size in ((1, 32), (1, 128), (1, 256), (1, 1000), (2, 256)):
        start = time.perf_counter()
        for _ in language.pipe(passed, batch_size=batch_size, n_process=n_process):
            pass
        seconds = time.perf_counter() - start
        print(f"sweep n_process={n_process} batch_size={batch_size}: {words / seconds:,.0f} words/s", flush=True)
    return 0


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    sys.exit(main())
