"""The deployment files (docker-compose.yml, Dockerfile, .dockerignore), checked statically.

No Docker engine is needed: these tests read the files and assert the properties the
multi-worker deployment depends on (README, "Multi-machine deployment").
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
PYPROJECT = ROOT / "pyproject.toml"

DATA_VOLUME = "warledger-data"
DATA_MOUNT = "/opt/warledger/data"
POOL = "warledger_warehouse"

AIRFLOW_DAEMONS = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-worker": "celery worker",
    "airflow-triggerer": "triggerer",
}
REQUIRED_SERVICES = {"postgres", "redis", "airflow-init", *AIRFLOW_DAEMONS}
WARLEDGER_PATHS = ("WARLEDGER_LANDING", "WARLEDGER_STAGING", "WARLEDGER_WAREHOUSE", "WARLEDGER_DOCS", "WARLEDGER_CACHE")

# A required compose variable with no default: ${NAME:?message}.
REQUIRED_VAR = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*:\?[^}]*\}$")
SECRETISH_KEY = re.compile(r"PASSWORD|SECRET|FERNET|TOKEN|(^|_)KEY$|AUTH$", re.IGNORECASE)
# The password of scheme://user:password@host, where the password may be a ${...} reference.
URL_PASSWORD = re.compile(r"[a-z0-9+.-]+://[^:/@\s]*:(?P<pw>\$\{[^}]*\}|[^@/\s]*)@", re.IGNORECASE)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def airflow(services) -> dict:
    """Every service run from the Airflow image (the daemons, airflow-init, airflow-cli)."""
    return {name: svc for name, svc in services.items() if name.startswith("airflow-")}


def env(service: dict) -> dict[str, str]:
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) if "=" in item else (item, "") for item in raw)
    return {key: "" if value is None else str(value) for key, value in raw.items()}


def mounts(service: dict) -> dict[str, str]:
    """target -> source for each volume of a service (short or long syntax)."""
    out = {}
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            out[volume["target"]] = volume.get("source", "")
        else:
            source, target, *_ = volume.split(":")
            out[target] = source
    return out


def command_text(service: dict) -> str:
    command = service.get("command") or ""
    return " ".join(command) if isinstance(command, list) else command


def strings(node):
    """Every string anywhere in a parsed YAML tree."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(key)
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    instructions, pending = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        keyword, _, args = full.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    return instructions


def dockerfile_env() -> dict[str, str]:
    values = {}
    for keyword, args in dockerfile_instructions():
        if keyword == "ENV":
            values.update(dict(re.findall(r"(\w+)=(\S+)", args)))
    return values


def pinned_airflow() -> str:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    for dependency in project["dependencies"]:
        requirement = Requirement(dependency)
        if requirement.name == "apache-airflow":
            (spec,) = requirement.specifier
            assert spec.operator == "==", f"pyproject.toml must pin apache-airflow exactly, not {spec}"
            return spec.version
    raise AssertionError("pyproject.toml does not depend on apache-airflow")


def base_image() -> tuple[str, str | None]:
    """(Airflow version, Python version or None) of the official image the Dockerfile's final stage
    builds on (earlier stages only prepare files for it)."""
    froms = [args for keyword, args in dockerfile_instructions() if keyword == "FROM"]
    assert froms, "Dockerfile has no FROM"
    match = re.fullmatch(r"apache/airflow:(\d+\.\d+\.\d+)(?:-python(\d+\.\d+))?(?:\s+AS\s+\S+)?", froms[-1],
                         re.IGNORECASE)
    assert match, f"Dockerfile must build FROM the official apache/airflow:<version> image, not {froms[-1]!r}"
    return match.group(1), match.group(2)


# --- docker-compose.yml ------------------------------------------------------------------


def test_required_services_exist(services):
    assert REQUIRED_SERVICES <= set(services), f"missing: {sorted(REQUIRED_SERVICES - set(services))}"


def test_daemons_run_the_airflow_3_components(services):
    for name, command in AIRFLOW_DAEMONS.items():
        assert command_text(services[name]) == command, name


def test_airflow_services_share_one_image_built_from_the_dockerfile(airflow):
    builds = {name: repr(svc.get("build")) for name, svc in airflow.items()}
    images = {name: svc.get("image") for name, svc in airflow.items()}
    assert len(set(builds.values())) == 1, builds
    assert len(set(images.values())) == 1, images
    build = next(iter(airflow.values()))["build"]
    context = build if isinstance(build, str) else build.get("context", ".")
    assert context in (".", "./"), "the Airflow image is built from the repository's Dockerfile"
    if isinstance(build, dict):
        assert build.get("dockerfile", "Dockerfile") == "Dockerfile"


def test_every_airflow_service_uses_the_celery_executor(airflow):
    for name, svc in airflow.items():
        assert env(svc).get("AIRFLOW__CORE__EXECUTOR") == "CeleryExecutor", name


def test_airflow_services_share_one_configuration(airflow):
    """Same Airflow and warledger settings everywhere (service-specific extras aside)."""
    def shared(svc: dict) -> dict[str, str]:
        return {k: v for k, v in env(svc).items() if k.startswith(("AIRFLOW__", "WARLEDGER_"))}

    reference = shared(airflow["airflow-scheduler"])
    for name, svc in airflow.items():
        assert shared(svc) == reference, name


def test_metadata_database_is_postgres(services, airflow):
    assert str(services["postgres"]["image"]).startswith("postgres:16")
    for name, svc in airflow.items():
        settings = env(svc)
        assert settings["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql"), name
        assert "@postgres/" in settings["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"], name
        assert settings["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql://"), name


def test_celery_broker_is_redis(services, airflow):
    assert str(services["redis"]["image"]).startswith("redis:")
    for name, svc in airflow.items():
        broker = env(svc)["AIRFLOW__CELERY__BROKER_URL"]
        assert broker.startswith("redis://") and "@redis:6379/" in broker, name


def test_workers_reach_the_execution_api_of_the_api_server(services, airflow):
    assert any(str(port).endswith("8080") for port in services["airflow-apiserver"]["ports"])
    for name, svc in airflow.items():
        url = env(svc)["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"]
        assert url == "http://airflow-apiserver:8080/execution/", name


def test_examples_are_not_loaded(airflow):
    for name, svc in airflow.items():
        assert env(svc)["AIRFLOW__CORE__LOAD_EXAMPLES"].lower() == "false", name


def test_data_volume_is_shared_by_every_airflow_service(compose, airflow):
    assert DATA_VOLUME in (compose.get("volumes") or {}), "warledger-data must be a named volume"
    for name, svc in airflow.items():
        assert mounts(svc).get(DATA_MOUNT) == DATA_VOLUME, f"{name} does not mount {DATA_VOLUME} at {DATA_MOUNT}"


def test_warledger_paths_point_into_the_shared_volume(airflow):
    for name, svc in airflow.items():
        settings = env(svc)
        for key in WARLEDGER_PATHS:
            path = Path(settings.get(key, ""))
            assert path.is_absolute() and path.is_relative_to(DATA_MOUNT) and path != Path(DATA_MOUNT), (name, key)
    assert env(airflow["airflow-worker"])["WARLEDGER_WAREHOUSE"].endswith(".duckdb")


def test_image_defaults_match_the_compose_paths(airflow):
    image = dockerfile_env()
    settings = env(airflow["airflow-worker"])
    for key in WARLEDGER_PATHS:
        assert image.get(key) == settings[key], key
    # A relative path would resolve against each process's working directory: the image sets none.
    for key in (*WARLEDGER_PATHS, "WARLEDGER_SOURCES", "WARLEDGER_BASEMAP"):
        assert Path(image.get(key, "")).is_absolute(), key


def test_no_literal_credentials(compose):
    for svc_name, svc in compose["services"].items():
        for key, value in env(svc).items():
            if SECRETISH_KEY.search(key):
                assert REQUIRED_VAR.match(value), f"{svc_name}: {key} must be a required ${{VAR:?...}} reference"
        command = svc.get("command")
        if isinstance(command, list) and "--requirepass" in command:
            assert REQUIRED_VAR.match(command[command.index("--requirepass") + 1]), svc_name
    for text in strings(compose):
        for match in URL_PASSWORD.finditer(text):
            assert REQUIRED_VAR.match(match["pw"]), f"literal password in {text!r}"


def test_secrets_airflow_3_needs_are_set(airflow):
    for name, svc in airflow.items():
        settings = env(svc)
        for key in ("AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY"):
            assert REQUIRED_VAR.match(settings.get(key, "")), (name, key)
    admin = env(airflow["airflow-init"])["_AIRFLOW_WWW_USER_PASSWORD"]
    assert REQUIRED_VAR.match(admin)


def test_workers_can_be_scaled(services):
    worker = services["airflow-worker"]
    assert "container_name" not in worker
    assert "ports" not in worker


def test_healthchecks_and_start_order(services):
    for name in ("postgres", "redis", *AIRFLOW_DAEMONS):
        assert "test" in services[name].get("healthcheck", {}), f"{name} has no healthcheck"
    for name in AIRFLOW_DAEMONS:
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert depends["airflow-init"]["condition"] == "service_completed_successfully", name
    assert services["airflow-worker"]["depends_on"]["airflow-apiserver"]["condition"] == "service_healthy"


def test_init_migrates_then_creates_the_warehouse_pool(services):
    script = command_text(services["airflow-init"])
    migrate = script.find("airflow db migrate")
    pool = re.search(rf"airflow pools set {POOL} 1\b", script)
    assert migrate >= 0, "airflow-init must run `airflow db migrate`"
    assert pool, f"airflow-init must create the one-slot {POOL} pool"
    assert migrate < pool.start(), "the pool can only be created once the database is migrated"


def test_init_prepares_every_data_directory_in_valid_bash(services, tmp_path):
    """Every warledger path on the volume is handed to AIRFLOW_UID (the warehouse by its folder), and the script,
    with compose's $$ escapes undone, is bash that parses."""
    script = command_text(services["airflow-init"])
    listed = re.search(r"data_dirs=\((.*?)\)\n", script, re.S)
    assert listed, "airflow-init must list the data directories it prepares"
    for key in WARLEDGER_PATHS:
        assert f"$${{{key}}}" in listed.group(1), key
    unescaped = tmp_path / "init.sh"
    unescaped.write_text(script.replace("$$", "$"))
    subprocess.run(["bash", "-n", str(unescaped)], check=True)


# --- Dockerfile --------------------------------------------------------------------------


def test_dockerfile_builds_on_the_official_airflow_3_image():
    version, python = base_image()
    # api-server, dag-processor and the Execution API of docker-compose.yml are Airflow 3's layout.
    assert Version(version).major == 3, version
    assert python is not None, "pin the image's Python version (apache/airflow:<version>-pythonX.Y)"


def test_image_airflow_version_matches_pyproject_pin():
    version, _ = base_image()
    assert version == pinned_airflow(), "Dockerfile FROM tag and pyproject.toml's apache-airflow pin drifted apart"


def test_image_python_satisfies_requires_python():
    _, python = base_image()
    requires = tomllib.loads(PYPROJECT.read_text())["project"]["requires-python"]
    assert Version(python) in SpecifierSet(requires), f"python{python} does not satisfy {requires}"


def test_dockerfile_installs_the_project_as_a_package_as_the_airflow_user():
    instructions = dockerfile_instructions()
    pips = [(i, args) for i, (keyword, args) in enumerate(instructions)
            if keyword == "RUN" and re.search(r"\bpip install\b", args)]
    assert pips, "the Dockerfile must pip install the project"
    # Not editable: the package finds its suites, vocabularies and SQL in itself, not in a checkout.
    assert not [args for _, args in pips if re.search(r"\s(--editable|-e)\s", args)]
    index, args = next((i, args) for i, args in pips if re.search(r"pip install [^&]*\s\.(\s|$)", args))
    assert "--constraint constraints.txt" in args, "install within the tested versions"
    for _, pip in pips:
        assert '"apache-airflow==${AIRFLOW_VERSION}"' in pip, "pin Airflow to the image's version while installing"
    users = [args for keyword, args in instructions[:pips[0][0]] if keyword == "USER"]
    assert users and users[-1] == "airflow", "pip installs must run as the airflow user"
    copies = [args for keyword, args in instructions[:index] if keyword == "COPY"]
    for source in ("pyproject.toml", "transforms/", "expectations/"):
        assert any(source in c for c in copies), f"copy {source} before building the package"
    later = [args for keyword, args in instructions[index:] if keyword == "COPY"]
    assert any(re.search(r"\bdags/?\s+/opt/airflow/dags/?$", c) for c in later), "copy dags/ to /opt/airflow/dags"
    # Nothing puts a checkout on the path in place of the installed package.
    assert "PYTHONPATH" not in dockerfile_env()


def test_dockerignore_keeps_data_and_secrets_out_of_the_image():
    patterns = {line.strip() for line in DOCKERIGNORE.read_text().splitlines()
                if line.strip() and not line.startswith("#")}
    for pattern in ("data/", ".env", "**/*.duckdb"):
        assert pattern in patterns, pattern
    assert {".git", ".git/"} & patterns
    assert {".venv", ".venv/"} & patterns
    assert {"**/__pycache__", "**/__pycache__/"} & patterns
