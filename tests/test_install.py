"""`pip install .` for real: the wheel alone, outside the checkout, runs `warledger run` and parses the DAGs.

The wheel is built from a copy of what the Dockerfile copies into its build folder, installed with
`pip install --no-deps --target` (the venv already holds the dependencies), and run in a folder
outside the checkout with PYTHONPATH naming the install only, so that nothing is read from the
repository: suites, vocabularies, patterns and SQL must come from the package.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE_ARTICLE, assert_events_match_gold, assert_matches_gold, query

# The package's source as the Dockerfile copies it (expectations/ is the suites' one copy).
SOURCE = ("pyproject.toml", "README.md", "transforms", "expectations")
PACKAGE_DATA = ("quality/expectations/events.json", "rules/vocab/event_types.csv", "rules/patterns/casualties.yml",
                "store/warehouse.sql")
DAG_PROBE = """
import json, sys
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
print(json.dumps({"dags": sorted(bag.dag_ids), "errors": {k: str(v) for k, v in bag.import_errors.items()},
                  "transforms": sorted({m.__file__ for n, m in sys.modules.items() if n.startswith("transforms")})}))
"""


def _pip(*args: str, **kwargs) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"pip {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"


def _outside_env(site: Path) -> dict[str, str]:
    """The caller's environment less every warledger setting, with only the install on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARLEDGER_")}
    return {**env, "PYTHONPATH": str(site)}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The wheel, built without the network by the venv's setuptools and installed into a folder of its own."""
    root = tmp_path_factory.mktemp("install")
    (root / "src").mkdir()
    for name in SOURCE:
        if (REPO / name).is_dir():
            # The link transforms/quality/expectations -> ../../expectations stays a link, as in a checkout.
            shutil.copytree(REPO / name, root / "src" / name, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / name, root / "src" / name)
    _pip("wheel", "--no-deps", "--no-build-isolation", "--check-build-dependencies", "-w", str(root / "wheels"),
         str(root / "src"))
    (wheel,) = (root / "wheels").glob("warledger-*.whl")
    _pip("install", "--no-deps", "--target", str(root / "site"), str(wheel))
    return root / "site"


def test_the_wheel_ships_the_package_data(site):
    for name in PACKAGE_DATA:
        assert (site / "transforms" / name).is_file(), f"{name} is not in the wheel"
    suites = sorted(p.name for p in (site / "transforms" / "quality" / "expectations").iterdir())
    assert suites == sorted(p.name for p in (REPO / "expectations").glob("*.json"))
    # A real file, not the checkout's link: the installed suites stand alone.
    assert not (site / "transforms" / "quality" / "expectations").is_symlink()


def test_warledger_run_from_the_install_outside_the_checkout(site, tmp_path, gold):
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    probe = subprocess.run([sys.executable, "-c", "import transforms; print(transforms.__file__)"],
                           cwd=workdir, env=_outside_env(site), capture_output=True, text=True, check=True)
    assert Path(probe.stdout.strip()).is_relative_to(site), probe.stdout
    done = subprocess.run([str(site / "bin" / "warledger"), "run", "--input", str(SAMPLE_ARTICLE)],
                          cwd=workdir, env=_outside_env(site), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    # Every data default lies under the working directory, none beside the package.
    warehouse = workdir / "data" / "warehouse.duckdb"
    assert str(warehouse) in done.stdout
    assert (workdir / "data" / "dq_docs" / "report.html").is_file()
    assert not (site / "data").exists()
    assert_matches_gold(query(warehouse, "SELECT * FROM casualty_figures"), gold)
    assert_events_match_gold(query(warehouse, "SELECT * FROM events"), gold)
    # The packaged suites ran on every table (GX wrote their results) and all passed.
    results = query(warehouse, "SELECT table_name, count(*) AS n, bool_and(success) AS ok FROM dq_results "
                               "GROUP BY ALL")
    assert {r["table_name"] for r in results} >= {"articles", "sentences", "casualty_figures", "events",
                                                  "event_mentions"}
    assert all(r["ok"] for r in results), results


def test_the_dags_parse_against_the_install(site, tmp_path):
    dags = tmp_path / "dags"
    dags.mkdir()
    for dag_file in (REPO / "dags").glob("*.py"):
        shutil.copy2(dag_file, dags)
    done = subprocess.run([sys.executable, "-c", DAG_PROBE, str(dags)], cwd=tmp_path, env=_outside_env(site),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    parsed = json.loads(done.stdout.strip().splitlines()[-1])
    assert parsed["errors"] == {}
    assert parsed["dags"] == ["warledger", "warledger_fetch"]
    assert parsed["transforms"] and all(Path(f).is_relative_to(site) for f in parsed["transforms"]), parsed
