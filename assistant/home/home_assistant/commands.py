"""`hearth home set-token` and `hearth home test`, and the one-line check Settings shows.

The token is a Home Assistant long-lived access token (Profile → Security). It is stored like
the cloud key — the OS keyring, else a 0600 file beside the config — and never printed except
masked. ``test`` connects once with the saved settings and says in one line what it found or
why it could not: a wrong token, a refused connection and a rejected certificate each read
differently, and the exit status is 2 for any failure, as for every CLI error.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from assistant import config as config_module
from assistant.api_key import KeyLocation, Secret, default_store, mask
from assistant.config import Config, ConfigError
from assistant.home.backend import BackendError

EXIT_FAILED = 2
_MAX_TOKEN = 8192  # a token is a few hundred characters; stdin might be endless


@dataclass(frozen=True)
class ConnectionReport:
    ok: bool
    line: str


def check_connection(config: Config, config_file: Path | None = None) -> ConnectionReport:
    """Connect once with these settings and the stored token; never raises."""
    from assistant.home.home_assistant.backend import HomeAssistantBackend, settings_from

    try:
        settings = settings_from(config.home_assistant, config_file or config_module.config_path())
        backend = HomeAssistantBackend(settings)
        backend.start()
    except BackendError as err:
        return ConnectionReport(False, str(err))
    try:
        home = backend.home()
        line = (
            f"Connected to Home Assistant {backend.connection.version} at "
            f"{config.home_assistant.url}: {len(home.devices)} devices exposed to Assist in "
            f"{len(home.areas)} areas"
        )
        return ConnectionReport(True, line)
    finally:
        backend.close()


def test_connection(config: Config, config_file: Path | None = None) -> str:
    """The one-line result for Settings → Home → Test connection."""
    return check_connection(config, config_file).line


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def add_subcommand(sub: Any) -> None:
    """Register ``hearth home`` on the CLI's subparsers (an entry of ``assistant.cli.COMMANDS``)."""
    add_arguments(sub.add_parser("home", help="connect Hearth to a Home Assistant server"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Mount on the ``home`` subcommand's parser: ``hearth home set-token|test``."""
    parser.add_argument("--config", help="config file (default: the user config dir)")
    commands = parser.add_subparsers(dest="home_command", required=True)
    commands.add_parser(
        "set-token",
        help="store the Home Assistant access token (typed at a hidden prompt, or one line on stdin)",
    )
    commands.add_parser("test", help="connect to Home Assistant once and say what was found")


def run(args: argparse.Namespace, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    out = stdout or sys.stdout
    config_file = config_module.config_path(getattr(args, "config", None))
    if args.home_command == "set-token":
        return _set_token(config_file, stdin, out)
    try:
        config = config_module.load(config_file)
    except ConfigError as err:
        print(f"hearth: {err}", file=sys.stderr)
        return EXIT_FAILED
    report = check_connection(config, config_file)
    if not report.ok:
        print(f"hearth: {report.line}", file=sys.stderr)
        return EXIT_FAILED
    print(report.line, file=out)
    return 0


def _set_token(config_file: Path, stdin: TextIO, out: TextIO) -> int:
    store = default_store(config_file, Secret.HOME_ASSISTANT_TOKEN)
    value = (
        getpass.getpass("Home Assistant token: ") if stdin.isatty() else stdin.readline(_MAX_TOKEN)
    ).strip()
    if not value:
        print("hearth: no token given; nothing stored", file=sys.stderr)
        return EXIT_FAILED
    where = store.set(value)
    place = (
        "in the OS keyring"
        if where is KeyLocation.KEYRING
        else f"in {store.file} (readable only by you; no OS keyring was found)"
    )
    print(f"Stored the Home Assistant token {mask(value)} {place}.", file=out)
    return 0
