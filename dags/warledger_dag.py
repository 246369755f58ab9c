"""The warledger DAG: landing files in, validated casualty figures in DuckDB out.

Thin on purpose: each task calls one function of the ``transforms`` package and
passes only paths over XCom. Heavy imports (spaCy, GX, DuckDB) happen inside the
tasks, never at parse time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from airflow.sdk import Param, dag, get_current_context, task

WAREHOUSE_POOL = "warledger_warehouse"

DOC = """
### warledger

Turns war reporting into a ledger of casualty figures.

1. **ingest** reads the landing folder (`WARLEDGER_LANDING`, or the `input` param),
   quarantines unreadable files and records with their reason, skips articles the
   warehouse already holds, and stages the new ones as Parquet batches under
   `WARLEDGER_STAGING/<run id>/`.
2. **extract** (mapped, one task per batch) parses the sentences with spaCy and
   writes the batch's casualty figures beside it.
3. **publish** (pool `warledger_warehouse`, one slot: DuckDB has one writer)
   validates the batch with the Great Expectations suites in `expectations/`,
   quarantines failing rows, merges the rest into `WARLEDGER_WAREHOUSE` in one
   transaction and rebuilds the Data Docs at `WARLEDGER_DOCS/index.html`.

Re-running a run changes nothing; a failed publish leaves the warehouse as it was.
"""


@dag(
    dag_id="warledger",
    schedule="@hourly",
    start_date=datetime(2022, 2, 24),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(seconds=20), "retry_exponential_backoff": True},
    params={"input": Param(None, type=["null", "string"],
                           description="A landing file or folder to read instead of WARLEDGER_LANDING")},
    doc_md=DOC,
    tags=["warledger"],
)
def warledger():
    @task
    def ingest() -> list[str]:
        from transforms.config import settings
        from transforms.pipeline import stage

        context = get_current_context()
        cfg = settings()
        source = Path(context["params"]["input"] or cfg.landing)
        return stage(source, cfg, context["run_id"])

    @task
    def extract(batch_dir: str) -> str:
        from transforms.config import settings
        from transforms.extract import extract_batch

        return extract_batch(batch_dir, settings().spacy_model)

    @task(pool=WAREHOUSE_POOL, trigger_rule="none_failed")
    def publish() -> dict:
        from transforms import staging
        from transforms.config import settings
        from transforms.publish import publish as publish_run

        context = get_current_context()
        cfg = settings()
        summary = publish_run(str(staging.run_dir(cfg.staging, context["run_id"])), cfg.warehouse, cfg.docs,
                              context["run_id"])
        print(f"warehouse: {cfg.warehouse}\ndata-quality report: {summary['data_docs']}")
        return summary

    extract.expand(batch_dir=ingest()) >> publish()


warledger()
