"""Data quality: validate frames against the GX suites (expectations/, shipped in the package).

Each expectation carries ``meta.severity``. Rows failing a critical expectation are split
off into ``Validation.failed`` (for the quarantine); warning failures are only recorded.
GX 1.x cannot validate DuckDB tables, so frames are validated through GX's pandas source.

Validation runs in an in-memory GX context, so it writes nothing; ``docs`` publishes what it found.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from importlib.resources import files

import great_expectations as gx
import pandas as pd
from great_expectations.core import ExpectationSuite, ExpectationSuiteValidationResult, ExpectationValidationResult
from great_expectations.core.batch_definition import BatchDefinition
from great_expectations.data_context import AbstractDataContext
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.datasource.fluent import PandasDatasource
from great_expectations.expectations.expectation import Expectation

from transforms.rules import vocab

# The repository's top-level expectations/, linked into this package so that the wheel ships the suites.
EXPECTATIONS_DIR = files(__package__) / "expectations"
SEVERITIES = ("critical", "warning")
RESULT_COLUMNS = [
    "run_id", "table_name", "expectation", "severity", "success",
    "element_count", "unexpected_count", "validated_at",
]
# Compared as days: DuckDB, pandas and Python hand these over as dates, datetimes or
# Timestamps, which pandas refuses to compare with one another.
DAY_COLUMNS = ("published_date", "ingested_at", "event_date")
VOCAB_KEY = "$vocab"
log = logging.getLogger(__name__)


@dataclass
class Validation:
    """One frame's validation.

    ``passed``: the input rows that met every critical row-level expectation, in input order.
    ``failed``: the rows that did not, plus ``reason`` naming each expectation they failed
    ("; "-joined). Every row sharing a duplicated id fails, since none can be told right.
    ``results``: one dq_results row per expectation. A critical expectation that could not
    run at all (a missing column) fails there without naming rows: check ``critical_failures()``.
    ``report``: GX's own result, which build_data_docs publishes.
    """

    table: str
    passed: pd.DataFrame
    failed: pd.DataFrame
    results: pd.DataFrame
    report: ExpectationSuiteValidationResult = field(repr=False)

    def critical_failures(self, min_rows: int = 1) -> list[str]:
        """Critical expectations that failed as a whole on at least ``min_rows`` rows, or could not run.

        A small batch with one bad row breaks a ``mostly`` of 0.8 without being corrupt: ``min_rows``
        keeps such rows in the quarantine instead of stopping every later run on them.
        """
        results = self.results
        failed = ~results["success"] & (results["severity"] == "critical")
        enough = results["unexpected_count"].isna() | (results["unexpected_count"] >= min_rows)
        return results.loc[failed & enough.fillna(True), "expectation"].tolist()


def load_suite(table: str) -> ExpectationSuite:
    """The suite in expectations/<table>.json, with vocabulary references resolved."""
    spec = json.loads((EXPECTATIONS_DIR / f"{table}.json").read_text(encoding="utf-8"))
    spec["expectations"] = [_expectation_spec(table, e) for e in spec["expectations"]]
    return ExpectationSuite(**spec)


def _expectation_spec(table: str, spec: dict) -> dict:
    severity = spec.get("meta", {}).get("severity")
    if severity not in SEVERITIES:
        raise ValueError(f"expectations/{table}.json: {spec['type']} needs meta.severity in {SEVERITIES}")
    kwargs = {key: _resolve_vocab(value) for key, value in spec["kwargs"].items()}
    # GX's own severity field follows meta, so Data Docs and GX agree with the file.
    return {**spec, "kwargs": kwargs, "severity": severity}


def _resolve_vocab(value):
    if not (isinstance(value, dict) and set(value) == {VOCAB_KEY}):
        return value
    file, column = value[VOCAB_KEY].split(":")
    # CSV cells are text; codes such as precision levels are integers in the data.
    return [int(v) if v.isdigit() else v for v in vocab.column(file.removesuffix(".csv"), column)]


def validate(table: str, df: pd.DataFrame, run_id: str) -> Validation:
    """Validate ``df`` against the suite for ``table``, splitting rows by critical failures."""
    validated_at = datetime.now(timezone.utc)
    frame = _comparable(df)
    batch = _batch_definition(table).get_batch(batch_parameters={"dataframe": frame})
    report = batch.validate(_suite(table), result_format={"result_format": "COMPLETE"})
    # GX types validation_time as str, yet its own ValidationDefinition.run stores a datetime there as well
    report.meta["validation_time"] = validated_at  # type: ignore[arg-type]

    reasons = _critical_reasons(report)
    failed_at = sorted(reasons)
    failed = df.iloc[failed_at].assign(reason=["; ".join(reasons[i]) for i in failed_at])
    passed = df.iloc[[i for i in range(len(df)) if i not in reasons]]
    # The warehouse keeps naive UTC timestamps.
    results = _results_frame(report, table, run_id, validated_at.replace(tzinfo=None))
    _log_result(table, results, len(df), len(failed), datetime.now(timezone.utc) - validated_at)
    return Validation(table, passed, failed, results, report)


def _log_result(table: str, results: pd.DataFrame, rows: int, failed: int, took: timedelta) -> None:
    """One line per suite, and a warning per expectation that met unexpected rows or failed."""
    log.info("validated %s: %d row(s), suite %s %s: %d of %d expectation(s) met; %d row(s) set aside, %.1f s",
             table, rows, table, "passed" if results["success"].all() else "failed", results["success"].sum(),
             len(results), failed, took.total_seconds())
    for r in results.itertuples(index=False):
        unexpected = 0 if pd.isna(r.unexpected_count) else int(r.unexpected_count)
        if r.success and not unexpected:
            continue
        what = "critical: the rows are set aside" if r.severity == "critical" else "warning: recorded, the rows load"
        log.warning("suite %s: %s %s, %d of %s row(s) unexpected (%s)", table, r.expectation,
                    "passed" if r.success else "failed", unexpected,
                    "?" if pd.isna(r.element_count) else r.element_count, what)


def _comparable(df: pd.DataFrame) -> pd.DataFrame:
    """A copy GX can check: positional index (GX reports row indexes), days as datetimes."""
    frame = df.reset_index(drop=True)
    for column in DAY_COLUMNS:
        if column in frame.columns:
            frame[column] = _as_day(frame[column])
    return frame


def _as_day(values: pd.Series) -> pd.Series:
    # An unreadable date is skipped like a missing one; the warehouse's DATE column rejects it.
    days = pd.to_datetime(values, errors="coerce")
    if days.dt.tz is not None:
        days = days.dt.tz_localize(None)
    return days.dt.normalize()


def _critical_reasons(report: ExpectationSuiteValidationResult) -> dict[int, list[str]]:
    """Row position -> names of the critical expectations that row failed.

    Rows are quarantined even when the expectation as a whole passed within its
    ``mostly``: a few bad rows are set aside, a batch mostly bad fails the publish.
    """
    reasons: dict[int, list[str]] = defaultdict(list)
    for result in report.results:
        expectation = _expectation(result)
        if expectation.severity != "critical":
            continue
        for position in result.result.get("unexpected_index_list") or []:
            reasons[position].append(expectation_name(expectation))
    return reasons


def _expectation(result: ExpectationValidationResult) -> Expectation:
    if result.expectation_config is None:
        raise ValueError(f"GX returned a validation result without its expectation: {result}")
    return result.expectation_config.to_domain_obj()


def expectation_name(expectation: Expectation) -> str:
    """Type and column(s), plus any row condition: the dq_results key and the quarantine reason."""
    kwargs = expectation.configuration.kwargs
    columns = [kwargs[key] for key in ("column", "column_A", "column_B") if key in kwargs]
    columns += kwargs.get("column_list", [])
    name = f"{expectation.expectation_type}({', '.join(columns)})"
    # GX conditions read as SQL ("high IS NULL") through repr; their str is the pydantic dump. Table-level
    # expectations have no row_condition field at all.
    condition = getattr(expectation, "row_condition", None)
    return f"{name} where {condition!r}" if condition else name


def _results_frame(
    report: ExpectationSuiteValidationResult, table: str, run_id: str, validated_at: datetime
) -> pd.DataFrame:
    rows = []
    for result in report.results:
        expectation = _expectation(result)
        rows.append({
            "run_id": run_id,
            "table_name": table,
            "expectation": expectation_name(expectation),
            "severity": expectation.severity.value,
            "success": bool(result.success),
            "element_count": result.result.get("element_count"),
            "unexpected_count": result.result.get("unexpected_count"),
            "validated_at": validated_at,
        })
    results = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    return results.astype({
        "success": bool, "element_count": "Int64", "unexpected_count": "Int64",
        "validated_at": "datetime64[us]",
    })


def context_config(**kwargs) -> DataContextConfig:
    return DataContextConfig(
        analytics_enabled=False,
        # tqdm bars, one per validation, flood the Airflow task logs.
        progress_bars=ProgressBarsConfig(globally=False),
        **kwargs,
    )


@lru_cache(maxsize=None)
def _validation_context() -> AbstractDataContext:
    config = context_config(store_backend_defaults=InMemoryStoreBackendDefaults())
    return gx.get_context(project_config=config, mode="ephemeral")


@lru_cache(maxsize=None)
def _validation_source() -> PandasDatasource:
    return _validation_context().data_sources.add_pandas("frames")


@lru_cache(maxsize=None)
def _batch_definition(table: str) -> BatchDefinition:
    asset = _validation_source().add_dataframe_asset(table)
    return asset.add_batch_definition_whole_dataframe("whole")


@lru_cache(maxsize=None)
def _suite(table: str) -> ExpectationSuite:
    return load_suite(table)
