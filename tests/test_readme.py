"""The README's layout section names every file git tracks, and nothing that is not there."""

from __future__ import annotations

import re
import subprocess
from fnmatch import fnmatch

import pytest

from conftest import REPO

CONTINUED = 8    # spaces: a deeper line goes on with the description above it


def layout(readme: str) -> dict[str, bool]:
    """Each path the layout names, relative to the repository, and whether it is a folder listed file by file.

    A line is names, two or more spaces, then what they are; each two spaces of indent is one folder deeper,
    inside the folder named above it; a line indented past the names (more than CONTINUED) continues a
    description.
    """
    block = readme.split("## Layout\n", 1)[1].split("```\n", 2)[1]
    entries: dict[str, bool] = {}
    folders: list[str] = []     # the folder open at each depth
    for line in block.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        if indent > CONTINUED or not line.strip():
            continue
        depth = indent // 2
        del folders[depth:]
        inside = "".join(folders)
        if inside:
            entries[inside] = True
        for name in re.split(r"\s{2,}", line.strip())[0].split(" "):
            entries[inside + name] = False
        if name.endswith("/"):
            folders.append(name)
    return entries


def _git(*args: str) -> list[str]:
    # check-ignore answers 1 when nothing is ignored: an answer, not a failure.
    done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout.splitlines()


def _covered(path: str, entries: dict[str, bool]) -> bool:
    # A sub-package's __init__.py holds the sentence the layout gives its folder.
    if path.endswith("/__init__.py") and entries.get(path.removesuffix("__init__.py")):
        return True
    return any(path == e or fnmatch(path, e) or (e.endswith("/") and not listed and path.startswith(e))
               for e, listed in entries.items())


@pytest.fixture(scope="module")
def tracked() -> list[str]:
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout: the layout is checked against the files git tracks")
    return [p for p in _git("ls-files") if p != "README.md"]


def test_the_layout_names_every_tracked_file(tracked):
    entries = layout((REPO / "README.md").read_text(encoding="utf-8"))
    assert [p for p in tracked if not _covered(p, entries)] == []


def test_every_name_in_the_layout_is_there(tracked):
    entries = layout((REPO / "README.md").read_text(encoding="utf-8"))
    gone = [e for e in entries if not any(p == e or fnmatch(p, e) or p.startswith(e) for p in tracked)]
    # What a make target writes (vendor/) is not in git; git says it is ignored on purpose.
    ignored = set(_git("check-ignore", "--no-index", *gone)) if gone else set()
    assert [e for e in gone if e not in ignored] == []
    assert {"transforms/entry/failures.py", "vendor/", "transforms/rules/vocab/*.csv"} <= set(entries)
