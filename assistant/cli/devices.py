"""`hearth devices`: the home as a table of floors, areas, devices and their state."""

from __future__ import annotations

import argparse

from assistant.cli.common import Subparsers, add_common, runtime_for
from assistant.home.model import Device, Home


def add_parser(sub: Subparsers) -> None:
    devices = sub.add_parser("devices", help="list areas, devices and their state")
    add_common(devices)


def describe(device: Device) -> str:
    """A device's state in a few words: "on, 80%, white"; "21.5 °C"."""
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
                        (f"{floor_name} / {area.name}", device.name, device.id, describe(device))
                    )
                    placed.add(device.id)
    for device in home.devices.values():
        if device.id not in placed:
            rows.append(("(whole home)", device.name, device.id, describe(device)))
    header = ("Where", "Device", "Id", "State")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]

    def fmt(row: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()

    lines = [fmt(header), fmt(tuple("-" * w for w in widths))]
    lines += [fmt(r) for r in rows]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    runtime = runtime_for(args)
    try:
        print(devices_table(runtime.backend.home()))
    finally:
        runtime.close()
    return 0
