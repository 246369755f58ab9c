"""The ways in: the ``warledger`` command, eval on gold data, the benchmark, and the DAGs' failure callback."""
