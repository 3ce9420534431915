"""`hearth config show|path|get|set`: the settings file, read and written through config.py."""

from __future__ import annotations

import argparse
import json
from typing import Any

from assistant import config as config_module
from assistant.cli.common import Subparsers
from assistant.config import ConfigError


def add_parser(sub: Subparsers) -> None:
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


def run(args: argparse.Namespace) -> int:
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
