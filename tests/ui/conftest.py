"""Fixtures for the desktop app's tests: offscreen Qt, a temporary demo home, a loaded window."""

from __future__ import annotations

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings

from assistant.config import Config
from assistant.home.loader import demo_home_path
from tests.ui.helpers import LOAD_TIMEOUT_MS, FakeSoundDevice, demo_runtime
from ui.bridge import EngineBridge
from ui.main_window import AppServices, MainWindow
from ui.preferences import UiPreferences
from ui.runtime_factory import RuntimeFactory


@pytest.fixture
def hearth_env(tmp_path, monkeypatch) -> None:
    """Keep config, state and Qt's UI preferences out of the user's real directories."""
    monkeypatch.setenv("HEARTH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HEARTH_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("HEARTH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))  # autostart entries
    # Never the desktop's real keyring: the key store falls back to a file in tmp_path.
    monkeypatch.setattr("assistant.api_key.system_keyring", lambda: None)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings")
    )


@pytest.fixture
def sounddevice() -> FakeSoundDevice:
    return FakeSoundDevice()


@pytest.fixture
def preferences(tmp_path) -> UiPreferences:
    return UiPreferences(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def services(tmp_path, hearth_env, sounddevice, preferences) -> AppServices:
    """What the app passes the window, with a fake microphone and a temporary demo home.

    Voice is off here (no speech models to load per test); tests/ui/test_voice.py turns it on.
    """
    factory = RuntimeFactory(Config(), Path(tmp_path / "config.toml"), str(demo_home_path()))
    return AppServices(
        preferences=preferences,
        load_sounddevice=lambda: sounddevice,
        factory=factory,
        ptt_name=f"hearth-ptt-test-{uuid.uuid4().hex[:12]}",
        voice=False,
    )


def _dispose(bridge: EngineBridge) -> None:
    """Stop the bridge and delete it on the UI thread, where Qt objects must die."""
    bridge.shutdown()
    bridge.deleteLater()


@pytest.fixture(autouse=True, scope="package")
def _no_automatic_garbage_collection() -> Iterator[None]:
    """As the app does (ui/gc_guard.py): no GC pass may start on a worker thread."""
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_ui_thread(qapp) -> Iterator[None]:
    """Collect each test's Qt garbage here, so Python's GC never frees a Qt object on a worker.

    Tests create and drop windows quickly; if a cycle holding a Python-owned QObject were
    collected by a GC pass that happened to run on the bridge's worker thread, Qt would crash.
    """
    yield
    qapp.processEvents()
    gc.collect()


@pytest.fixture
def bridge(qtbot, hearth_env) -> Iterator[EngineBridge]:
    bridge = EngineBridge()
    yield bridge
    _dispose(bridge)


@pytest.fixture
def window_factory(
    qtbot, hearth_env, services
) -> Iterator[Callable[[], tuple[MainWindow, EngineBridge]]]:
    """Windows with their own bridge and no runtime yet (for load and failure tests)."""
    bridges: list[EngineBridge] = []

    def make() -> tuple[MainWindow, EngineBridge]:
        bridge = EngineBridge()
        bridges.append(bridge)
        win = MainWindow(bridge, services=services)
        qtbot.addWidget(win)
        win.show()
        return win, bridge

    yield make
    for bridge in bridges:
        _dispose(bridge)


@pytest.fixture
def window(qtbot, window_factory) -> MainWindow:
    """The main window with the demo home loaded through the bridge, as the app does it."""
    win, bridge = window_factory()
    with qtbot.waitSignal(bridge.home_loaded, timeout=LOAD_TIMEOUT_MS):
        bridge.load(win.services.factory or demo_runtime)
    return win
