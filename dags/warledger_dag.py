"""The warledger DAG: landing files in, validated events and casualty figures in DuckDB out.

Thin on purpose: each task calls one function of the ``transforms`` package and
passes only paths over XCom. Heavy imports (spaCy, GX, DuckDB) happen inside the
tasks, never at parse time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Asset, AssetOrTimeSchedule, CronTriggerTimetable, Param, dag, get_current_context, task

from transforms.entry.failures import log_task_failure

WAREHOUSE_POOL = "warledger_warehouse"
# Producers of articles (a scraper DAG, a sync job) can update LANDING to start a run at once;
# consumers of the ledger (exports, dashboards) can be scheduled on WAREHOUSE.
LANDING = Asset("warledger_landing")
WAREHOUSE = Asset("warledger_warehouse")

DOC = """
### warledger

Turns war reporting into a ledger of events (what happened, who did it to whom, where,
when, with what) and casualty figures (killed, injured, missing, captured, displaced).

Runs hourly, and whenever the asset `warledger_landing` is updated.

1. **ingest** reads the landing folder (`WARLEDGER_LANDING`, or the `input` param),
   skips files already read (same path, same bytes), quarantines unreadable files and
   records with their reason, skips articles the warehouse already holds, and stages
   the new ones as Parquet batches under `WARLEDGER_STAGING/<run id>/`.
2. **extract** (mapped, one task per batch) parses the sentences with spaCy and
   writes the batch's casualty figures, events and event mentions beside it.
3. **publish** (pool `warledger_warehouse`, one slot: DuckDB has one writer)
   validates the batch with the Great Expectations suites in `expectations/`,
   quarantines failing rows, merges the rest into `WARLEDGER_WAREHOUSE` in one
   transaction, folds every article's events and figures into `incidents`, rebuilds the
   report `WARLEDGER_DOCS/report.html` (and GX Data Docs) and updates the asset
   `warledger_warehouse`. A critical expectation failing as a whole stops the
   publish (the task fails, naming it); warnings are recorded and the rows load.

A run that finds no new file shows all three tasks **skipped**: ingest says why in its log,
and the warehouse and its asset are left alone.

Re-running a run changes nothing; a failed publish leaves the warehouse as it was.

**Manual runs and backfills** (Trigger DAG w/ config): `input` reads another file or
folder; `since` / `until` (YYYY-MM-DD) keep only articles published in that range;
`reprocess` reads every file again and re-extracts articles already loaded (after a
change of the extraction rules), replacing their figures.
"""


@dag(
    dag_id="warledger",
    schedule=AssetOrTimeSchedule(timetable=CronTriggerTimetable("0 * * * *", timezone="UTC"), assets=[LANDING]),
    start_date=datetime(2022, 2, 24),
    catchup=False,
    max_active_runs=1,
    description="War reporting into a ledger of events and casualty figures: ingest, extract, validate, load",
    default_args={"owner": "warledger", "retries": 2, "retry_delay": timedelta(seconds=20),
                  "retry_exponential_backoff": True,
                  # A batch of 50 articles takes a minute or two; an hour means something is stuck.
                  "execution_timeout": timedelta(hours=1), "on_failure_callback": log_task_failure},
    params={
        "input": Param(None, type=["null", "string"],
                       description="A landing file or folder to read instead of WARLEDGER_LANDING, "
                                   "inside WARLEDGER_INPUT_ROOTS"),
        "since": Param(None, type=["null", "string"], format="date",
                       description="Backfill: only articles published on or after this day"),
        "until": Param(None, type=["null", "string"], format="date",
                       description="Backfill: only articles published on or before this day"),
        "reprocess": Param(False, type="boolean",
                           description="Read every file again and re-extract articles already loaded"),
    },
    doc_md=DOC,
    tags=["warledger"],
)
def warledger():
    @task
    def ingest() -> list[str]:
        from airflow.sdk.exceptions import AirflowSkipException

        from transforms.config import settings
        from transforms.stages.pipeline import RunOptions, dag_input, nothing_new, stage

        context = get_current_context()
        cfg = settings()
        params = context["params"]
        path, options = dag_input(params["input"], cfg), RunOptions.from_params(params)
        if reason := nothing_new(path, cfg, options):
            # Skipped, so extract and publish are skipped by their trigger rules without starting a
            # process: an hourly run that finds nothing costs one short task.
            raise AirflowSkipException(reason)
        return stage(path, cfg, context["run_id"], options)

    @task
    def extract(batch_dir: str) -> str:
        from transforms.config import settings
        from transforms.stages.extract import extract_batch

        return extract_batch(batch_dir, settings().spacy_model)

    # Runs when ingest staged something, even no batch (files to record as read, quarantined records):
    # extract mapped over no batch is skipped, and ingest is then its one success.
    @task(multiple_outputs=True, pool=WAREHOUSE_POOL, trigger_rule="none_failed_min_one_success", outlets=[WAREHOUSE])
    def publish() -> dict:
        from airflow.sdk.exceptions import AirflowFailException

        from transforms.config import settings
        from transforms.stages.publish import DataQualityError, publish_run

        context = get_current_context()
        cfg = settings()
        try:
            summary = publish_run(cfg, context["run_id"])
        except DataQualityError as err:
            # Bad data stays bad on retry: fail now, naming the expectation.
            raise AirflowFailException(str(err)) from err
        # XCom and the asset event hold JSON, not the dataclass.
        result = summary.to_dict()
        context["outlet_events"][WAREHOUSE].extra = {"run_id": context["run_id"], "loaded": result["loaded"]}
        return result

    staged, published = ingest(), publish()
    extract.expand(batch_dir=staged) >> published
    staged >> published


warledger()
