"""The dependency direction of ARCHITECTURE.md, and small modules.

ui → assistant → intents, models; bench and tests → everything, never the reverse. The engine
never names ``ui``, not even as a string for importlib (front ends enter by entry point, see
assistant/cli/frontends.py); speech engines know nothing of the conversation, planning or the
runtime that use them; no Qt below ui. Modules stay under :data:`MAX_LINES`; the few that are
larger today are listed, and the lists only shrink: a listed module that got small (or went)
fails until it is taken off, so each list stays the truth.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEADLESS = ("assistant", "intents", "models")

MAX_LINES = 400
#: Modules over MAX_LINES today, each being split or waiting to be: empty this as they shrink.
LARGE_MODULES_ALLOWED = frozenset(
    {
        "assistant/cloud.py",
        "bench/asr.py",
        "bench/compression.py",
        "bench/live.py",
        "bench/soak.py",
        "models/catalog.py",
        "models/store.py",
        "packaging/bundle_plan.py",
        "ui/device_cards.py",
        "ui/main_window.py",
    }
)
#: Where the size rule applies (tests may be long: one file per behaviour under test).
SIZED = ("assistant", "intents", "models", "ui", "bench", "packaging")

#: What speech/ must not import: the conversation, the planning of actions and the runtime
#: that assembles them.
ABOVE_SPEECH = frozenset({"assistant.conversation", "assistant.planning", "assistant.runtime"})
#: speech/ modules that still reach up: the first-run speed check judges each engine by running
#: its sentences through a Conversation (so it belongs above speech/, or gets its judge passed in).
SPEECH_REACHING_UP_ALLOWED = frozenset({"assistant/speech/speed_check.py"})

#: A string that names a ui module, as importlib or an entry point would: "ui", "ui.app",
#: "ui.ptt:main" (prose such as "the ui/ folder" is not a module name).
UI_MODULE_NAME = re.compile(r"ui(\.[A-Za-z_]\w*)*(:[A-Za-z_][\w.]*)?")


def python_files(*packages: str) -> list[Path]:
    return sorted(f for package in packages for f in (ROOT / package).rglob("*.py"))


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def imported_modules(path: Path) -> set[str]:
    """Every module an import statement names (absolute ones; relative imports stay inside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def imported_roots(path: Path) -> set[str]:
    return {module.split(".")[0] for module in imported_modules(path)}


def ui_names_in_strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and UI_MODULE_NAME.fullmatch(node.value)
    ]


def reaches(modules: set[str], targets: frozenset[str]) -> list[str]:
    """The targets ``modules`` import: the module itself or anything inside it."""
    return sorted(
        target
        for target in targets
        if any(module == target or module.startswith(f"{target}.") for module in modules)
    )


def test_headless_packages_never_import_qt() -> None:
    code = (
        "import sys\n"
        "import assistant, assistant.cli, assistant.conversation, assistant.runtime\n"
        "import assistant.speech, assistant.speech.registry\n"
        "import intents, intents.engine, models, models.cli\n"
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


@pytest.mark.parametrize("package", ["intents", "models"])
def test_lower_layers_import_neither_assistant_nor_ui(package: str) -> None:
    files = python_files(package)
    if not files:
        pytest.skip(f"{package} has no modules yet")
    offenders = {
        relative(f): sorted(imported_roots(f) & {"assistant", "ui", "PySide6"}) for f in files
    }
    assert {f: bad for f, bad in offenders.items() if bad} == {}


@pytest.mark.parametrize("package", HEADLESS)
def test_the_engine_never_names_ui(package: str) -> None:
    """Neither an import nor a module name in a string (importlib, an entry-point value)."""
    offenders = {
        relative(f): sorted({"ui"} & imported_roots(f)) + ui_names_in_strings(f)
        for f in python_files(package)
    }
    assert {f: names for f, names in offenders.items() if names} == {}


def test_ui_names_are_found_however_they_are_written(tmp_path: Path) -> None:
    """The checks above would catch today's ways in (the guard itself must not go blind)."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import importlib\n"
        "from ui import app\n"
        "import ui.ptt\n"
        "importlib.import_module('ui.app')\n"
        "POINT = 'ui.ptt:main'\n"
        "PACKAGE = __import__('ui')\n"
        "PROSE = 'the ui/ folder, a UI, ui-less, build'\n",
        encoding="utf-8",
    )
    assert imported_roots(sample) == {"importlib", "ui"}
    assert sorted(ui_names_in_strings(sample)) == ["ui", "ui.app", "ui.ptt:main"]


def test_benchmarks_never_import_tests() -> None:
    """Benchmarks own their voices and spoken sets; tests import them, never the reverse."""
    offenders = [relative(f) for f in python_files("bench") if "tests" in imported_roots(f)]
    assert offenders == []


def test_speech_never_imports_the_conversation_planning_or_runtime() -> None:
    reaching = {
        relative(f): found
        for f in python_files("assistant/speech")
        if (found := reaches(imported_modules(f), ABOVE_SPEECH))
    }
    assert set(reaching) - SPEECH_REACHING_UP_ALLOWED == set(), reaching
    assert SPEECH_REACHING_UP_ALLOWED - set(reaching) == set(), (
        "no longer reaching up: take them off SPEECH_REACHING_UP_ALLOWED"
    )


def test_nothing_outside_ui_imports_pyside6() -> None:
    """The engine and the benchmarks run without Qt (packaging's screenshot and icon tools and
    tests/ui drive the app, so they may)."""
    offenders = [
        relative(f)
        for f in python_files(*HEADLESS, "bench")
        if {"PySide6", "shiboken6"} & imported_roots(f)
    ]
    assert offenders == []


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_modules_stay_small() -> None:
    sizes = {relative(f): line_count(f) for f in python_files(*SIZED)}
    large = {path: lines for path, lines in sizes.items() if lines > MAX_LINES}
    grown = {path: lines for path, lines in large.items() if path not in LARGE_MODULES_ALLOWED}
    assert grown == {}, f"over {MAX_LINES} lines: split them by concept"
    shrunk = sorted(LARGE_MODULES_ALLOWED - set(large))
    assert shrunk == [], "small now (or gone): take them off LARGE_MODULES_ALLOWED"
