"""The home file loader: the demo home, and one precise line for every mistake."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.home.loader import HomeFileError, load_home, parse_home
from assistant.home.model import Domain, Home, OtherDomain


def home_text(body: str) -> str:
    return textwrap.dedent(body).lstrip("\n")


def test_demo_home_is_realistic() -> None:
    home = load_home()
    assert len(home.areas) >= 7
    assert len(home.floors) == 2
    assert len(home) >= 30
    domains = {d.domain for d in home.devices.values()}
    for domain in (
        "light",
        "switch",
        "fan",
        "cover",
        "lock",
        "climate",
        "media_player",
        "vacuum",
        "sensor",
        "binary_sensor",
        "scene",
    ):
        assert Domain(domain) in domains
    ceilings = [d for d in home.devices.values() if d.name == "Ceiling Light"]
    assert len({d.area for d in ceilings}) == 3
    assert any(d.aliases for d in home.devices.values())
    assert any(d.device_class == "garage" for d in home.devices.values())
    assert home.floor_of_area("kitchen").id == "ground"  # type: ignore[union-attr]
    assert home.find_area("lounge").id == "living_room"  # type: ignore[union-attr]
    assert home.find_floor("upstairs").id == "first"  # type: ignore[union-attr]


def test_minimal_home() -> None:
    home = parse_home(
        home_text("""
        areas:
          - {id: kitchen, name: Kitchen, aliases: [cooking area], floor: ground}
        floors:
          - {id: ground, name: Ground Floor}
        devices:
          - {id: light.k, name: K Light, area: kitchen, domain: light, state: "on",
             attributes: {brightness: 80, color: white}}
          - {id: lock.front, name: Front Door, domain: lock, state: locked}
    """)
    )
    light = home.device("light.k")
    assert light.domain is Domain.LIGHT
    assert light.attributes == {"brightness": 80, "color": "white"}
    assert home.device("lock.front").area is None
    assert home.floor_of_area("kitchen").name == "Ground Floor"  # type: ignore[union-attr]
    assert home.find_area("Cooking Area").id == "kitchen"  # type: ignore[union-attr]


ERRORS = [
    ("", ": home file is empty"),
    ("- a\n- b\n", ":1: the home file must be a mapping"),
    ("areas: []\n", ":1: the home file has no 'devices' list"),
    ("devices: []\n", ":1: the home has no devices"),
    ("rooms: []\ndevices: []\n", ":1: the home file has unknown key 'rooms'"),
    (
        "devices:\n  - {id: light.a, name: A, domain: Lamp Shade}\n",
        ":2: device 'light.a' has domain 'Lamp Shade', which is no Home Assistant domain name",
    ),
    (
        "devices:\n  - {id: light.a, name: A, domain: switch}\n",
        ":2: device 'light.a' has domain 'switch' but its id says 'light'",
    ),
    (
        (
            "areas:\n  - {id: k, name: K}\ndevices:\n\n"
            "  - {id: light.a, name: A, area: kk, domain: light}\n"
        ),
        ":5: device 'light.a' is in unknown area 'kk'",
    ),
    ("devices:\n  - {id: light.a, domain: light}\n", ":2: device 'light.a' has no 'name'"),
    (
        "devices:\n  - {id: light.a, name: '', domain: light}\n",
        ":2: device 'light.a''s name is empty",
    ),
    (
        "devices:\n  - {id: light.a, name: A, domain: light, colour: red}\n",
        ":2: a device has unknown key 'colour'",
    ),
    (
        "devices:\n  - {id: light.a, name: A, domain: light, attributes: [1]}\n",
        ":2: device 'light.a''s attributes must be a mapping",
    ),
    (
        "devices:\n  - {id: light.a, name: A, domain: light}\n  - {id: light.a name: B}\n",
        ":3: not valid YAML",
    ),
    (
        "devices:\n  - {id: light.a, name: A, domain: light}\ndevices: []\n",
        ":3: the home file has 'devices' twice",
    ),
]


@pytest.mark.parametrize(("text", "message"), ERRORS, ids=[m.split(": ", 1)[-1] for _, m in ERRORS])
def test_errors_name_file_line_and_problem(text: str, message: str) -> None:
    with pytest.raises(HomeFileError) as err:
        parse_home(text, "home.yaml")
    assert str(err.value).startswith("home.yaml")
    assert message in str(err.value)
    assert "\n" not in str(err.value)


SKIPPED = [
    (
        (
            "devices:\n  - {id: light.a, name: A, domain: light}\n"
            "  - {id: light.a, name: B, domain: light}\n"
        ),
        "home.yaml:3: duplicate device id 'light.a'",
    ),
    (
        (
            "devices:\n  - {id: light.a, name: A, domain: light}\n"
            "  - {id: scene.s, name: S, domain: scene, attributes: {entities: {light.nope: {}}}}\n"
        ),
        "home.yaml:3: scene 'scene.s' names unknown device 'light.nope'",
    ),
    (
        (
            "devices:\n  - {id: light.a, name: A, domain: light}\n"
            "  - {id: light.b, name: B, domain: light, attributes: {brightness: .nan}}\n"
        ),
        "home.yaml:3: device 'light.b': attribute 'brightness' must be a finite number",
    ),
    (
        "devices:\n  - {id: light.a, name: A, domain: light}\n  - 5\n",
        "home.yaml:3: a device must be a mapping",
    ),
]


@pytest.mark.parametrize(("text", "message"), SKIPPED, ids=range(len(SKIPPED)))
def test_a_bad_device_is_reported_with_its_line_and_left_out(text: str, message: str) -> None:
    reported: list[str] = []
    home = parse_home(text, "home.yaml", reported.append)
    assert list(home.devices) == ["light.a"]
    assert len(reported) == 1 and reported[0].startswith(message)
    assert reported[0].endswith("; left that device out")


LEFT_OFF = [
    (
        "areas:\n  - {id: k, name: K}\n  - {id: k, name: K2}\n",
        "home.yaml:3: duplicate area id 'k'; left that area out",
        lambda home: home.areas["k"].name == "K",
    ),
    (
        "floors:\n  - {id: up, name: Up, areas: [attic, k]}\nareas:\n  - {id: k, name: K}\n",
        "home.yaml:2: floor 'up' lists unknown area 'attic'; left it off that floor",
        lambda home: home.floors["up"].areas == ("k",) and home.floor_of_area("k").id == "up",
    ),
    (
        "areas:\n  - {id: k, name: K, floor: roof}\n  - {id: j, name: J}\n",
        "home.yaml:2: area 'k' is on unknown floor 'roof'; left that area out",
        lambda home: list(home.areas) == ["j"],
    ),
    (
        "floors:\n  - {id: up, name: Up}\n  - {id: up, name: Attic}\n",
        "home.yaml:3: duplicate floor id 'up'; left that floor out",
        lambda home: home.floors["up"].name == "Up",
    ),
]


@pytest.mark.parametrize(("text", "message", "kept"), LEFT_OFF, ids=range(len(LEFT_OFF)))
def test_a_bad_area_or_floor_is_reported_and_left_out(
    text: str, message: str, kept: Callable[[Home], bool]
) -> None:
    reported: list[str] = []
    home = parse_home(
        text + "devices:\n  - {id: light.a, name: A, domain: light}\n", "home.yaml", reported.append
    )
    assert reported == [message]
    assert home.warnings == (message,)
    assert list(home.devices) == ["light.a"]
    assert kept(home)


def test_only_bad_devices_is_one_line_naming_the_first(tmp_path: Path) -> None:
    with pytest.raises(HomeFileError) as err:
        parse_home("devices:\n  - {id: light.a, name: A, domain: Lamp}\n  - 7\n", "home.yaml")
    assert str(err.value).startswith("home.yaml:2: device 'light.a' has domain 'Lamp'")
    assert str(err.value).endswith("(and the home has no other usable device)")


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(HomeFileError, match="cannot read home file"):
        load_home(tmp_path / "missing.yaml")
    binary = tmp_path / "home.yaml"
    binary.write_bytes(b"devices: [\xff\xfe]\n")
    with pytest.raises(HomeFileError, match="not a UTF-8 text file"):
        load_home(binary)
    with pytest.raises(HomeFileError, match="cannot read"):
        load_home(tmp_path)  # a directory


def test_any_home_assistant_domain_loads_as_a_device_hearth_does_not_control() -> None:
    home = parse_home(
        home_text("""
        devices:
          - {id: weather.london, name: London, domain: weather, state: rainy,
             attributes: {temperature: 11.5, forecast: [{condition: rainy, temperature: 12}]}}
          - {id: person.sam, name: Sam, domain: person, state: home}
          - {id: todo.shopping, name: Shopping List, domain: todo, state: "3"}
          - {id: light.a, name: A, domain: light}
    """)
    )
    weather = home.device("weather.london")
    assert weather.domain == "weather" and isinstance(weather.domain, OtherDomain)
    assert weather.domain.value == "weather" and not weather.controllable
    assert weather.attributes["forecast"][0]["condition"] == "rainy"
    assert home.device("light.a").domain is Domain.LIGHT and home.device("light.a").controllable
    assert {str(d.domain) for d in home.devices.values()} == {"weather", "person", "todo", "light"}
    assert home.warnings == ()


HA_ATTRIBUTES = [
    # A Home Assistant light: brightness 0-255 becomes a percentage.
    (
        "light",
        "on",
        "{color_mode: hs, brightness: 255, supported_color_modes: [hs], hs_color: [30, 80]}",
        {"brightness": 100, "color": None},
    ),
    # Off, Home Assistant writes null for brightness: a dimmable light is at 0 %.
    (
        "light",
        "off",
        "{color_mode: null, brightness: null, supported_color_modes: [brightness]}",
        {"brightness": 0},
    ),
    (
        "light",
        "on",
        (
            "{color_mode: color_temp, brightness: 128, color_temp_kelvin: 2700,"
            " supported_color_modes: [color_temp]}"
        ),
        {"brightness": 50, "color": "2700K"},
    ),
    ("light", "on", "{color_mode: onoff, supported_color_modes: [onoff]}", {}),
    # The dimmest Home Assistant level is still lit: 1 %, never 0 %.
    ("light", "on", "{color_mode: brightness, brightness: 1}", {"brightness": 1}),
    # Hearth's own scale when there is no color_mode.
    ("light", "on", "{brightness: 80}", {"brightness": 80}),
    ("cover", "open", "{current_position: 40, device_class: blind}", {"position": 40}),
    ("media_player", "playing", "{volume_level: 0.35}", {"volume": 35}),
    ("climate", "off", "{hvac_modes: ['off', cool, heat], temperature: null}", {"mode": "cool"}),
    ("climate", "heat", "{hvac_modes: ['off', cool, heat]}", {"mode": "heat"}),
]


@pytest.mark.parametrize(("domain", "state", "attributes", "expected"), HA_ATTRIBUTES)
def test_home_assistant_attributes_are_read_on_hearths_scales(
    domain: str, state: str, attributes: str, expected: dict[str, object]
) -> None:
    text = f"devices:\n  - {{id: {domain}.x, name: X, domain: {domain}, state: {state}, "
    text += f"attributes: {attributes}}}\n"
    device = parse_home(text).device(f"{domain}.x")
    for key, value in expected.items():
        assert device.attributes[key] == value, key
    assert all(v is not None for k, v in device.attributes.items() if k != "color")
    assert "current_position" not in device.attributes
    assert "volume_level" not in device.attributes
    if not expected:
        assert "brightness" not in device.attributes and "color" not in device.attributes
