"""warledger: war reporting into a queryable ledger.

The package by concern, each a sub-package that says what it owns; a module imports only from its own
sub-package or one listed before it (tests/test_layers.py):

- ``rules``: the language rules (numbers, dates, places, attribution, casualty and event patterns).
- ``reading``: landing files, feeds and pages into staged rows (ingest, fetch, staging).
- ``store``: the DuckDB warehouse (DDL, merge, incidents, marts, export).
- ``quality``: the GX suites, validation, Data Docs and the data-quality report.
- ``stages``: the DAG's tasks as plain functions (stage, extract, publish) and ``run``, which chains them.
- ``entry``: the ways in: the CLI, eval, the benchmark, the DAGs' failure callback.

``config`` holds every setting; nothing else reads the environment.
"""
