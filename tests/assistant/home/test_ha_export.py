"""A home exported from Home Assistant: every domain loads, state can be asked about, bad entries
are left out with their line, and a 500-device home file loads as the bench generates it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.cloud_tools import build_toolset
from assistant.events import DeviceChanged, EventBus
from assistant.home import sensitivity
from assistant.home.commands import Action, ActionKind, CommandError
from assistant.home.effects import apply, device_actions
from assistant.home.loader import load_home, parse_home
from assistant.home.model import Domain, Home, OtherDomain
from assistant.home.simulated import SimulatedBackend
from assistant.home.vocab import vocabulary_from_home
from bench.homes import generate_home, home_yaml

EXPORT = Path(__file__).parents[2] / "data" / "homes" / "ha_export.yaml"


@pytest.fixture(scope="module")
def export() -> Home:
    return load_home(EXPORT)


def hearth(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )


def test_the_export_loads_whole(export: Home) -> None:
    domains = {str(d.domain) for d in export.devices.values()}
    assert len(export) >= 100
    assert len(domains) >= 25
    assert {"weather", "person", "todo", "sun", "zone", "device_tracker", "update"} <= domains
    assert export.warnings == ()
    assert all(isinstance(d.domain, Domain) == d.controllable for d in export.devices.values())
    others = [d for d in export.devices.values() if isinstance(d.domain, OtherDomain)]
    assert len(others) > 20 and not any(d.controllable for d in others)


def test_home_assistant_scales_become_hearths(export: Home) -> None:
    spots = export.device("light.kitchen_spots")
    assert spots.attributes["brightness"] == 80  # 204 of 255
    assert spots.attributes["color"] == "4000K"
    assert export.device("light.kitchen_island").attributes["brightness"] == 0  # null, off
    assert "brightness" not in export.device("light.hallway").attributes  # onoff only
    assert export.device("cover.living_room_blinds").attributes["position"] == 100
    assert export.device("media_player.kitchen_speaker").attributes["volume"] == 35
    assert export.device("climate.bedroom").attributes["mode"] == "heat"
    forecast = export.device("weather.home").attributes["forecast"]
    assert [day["condition"] for day in forecast] == ["rainy", "cloudy", "sunny"]


def test_devices_hearth_does_not_control_only_answer_questions(export: Home) -> None:
    for device_id in ("weather.home", "person.alex", "todo.shopping_list", "sun.sun", "zone.home"):
        device = export.device(device_id)
        assert device_actions(device) == {ActionKind.GET_STATE}
        assert apply(device, Action(device_id, ActionKind.GET_STATE)) == device
        with pytest.raises(CommandError) as err:
            apply(device, Action(device_id, ActionKind.TURN_ON))
        assert f"{device.name} can only be asked about" in str(err.value)
        assert f"doesn't control {str(device.domain).replace('_', ' ')}" in str(err.value)


def test_the_vocabulary_names_every_entity(export: Home) -> None:
    vocab = vocabulary_from_home(export)
    names = {e.name for e in vocab.entities}
    assert {"Home Forecast", "Alex", "Shopping List", "Sun", "Gas Meter"} <= names
    assert {e.domain for e in vocab.entities} >= {"weather", "person", "todo", "light"}
    assert all(isinstance(e.domain, str) for e in vocab.entities)


@pytest.fixture
def backend(export: Home, tmp_path: Path) -> Iterator[SimulatedBackend]:
    simulated = SimulatedBackend(export, tmp_path / "home.sqlite3", EventBus())
    yield simulated
    simulated.close()


def test_the_simulated_backend_keeps_every_domain(
    export: Home, backend: SimulatedBackend, tmp_path: Path
) -> None:
    home = backend.home()
    assert set(home.devices) == set(export.devices)
    assert home.device("weather.home").domain == "weather"
    assert home.device("weather.home").attributes == export.device("weather.home").attributes
    done = backend.execute([Action("light.kitchen_island", ActionKind.TURN_ON)])
    assert done[0].after.attributes["brightness"] == 100
    with pytest.raises(CommandError, match="Home Forecast can only be asked about"):
        backend.execute(
            [
                Action("light.hallway", ActionKind.TURN_ON),
                Action("weather.home", ActionKind.TURN_OFF),
            ]
        )
    assert backend.home().device("light.hallway").state == "off"  # all or none
    # A second process on the same file reads the same home, other domains included.
    other = SimulatedBackend(export, tmp_path / "home.sqlite3")
    try:
        assert other.home().device("light.kitchen_island").state == "on"
        assert other.home().device("person.alex").state == "home"
    finally:
        other.close()


REFUSED = [
    ("light.hallway", ActionKind.SET_COLOR, {"color": "red"}, "Hallway Light can't change colour"),
    ("light.hallway", ActionKind.SET_BRIGHTNESS, {"brightness": 5}, "can't be dimmed"),
    (
        "light.kitchen_spots",
        ActionKind.SET_COLOR,
        {"color": "red"},
        "Kitchen Spots can't change colour",
    ),
    ("cover.garage_door", ActionKind.SET_POSITION, {"position": 50}, "can't be set to a position"),
    ("cover.garage_door", ActionKind.STOP, {}, "Garage Door can't be stopped"),
    ("media_player.doorbell_chime", ActionKind.MEDIA_NEXT, {}, "can't skip to the next track"),
    ("media_player.doorbell_chime", ActionKind.TURN_OFF, {}, "can't be turned off"),
    ("lawn_mower.garden", ActionKind.STOP, {}, "is a lawn mower and cannot stop"),
]


@pytest.mark.parametrize(("device_id", "kind", "params", "message"), REFUSED)
def test_what_a_device_cannot_do_is_refused_with_why(
    export: Home, device_id: str, kind: ActionKind, params: dict[str, Any], message: str
) -> None:
    device = export.device(device_id)
    with pytest.raises(CommandError, match=message):
        apply(device, Action(device_id, kind, params))
    # A white-only light still offers set_color: for a white temperature ("2700K").
    assert (kind in device_actions(device)) == (device_id == "light.kitchen_spots")


DONE = [
    ("light.kitchen_spots", ActionKind.SET_COLOR, {"color": "2700K"}, "color", "2700k"),
    ("light.living_room_lamp", ActionKind.SET_COLOR, {"color": "red"}, "color", "red"),
    ("cover.living_room_blinds", ActionKind.SET_POSITION, {"position": 40}, "position", 40),
    ("media_player.kitchen_speaker", ActionKind.SET_VOLUME, {"volume": 60}, "volume", 60),
    ("climate.study_ac", ActionKind.SET_TEMPERATURE, {"temperature": 21}, "temperature", 21),
]


@pytest.mark.parametrize(("device_id", "kind", "params", "key", "value"), DONE)
def test_what_a_device_can_do_works(
    export: Home, device_id: str, kind: ActionKind, params: dict[str, Any], key: str, value: Any
) -> None:
    device = export.device(device_id)
    assert kind in device_actions(device)
    assert apply(device, Action(device_id, kind, params)).attributes[key] == value


def test_a_broken_entity_is_left_out_with_its_file_and_line(tmp_path: Path) -> None:
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    at = lines.index("devices:") + 1
    broken = [
        "  - {id: light.broken, name: Broken, domain: light, attributes: {brightness: lots}}",
        "  - {id: weather.nowhere, name: Nowhere, area: atlantis, domain: weather}",
    ]
    home_file = tmp_path / "export.yaml"
    home_file.write_text("\n".join([*lines[:at], *broken, *lines[at:]]) + "\n", encoding="utf-8")
    reported: list[str] = []
    home = load_home(home_file, reported.append)
    assert reported == list(home.warnings)
    brightness = "attribute 'brightness' must be a number from 0 to 100"
    assert home.warnings == (
        f"{home_file}:{at + 1}: device 'light.broken': {brightness}; left that device out",
        f"{home_file}:{at + 2}: device 'weather.nowhere' is in unknown area 'atlantis'; left that"
        + " device out",
    )
    assert len(home) == len(load_home(EXPORT))
    assert "light.broken" not in home.devices and "weather.home" in home.devices
    backend = SimulatedBackend(home, tmp_path / "home.sqlite3")
    try:  # what the window reads: the warnings travel with every snapshot
        assert backend.home().warnings == home.warnings
    finally:
        backend.close()


def test_hearth_devices_lists_the_export_and_says_what_it_left_out(tmp_path: Path) -> None:
    home_file = tmp_path / "export.yaml"
    text = EXPORT.read_text(encoding="utf-8")
    home_file.write_text(text + "  - {id: sun.moon, name: Moon, domain: sun, oops: 1}\n", "utf-8")
    bad_line = text.count("\n") + 1
    done = hearth("devices", "--home", str(home_file))
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        f"hearth: {home_file}:{bad_line}: a device has unknown key 'oops'; left that device out\n"
    )
    rows = done.stdout.splitlines()[2:]
    for device_id, state in [
        ("weather.home", "rainy"),
        ("person.alex", "home"),
        ("todo.shopping_list", "3"),
        ("sun.sun", "below_horizon"),
        ("light.kitchen_spots", "on, 80%, 4000K"),
    ]:
        assert any(device_id in row and state in row for row in rows), device_id
    assert len(rows) == len(load_home(EXPORT))


@pytest.mark.parametrize(
    ("sentence", "device_id", "said"),
    [
        ("what is the outdoor temperature", "sensor.outdoor_temperature", "6.9 °C"),
        ("where is Alex", "person.alex", "home"),
        ("what is the washing machine status", "sensor.washing_machine_status", "rinsing"),
    ],
)
def test_asking_the_state_of_an_entity_hearth_does_not_control(
    sentence: str, device_id: str, said: str
) -> None:
    """Through the HassGetState templates as they are (weather has its own intent, which
    home-assistant-intents keeps out of HassGetState)."""
    done = hearth("parse", "--home", str(EXPORT), "--json", sentence)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["intent"] == "HassGetState"
    assert result["actions"] == [{"device": device_id, "action": "get_state", "params": {}}]
    assert said in result["response"]


def test_a_generated_500_device_home_file_loads_as_generated(tmp_path: Path) -> None:
    generated = generate_home(500)
    home_file = tmp_path / "big.yaml"
    home_file.write_text(home_yaml(generated), encoding="utf-8")
    loaded = load_home(home_file)
    assert loaded.warnings == ()
    assert len(loaded) == 500
    assert loaded.devices == generated.devices
    assert loaded.areas == generated.areas
    assert set(loaded.floors) == set(generated.floors)


def test_a_home_of_only_other_domains_loads() -> None:
    home = parse_home("devices:\n  - {id: sun.sun, name: Sun, domain: sun, state: above_horizon}\n")
    assert home.device("sun.sun").domain == "sun" and home.warnings == ()


def test_refresh_publishes_changes_to_other_domains_made_elsewhere(
    export: Home, tmp_path: Path
) -> None:
    bus = EventBus()
    seen: list[object] = []
    bus.subscribe(seen.append)
    window = SimulatedBackend(export, tmp_path / "home.sqlite3", bus)
    shell = SimulatedBackend(export, tmp_path / "home.sqlite3")
    try:
        shell.execute([Action("light.hallway", ActionKind.TURN_ON)])
        assert window.refresh() == [e for e in seen if isinstance(e, DeviceChanged)]
        assert [(e.device_id, e.state) for e in seen if isinstance(e, DeviceChanged)] == [
            ("light.hallway", "on")
        ]
    finally:
        window.close()
        shell.close()


def test_what_reads_every_device_copes_with_every_domain(export: Home) -> None:
    """The cloud's tool list, the sensitivity guard: each meets weather, person and todo."""
    tools = build_toolset(export, share_states=True)
    listed = {entry["domain"] for entry in tools.devices}
    assert {"weather", "person", "todo", "light"} <= listed
    by_id = {tools.entries[e["device"]].device_id: e for e in tools.devices}
    assert by_id["weather.home"]["actions"] == [] and by_id["weather.home"]["state"] == "rainy"
    assert "set_position" not in by_id["cover.garage_door"]["actions"]
    assert "set_position" in by_id["cover.living_room_blinds"]["actions"]
    every = [Action(d, ActionKind.TURN_ON) for d in export.devices]
    risky = {risk.device.id for risk in sensitivity.risks(every, export.devices)}
    assert "cover.garage_door" in risky and "weather.home" not in risky
    assert not any(sensitivity.guarded(d) for d in export.devices.values() if not d.controllable)
