"""Publishing what validation found: GX Data Docs, and the offline report beside them.

Data Docs come from a GX context whose stores are files under ``docs_dir/gx`` (suites, and every
run's validation results, so the site lists every run) and whose site is ``docs_dir`` itself:
``docs_dir/index.html``. GX's index draws its tables with scripts from CDNs, so ``docs_dir/report.html``
(``dq_report``) summarises every run offline and links to GX's pages. Validation itself (``validate``)
knows nothing of either page.
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

import great_expectations as gx
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context import AbstractDataContext
from great_expectations.data_context.types.base import FilesystemStoreBackendDefaults
from great_expectations.data_context.types.resource_identifiers import (
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)

from transforms.quality.dq_report import write_report
from transforms.quality.validate import Validation, context_config, load_suite

# How much of a value Data Docs show: enough to recognise a sentence.
SHOWN_CHARS = 300


def build_data_docs(
    docs_dir: Path, run_id: str, validations: list[Validation] | None = None, warehouse: Path | None = None
) -> Path:
    """Add ``validations`` to the Data Docs site in ``docs_dir`` under ``run_id``; return the
    offline data-quality report, ``docs_dir/report.html``.

    Only the new validations' pages are rendered, but the index and the report list every
    run kept in ``docs_dir/gx``. With no validations the whole site is rebuilt from that store.
    Given the ``warehouse``, the report opens with what it dropped, plots, a map and its top incidents.
    GX's index.html needs CDN scripts to show anything; the report needs nothing (dq_report).
    """
    docs_dir = Path(docs_dir).resolve()
    context = _docs_context(docs_dir)
    identifiers = [_store_validation(context, run_id, v) for v in validations or []]
    suites = {ExpectationSuiteIdentifier(name=v.table) for v in validations or []}
    # GX types the list as of one kind of key; each of its site sections takes the keys of its own kind from it
    context.build_data_docs(resource_identifiers=[*identifiers, *suites] or None)  # type: ignore[arg-type]
    return write_report(docs_dir, warehouse)


def _store_validation(
    context: AbstractDataContext, run_id: str, validation: Validation
) -> ValidationResultIdentifier:
    report = validation.report
    for result in report.results:
        result.result = _as_text(result.result)
    suite = context.suites.add_or_update(load_suite(validation.table))
    run = RunIdentifier(run_name=run_id, run_time=report.meta["validation_time"])
    report.meta["run_id"] = run
    identifier = ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite.name),
        run_id=run,
        batch_identifier=validation.table,
    )
    context.validation_results_store.store_validation_results(report, identifier)
    return identifier


def _as_text(value):
    """A row's values as GX will show them: GX renders unexpected values into its pages as HTML, so
    a sentence starting "<img src=x onerror=...>" would run there. Strings are cut short and
    HTML-escaped before GX stores or renders them (the offline report unescapes them to show)."""
    if isinstance(value, str):
        return html.escape(value if len(value) <= SHOWN_CHARS else value[:SHOWN_CHARS] + "…")
    if isinstance(value, dict):
        return {key: _as_text(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_text(v) for v in value]
    return value


@lru_cache(maxsize=None)
def _docs_context(docs_dir: Path) -> AbstractDataContext:
    site = {
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    config = context_config(
        store_backend_defaults=FilesystemStoreBackendDefaults(root_directory=docs_dir / "gx"),
        data_docs_sites={"local_site": site},
    )
    return gx.get_context(project_config=config, mode="ephemeral")
