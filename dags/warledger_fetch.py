"""The warledger_fetch DAG: new articles from the sources file into the landing folder, every 15 minutes.

Thin on purpose: ``fetch`` calls transforms.reading.fetch.fetch, the same function as
``warledger fetch``; ``announce`` updates the Asset the main DAG is scheduled on,
and skips (a skipped task emits no asset event) when nothing new was written.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Asset, CronTriggerTimetable, dag, get_current_context, task

from transforms.entry.failures import log_task_failure

LANDING = Asset("warledger_landing")

DOC = """
### warledger_fetch

Every 15 minutes, reads each feed and article page of the sources file (`WARLEDGER_SOURCES`,
default `sources.yml` at the repository root) and writes the new articles as one
`fetch-<time>.jsonl` in the landing folder (`WARLEDGER_LANDING`). When it wrote any, it
updates the asset `warledger_landing`, which starts the `warledger` DAG at once.

Feeds are asked conditionally and a page already fetched is never downloaded again (state:
`<landing>.fetch-state.json` beside the landing folder). robots.txt is honoured, and each host
gets at most one request every `min_interval_s`. A failing source is logged and written to
`fetch-<time>.failures.jsonl`, which the next `warledger` run loads into `quarantine`;
the other sources are fetched all the same.

**To add a source**, add an entry to the sources file; the next run picks it up, no restart needed:

```yaml
sources:
  - name: example-news                      # becomes articles.source
    feed: https://example.org/world/rss.xml  # RSS 2.0, Atom or JSON Feed
    min_interval_s: 2                        # optional: politeness per host
  - name: saved-pages
    pages: [https://example.org/2022/07/03/story.html]
```
"""


@dag(
    dag_id="warledger_fetch",
    schedule=CronTriggerTimetable("*/15 * * * *", timezone="UTC"),
    start_date=datetime(2022, 2, 24),
    catchup=False,
    max_active_runs=1,
    description="New articles from the sources file's feeds and pages into the landing folder",
    default_args={"owner": "warledger", "retries": 1, "retry_delay": timedelta(minutes=1),
                  # Timeouts and back-off bound every request; a fetch of many sources takes minutes.
                  "execution_timeout": timedelta(minutes=30), "on_failure_callback": log_task_failure},
    doc_md=DOC,
    tags=["warledger"],
)
def warledger_fetch():
    @task(multiple_outputs=True)
    def fetch() -> dict:
        from transforms.config import settings
        from transforms.reading.fetch import fetch as fetch_sources

        cfg = settings()
        report = fetch_sources(cfg.sources, cfg.landing, max_file_mb=cfg.max_file_mb)
        return {"articles": report.articles, "written": report.written, "failures": report.failures}

    @task(outlets=[LANDING])
    def announce(result: dict) -> None:
        from airflow.sdk.exceptions import AirflowSkipException

        if not result["written"]:
            raise AirflowSkipException("no new article: the landing asset is left as it was")
        get_current_context()["outlet_events"][LANDING].extra = result

    announce(fetch())


warledger_fetch()
