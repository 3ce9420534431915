"""`hearth shell`: type commands one after another, with the home's changes shown as they happen.

Also what `hearth` starts when the desktop app cannot (no Qt, no display).
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from assistant.cli.common import InputError, Subparsers, add_common, logged, runtime_for
from assistant.cli.devices import devices_table
from assistant.cli.parse import check_line, format_result
from assistant.conversation import MAX_TEXT_CHARS
from assistant.events import DeviceChanged, EventType
from assistant.runtime import Runtime

_SHELL_LINE_LIMIT = MAX_TEXT_CHARS * 4

SHELL_HELP = """Type a command, e.g. "turn on the kitchen lights", "is the front door locked?".
Also: 'devices' lists the home, 'help' shows this, 'quit' leaves."""


def add_parser(sub: Subparsers) -> None:
    shell = sub.add_parser("shell", help="type commands interactively")
    add_common(shell)
    shell.add_argument("--area", help="the room you are in ('this room')")


def run_shell(runtime: Runtime, stdin: TextIO, stdout: TextIO) -> int:
    changes: list[DeviceChanged] = []
    runtime.bus.subscribe(lambda e: changes.append(e), [EventType.DEVICE_CHANGED])  # type: ignore[arg-type]
    # A timer set here (or in the window) rings here while the shell is open.
    runtime.bus.subscribe(
        lambda e: print(f"\n  ⏰ {e.message}", file=stdout, flush=True),  # type: ignore[attr-defined]
        [EventType.TIMER_FINISHED],
    )
    runtime.start_timers()
    runtime.conversation.warm_up()
    print("Hearth is listening to your keyboard. " + SHELL_HELP, file=stdout)
    while True:
        print("hearth> ", end="", file=stdout, flush=True)
        line = stdin.readline(_SHELL_LINE_LIMIT)
        if not line:
            print(file=stdout)
            return 0
        if len(line) >= _SHELL_LINE_LIMIT and not line.endswith("\n"):
            while (rest := stdin.readline(_SHELL_LINE_LIMIT)) and not rest.endswith("\n"):
                pass  # drop the rest of an endless line in bounded pieces
            print(f"  command: line is too long (at most {MAX_TEXT_CHARS} characters)", file=stdout)
            continue
        text = line.strip()
        if not text:
            continue
        if text.lower() in {"quit", "exit", "bye"}:
            return 0
        if text.lower() == "help":
            print(SHELL_HELP, file=stdout)
            continue
        if text.lower() == "devices":
            print(devices_table(runtime.backend.home()), file=stdout)
            continue
        try:
            check_line(text, "command")
        except InputError as err:
            print(f"  {err}", file=stdout)
            continue
        changes.clear()
        result = runtime.handle(text)
        print(format_result(result, changes, runtime.backend.home()), file=stdout, flush=True)


def run(args: argparse.Namespace) -> int:
    runtime = runtime_for(args)
    try:
        with logged(runtime):
            return run_shell(runtime, sys.stdin, sys.stdout)
    finally:
        runtime.close()
