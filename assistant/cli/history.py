"""`hearth history`: what Hearth heard and did, newest first (or ``--clear`` it)."""

from __future__ import annotations

import argparse

from assistant.cli.common import InputError, Subparsers


def add_parser(sub: Subparsers) -> None:
    history = sub.add_parser("history", help="what Hearth heard and did, newest first")
    history.add_argument("--config", help="config file (default: the user config dir)")
    history.add_argument("-n", type=int, default=20, help="how many entries (default 20)")
    history.add_argument("--json", action="store_true", help="one JSON object per entry")
    history.add_argument("--clear", action="store_true", help="delete the whole history")


def run(args: argparse.Namespace) -> int:
    from assistant import listen
    from assistant.history import HistoryError

    try:
        return listen.run_history(args)
    except HistoryError as err:
        raise InputError(str(err)) from None
