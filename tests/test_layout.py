"""The test tree's layout: suites share helpers through tests/support, never through one another.

No file under tests/ imports a ``conftest`` module (pytest loads those itself; importing one runs it a second
time under another name), a suite imports no other suite, and tests/support imports no suite.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
FILES = sorted(p for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts)
SUPPORT = TESTS / "support"


def imported_modules(source: str, package: str) -> set[str]:
    """Dotted names of every module the source imports (``from a import b`` yields ``a`` and ``a.b``); relative
    imports are resolved against ``package`` (the file's own package, e.g. ``tests.leads``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parent + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name}


def package_of(path: Path) -> str:
    return ".".join(("tests", *path.relative_to(TESTS).parent.parts))


def suite_of(module: str) -> str | None:
    """``tests.leads.test_cli`` -> ``leads``; None for modules outside tests/ and for tests/'s own top level."""
    parts = module.split(".")
    return parts[1] if parts[0] == "tests" and len(parts) > 2 else None


def conftest_imports(path: Path) -> list[str]:
    modules = imported_modules(path.read_text(encoding="utf-8"), package_of(path))
    return sorted(m for m in modules if "conftest" in m.split("."))


def test_the_tree_is_read():
    assert len(FILES) > 40 and (SUPPORT / "__init__.py") in FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(TESTS).as_posix())
def test_no_file_imports_a_conftest(path):
    assert conftest_imports(path) == []


@pytest.mark.parametrize("path", [p for p in FILES if p.parent != TESTS], ids=lambda p: p.relative_to(TESTS).as_posix())
def test_a_suite_imports_only_itself_and_support(path):
    own = path.relative_to(TESTS).parts[0]
    others = {suite_of(m) for m in imported_modules(path.read_text(encoding="utf-8"), package_of(path))}
    assert others - {None, own, "support"} == set()


def test_support_says_what_it_owns():
    doc = ast.get_docstring(ast.parse((SUPPORT / "__init__.py").read_text(encoding="utf-8")))
    assert doc and "Owns:" in doc


@pytest.mark.parametrize(
    ("source", "package"),
    [
        ("from tests.leads.conftest import TrackerEvents", "tests.production"),
        ("import tests.integration.conftest as c", "tests.production"),
        ("from tests.leads import conftest", "tests.production"),
        ("from .conftest import DOMAIN", "tests.actions"),
        ("from . import conftest", "tests.actions"),
        ("def f():\n    from conftest import ROOT\n", "tests"),
    ],
)
def test_the_check_sees_a_conftest_import(source, package):
    assert any("conftest" in m.split(".") for m in imported_modules(source, package))


def test_the_check_sees_another_suite():
    modules = imported_modules("from tests.channels.harness import Assistant", "tests.browser")
    assert {suite_of(m) for m in modules} - {None, "browser", "support"} == {"channels"}
