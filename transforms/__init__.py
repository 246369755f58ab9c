"""warledger: war reporting into a queryable ledger.

The package by concern, each a sub-package that says what it owns:

- ``reading``: landing files, feeds and pages into staged rows (ingest, fetch, staging).
- ``rules``: the language rules (numbers, dates, places, attribution, casualty and event patterns).
- ``quality``: the GX suites, validation and the data-quality report.
- ``store``: the DuckDB warehouse (DDL, merge, incidents, marts, export).
- ``entry``: the pipeline's path as functions, the CLI, eval and the benchmark.

``config`` holds every setting; each sub-package reads it and nothing else reads the environment.
"""
