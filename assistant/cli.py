"""`hearth` command line: parse, devices, config, shell (and the GUI when it is installed).

Errors the user can fix (bad file, bad config, bad input) print one line on stderr and exit 2;
nothing the user types can produce a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from assistant import __version__
from assistant import config as config_module
from assistant import privacy as privacy_cli
from assistant.config import ConfigError
from assistant.conversation import MAX_TEXT_CHARS, TurnResult
from assistant.events import DeviceChanged, EventType
from assistant.home.backend import BackendError
from assistant.home.loader import HomeFileError
from assistant.home.model import Device, Home
from assistant.printable import printable
from assistant.runtime import Runtime, build_runtime
from intents.engine import IntentLoadError
from models import cli as models_cli
from models.files import MIB, FileRefused, read_regular_bytes

EXIT_USAGE = 2
MAX_BATCH_BYTES = 16 * MIB
"""A batch file of commands; far more than anyone types, far less than memory."""


class InputError(ValueError):
    """Bad input on the command line or in a batch file; one line for the user."""


USER_ERRORS = (InputError, ConfigError, HomeFileError, BackendError, IntentLoadError)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="config file (default: the user config dir)")
    parser.add_argument("--home", help="home file (YAML); uses a fresh temporary home")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hearth", description="Hearth: a private, offline voice assistant for your home."
    )
    parser.add_argument("--version", action="version", version=f"hearth {__version__}")
    sub = parser.add_subparsers(dest="command")

    parse = sub.add_parser("parse", help="understand and carry out typed commands")
    _add_common(parse)
    parse.add_argument("text", nargs="?", help="the command, e.g. 'turn off the kitchen lights'")
    parse.add_argument("--batch", metavar="FILE", help="one command per line ('-' for stdin)")
    parse.add_argument("--json", action="store_true", help="one JSON object per command")
    parse.add_argument("--area", help="the room you are in ('this room')")

    listen = sub.add_parser(
        "listen", help="voice commands: the microphone with the wake word, or a recording"
    )
    _add_common(listen)
    listen.add_argument("--wav", metavar="FILE", help="a recorded command (WAV/FLAC, any format)")
    listen.add_argument(
        "--stream",
        action="store_true",
        help="with --wav: play a long recording through the live pipeline (wake word needed)",
    )
    listen.add_argument(
        "--speed",
        type=float,
        default=0.0,
        help="with --stream: times real time (0: as fast as possible)",
    )
    listen.add_argument("--json", action="store_true", help="JSON output")
    listen.add_argument("--engine", help="speech engine (default: from the config)")
    listen.add_argument("--device", help="microphone name or index (default: the system's)")
    listen.add_argument("--area", help="the room you are in ('this room')")

    ptt = sub.add_parser("ptt", help="push-to-talk for the running app (bind it to a key)")
    ptt.add_argument("action", choices=("press", "release", "toggle"))

    history = sub.add_parser("history", help="what Hearth heard and did, newest first")
    history.add_argument("--config", help="config file (default: the user config dir)")
    history.add_argument("-n", type=int, default=20, help="how many entries (default 20)")
    history.add_argument("--json", action="store_true", help="one JSON object per entry")
    history.add_argument("--clear", action="store_true", help="delete the whole history")

    devices = sub.add_parser("devices", help="list areas, devices and their state")
    _add_common(devices)

    shell = sub.add_parser("shell", help="type commands interactively")
    _add_common(shell)
    shell.add_argument("--area", help="the room you are in ('this room')")

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

    models_cli.add_subcommands(sub)
    privacy_cli.add_subcommand(sub)

    cfg = sub.add_parser("config", help="show or change settings")
    cfg.add_argument("--config", help="config file (default: the user config dir)")
    cfg_sub = cfg.add_subparsers(dest="config_command")
    cfg_sub.add_parser("show", help="print all settings")
    cfg_sub.add_parser("path", help="print where the config file is")
    cfg_get = cfg_sub.add_parser("get", help="print one setting")
    cfg_get.add_argument("key", help="e.g. cloud.enabled")
    cfg_set = cfg_sub.add_parser("set", help="change one setting")
    cfg_set.add_argument("key", help="e.g. home.this_room")
    cfg_set.add_argument("value")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "gui"
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "parse": cmd_parse,
        "devices": cmd_devices,
        "shell": cmd_shell,
        "config": cmd_config,
        "gui": cmd_gui,
        "listen": cmd_listen,
        "history": cmd_history,
        "ptt": cmd_ptt,
        "models": lambda a: models_cli.run(
            a, config_module.cache_dir(), data_dir=config_module.data_dir()
        ),
        "privacy": privacy_cli.run,
    }
    if args.command is None:
        args = parser.parse_args(["gui", *(argv or [])])
    try:
        return handlers[command](args)
    except USER_ERRORS as err:
        print(f"hearth: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _runtime(args: argparse.Namespace) -> Runtime:
    config = config_module.load(getattr(args, "config", None))
    return build_runtime(
        config, home_file=getattr(args, "home", None), this_room=getattr(args, "area", None)
    )


# -- parse --------------------------------------------------------------------------------------


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


def cmd_parse(args: argparse.Namespace) -> int:
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
    runtime = _runtime(args)
    try:
        changes: list[DeviceChanged] = []
        runtime.bus.subscribe(lambda e: changes.append(e), [EventType.DEVICE_CHANGED])  # type: ignore[arg-type]
        runtime.conversation.warm_up()  # so the first command's timings show a warm engine
        with _logged(runtime):
            _parse_all(args, runtime, commands, changes)
    finally:
        runtime.close()
    return 0


def _logged(runtime: Runtime) -> AbstractContextManager[object]:
    """This command's turns go into the history, as the window's and `hearth listen`'s do."""
    from assistant.history import logging_turns  # numpy and SQLite: only when there are turns

    return logging_turns(runtime.bus, config_module.data_dir(), runtime.config.history)


def _parse_all(
    args: argparse.Namespace,
    runtime: Runtime,
    commands: Iterable[tuple[int, str]],
    changes: list[DeviceChanged],
) -> None:
    for _number, text in commands:
        changes.clear()
        result = runtime.conversation.handle(text)
        if args.json:
            print(json.dumps(result.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(format_result(result, changes, runtime.backend.home()), flush=True)


def format_result(result: TurnResult, changes: list[DeviceChanged], home: Home) -> str:
    # printable: a reply may carry someone else's text (a cloud model's); no terminal escapes
    lines = [f"» {printable(result.response)}" if result.response else "» (no reply)"]
    for change in changes:
        device = home.devices.get(change.device_id)
        name = device.name if device else change.device_id
        area = home.areas.get(device.area or "") if device else None
        where = f" ({area.name})" if area else ""
        lines.append(
            f"  {name}{where}: {change.previous_state} → {_describe(device) if device else change.state}"
        )
    if result.confirmation_required:
        lines.append("  (say or type 'yes' to confirm; anything else cancels it)")
    return "\n".join(lines)


# -- listen, history ------------------------------------------------------------------------------


def cmd_listen(args: argparse.Namespace) -> int:
    if args.stream and not args.wav:
        raise InputError("--stream plays a recording: give it with --wav FILE")
    # Imported here: the speech stack (onnxruntime, CTranslate2) is only loaded when listening.
    from assistant import wav_command
    from assistant.audio import AudioError
    from assistant.speech import SpeechError

    runtime = _runtime(args)
    try:
        if args.wav and not args.stream:
            with _logged(runtime):  # the streaming listener logs its own turns
                return wav_command.listen_wav_once(args, runtime)
        from assistant import listen

        if args.engine:
            runtime.config = replace(
                runtime.config, speech=replace(runtime.config.speech, engine=args.engine, model="")
            )
        return listen.run_listen(args, runtime)
    except (wav_command.WavCommandError, AudioError, SpeechError) as err:
        raise InputError(str(err)) from None
    finally:
        runtime.close()


def cmd_ptt(args: argparse.Namespace) -> int:
    """Talks to the running desktop app over its local socket (the app owns the microphone)."""
    if importlib.util.find_spec("PySide6") is None:
        raise InputError("push-to-talk talks to the desktop app, which needs PySide6")
    ptt = importlib.import_module("ui.ptt")
    return int(ptt.main([args.action]))


def cmd_history(args: argparse.Namespace) -> int:
    from assistant import listen
    from assistant.history import HistoryError

    try:
        return listen.run_history(args)
    except HistoryError as err:
        raise InputError(str(err)) from None


# -- devices ------------------------------------------------------------------------------------


def _describe(device: Device) -> str:
    attrs = device.attributes
    parts = [device.state]
    if device.state == "on" and "brightness" in attrs:
        parts.append(f"{attrs['brightness']}%")
    if device.state == "on" and attrs.get("color"):
        parts.append(str(attrs["color"]))
    if "temperature" in attrs and device.domain.value == "climate":
        parts.append(f"set {attrs['temperature']}°, now {attrs.get('current_temperature', '?')}°")
    if "position" in attrs and device.domain.value == "cover":
        parts.append(f"{attrs['position']}%")
    if device.domain.value == "media_player" and device.state not in ("off",):
        if attrs.get("media_title"):
            parts.append(f"“{attrs['media_title']}”")
        if "volume" in attrs:
            parts.append(f"vol {attrs['volume']}")
    if unit := attrs.get("unit_of_measurement"):
        parts[0] = f"{device.state} {unit}"
    return ", ".join(str(p) for p in parts)


def devices_table(home: Home) -> str:
    rows: list[tuple[str, str, str, str]] = []
    placed: set[str] = set()
    groups: list[tuple[str, list[str]]] = []
    for floor in home.floors.values():
        groups.append((floor.name, [a.id for a in home.areas_on_floor(floor.id)]))
    floating = [a.id for a in home.areas.values() if home.floor_of_area(a.id) is None]
    if floating:
        groups.append(("Other", floating))
    for floor_name, area_ids in groups:
        for area_id in area_ids:
            area = home.areas[area_id]
            for device in home.devices.values():
                if device.area == area_id:
                    rows.append(
                        (f"{floor_name} / {area.name}", device.name, device.id, _describe(device))
                    )
                    placed.add(device.id)
    for device in home.devices.values():
        if device.id not in placed:
            rows.append(("(whole home)", device.name, device.id, _describe(device)))
    header = ("Where", "Device", "Id", "State")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]

    def fmt(row: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()

    lines = [fmt(header), fmt(tuple("-" * w for w in widths))]
    lines += [fmt(r) for r in rows]
    return "\n".join(lines)


def cmd_devices(args: argparse.Namespace) -> int:
    runtime = _runtime(args)
    try:
        print(devices_table(runtime.backend.home()))
    finally:
        runtime.close()
    return 0


# -- shell ----------------------------------------------------------------------------------------


_SHELL_LINE_LIMIT = MAX_TEXT_CHARS * 4

SHELL_HELP = """Type a command, e.g. "turn on the kitchen lights", "is the front door locked?".
Also: 'devices' lists the home, 'help' shows this, 'quit' leaves."""


def run_shell(runtime: Runtime, stdin: TextIO, stdout: TextIO) -> int:
    changes: list[DeviceChanged] = []
    runtime.bus.subscribe(lambda e: changes.append(e), [EventType.DEVICE_CHANGED])  # type: ignore[arg-type]
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
        result = runtime.conversation.handle(text)
        print(format_result(result, changes, runtime.backend.home()), file=stdout, flush=True)


def cmd_shell(args: argparse.Namespace) -> int:
    runtime = _runtime(args)
    try:
        with _logged(runtime):
            return run_shell(runtime, sys.stdin, sys.stdout)
    finally:
        runtime.close()


# -- gui ----------------------------------------------------------------------------------------


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


def cmd_gui(args: argparse.Namespace) -> int:
    reason = gui_unavailable_reason()
    if reason is not None:
        print(f"hearth: {reason}; starting the text shell instead.", file=sys.stderr)
        return cmd_shell(argparse.Namespace(config=args.config, home=args.home, area=None))
    # Imported by name: the engine never depends on the UI package, only launches it.
    app = importlib.import_module("ui.app")
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
    return int(app.main(gui_argv))


# -- config ---------------------------------------------------------------------------------------


def cmd_config(args: argparse.Namespace) -> int:
    path = config_module.config_path(args.config)
    sub = args.config_command or "show"
    if sub == "path":
        print(path)
        return 0
    config = config_module.load(args.config)
    if sub == "show":
        for section, values in config.to_dict().items():
            for key, value in values.items():
                print(f"{section}.{key} = {json.dumps(value)}")
        return 0
    if sub == "get":
        section, _, key = args.key.partition(".")
        values: dict[str, Any] = config.to_dict().get(section, {})
        if key not in values:
            raise ConfigError(f"unknown setting {args.key!r}")
        print(json.dumps(values[key]))
        return 0
    updated = config.with_value(args.key, args.value)
    config_module.save(updated, args.config)
    print(
        f"{args.key} = {json.dumps(getattr(getattr(updated, args.key.split('.')[0]), args.key.split('.')[1]))}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
