"""What an operator sees when a task fails: one line in the task's log naming the task, the run
and the reason, at ERROR, where Airflow's UI and log shippers look first."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

log = logging.getLogger(__name__)


def failure_line(context: Mapping[str, Any]) -> str:
    """The line for a failed task, from the context Airflow hands its failure callbacks.

    >>> failure_line({"run_id": "manual__1", "exception": ValueError("no such file"),
    ...               "dag": None, "task_instance": None})
    'warledger task ? of run manual__1 failed: ValueError: no such file'
    """
    ti = context.get("task_instance")
    task = f"{ti.dag_id}.{ti.task_id}" if ti is not None else "?"
    if ti is not None and getattr(ti, "map_index", -1) >= 0:
        task += f"[{ti.map_index}]"
    err = context.get("exception")
    reason = f"{type(err).__name__}: {err}" if err is not None else "no exception recorded (see the task log)"
    return f"warledger task {task} of run {context.get('run_id')} failed: {reason}"


def log_task_failure(context: Mapping[str, Any]) -> None:
    """``on_failure_callback`` of every warledger task."""
    log.error(failure_line(context))
