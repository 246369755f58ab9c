"""The warehouse: its DDL and the one-writer merge, incidents across articles, the marts and exports."""
