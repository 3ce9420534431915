"""Generated homes for benches and tests: many rooms on three floors, names shared across rooms.

``generate_home`` is the 500-device home ``bench.intents`` times recognition on; the same seed
always gives the same home, so figures stay comparable between runs. ``home_yaml`` writes a
home as a home file, so the loader and ``hearth devices --home`` can be run on it too.

    python -m bench.homes [--devices 500] > big_home.yaml
"""

from __future__ import annotations

import argparse
import random
from typing import Any

import yaml

from assistant.home.model import Area, Device, Domain, Floor, Home

ROOMS = [
    "Kitchen",
    "Living Room",
    "Dining Room",
    "Hallway",
    "Garage",
    "Bedroom",
    "Bathroom",
    "Office",
    "Laundry",
    "Pantry",
    "Attic",
    "Basement",
    "Guest Room",
    "Nursery",
    "Library",
    "Studio",
    "Gym",
    "Porch",
    "Patio",
    "Cellar",
    "Den",
    "Workshop",
    "Playroom",
    "Sunroom",
    "Closet",
]
KINDS = [
    (Domain.LIGHT, ["Ceiling Light", "Lamp", "Spotlight", "Strip", "Sconce", "Pendant"]),
    (Domain.SWITCH, ["Outlet", "Heater", "Dehumidifier", "Speaker Power"]),
    (Domain.FAN, ["Fan"]),
    (Domain.COVER, ["Blinds", "Shade"]),
    (Domain.LOCK, ["Door Lock"]),
    (Domain.SENSOR, ["Temperature", "Humidity"]),
    (Domain.MEDIA_PLAYER, ["Speaker", "TV"]),
]


def generate_home(devices: int, seed: int = 7) -> Home:
    """A large, realistic-looking home: rooms on three floors, shared names across rooms."""
    rng = random.Random(seed)
    floors = [
        Floor("ground", "Ground Floor", ("downstairs",)),
        Floor("first", "First Floor", ("upstairs",)),
        Floor("second", "Second Floor"),
    ]
    rooms = max(1, devices // 20)
    areas = []
    for index in range(rooms):
        base = ROOMS[index % len(ROOMS)]
        name = base if index < len(ROOMS) else f"{base} {index // len(ROOMS) + 1}"
        areas.append(Area(f"area_{index}", name, (), floors[index % 3].id))
    made: list[Device] = []
    while len(made) < devices:
        area = areas[len(made) % len(areas)]
        domain, names = rng.choice(KINDS)
        name = rng.choice(names)
        attributes: dict[str, Any] = {}
        state = "off"
        if domain is Domain.LIGHT:
            attributes = {"brightness": 0}
        elif domain is Domain.COVER:
            state, attributes = "closed", {"position": 0, "device_class": "blind"}
        elif domain is Domain.LOCK:
            state = "locked"
        elif domain is Domain.SENSOR:
            state = "21"
        made.append(
            Device(f"{domain.value}.d{len(made)}", name, domain, area.id, (), state, attributes)
        )
    return Home(areas, made, floors)


def home_yaml(home: Home) -> str:
    """``home`` as a home file (the format ``assistant.home.loader`` reads)."""
    document: dict[str, Any] = {
        "floors": [
            _without_empty({"id": f.id, "name": f.name, "aliases": list(f.aliases)})
            for f in home.floors.values()
        ],
        "areas": [
            _without_empty(
                {"id": a.id, "name": a.name, "aliases": list(a.aliases), "floor": a.floor}
            )
            for a in home.areas.values()
        ],
        "devices": [
            _without_empty(
                {
                    "id": d.id,
                    "name": d.name,
                    "aliases": list(d.aliases),
                    "area": d.area,
                    "domain": str(d.domain),
                    "state": d.state,
                    "attributes": dict(d.attributes),
                }
            )
            for d in home.devices.values()
        ],
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def _without_empty(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if value not in (None, [], {})}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print(home_yaml(generate_home(args.devices, args.seed)), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
