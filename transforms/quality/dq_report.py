"""An offline data-quality report: one static page, ``docs_dir/report.html``, over every validation GX keeps.

GX's Data Docs index draws its tables with jQuery and bootstrap-table loaded from CDNs, so on a
machine without internet it is an empty page. This page needs nothing but itself: inline CSS, no
script, no external URL. It is rebuilt from the validation results GX stores as JSON under
``docs_dir/gx/uncommitted/validations/<suite>/<run name>/<run time>/<batch>.json`` and links,
relatively, to GX's own page for each validation and suite (those render offline).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from html import escape, unescape
from pathlib import Path
from urllib.parse import quote

from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

from transforms.quality import validate

REPORT = "report.html"
RESULTS_DIR = Path("gx", "uncommitted", "validations")
PASSED, WARNINGS, FAILED = "passed", "warnings", "failed critical"
# Every expectation met, yet some rows were quarantined (or files rejected): never shown as passed.
DROPPED = "rows dropped"
SAMPLE_VALUES = 5
MAX_RUNS = 100
VALUE_CHARS = 80


@dataclass
class Check:
    """One expectation's result in one validation."""

    name: str
    severity: str
    success: bool
    element_count: int | None
    unexpected_count: int | None
    unexpected_percent: float | None
    samples: list[tuple[str, int | None]]
    more_samples: bool
    error: str | None


@dataclass
class TableValidation:
    """One suite validated once: a table of one run."""

    table: str
    run: str
    validated_at: datetime
    checks: list[Check]
    page: str        # GX's validation page, relative to docs_dir
    suite_page: str  # GX's suite page, relative to docs_dir
    dropped: int = 0  # rows of this table (files, for articles) the run quarantined

    @property
    def status(self) -> str:
        failed = [c for c in self.checks if not c.success]
        if any(c.severity == "critical" for c in failed):
            return FAILED
        return WARNINGS if failed else DROPPED if self.dropped else PASSED

    @property
    def rows(self) -> int | None:
        counts = [c.element_count for c in self.checks if c.element_count is not None]
        return max(counts) if counts else None


@dataclass
class Run:
    name: str
    validations: list[TableValidation]

    @property
    def validated_at(self) -> datetime:
        return max(v.validated_at for v in self.validations)

    @property
    def status(self) -> str:
        return _worst(v.status for v in self.validations)


def write_report(docs_dir: Path, warehouse_path: Path | None = None) -> Path:
    """Write ``docs_dir/report.html`` from every validation result under ``docs_dir/gx`` and, given a
    warehouse, what it dropped, its plots, map and top incidents first; return the page's path."""
    docs_dir = Path(docs_dir)
    results_dir = docs_dir / RESULTS_DIR
    validations = [_read_validation(path, results_dir) for path in _recent(results_dir, MAX_RUNS)]
    runs: dict[str, list[TableValidation]] = {}
    for v in validations:
        runs.setdefault(v.run, []).append(v)
    ordered = sorted((Run(name, sorted(vs, key=lambda v: v.validated_at)) for name, vs in runs.items()),
                     key=lambda r: r.validated_at, reverse=True)
    report = docs_dir / REPORT
    ledger = None
    if warehouse_path is not None and Path(warehouse_path).exists():
        from transforms import config
        from transforms.quality import ledger_report

        ledger = ledger_report.sections(Path(warehouse_path), config.settings().basemap)
        for v in validations:
            v.dropped = ledger.dropped_by.get((v.run, v.table), 0)
    report.write_text(_page(ordered, datetime.now(timezone.utc), ledger), encoding="utf-8")
    return report


def _recent(results_dir: Path, runs: int) -> list[Path]:
    """The result files of the latest ``runs`` runs: an hourly DAG makes thousands, and each publish
    rebuilds this page, so it reads only as many as a reader scrolls through."""
    by_run: dict[str, list[Path]] = {}
    # <suite>/<run name>/<run time>/<batch>.json: the run time folder sorts in time order.
    for path in sorted(results_dir.rglob("*.json"), key=lambda p: p.parent.name, reverse=True):
        by_run.setdefault(path.parent.parent.name, []).append(path)
    return sorted(p for paths in list(by_run.values())[:runs] for p in paths)


def _read_validation(path: Path, results_dir: Path) -> TableValidation:
    result = json.loads(path.read_text(encoding="utf-8"))
    meta = result["meta"]
    suite = result["suite_name"]
    # GX renders each stored result to the same relative path under the site's validations/.
    page = Path("validations", *path.relative_to(results_dir).parts).with_suffix(".html")
    return TableValidation(
        table=suite,
        run=meta["run_id"]["run_name"],
        validated_at=datetime.fromisoformat(meta.get("validation_time") or meta["run_id"]["run_time"]),
        checks=sorted((_check(r) for r in result["results"]),
                      key=lambda c: (c.success, c.severity != "critical")),
        page=page.as_posix(),
        suite_page=f"expectations/{suite}.html",
    )


def _check(result: dict) -> Check:
    expectation = ExpectationConfiguration(**result["expectation_config"]).to_domain_obj()
    outcome = result.get("result") or {}
    if outcome.get("partial_unexpected_counts"):
        values = [(_shown(v["value"]), v["count"]) for v in outcome["partial_unexpected_counts"]]
    else:
        values = [(_shown(v), None) for v in outcome.get("partial_unexpected_list") or []]
    return Check(
        name=validate.expectation_name(expectation),
        severity=expectation.severity.value,
        success=bool(result["success"]),
        element_count=outcome.get("element_count"),
        unexpected_count=outcome.get("unexpected_count"),
        unexpected_percent=outcome.get("unexpected_percent"),
        samples=values[:SAMPLE_VALUES],
        more_samples=len(values) > SAMPLE_VALUES,
        error=_error(result.get("exception_info") or {}),
    )


def _error(info: dict) -> str | None:
    """The message of an expectation that could not run (a missing column): GX keeps one
    ``exception_info`` per expectation, or one per metric it tried to compute."""
    infos = [info] if "raised_exception" in info else list(info.values())
    messages = [i.get("exception_message") or "raised an exception" for i in infos if i.get("raised_exception")]
    return "; ".join(dict.fromkeys(messages)) or None


def _shown(value) -> str:
    # Stored values are HTML-escaped for GX's pages (docs._as_text); this page escapes on its own.
    text = unescape(value) if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS - 1] + "…"


def _worst(statuses) -> str:
    statuses = set(statuses)
    return next((s for s in (FAILED, WARNINGS, DROPPED) if s in statuses), PASSED)


# --- HTML ---------------------------------------------------------------------------------------

CSS = """
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: #1f2328; background: #f6f8fa; }
main { max-width: 1320px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
a { color: #0969da; text-decoration: none; }
a:hover { text-decoration: underline; }
code { font: 12.5px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.muted { color: #59636e; }
.totals { display: flex; gap: 12px; margin: 20px 0 24px; flex-wrap: wrap; }
.total { background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; padding: 10px 16px; min-width: 150px; }
.total b { display: block; font-size: 22px; }
.badge { display: inline-block; border-radius: 999px; padding: 1px 10px; font-size: 12px; font-weight: 600;
         border: 1px solid transparent; white-space: nowrap; }
.passed { color: #116329; background: #dafbe1; border-color: #aceebb; }
.warnings { color: #7d4e00; background: #fff8c5; border-color: #f0d78a; }
.failed { color: #a40e26; background: #ffebe9; border-color: #ffcecb; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e3e8ee; vertical-align: top; }
th { background: #f0f3f6; font-weight: 600; font-size: 13px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.overview { border: 1px solid #d1d9e0; border-radius: 6px; overflow: hidden; margin-bottom: 28px; }
.overview td .badge { margin: 0 6px 2px 0; }
.overview td.nowrap { white-space: nowrap; }
section.run { background: #fff; border: 1px solid #d1d9e0; border-radius: 8px; margin: 0 0 20px; padding: 16px 20px; }
section.run.failed-run { border-left: 5px solid #cf222e; }
section.run.warnings-run { border-left: 5px solid #d4a72c; }
section.run.passed-run { border-left: 5px solid #2da44e; }
.run-meta { margin: 4px 0 12px; }
details { border: 1px solid #e3e8ee; border-radius: 6px; margin: 8px 0; }
summary { cursor: pointer; padding: 8px 12px; display: flex; gap: 12px; align-items: center; flex-wrap: wrap;
          background: #f6f8fa; border-radius: 6px; }
summary::-webkit-details-marker { display: none; }
summary::before { content: "▸"; color: #59636e; }
details[open] > summary::before { content: "▾"; }
details[open] summary { border-bottom: 1px solid #e3e8ee; border-radius: 6px 6px 0 0; }
summary .table-name { font-weight: 600; font-size: 15px; min-width: 130px; }
summary .links { margin-left: auto; }
tr.fail-critical td { background: #ffebe9; }
tr.fail-warning td { background: #fff8c5; }
td.result { font-weight: 600; white-space: nowrap; }
tr.fail-critical td.result { color: #a40e26; }
tr.fail-warning td.result { color: #7d4e00; }
td.result.ok { color: #116329; font-weight: 400; }
.values code { background: rgba(175, 184, 193, .25); border-radius: 4px; padding: 0 4px; margin: 0 4px 2px 0;
               display: inline-block; }
.error { color: #a40e26; }
footer { margin-top: 32px; }
section.status, section.plots, section.incidents { background: #fff; border: 1px solid #d1d9e0; border-radius: 8px;
          margin: 16px 0 20px; padding: 16px 20px; }
section h3 { font-size: 15px; margin: 14px 0 6px; }
.verdict { font-weight: 600; padding: 8px 12px; border-radius: 6px; border: 1px solid transparent; }
.runs-title { margin: 28px 0 12px; }
.plotly-graph-div { margin: 8px 0 16px; }
details.incident summary .muted { margin-left: 8px; }
.summary-sentence { margin: 8px 12px; font-style: italic; }
td.nowrap { white-space: nowrap; }
"""

_BADGE_CLASS = {PASSED: "passed", WARNINGS: "warnings", DROPPED: "warnings", FAILED: "failed"}


def _page(runs: list[Run], built_at: datetime, ledger=None) -> str:
    validations = [v for r in runs for v in r.validations]
    counts = {s: sum(v.status == s for v in validations) for s in (PASSED, WARNINGS, DROPPED, FAILED)}
    rate = f"{100 * counts[PASSED] / len(validations):.0f}%" if validations else "–"
    # A suite can pass while its few bad rows were quarantined: the rate never hides them.
    dropped = f"; {counts[DROPPED]} with rows or files dropped (see Status)" if counts[DROPPED] else ""
    totals = [
        ("Runs", str(len(runs))),
        ("Validations", str(len(validations))),
        ("Pass rate", rate, f"{counts[PASSED]} of {len(validations)} met every expectation{dropped}"),
        ("With warnings", str(counts[WARNINGS])),
        ("Failed critical", str(counts[FAILED])),
    ]
    body = [
        "<h1>warledger data quality and incidents</h1>",
        ledger.status if ledger else "",
        f'<p class="muted">Built {_when(built_at)} from the Great Expectations validation results kept in '
        f"<code>{escape(RESULTS_DIR.as_posix())}</code>. Newest run first.</p>",
        '<div class="totals">', *(_total(*t) for t in totals), "</div>",
    ]
    if ledger:
        body.append(ledger.analysis)
    body.append('<h2 class="runs-title" id="runs">Validation runs (Great Expectations Data Docs)</h2>')
    if runs:
        body += [_overview(runs), *(_run(r, i, open_all=i == 0) for i, r in enumerate(runs))]
    else:
        body.append("<p>No validation results yet: the report fills in after the first publish.</p>")
    body.append('<footer class="muted">Each table links to Great Expectations\' own page for that validation '
                'and for its suite. GX\'s <a href="index.html">Data Docs index</a> needs a network connection '
                "to draw its tables.</footer>")
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>warledger data quality</title>",
        f"<style>{CSS}</style></head>",
        "<body><main>", *body, "</main></body></html>", "",
    ])


def _total(label: str, value: str, note: str = "") -> str:
    note = f'<span class="muted">{escape(note)}</span>' if note else ""
    return f'<div class="total"><span class="muted">{escape(label)}</span><b>{escape(value)}</b>{note}</div>'


def _overview(runs: list[Run]) -> str:
    rows = []
    for i, run in enumerate(runs):
        tables = "".join(f'<span class="badge {_BADGE_CLASS[v.status]}" title="{escape(v.status)}">'
                         f"{escape(v.table)}</span>" for v in run.validations)
        rows.append(f'<tr><td class="nowrap"><a href="#run-{i}"><code>{escape(run.name)}</code></a></td>'
                    f'<td class="nowrap">{_when(run.validated_at)}</td><td>{_badge(run.status)}</td>'
                    f"<td>{tables}</td></tr>")
    return ('<div class="overview"><table><thead><tr><th>Run</th><th>Validated</th><th>Status</th>'
            "<th>Tables</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")


def _run(run: Run, index: int, open_all: bool) -> str:
    parts = [
        f'<section class="run {_BADGE_CLASS[run.status]}-run" id="run-{index}" data-run="{escape(run.name)}" '
        f'data-status="{escape(run.status)}">',
        f"<h2>Run <code>{escape(run.name)}</code> {_badge(run.status)}</h2>",
        f'<p class="run-meta muted">validated {_when(run.validated_at)} · {len(run.validations)} table(s)</p>',
    ]
    parts += [_validation(v, open_all or v.status != PASSED) for v in run.validations]
    parts.append("</section>")
    return "\n".join(parts)


def _validation(v: TableValidation, is_open: bool) -> str:
    met = sum(c.success for c in v.checks)
    rows = "" if v.rows is None else f" · {v.rows} row{'' if v.rows == 1 else 's'}"
    summary = (
        f'<summary><span class="table-name">{escape(v.table)}</span>{_badge(v.status)}'
        f'<span class="muted">{met} of {len(v.checks)} expectations met{rows} · {_when(v.validated_at)}</span>'
        f'<span class="links"><a href="{_href(v.page)}">GX validation page</a> · '
        f'<a href="{_href(v.suite_page)}">suite</a></span></summary>'
    )
    head = ('<thead><tr><th>Expectation</th><th>Severity</th><th>Result</th><th class="num">Rows</th>'
            '<th class="num">Unexpected</th><th class="num">Unexpected %</th><th>Unexpected values</th></tr></thead>')
    body = "".join(_check_row(c) for c in v.checks)
    return (f'<details class="validation" data-table="{escape(v.table)}" data-status="{escape(v.status)}"'
            f'{" open" if is_open else ""}>{summary}<table>{head}<tbody>{body}</tbody></table></details>')


def _check_row(c: Check) -> str:
    css = "" if c.success else f' class="fail-{escape(c.severity)}"'
    result = '<td class="result ok">passed</td>' if c.success else '<td class="result">failed</td>'
    if c.error:
        values = f'<span class="error">{escape(c.error)}</span>'
    else:
        values = "".join(f"<code>{escape(text)}</code>" + (f"×{n} " if n and n > 1 else "")
                         for text, n in c.samples) + ("…" if c.more_samples else "")
    percent = "–" if c.unexpected_percent is None else f"{c.unexpected_percent:.1f}%"
    return (f"<tr{css}><td><code>{escape(c.name)}</code></td><td>{escape(c.severity)}</td>{result}"
            f'<td class="num">{_number(c.element_count)}</td><td class="num">{_number(c.unexpected_count)}</td>'
            f'<td class="num">{percent}</td><td class="values">{values}</td></tr>')


def _badge(status: str) -> str:
    return f'<span class="badge {_BADGE_CLASS[status]}">{escape(status)}</span>'


def _number(n: int | None) -> str:
    return "–" if n is None else f"{n:,}"


def _when(moment: datetime) -> str:
    return escape(moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"))


def _href(relative: str) -> str:
    return escape(quote(relative))
