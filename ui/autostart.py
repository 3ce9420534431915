"""“Start Hearth when I log in”: an XDG autostart entry, written and removed by the App tab.

Desktops that follow the XDG Autostart spec (GNOME, KDE, Xfce, …) start every
``$XDG_CONFIG_HOME/autostart/*.desktop`` at login. The entry starts Hearth the way it was
started now (the ``hearth`` script when it is installed, else this Python with ``-m ui``), so
it works from a virtual environment too; whether the window then shows or stays in the tray is
the "Start minimized" preference's business.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from models.files import atomic_write_text

FILE_NAME = "hearth.desktop"


def autostart_dir() -> Path:
    """``$XDG_CONFIG_HOME/autostart`` (``~/.config/autostart`` when the variable is unset)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart"


def entry_path() -> Path:
    return autostart_dir() / FILE_NAME


def is_enabled() -> bool:
    return entry_path().is_file()


def _quoted(argument: str) -> str:
    """An Exec argument as the Desktop Entry spec quotes it (double quotes, escapes inside)."""
    if argument and not any(ch in argument for ch in " \t\n\"'\\><~|&;$*?#()`"):
        return argument
    escaped = "".join("\\" + ch if ch in '"`$\\' else ch for ch in argument)
    return f'"{escaped}"'


def launch_command() -> list[str]:
    """How this Hearth is started: its installed script, else this interpreter with ``-m ui``."""
    script = shutil.which("hearth")
    if script:
        return [script]
    return [sys.executable, "-m", "ui"]


def entry_text(command: list[str]) -> str:
    exec_line = " ".join(_quoted(part) for part in command)
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Hearth\n"
        "Comment=Private, offline voice assistant for your home\n"
        f"Exec={exec_line}\n"
        "Icon=hearth\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def set_enabled(enabled: bool, command: list[str] | None = None) -> Path:
    """Write (atomically) or remove the autostart entry; returns its path. OSError on failure."""
    target = entry_path()
    if enabled:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, entry_text(command or launch_command()))
    else:
        target.unlink(missing_ok=True)
    return target
