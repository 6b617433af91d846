"""The layout DESIGN.md describes holds: imports point one way, and every file it names exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.helpers.crawl import ROOT

PACKAGES = ("crawler", "extract", "storage")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function (``from pkg import mod`` is ``pkg.mod``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & MODULES.keys()
            names.update(submodules or {node.module})
    return names


IMPORTS = {name: _imports(path) for name, path in MODULES.items()}


def _offenders(where: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(f"{module} imports {name}" for module, names in IMPORTS.items()
                  if module == where or module.startswith(where + ".")
                  for name in names if any(name == f or name.startswith(f + ".") for f in forbidden))


@pytest.mark.parametrize(("where", "forbidden"), [
    ("extract", ("storage", "crawler", "scrapy", "sqlalchemy", "click")),
    ("storage", ("crawler", "scrapy")),
    ("storage.warc", ("scrapy", "sqlalchemy", "storage.db", "storage.versions", "storage.archive", "crawler")),
])
def test_dependencies_point_one_way(where: str, forbidden: tuple[str, ...]) -> None:
    assert _offenders(where, forbidden) == []


def test_only_the_cli_imports_click() -> None:
    outside = [line for line in _offenders("storage", ("click",)) + _offenders("crawler", ("click",))
               if not line.startswith("storage.cli")]
    assert outside == []


def test_no_two_modules_import_each_other() -> None:
    mutual = sorted({tuple(sorted((a, b))) for a, names in IMPORTS.items() for b in names
                     if b in IMPORTS and b != a and a in IMPORTS[b]})
    assert mutual == []


def test_storage_has_at_most_a_dozen_entries_at_its_top() -> None:
    entries = [p.name for p in (ROOT / "storage").iterdir() if p.name != "__pycache__"]
    assert len(entries) <= 12, sorted(entries)


def test_every_table_is_defined_in_the_models_module() -> None:
    defining = sorted(module for module, path in MODULES.items()
                      if "__tablename__" in path.read_text(encoding="utf-8"))
    assert defining == ["storage.db.models"]


def test_every_path_design_md_names_exists() -> None:
    design = (ROOT / "DESIGN.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:crawler|extract|storage|tests|bench|seeds)/[\w./-]*)`", design))
    assert len(named) > 30
    assert sorted(p for p in named if not (ROOT / p).exists()) == []
