"""The package's shape: sub-packages by concern, imports only downward, no cycles, small units."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
PACKAGE = TESTS.parent / "transforms"
# Lowest first: a module imports from its own layer or from one below it, never above.
LAYERS = ("config", "rules", "reading", "store", "quality", "stages", "entry")
MAX_FUNCTION_LINES = 60
MAX_CLASS_LINES = 150


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text(), filename=str(path))
    return found


def _imports(name: str, tree: ast.Module, modules: set[str]) -> set[str]:
    """Every transforms module ``name`` imports, at the top or inside a function."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            # A relative import would slip past the layer check: every import names its module in full.
            assert node.level == 0 and node.module, f"{name}: relative import at line {node.lineno}"
            out.add(node.module)
            # "from transforms.rules import vocab" imports the module transforms.rules.vocab
            out |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {m for m in out if m in modules and m != name and not name.startswith(m + ".")}


def _layer(module: str) -> int:
    return LAYERS.index(module.split(".")[1])


MODULES = _modules()
GRAPH = {name: _imports(name, tree, set(MODULES)) for name, tree in MODULES.items()}


def test_every_module_lives_in_a_layer_and_every_sub_package_says_what_it_owns():
    loose = [m for m in MODULES if m != "transforms" and m.split(".")[1] not in LAYERS]
    assert loose == []
    for package in LAYERS[1:]:
        doc = ast.get_docstring(MODULES[f"transforms.{package}"])
        assert doc and len(doc.split()) > 5, f"transforms/{package}/__init__.py needs a sentence on what it owns"


def test_imports_point_down_the_layers():
    upward = [f"{m} imports {dep}" for m, deps in GRAPH.items() if m != "transforms"
              for dep in deps if _layer(dep) > _layer(m)]
    assert upward == []


def test_no_import_cycle():
    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for dep in GRAPH[todo.pop()] - seen:
                seen.add(dep)
                todo.append(dep)
        return seen

    cycles = sorted(m for m in GRAPH if m in reach(m))
    assert cycles == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_functions_and_classes_stay_small(module):
    big = []
    for node in ast.walk(MODULES[module]):
        limit = {ast.FunctionDef: MAX_FUNCTION_LINES, ast.AsyncFunctionDef: MAX_FUNCTION_LINES,
                 ast.ClassDef: MAX_CLASS_LINES}.get(type(node))
        if limit and node.end_lineno - node.lineno + 1 > limit:
            big.append(f"{node.name}: {node.end_lineno - node.lineno + 1} lines (limit {limit})")
    assert big == []


# Modules whose behaviour is tested through another module's tests or the whole path, not in a test
# module of their own name (tests/<sub-package>/test_<module>.py).
TESTED_BY = {
    "transforms.config": ["test_deployment.py", "test_install.py"],
    "transforms.entry.cli": ["stages/test_pipeline.py", "store/test_export.py", "test_throughput.py"],
    "transforms.entry.failures": ["test_dags.py"],
    "transforms.quality.docs": ["quality/test_validate.py", "quality/test_dq_report.py"],
    "transforms.quality.ledger_report": ["test_report_offline.py"],
    "transforms.reading.rows": ["test_reliability.py", "test_operations.py"],
    "transforms.reading.sources": ["reading/test_fetch.py"],
    "transforms.reading.web": ["reading/test_fetch.py"],
    "transforms.rules.nlp": ["rules/test_prefilter.py"],
    "transforms.rules.numbers": ["rules/test_casualties.py", "test_reliability.py"],
    "transforms.rules.sentence": ["rules/test_attribution.py", "rules/test_places.py"],
    "transforms.rules.spelling": ["rules/test_casualties.py", "rules/test_prefilter.py"],
    "transforms.rules.syntax": ["rules/test_casualties.py", "rules/test_events.py"],
    "transforms.rules.vocab": ["rules/test_patterns.py", "quality/test_validate.py"],
    "transforms.stages.publish": ["stages/test_pipeline.py", "test_operations.py", "test_reliability.py"],
    "transforms.store.warehouse": ["test_operations.py", "store/test_incidents.py", "stages/test_pipeline.py"],
}


def _mirror(module: str) -> Path:
    *package, name = module.split(".")[1:]
    return TESTS.joinpath(*package, f"test_{name}.py")


def test_tests_mirror_the_package():
    with_logic = [m for m, tree in MODULES.items()
                  if any(isinstance(n, (ast.FunctionDef, ast.ClassDef)) for n in tree.body)]
    untested = [m for m in with_logic if not _mirror(m).exists() and m not in TESTED_BY]
    assert untested == [], "a module with logic needs tests/<sub-package>/test_<module>.py or a TESTED_BY entry"
    stale = {m: files for m, files in TESTED_BY.items()
             if m not in MODULES or _mirror(m).exists() or not all((TESTS / f).exists() for f in files)}
    assert stale == {}
