""" "Copy diagnostics": what a bug report needs, and nothing private that it does not.

Versions (Python, Qt, Hearth and the engines, read from package metadata without importing the
heavy engines), the settings with anything that could be a secret removed, and the last turns'
timings. Never audio; never the API key (it lives in the keyring and is not read here).
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import PySide6
from PySide6.QtCore import qVersion

from assistant.config import Config
from assistant.conversation import TurnResult
from assistant.speech.registry import ENGINES as SPEECH_ENGINES

#: Distributions whose versions matter for a bug report (missing ones are listed as such): the
#: intent engine, every speech engine's (from its registry entry), wake word, voice, audio.
ENGINE_PACKAGES = tuple(
    dict.fromkeys(
        (
            "hassil",
            "home-assistant-intents",
            *(dist for spec in SPEECH_ENGINES.values() for dist in spec.distributions),
            "pymicro-wakeword",
            "pyopen-wakeword",
            "piper-tts",
            "sounddevice",
        )
    )
)
#: How many recent turns the report includes.
LAST_TURNS = 10


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _public_url(url: str) -> str:
    """The URL without user:password@ and without a query (where tokens sometimes hide)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unparsable)"
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _home_path(text: str) -> str:
    """A path with the user's home folder shown as ~ (user names are personal)."""
    if not text:
        return ""
    try:
        return "~/" + str(Path(text).expanduser().relative_to(Path.home()))
    except ValueError:
        return text


def config_summary(config: Config) -> list[str]:
    """Every setting as ``section.key = value``, secrets and personal paths made safe."""
    lines = []
    for section, values in config.to_dict().items():
        for key, value in values.items():
            if section == "cloud" and key == "base_url":
                value = _public_url(str(value))
            elif key in {"home_file", "voice", "model"} and section != "cloud":
                value = _home_path(str(value))
            lines.append(f"{section}.{key} = {value!r}")
    return lines


def diagnostics_text(
    config: Config | None,
    turns: Sequence[TurnResult],
    voice_available: bool,
    app_version: str | None = None,
) -> str:
    """The report, as plain text for an issue tracker."""
    lines = [
        "Hearth diagnostics (no audio, no API keys)",
        "",
        f"Hearth {app_version or _version('hearth')}",
        (
            f"Python {platform.python_version()} ({sys.implementation.name}) on "
            f"{platform.system()} {platform.release()} {platform.machine()}"
        ),
        f"Qt {qVersion()}, PySide6 {PySide6.__version__}",
        f"Voice pipeline in the app: {'yes' if voice_available else 'not available yet'}",
        "",
        "Engines:",
        *(f"  {name} {_version(name)}" for name in ENGINE_PACKAGES),
        "",
        "Settings:",
    ]
    if config is None:
        lines.append("  (the engine has not loaded)")
    else:
        lines += [f"  {line}" for line in config_summary(config)]
    lines += ["", f"Last turns (newest first, up to {LAST_TURNS}):"]
    if not turns:
        lines.append("  (none)")
    for turn in list(turns)[:LAST_TURNS]:
        timings = ", ".join(f"{k} {v:.1f} ms" for k, v in turn.timings_ms.items())
        lines.append(
            f"  {turn.intent or 'not understood'} · {turn.source or '-'} · "
            f"{len(turn.actions)} action(s) · {timings}"
        )
    return "\n".join(lines) + "\n"
