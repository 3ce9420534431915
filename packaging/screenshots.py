"""Regenerate the README's screenshots from the real app, and time its start-up.

Pictures of a mock-up drift away from the product, so these come from ui/app.py's own entry
(``create`` + ``run``) on the demo home: typed commands, a spoken one (synthesized with the
packaged piper voice and played in as a microphone would be), a confirmation answered with the
Yes button, and the settings dialog. It runs as a throwaway user — temporary data, config and
cache folders and UI preferences — so nothing of yours shows and nothing of yours changes; the
first-run check is marked done there. Without a display it re-runs itself under Xvfb, so it
works on a headless machine and every run renders the same 1280×800 window.

It also starts the app a few times in fresh processes and prints how long each took from the
process's start to the main window's first paint and to the engine being ready for a command
(ui/startup_probe.py; ``--bundle`` times a built or installed app instead of this checkout).

    .venv/bin/python packaging/screenshots.py              # all pictures into docs/screenshots
    .venv/bin/python packaging/screenshots.py --no-voice   # typed commands only
    .venv/bin/python packaging/screenshots.py --xvfb       # on a desktop too, for the same look
    .venv/bin/python packaging/screenshots.py --no-pictures --paint-runs 10   # time start-up only
    .venv/bin/python packaging/screenshots.py --no-pictures --bundle dist/hearth/hearth
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import wave
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QSplitter, QWidget

from assistant.conversation import TurnResult
from assistant.tts import PiperSynthesizer, TtsError
from ui import app as desktop_app
from ui.preferences import UiPreferences, default_settings
from ui.startup_probe import PAINT_MARK, READY_MARK

_LOGGER = logging.getLogger("screenshots")

ROOT = Path(__file__).resolve().parent.parent
XVFB_SCREEN = "-screen 0 1600x1200x24"
WINDOW_SIZE = (1280, 800)
#: For the history and home pictures: a taller window, a wider left column (dragged, as a user
#: would) and the home view scrolled to the door the script unlocked.
TALL_HEIGHT = 960
HISTORY_COLUMN = 500
UNLOCKED_DOOR = "lock.front_door"
COMMANDS = (
    "turn on the kitchen lights",
    "set the living room lights to 40 percent",
    "unlock the front door",  # sensitive: Hearth asks first, the script answers Yes
)
SPOKEN = ("Okay Nabu.", "Turn on the desk lamp.")
#: How long to wait for the spoken command's turn before going on without it.
VOICE_WAIT_MS = 60_000
#: A pause before each picture, so device changes and repaints have landed.
SETTLE_MS = 600
IN_XVFB = "HEARTH_SCREENSHOTS_IN_XVFB"


# -- a throwaway user --------------------------------------------------------------------------------


def isolate(root: Path) -> None:
    """Point every Hearth folder and the UI preferences into ``root``; first run counts as done."""
    for name, sub in (
        ("HEARTH_DATA_DIR", "data"),
        ("HEARTH_CACHE_DIR", "cache"),
        ("HEARTH_CONFIG", "config/config.toml"),
        ("XDG_CONFIG_HOME", "xdg"),
    ):
        os.environ[name] = str(root / sub)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(root / "xdg"))
    UiPreferences(default_settings()).first_run_done = True


def spoken_command(path: Path) -> bool:
    """Write the wake word and a command as a 16 kHz WAV; False when piper is not installed."""
    try:
        voice = PiperSynthesizer()
    except TtsError as err:
        _LOGGER.warning("no spoken command in the pictures: %s", err)
        return False
    pause = np.zeros(4800, np.int16)  # 0.3 s
    parts: list[np.ndarray] = [pause, pause]
    for sentence in SPOKEN:
        speech = voice.synthesize(sentence).astype(np.float32) * 0.5  # a speaking level
        parts += [speech.astype(np.int16), pause]
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(np.concatenate([*parts, np.zeros(16_000, np.int16)]).tobytes())
    return True


# -- the start-up, timed in fresh processes ---------------------------------------------------------------


def probe_start_up() -> int:
    """The child process: start the app as ``hearth`` does; it prints its start-up marks."""
    return desktop_app.main(["--startup-probe"])


def time_start_up(runs: int, bundle: Path | None = None) -> dict[str, list[float]]:
    """Milliseconds from process start to first paint and to engine ready, one process per run.

    ``bundle`` times an installed or built app (``dist/hearth/hearth``) instead of this checkout.
    """
    command = (
        [str(bundle), "gui", "--startup-probe"]
        if bundle is not None
        else [sys.executable, __file__, "--probe-first-paint"]
    )
    times: dict[str, list[float]] = {PAINT_MARK: [], READY_MARK: []}
    for _ in range(runs):
        done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
        marks = {}
        for line in done.stdout.splitlines():
            name, _, value = line.partition(" ")
            if name in times and value.isdigit():
                marks[name] = value
        if not all(mark in marks for mark in times):
            _LOGGER.warning("a start-up probe failed: %s", done.stderr.strip()[-500:])
            continue
        for mark, values in times.items():
            values.append(float(marks[mark]))
    return times


# -- the pictures ------------------------------------------------------------------------------------------


class Photographer(QObject):
    """Drives the running app step by step and saves a picture wherever one is wanted."""

    def __init__(self, desktop: desktop_app.DesktopApp, out: Path, voice: bool) -> None:
        super().__init__(desktop.window)
        self.window = desktop.window
        self.bridge = desktop.bridge
        self.out = out
        self.saved: list[Path] = []
        self.failures: list[str] = []
        self._steps: list[Callable[[], None]] = []
        self._waiting_for_turn = False
        self.bridge.turn_finished.connect(self._turn_finished)
        self.bridge.runtime_failed.connect(self._fail)
        first = self._wait_for_voice if voice else self._next
        self.bridge.home_loaded.connect(
            lambda _home: QTimer.singleShot(SETTLE_MS, first),
            Qt.ConnectionType.SingleShotConnection,
        )
        for text in COMMANDS:
            self._steps.append(lambda text=text: self._send(text))
        self._steps += [
            lambda: self._shoot(self.window, "main_window.png"),  # the question, Yes and No
            self._confirm,
            self._make_room,
            lambda: self._shoot(self.window.home_view, "home_view.png"),  # the door, unlocked
            lambda: self._shoot(self.window.panel.history_panel, "history.png"),
            lambda: self._settings("voice", "settings.png"),
            lambda: self._settings("cloud", "settings_cloud.png"),
            self._finish,
        ]

    def _fail(self, message: str) -> None:
        self.failures.append(message)
        self.window.quit()

    def _next(self) -> None:
        if self._steps:
            self._steps.pop(0)()

    def _later(self) -> None:
        QTimer.singleShot(SETTLE_MS, self._next)

    def _wait_for_voice(self) -> None:
        """The WAV plays as soon as voice is ready; go on after its turn (or without it)."""
        deadline = QTimer(self, singleShot=True, interval=VOICE_WAIT_MS)
        waiting = [True]

        def go_on(why: str = "") -> None:
            if not waiting[0]:
                return
            waiting[0] = False
            deadline.stop()
            if why:
                _LOGGER.warning("no spoken command in the pictures: %s", why)
            # After a spoken turn, its voice stage times (wake, VAD, ASR) arrive just after it.
            QTimer.singleShot(0 if why else 1500, self._next)

        self.bridge.turn_completed.connect(lambda _event, ours: None if ours else go_on())
        deadline.timeout.connect(lambda: go_on(f"no turn within {VOICE_WAIT_MS // 1000} s"))
        if self.window.voice is not None:
            self.window.voice.failed.connect(go_on)
        deadline.start()

    def _send(self, text: str) -> None:
        self._waiting_for_turn = True
        if not self.window.send_text(text):
            self._fail(f"the engine did not take {text!r}")

    def _turn_finished(self, result: TurnResult) -> None:
        if self._waiting_for_turn:
            self._waiting_for_turn = False
            _LOGGER.info("%s → %s", result.text, result.response)
            self._later()

    def _confirm(self) -> None:
        self._waiting_for_turn = True
        self.window.intent_card.yes_button.click()

    def _make_room(self) -> None:
        """As a user would: a taller window, a wider column (several turns show) and the home
        scrolled to the door just unlocked."""
        self.window.resize(WINDOW_SIZE[0], TALL_HEIGHT)
        splitter = self.window.centralWidget()
        if isinstance(splitter, QSplitter):
            splitter.setSizes([HISTORY_COLUMN, WINDOW_SIZE[0] - HISTORY_COLUMN])
        door = self.window.home_view.cards.get(UNLOCKED_DOOR)
        if door is not None:
            QTimer.singleShot(
                SETTLE_MS // 2, lambda: self.window.home_view.ensureWidgetVisible(door, 0, 160)
            )
        self._later()

    def _shoot(self, widget: QWidget, name: str) -> None:
        path = self.out / name
        if widget.grab().save(str(path)):
            self.saved.append(path)
        else:
            self.failures.append(f"could not save {path}")
        self._next()

    def _settings(self, tab: str, name: str) -> None:
        dialog = self.window.show_settings()
        dialog.tabs.setCurrentIndex(desktop_app.SETTINGS_TABS.index(tab))
        QTimer.singleShot(SETTLE_MS, lambda: self._shoot(dialog, name))

    def _finish(self) -> None:
        if self.window.settings_dialog is not None:
            self.window.settings_dialog.reject()
        self.window.quit()


def take_pictures(out: Path, voice: bool, scratch: Path) -> int:
    argv: list[str] = []
    if voice and spoken_command(scratch / "spoken.wav"):
        argv += ["--voice-wav", str(scratch / "spoken.wav")]
    desktop = desktop_app.create(desktop_app.build_parser().parse_args(argv))
    desktop.window.resize(*WINDOW_SIZE)
    out.mkdir(parents=True, exist_ok=True)
    photographer = Photographer(desktop, out, voice=bool(argv))
    desktop.window.show()
    desktop_app.run(desktop)
    for path in photographer.saved:
        print(f"saved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    for failure in photographer.failures:
        print(f"failed: {failure}", file=sys.stderr)
    return 1 if photographer.failures or not photographer.saved else 0


# -- entry --------------------------------------------------------------------------------------------------


def _reexec_under_xvfb(argv: Sequence[str]) -> int:
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        print("No display and no xvfb-run: install xvfb or run on a desktop.", file=sys.stderr)
        return 2
    command = [xvfb, "-a", "-s", XVFB_SCREEN, sys.executable, __file__, *argv]
    return subprocess.run(command, check=False, env={**os.environ, IN_XVFB: "1"}).returncode


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--no-voice", action="store_true", help="typed commands only")
    parser.add_argument("--paint-runs", type=int, default=5, help="start-up timings to take")
    parser.add_argument(
        "--bundle", type=Path, help="time this built app (dist/hearth/hearth), not the checkout"
    )
    parser.add_argument("--no-pictures", action="store_true", help="only time the start-up")
    parser.add_argument("--xvfb", action="store_true", help="use Xvfb even with a display")
    parser.add_argument("--probe-first-paint", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(args_list)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if not os.environ.get(IN_XVFB) and (args.xvfb or not has_display):
        return _reexec_under_xvfb(args_list)
    with tempfile.TemporaryDirectory(prefix="hearth-screenshots-") as scratch:
        isolate(Path(scratch))
        if args.probe_first_paint:
            return probe_start_up()
        times = time_start_up(args.paint_runs, args.bundle)
        for mark, label in ((PAINT_MARK, "first paint"), (READY_MARK, "engine ready")):
            if times[mark]:
                listed = ", ".join(f"{t:.0f}" for t in times[mark])
                print(
                    f"{label} after process start: median {statistics.median(times[mark]):.0f} ms"
                    f" over {len(times[mark])} runs ({listed} ms)"
                )
        if args.no_pictures:
            return 0 if times[PAINT_MARK] else 1
        return take_pictures(args.out.resolve(), not args.no_voice, Path(scratch))


if __name__ == "__main__":
    sys.exit(main())
