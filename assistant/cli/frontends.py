"""`hearth gui` and `hearth ptt`: front ends found by entry point, so the engine never names them.

A front end is a ``main(argv) -> int`` registered in the ``hearth.frontends`` entry-point group
(pyproject.toml registers the desktop app as ``gui`` and push-to-talk as ``ptt``; the installers'
bundle carries Hearth's metadata, so the same lookup works there). With the front end missing,
or its import failing, the user gets one line and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from importlib import metadata

from assistant.cli import shell
from assistant.cli.common import InputError, Subparsers

GROUP = "hearth.frontends"
GUI = "gui"
PTT = "ptt"
#: How each front end is named in a message.
LABELS = {GUI: "the desktop app", PTT: "push-to-talk"}

Frontend = Callable[[Sequence[str]], int]


def add_gui_parser(sub: Subparsers) -> None:
    gui = sub.add_parser("gui", help="start the desktop app (the default)")
    gui.add_argument("--config", help="config file (default: the user config dir)")
    gui.add_argument("--home", help="home file (YAML); uses a fresh temporary home")
    gui.add_argument("--screenshot", metavar="PNG", help="save a picture of the window, then quit")
    gui.add_argument("--voice-wav", metavar="FILE", help="listen to a WAV file, not the mic")
    gui.add_argument(
        "--startup-probe",
        action="store_true",
        help="print how long the first paint and the engine (and voice) took, then quit",
    )


def add_ptt_parser(sub: Subparsers) -> None:
    ptt = sub.add_parser("ptt", help="push-to-talk for the running app (bind it to a key)")
    ptt.add_argument("action", choices=("press", "release", "toggle"))


def find_frontend(name: str, entry_points: Iterable[metadata.EntryPoint] | None = None) -> Frontend:
    """The ``main`` registered as ``name`` in :data:`GROUP` (``entry_points``: tests pass theirs).

    Raises :class:`InputError` when none is registered or it cannot be imported.
    """
    found = metadata.entry_points(group=GROUP) if entry_points is None else entry_points
    label = LABELS.get(name, f"the front end {name!r}")
    for point in found:
        if point.name != name or point.group != GROUP:
            continue
        try:
            return point.load()  # type: ignore[no-any-return]
        except (ImportError, AttributeError) as err:
            raise InputError(f"{label} cannot start: {err}") from None
    raise InputError(
        f"{label} is not installed (no {name!r} entry point in {GROUP}); "
        "reinstall Hearth with its desktop app: pip install 'hearth[gui]'"
    )


def gui_unavailable_reason() -> str | None:
    """Why the desktop app cannot start here (no Qt, no display), or None when it can."""
    if importlib.util.find_spec("PySide6") is None:
        return "the desktop app needs PySide6 (pip install 'hearth[gui]')"
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
        and os.environ.get("QT_QPA_PLATFORM", "") not in {"offscreen", "minimal", "vnc"}
    ):
        return "no graphical display found"
    return None


def run_gui(args: argparse.Namespace) -> int:
    reason = gui_unavailable_reason()
    if reason is not None:
        print(f"hearth: {reason}; starting the text shell instead.", file=sys.stderr)
        return shell.run(argparse.Namespace(config=args.config, home=args.home, area=None))
    app = find_frontend(GUI)
    gui_argv = []
    if args.config:
        gui_argv += ["--config", args.config]
    if args.home:
        gui_argv += ["--home", args.home]
    if getattr(args, "screenshot", None):
        gui_argv += ["--screenshot", args.screenshot]
    if getattr(args, "voice_wav", None):
        gui_argv += ["--voice-wav", args.voice_wav]
    if getattr(args, "startup_probe", False):
        gui_argv.append("--startup-probe")
    return int(app(gui_argv))


def run_ptt(args: argparse.Namespace) -> int:
    """Talks to the running desktop app over its local socket (the app owns the microphone)."""
    if importlib.util.find_spec("PySide6") is None:
        raise InputError("push-to-talk talks to the desktop app, which needs PySide6")
    return int(find_frontend(PTT)([args.action]))
