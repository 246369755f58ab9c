"""Quality: the GX suites applied to staged rows, Data Docs, and the offline data-quality report."""

import os

# Before any module here imports GX: a context GX makes for itself must not phone home either.
os.environ["GX_ANALYTICS_ENABLED"] = "False"
