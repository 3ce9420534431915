"""`hearth`: the command line. One module per subcommand, each with ``add_parser`` and ``run``.

parse, listen, history, devices, shell, config are here; gui and ptt enter the front ends by
entry point (:mod:`assistant.cli.frontends`); ``models`` is mounted from models/cli.py and
``privacy`` from assistant/privacy.py. Errors the user can fix (bad file, bad config, bad input)
print one line on stderr and exit 2; nothing the user types can produce a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from assistant import __version__
from assistant import config as config_module
from assistant import privacy as privacy_cli
from assistant.cli import config, devices, frontends, history, listen, parse, shell
from assistant.cli.common import EXIT_USAGE, USER_ERRORS, Subparsers
from models import cli as models_cli

Handler = Callable[[argparse.Namespace], int]


def _models(args: argparse.Namespace) -> int:
    return models_cli.run(args, config_module.cache_dir(), data_dir=config_module.data_dir())


#: Each subcommand, in the order ``--help`` lists them: (adds its parser, runs it).
COMMANDS: dict[str, tuple[Callable[[Subparsers], None], Handler]] = {
    "parse": (parse.add_parser, parse.run),
    "listen": (listen.add_parser, listen.run),
    "ptt": (frontends.add_ptt_parser, frontends.run_ptt),
    "history": (history.add_parser, history.run),
    "devices": (devices.add_parser, devices.run),
    "shell": (shell.add_parser, shell.run),
    "gui": (frontends.add_gui_parser, frontends.run_gui),
    "models": (models_cli.add_subcommands, _models),
    "privacy": (privacy_cli.add_subcommand, privacy_cli.run),
    "config": (config.add_parser, config.run),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hearth", description="Hearth: a private, offline voice assistant for your home."
    )
    parser.add_argument("--version", action="version", version=f"hearth {__version__}")
    sub = parser.add_subparsers(dest="command")
    for add_parser, _run in COMMANDS.values():
        add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """``hearth [COMMAND] ...``; without a command, the desktop app (or the shell without one)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "gui"
    if args.command is None:
        args = parser.parse_args(["gui", *(argv or [])])
    try:
        return COMMANDS[command][1](args)
    except USER_ERRORS as err:
        print(f"hearth: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
