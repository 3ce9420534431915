"""`hearth parse`: typed commands, one on the command line or a batch (a file or stdin).

Batch files and stdin lines are read with a bound, so ``< /dev/zero`` or a huge file is a
one-line error, never a hang or a memory blow-up.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from assistant.cli.common import InputError, Subparsers, add_common, logged, runtime_for
from assistant.cli.devices import describe
from assistant.conversation import MAX_TEXT_CHARS, TurnResult
from assistant.events import DeviceChanged, EventType
from assistant.home.model import Home
from assistant.printable import printable
from assistant.runtime import Runtime
from models.files import MIB, FileRefused, read_regular_bytes

MAX_BATCH_BYTES = 16 * MIB
"""A batch file of commands; far more than anyone types, far less than memory."""


def add_parser(sub: Subparsers) -> None:
    parse = sub.add_parser("parse", help="understand and carry out typed commands")
    add_common(parse)
    parse.add_argument("text", nargs="?", help="the command, e.g. 'turn off the kitchen lights'")
    parse.add_argument("--batch", metavar="FILE", help="one command per line ('-' for stdin)")
    parse.add_argument("--json", action="store_true", help="one JSON object per command")
    parse.add_argument("--area", help="the room you are in ('this room')")


def check_line(text: str, where: str) -> str:
    if "\x00" in text:
        raise InputError(f"{where}: binary data, not text")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(
            f"{where}: line is too long ({len(text)} characters; a command has at most "
            f"{MAX_TEXT_CHARS})"
        )
    return text


def read_batch(source: str) -> Iterator[tuple[int, str]]:
    """Yield (line number, command); a file is checked whole first, stdin line by line."""
    if source == "-":
        yield from _lines(_stdin_lines(), "<stdin>")
        return
    try:
        raw = read_regular_bytes(Path(source), "batch file", MAX_BATCH_BYTES)
    except FileRefused as err:
        raise InputError(str(err)) from None
    if not raw.strip():
        raise InputError(f"{source}: the file is empty")
    if b"\x00" in raw:
        raise InputError(f"{source}: binary data, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{source}: not UTF-8 text (byte {err.start})") from None
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        check_line(line, f"{source}:{number}")
    yield from _lines(lines, source)


def _stdin_lines() -> Iterator[str]:
    """Lines of stdin as they come, each read with a bound (``< /dev/zero`` has no newline)."""
    stream = sys.stdin.buffer
    limit = MAX_TEXT_CHARS * 4 + 2  # UTF-8 is at most 4 bytes a character, plus CR LF
    number = 0
    while raw := stream.readline(limit):
        number += 1
        if len(raw) >= limit and not raw.endswith(b"\n"):
            raise InputError(
                f"<stdin>:{number}: line is too long (a command has at most {MAX_TEXT_CHARS} "
                "characters)"
            )
        try:
            yield raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            raise InputError(f"<stdin>:{number}: not UTF-8 text") from None


def _lines(lines: Iterable[str], source: str) -> Iterator[tuple[int, str]]:
    seen = False
    for number, line in enumerate(lines, 1):
        check_line(line, f"{source}:{number}")
        if line.strip():
            seen = True
            yield number, line.strip()
    if not seen:
        raise InputError(f"{source}: no commands in the input")


def run(args: argparse.Namespace) -> int:
    if args.batch is None and args.text is None:
        raise InputError(
            'give a command, e.g. hearth parse "turn on the kitchen lights", or --batch FILE'
        )
    if args.batch is not None and args.text is not None:
        raise InputError("give either a command or --batch FILE, not both")
    commands: Iterable[tuple[int, str]]
    if args.batch is not None:
        commands = read_batch(args.batch)
    else:
        text = check_line(args.text, "command")
        if not text.strip():
            raise InputError("the command is empty")
        commands = [(1, text)]
    runtime = runtime_for(args)
    try:
        changes: list[DeviceChanged] = []
        runtime.bus.subscribe(lambda e: changes.append(e), [EventType.DEVICE_CHANGED])  # type: ignore[arg-type]
        runtime.conversation.warm_up()  # so the first command's timings show a warm engine
        with logged(runtime):
            _parse_all(args, runtime, commands, changes)
    finally:
        runtime.close()
    return 0


def _parse_all(
    args: argparse.Namespace,
    runtime: Runtime,
    commands: Iterable[tuple[int, str]],
    changes: list[DeviceChanged],
) -> None:
    for _number, text in commands:
        changes.clear()
        result = runtime.handle(text)
        if args.json:
            print(json.dumps(result.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(format_result(result, changes, runtime.backend.home()), flush=True)


def format_result(result: TurnResult, changes: list[DeviceChanged], home: Home) -> str:
    """The reply and each device it changed, for a person at a terminal."""
    # printable: a reply may carry someone else's text (a cloud model's); no terminal escapes
    lines = [f"» {printable(result.response)}" if result.response else "» (no reply)"]
    for change in changes:
        device = home.devices.get(change.device_id)
        name = device.name if device else change.device_id
        area = home.areas.get(device.area or "") if device else None
        where = f" ({area.name})" if area else ""
        lines.append(
            f"  {name}{where}: {change.previous_state} → {describe(device) if device else change.state}"
        )
    if result.confirmation_required:
        lines.append("  (say or type 'yes' to confirm; anything else cancels it)")
    return "\n".join(lines)
