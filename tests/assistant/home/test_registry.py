"""Backends by name: one registry read by the config, the runtime and Settings; every available
backend keeps the promises its capabilities state."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant.config import Config, ConfigError, HomeConfig
from assistant.events import DeviceChanged, EventBus
from assistant.home.backend import BackendError
from assistant.home.commands import Action, ActionKind, CommandError
from assistant.home.model import Home
from assistant.home.registry import BACKENDS, BackendPlace, Capability, backend_spec
from assistant.runtime import build_runtime

#: Backends that open on this computer alone. Remote ones (a server) are held to the same
#: promises against their fake servers: tests/assistant/home/home_assistant/.
AVAILABLE = [spec for spec in BACKENDS.values() if spec.available and not spec.remote]


def test_the_config_accepts_exactly_the_registered_names() -> None:
    for name in BACKENDS:
        HomeConfig(backend=name).validate()
    with pytest.raises(ConfigError, match="simulated, mqtt or home_assistant"):
        HomeConfig(backend="zigbee").validate()


def test_an_unknown_name_is_one_line() -> None:
    with pytest.raises(BackendError, match="no home backend called 'zigbee'"):
        backend_spec("zigbee")


@pytest.mark.parametrize("name", [n for n, s in BACKENDS.items() if not s.available])
def test_a_named_but_unavailable_backend_is_refused_by_the_runtime_in_one_line(name: str) -> None:
    config = replace(Config(), home=HomeConfig(backend=name))
    with pytest.raises(BackendError) as refused:
        build_runtime(config)
    assert str(refused.value) == f"the {name} backend is not available in this version"


def test_the_runtime_opens_the_configured_backend_through_the_registry() -> None:
    runtime = build_runtime(Config(), temporary=True)
    try:
        assert type(runtime.backend).__name__ == "SimulatedBackend"
        assert runtime.backend.home().devices
    finally:
        runtime.close()


@pytest.mark.parametrize("spec", AVAILABLE, ids=lambda s: s.name)
def test_outside_changes_reach_the_bus(spec, demo_home: Home, tmp_path: Path) -> None:
    """Two openings of one home (two processes): the first hears what the second changed."""
    if Capability.REPORTS_OUTSIDE_CHANGES not in spec.capabilities:
        pytest.skip(f"{spec.name} does not report outside changes")
    bus = EventBus()
    heard: list[DeviceChanged] = []
    bus.subscribe(lambda event: heard.append(event) if isinstance(event, DeviceChanged) else None)
    window = spec.open(BackendPlace(demo_home, tmp_path, bus))
    other = spec.open(BackendPlace(demo_home, tmp_path))
    try:
        lamp = next(d for d in demo_home.devices.values() if d.id.startswith("light."))
        wanted = "off" if window.home().device(lamp.id).state == "on" else "on"
        other.execute([Action(lamp.id, ActionKind(f"turn_{wanted}"))])
        window.refresh()
        assert [(e.device_id, e.state) for e in heard] == [(lamp.id, wanted)]
    finally:
        window.close()
        other.close()


@pytest.mark.parametrize("spec", AVAILABLE, ids=lambda s: s.name)
def test_outside_changes_are_published_once_each_with_what_changed(
    spec, demo_home: Home, tmp_path: Path
) -> None:
    """The duty in full: an attribute-only change counts, ``previous_state`` is what this
    process last showed, a change undone elsewhere before the next refresh is not news, and
    the backend's own changes were already published when it made them."""
    if Capability.REPORTS_OUTSIDE_CHANGES not in spec.capabilities:
        pytest.skip(f"{spec.name} does not report outside changes")
    bus = EventBus()
    heard: list[DeviceChanged] = []
    bus.subscribe(lambda event: heard.append(event) if isinstance(event, DeviceChanged) else None)
    window = spec.open(BackendPlace(demo_home, tmp_path, bus))
    other = spec.open(BackendPlace(demo_home, tmp_path))
    try:
        lamp = next(
            d.id
            for d in demo_home.devices.values()
            if d.id.startswith("light.") and "brightness" in d.attributes
        )
        switch = next(d.id for d in demo_home.devices.values() if d.id.startswith("switch."))
        window.execute([Action(lamp, ActionKind.SET_BRIGHTNESS, {"brightness": 30})])
        assert [(e.device_id, e.attributes["brightness"]) for e in heard] == [(lamp, 30)]
        assert window.refresh() == []  # its own change is not announced again

        other.execute([Action(lamp, ActionKind.SET_BRIGHTNESS, {"brightness": 60})])
        switched = window.home().device(switch).state
        other.execute([Action(switch, ActionKind.TOGGLE)])
        other.execute([Action(switch, ActionKind.TOGGLE)])  # back as it was: no news
        events = window.refresh()
        assert [(e.device_id, e.state, e.previous_state) for e in events] == [(lamp, "on", "on")]
        assert events[0].attributes["brightness"] == 60
        assert heard[1:] == events
        assert window.home().device(switch).state == switched
        assert window.refresh() == []
    finally:
        window.close()
        other.close()


@pytest.mark.parametrize("spec", AVAILABLE, ids=lambda s: s.name)
def test_undo_and_all_or_nothing(spec, demo_home: Home, tmp_path: Path) -> None:
    backend = spec.open(BackendPlace(demo_home, tmp_path))
    try:
        lamp = next(d for d in demo_home.devices.values() if d.id.startswith("light."))
        before = backend.home().device(lamp.id).state
        if Capability.ATOMIC in spec.capabilities:
            with pytest.raises((CommandError, BackendError)):  # the contract's two refusals
                backend.execute(
                    [Action(lamp.id, ActionKind.TOGGLE), Action("light.nope", ActionKind.TURN_ON)]
                )
            assert backend.home().device(lamp.id).state == before
        results = backend.execute([Action(lamp.id, ActionKind.TOGGLE)])
        assert backend.home().device(lamp.id).state != before
        if Capability.UNDO in spec.capabilities:
            backend.restore(results)
            assert backend.home().device(lamp.id).state == before
    finally:
        backend.close()
