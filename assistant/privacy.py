"""`hearth privacy`: what cloud help has sent, the key it uses, and the buttons to forget both.

The user must be able to see, at any time and without the GUI, whether anything left the
computer and exactly what. This command reads the egress log (it never imports the cloud client,
so looking does not open a socket), shows the API key only masked, and can clear the log, store
a key or forget it.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sqlite3
import sys
from typing import Any, TextIO

from assistant import config as config_module
from assistant.api_key import ApiKeyStore, KeyLocation, default_store, mask
from assistant.config import Config
from assistant.egress import EgressLog, EgressRecord, open_log
from assistant.printable import printable

_TEXT_WIDTH = 60


def add_subcommand(sub: Any) -> None:
    """Register ``hearth privacy`` on the CLI's subparsers."""
    parser = sub.add_parser("privacy", help="show or clear what cloud help has sent")
    parser.add_argument("--config", help="config file (default: the user config dir)")
    parser.add_argument("--json", action="store_true", help="print everything as one JSON object")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--clear", action="store_true", help="delete the egress log")
    action.add_argument(
        "--set-key",
        action="store_true",
        help="store the cloud API key (typed at a hidden prompt, or one line on stdin)",
    )
    action.add_argument("--forget-key", action="store_true", help="delete the stored API key")


def run(args: argparse.Namespace, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    out = stdout or sys.stdout
    config = config_module.load(args.config)
    keys = default_store(config_module.config_path())
    if args.set_key:
        return _set_key(keys, stdin, out)
    if args.forget_key:
        keys.delete()
        print("Forgot the cloud API key.", file=out)
        return 0
    log = open_log(config_module.data_dir())
    try:
        if args.clear:
            copies = len(log.damaged_copies())
            try:
                removed = log.clear()
            except sqlite3.Error as err:
                print(f"hearth: cannot clear the egress log {log.path}: {err}", file=sys.stderr)
                return 2
            also = f" and deleted {copies} damaged cop{'ies' if copies != 1 else 'y'} of it"
            print(
                f"Cleared the egress log ({removed} request{'s' * (removed != 1)})"
                f"{also if copies else ''}.",
                file=out,
            )
            return 0
        if args.json:
            print(json.dumps(_report(config, keys, log), ensure_ascii=False), file=out)
        else:
            print(_table(config, keys, log), file=out)
    finally:
        log.close()
    return 0


def _set_key(keys: ApiKeyStore, stdin: TextIO, out: TextIO) -> int:
    # Bounded: a key is a few hundred characters, stdin might be /dev/zero.
    value = getpass.getpass("Cloud API key: ") if stdin.isatty() else stdin.readline(4096)
    value = value.strip()
    if not value:
        print("hearth: no API key given; nothing stored", file=sys.stderr)
        return 2
    where = keys.set(value)
    place = (
        "in the OS keyring"
        if where is KeyLocation.KEYRING
        else f"in {keys.file} (readable only by you; no OS keyring was found)"
    )
    print(f"Stored the cloud API key {mask(value)} {place}.", file=out)
    return 0


def _status(config: Config, keys: ApiKeyStore) -> dict[str, Any]:
    cloud = config.cloud
    stored = keys.get()
    return {
        "cloud_enabled": cloud.enabled,
        "base_url": cloud.base_url,
        "model": cloud.model,
        "share_device_states": cloud.share_device_states,
        "api_key": stored.masked,
        "api_key_location": stored.location.value,
    }


def _report(config: Config, keys: ApiKeyStore, log: EgressLog) -> dict[str, Any]:
    return {
        **_status(config, keys),
        "egress_log": str(log.path),
        "requests": [r.to_dict() for r in log.records()],
    }


def _table(config: Config, keys: ApiKeyStore, log: EgressLog) -> str:
    status = _status(config, keys)
    records = log.records()
    state = (
        f"on, to {status['base_url']} (model {status['model']})"
        if status["cloud_enabled"]
        else "off: nothing is sent anywhere"
    )
    shares = "shared" if status["share_device_states"] else "not shared"
    key = status["api_key"]
    if status["api_key_location"] != "none":
        key += f" ({status['api_key_location']})"
    lines = [
        f"Cloud help: {state}",
        f"Device states: {shares} · API key: {key}",
        f"Egress log: {log.path} · {len(records)} request{'s' * (len(records) != 1)}",
    ]
    if not records:
        lines.append("Nothing has been sent.")
        return "\n".join(lines)
    lines.append("")
    lines.append(describe(records))
    lines.append("")
    lines.append("The full request bodies: hearth privacy --json · clear the log: --clear")
    return "\n".join(lines)


def describe(records: list[EgressRecord]) -> str:
    """The log as an aligned table, newest first (the sentence cut to fit a terminal)."""
    header = ("When", "Host", "Bytes", "Result", "Text sent")
    rows = [
        (r.when, printable(r.host), str(r.bytes), printable(r.result), _cut(r.text, _TEXT_WIDTH))
        for r in records
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    lines = []
    for row in [header, *rows]:
        cells = [row[i].rjust(widths[i]) if i == 2 else row[i].ljust(widths[i]) for i in range(4)]
        lines.append("  ".join([*cells, row[4]]).rstrip())
    return "\n".join(lines)


def _cut(text: str, width: int) -> str:
    text = printable(text)  # a sentence from a file or a terminal may carry escapes
    return text if len(text) <= width else text[: width - 1] + "…"
