"""What every `hearth` subcommand shares: the user-error type, common flags, the engine to run.

Errors the user can fix (bad file, bad config, bad input) print one line on stderr and exit
:data:`EXIT_USAGE`; :func:`assistant.cli.main` catches :data:`USER_ERRORS`, so a subcommand
only raises them.
"""

from __future__ import annotations

import argparse
from contextlib import AbstractContextManager
from typing import Any

from assistant import config as config_module
from assistant.config import ConfigError
from assistant.home.backend import BackendError
from assistant.home.loader import HomeFileError
from assistant.runtime import Runtime, build_runtime
from intents.engine import IntentLoadError

EXIT_USAGE = 2

#: The ``add_subparsers()`` action every subcommand module adds its parser to.
Subparsers = argparse._SubParsersAction  # type: ignore[type-arg]


class InputError(ValueError):
    """Bad input on the command line or in a batch file; one line for the user."""


USER_ERRORS = (InputError, ConfigError, HomeFileError, BackendError, IntentLoadError)


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="config file (default: the user config dir)")
    parser.add_argument("--home", help="home file (YAML); uses a fresh temporary home")


def runtime_for(args: argparse.Namespace) -> Runtime:
    """The engine for a subcommand's ``--config``, ``--home`` and ``--area`` (where it has them)."""
    config = config_module.load(getattr(args, "config", None))
    return build_runtime(
        config, home_file=getattr(args, "home", None), this_room=getattr(args, "area", None)
    )


def logged(runtime: Runtime) -> AbstractContextManager[Any]:
    """This command's turns go into the history, as the window's and `hearth listen`'s do."""
    from assistant.history import logging_turns  # numpy and SQLite: only when there are turns

    return logging_turns(runtime.bus, config_module.data_dir(), runtime.config.history)
