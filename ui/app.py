"""Start the desktop app: window first, engine in the background.

The window paints before the engine exists — building the runtime (loading the home, compiling
the intent templates, later loading speech models) happens on the bridge's worker while the
window shows "Loading…". ``--screenshot`` drives the app through a few commands and saves a PNG
of the window or of one dialog (``--privacy``, ``--settings TAB``, ``--first-run``,
``--shortcuts``), so the README's pictures come from the real app, not a mock-up.
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from assistant import config as config_module
from assistant.audio.file import FileSource
from assistant.config import Config, ConfigError
from assistant.conversation import TurnResult
from assistant.history import History, open_history
from assistant.runtime import Runtime
from ui.bridge import EngineBridge
from ui.gc_guard import UiThreadCollector
from ui.icon import app_icon
from ui.main_window import AppServices, MainWindow
from ui.preferences import UiPreferences, default_settings
from ui.ptt import raise_running, server_name
from ui.runtime_factory import RuntimeFactory
from ui.signal_refcount import protect_true
from ui.theme import Theme, apply_theme
from ui.voice import OpenSource, PacedSource

_LOGGER = logging.getLogger(__name__)

#: Settings tabs by name, for ``--settings TAB`` (their order in the dialog).
SETTINGS_TABS = ("home", "voice", "cloud", "app")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hearth gui", description="Hearth's desktop app")
    parser.add_argument("--config", help="config file (default: the user config dir)")
    parser.add_argument("--home", help="home file (YAML); uses a fresh temporary home")
    parser.add_argument("--room", help="the area this assistant stands in")
    parser.add_argument(
        "--screenshot", metavar="PNG", help="save a picture of the window, then quit"
    )
    parser.add_argument(
        "--command",
        action="append",
        default=[],
        metavar="TEXT",
        help="with --screenshot: commands to run first (repeatable)",
    )
    parser.add_argument(
        "--privacy",
        action="store_true",
        help="with --screenshot: open the privacy view and save a picture of it instead",
    )
    parser.add_argument(
        "--settings",
        nargs="?",
        const="home",
        choices=SETTINGS_TABS,
        help="with --screenshot: open the settings (at this tab) and save a picture of it",
    )
    parser.add_argument(
        "--first-run",
        action="store_true",
        help="open the first-run check (with --screenshot: save a picture of it)",
    )
    parser.add_argument(
        "--shortcuts",
        action="store_true",
        help="with --screenshot: open the keyboard shortcuts and save a picture of them",
    )
    parser.add_argument(
        "--voice-wav",
        metavar="FILE",
        help="listen to this WAV file (at real-time pace) instead of the microphone",
    )
    parser.add_argument(
        "--startup-probe",
        action="store_true",
        help="print the times of the first paint, engine ready (and voice ready, with "
        "--voice-wav) since the process started, then quit",
    )
    parser.add_argument(
        "--delay", type=float, default=2.0, help="with --screenshot: seconds to wait (default 2)"
    )
    parser.add_argument(
        "--size", default="1280x800", help="with --screenshot: window size (default 1280x800)"
    )
    return parser


def load_config(path: str | None) -> tuple[Config, str | None]:
    """The user's settings, or the defaults and a readable reason when the file is broken."""
    try:
        return config_module.load(path), None
    except ConfigError as err:
        return Config(), f"{err} (using the default settings)"


class ScreenshotScript(QObject):
    """Runs the given commands one after another, waits, saves the window as PNG and quits.

    ``show`` names a dialog to open after the commands and picture instead of the window:
    "privacy", "settings:TAB", "first-run" or "shortcuts".
    """

    def __init__(
        self,
        window: MainWindow,
        path: Path,
        commands: Sequence[str],
        delay_s: float,
        show: str = "",
    ) -> None:
        super().__init__(window)
        self.window = window
        self.show = show
        self.target: QWidget | None = None
        self.path = path
        self.commands = list(commands)
        self.delay_ms = int(delay_s * 1000)
        # Single shot: a later home_loaded (after a layout change) must not restart the script.
        window.bridge.home_loaded.connect(self._next, Qt.ConnectionType.SingleShotConnection)
        window.bridge.turn_finished.connect(self._next)
        window.bridge.runtime_failed.connect(self._later)

    def _next(self, _result: TurnResult | object = None) -> None:
        if self.commands:
            self.window.send_text(self.commands.pop(0))
        else:
            self._later()

    def _later(self, _message: str = "") -> None:
        name, _, tab = self.show.partition(":")
        if name == "privacy":
            self.target = self.window.show_privacy()
        elif name == "settings":
            dialog = self.window.show_settings()
            dialog.tabs.setCurrentIndex(SETTINGS_TABS.index(tab or "home"))
            self.target = dialog
        elif name == "first-run":
            self.target = self.window.show_first_run()
        elif name == "shortcuts":
            self.target = self.window.show_shortcuts()
        QTimer.singleShot(self.delay_ms, self._save)

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        target = self.target if self.target is not None else self.window
        if not target.grab().save(str(self.path)):
            _LOGGER.error("could not save the screenshot to %s", self.path)
        self.window.quit()


def _dialog_to_show(args: argparse.Namespace) -> str:
    if args.privacy:
        return "privacy"
    if args.settings:
        return f"settings:{args.settings}"
    if args.first_run:
        return "first-run"
    return "shortcuts" if args.shortcuts else ""


def wav_opener(path: str) -> OpenSource:
    """``--voice-wav``: a recording plays the microphone's part (demos, screenshots)."""

    def open_wav(_runtime: Runtime) -> tuple[PacedSource, str, None]:
        source = FileSource(path, max_duration_s=600.0)  # AudioError: a one-line reason
        return PacedSource(source), Path(path).name, None

    return open_wav


def _open_history(config: Config) -> History | None:
    try:
        return open_history(config_module.data_dir(), config.history)
    except (OSError, sqlite3.Error) as err:
        _LOGGER.warning("the history log cannot be opened: %s", err)
        return None


@dataclass
class DesktopApp:
    """The assembled app before its event loop runs: what ``main`` and scripts drive."""

    app: QApplication
    window: MainWindow
    bridge: EngineBridge
    factory: RuntimeFactory
    preferences: UiPreferences
    history: History | None
    problem: str | None  # why the saved settings were not used, if they were not


def create(args: argparse.Namespace) -> DesktopApp:
    """Build the application and the window; nothing is shown and no engine is built yet."""
    protect_true()  # before the first emit: PySide 6.12 on Python 3.11 would crash in minutes
    logging.basicConfig(level=logging.WARNING, format="hearth: %(message)s")
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "hearth"])
    if not isinstance(app, QApplication):
        raise TypeError("Hearth's window needs a QApplication, not a QCoreApplication")
    app.setApplicationName("Hearth")
    app.setApplicationDisplayName("Hearth")
    app.setDesktopFileName("hearth")
    app.setWindowIcon(app_icon())
    # The window decides when the app ends (it may live on in the tray with no window shown).
    app.setQuitOnLastWindowClosed(False)
    UiThreadCollector(app)  # Python's GC must never free a Qt object on an engine thread

    config, problem = load_config(args.config)
    factory = RuntimeFactory(
        config, config_module.config_path(args.config), home_file=args.home, room=args.room
    )
    preferences = UiPreferences(default_settings())
    if preferences.theme is not Theme.SYSTEM:
        apply_theme(app, preferences.theme)
    bridge = EngineBridge(app)  # owned by Qt, so it is destroyed on the UI thread
    history = _open_history(config)
    services = AppServices(
        preferences=preferences,
        factory=factory,
        history=history,
        open_source=wav_opener(args.voice_wav) if args.voice_wav else None,
    )
    window = MainWindow(bridge, services=services)
    window.closed.connect(app.quit, Qt.ConnectionType.QueuedConnection)
    if problem:
        bridge.runtime_ready.connect(lambda _rt: window.reply.setText(problem))
    return DesktopApp(app, window, bridge, factory, preferences, history, problem)


def run(desktop: DesktopApp) -> int:
    """Run the event loop; the engine is built once it runs, so the first paint is not delayed."""
    QTimer.singleShot(0, lambda: desktop.bridge.load(desktop.factory))
    try:
        return int(desktop.app.exec())
    finally:
        desktop.bridge.shutdown()
        if desktop.history is not None:
            desktop.history.close()


def _already_running() -> bool:
    """One Hearth per user: a running one is asked to raise its window over its local socket."""
    if QApplication.instance() is None:
        QApplication([sys.argv[0] if sys.argv else "hearth"])  # create() reuses it
    return raise_running(server_name())


def main(argv: Sequence[str] | None = None) -> int:
    """Start the app; returns the exit status (``hearth`` and ``python -m ui`` call this)."""
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if not args.screenshot and _already_running():
        print("Hearth is already running: its window was brought to the front.")
        return 0
    desktop = create(args)
    window = desktop.window
    if args.startup_probe:
        from ui.startup_probe import StartupProbe

        StartupProbe(window, desktop.bridge, wait_for_voice=bool(args.voice_wav))
        window.start()
        return run(desktop)
    if args.screenshot:
        width, _, height = args.size.partition("x")
        window.resize(int(width), int(height))
        ScreenshotScript(
            window, Path(args.screenshot), args.command, args.delay, show=_dialog_to_show(args)
        )
        window.show()
    else:
        window.start()
        if args.first_run or not desktop.preferences.first_run_done:
            # After the first paint, so the main window is there behind it.
            QTimer.singleShot(0, window.show_first_run)
    return run(desktop)
