"""The dependency direction of ARCHITECTURE.md: ui → assistant → intents, models; no Qt below ui."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_headless_packages_never_import_qt() -> None:
    code = (
        "import sys\n"
        "import assistant, assistant.cli, assistant.conversation, assistant.runtime\n"
        "import intents, intents.engine\n"
        "qt = {'PySide6', 'shiboken6', 'ui'}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in qt)\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", ["intents", "models"])
def test_lower_layers_import_neither_assistant_nor_ui(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    if not files:
        pytest.skip(f"{package} has no modules yet")
    offenders = {
        str(f.relative_to(ROOT)): sorted(imported_roots(f) & {"assistant", "ui", "PySide6"})
        for f in files
    }
    assert {f: bad for f, bad in offenders.items() if bad} == {}


def test_benchmarks_never_import_tests() -> None:
    """Benchmarks own their voices and spoken sets; tests import them, never the reverse."""
    offenders = {
        str(f.relative_to(ROOT)): "tests"
        for f in sorted((ROOT / "bench").rglob("*.py"))
        if "tests" in imported_roots(f)
    }
    assert offenders == {}


def test_nothing_outside_ui_imports_pyside6() -> None:
    offenders = [
        str(f.relative_to(ROOT))
        for package in ("assistant", "intents", "models")
        for f in sorted((ROOT / package).rglob("*.py"))
        if {"PySide6", "shiboken6"} & imported_roots(f)
    ]
    assert offenders == []
