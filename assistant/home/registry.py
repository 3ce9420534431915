"""Home backends by name: the one list the config, the runtime and Settings read.

A backend is where device state lives and where commands go (the simulated SQLite home, a
Home Assistant server, an MQTT broker). Each is described once here — its config name, the
label people see, what it promises (:class:`Capability`) and how it is opened — so adding one
is one entry, not a name spelled in three modules.

Every backend has the same duties (the ``Backend`` protocol): a command set runs whole or not at
all, relative steps are computed from the state at that moment, a change that lets someone in is
refused unless confirmed, and changes made elsewhere (another process, a wall switch, another
app) are published as ``DeviceChanged`` by ``refresh`` or as they happen. The capabilities say
how far a backend can keep each promise, so the conversation can tell people plainly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Flag, auto
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.events import EventBus
from assistant.home.backend import Backend, BackendError
from assistant.home.model import Home

if TYPE_CHECKING:
    from assistant.config import Config  # the config imports this module

NOT_AVAILABLE = "not available in this version"


class Capability(Flag):
    """What a backend promises beyond reading and commanding devices."""

    NONE = 0
    #: A command set is applied whole or not at all (one transaction).
    ATOMIC = auto()
    #: ``restore`` can put devices back as they were (undo).
    UNDO = auto()
    #: Changes made elsewhere reach the engine as ``DeviceChanged``.
    REPORTS_OUTSIDE_CHANGES = auto()


@dataclass(frozen=True)
class BackendPlace:
    """What a backend is opened with: the home's layout, where it may keep state, the bus, and
    the settings (a remote backend's server and timeouts; None: the defaults)."""

    home: Home
    state_dir: Path
    bus: EventBus | None = None
    #: The settings, for backends that connect somewhere (broker, server); None: the defaults.
    config: Config | None = None


@dataclass(frozen=True)
class BackendSpec:
    """One kind of backend. ``opener`` None means it is named but not available yet."""

    name: str
    label: str
    capabilities: Capability
    opener: Callable[[BackendPlace], Backend] | None = None
    #: Talks to a server: opening needs its settings and the server running.
    remote: bool = False

    @property
    def available(self) -> bool:
        return self.opener is not None

    def open(self, place: BackendPlace) -> Backend:
        if self.opener is None:
            raise BackendError(f"the {self.name} backend is {NOT_AVAILABLE}")
        return self.opener(place)


def _simulated(place: BackendPlace) -> Backend:
    from assistant.home.simulated import SimulatedBackend  # SQLite: loaded only when used

    return SimulatedBackend(place.home, place.state_dir / "home.sqlite3", place.bus)


def _mqtt(place: BackendPlace) -> Backend:
    from assistant.home.mqtt.setup import open_backend  # paho: loaded only when used

    return open_backend(place)


def _home_assistant(place: BackendPlace) -> Backend:
    from assistant.home.home_assistant.backend import open_backend  # aiohttp: only when used

    return open_backend(place)


BACKENDS: dict[str, BackendSpec] = {
    spec.name: spec
    for spec in (
        BackendSpec(
            "simulated",
            "Simulated home (on this computer)",
            Capability.ATOMIC | Capability.UNDO | Capability.REPORTS_OUTSIDE_CHANGES,
            _simulated,
        ),
        BackendSpec(
            "mqtt",
            "MQTT (Home Assistant discovery)",
            Capability.UNDO | Capability.REPORTS_OUTSIDE_CHANGES,
            _mqtt,
            remote=True,
        ),
        BackendSpec(
            "home_assistant",
            "Home Assistant",
            # Each device's service call stands alone on the server: not ATOMIC (PartialFailure).
            Capability.UNDO | Capability.REPORTS_OUTSIDE_CHANGES,
            _home_assistant,
            remote=True,
        ),
    )
}


def backend_spec(name: str) -> BackendSpec:
    """The spec for a config name; BackendError (one line) for a name no backend has."""
    spec = BACKENDS.get(name)
    if spec is None:
        raise BackendError(f"there is no home backend called {name!r}; one of: {names()}")
    return spec


def names() -> str:
    """The backend names as a sentence fragment: "simulated, mqtt or home_assistant"."""
    listed = list(BACKENDS)
    return ", ".join(listed[:-1]) + f" or {listed[-1]}" if len(listed) > 1 else listed[0]
