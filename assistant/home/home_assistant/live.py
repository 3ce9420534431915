"""The home as the server has it, kept current on the link's thread: the snapshot, live state
changes, registry re-reads, and which changes each service call caused.

Runs on the connection's loop (``sync``, ``on_state_changed``, ``on_registry_changed``,
``wait_for_change``); engine threads only read ``home()`` and ``changes_of()``, under a lock.

- ``sync`` reads the area, floor, device and entity registries, the Assist exposure list and
  every state, and publishes ``DeviceChanged`` for what differs from the last snapshot (changes
  made while the link was down arrive this way).
- ``state_changed`` updates one device and publishes it at once. Each state carries
  ``last_updated``; an event older than what a sync already read is ignored, and a sync never
  overwrites a newer event that arrived while it was reading.
- A registry change (an entity added or exposed, an area renamed) re-reads everything once the
  burst is over, so the home changes without a restart.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from assistant.events import DeviceChanged, EventBus
from assistant.home.home_assistant.states import (
    Registries,
    build_home,
    device_from_state,
    is_exposed,
)
from assistant.home.model import Device, Home

_LOGGER = logging.getLogger(__name__)
Client = Any  # hass_client.HomeAssistantClient (the optional "home" extra)

#: Registry changes that can change the home's layout; each triggers one re-read.
REGISTRY_EVENTS = (
    "area_registry_updated",
    "floor_registry_updated",
    "device_registry_updated",
    "entity_registry_updated",
)
#: Registry events come in bursts (a device with ten entities); one re-read after the burst.
RESYNC_DELAY_S = 0.3
_CONTEXTS_KEPT = 256


def differs(before: Device, after: Device) -> bool:
    return (before.state, dict(before.attributes)) != (after.state, dict(after.attributes))


class LiveHome:
    """The snapshot and its upkeep; ``resync`` re-reads through the current link."""

    def __init__(
        self,
        bus: EventBus | None,
        resync: Callable[[], Awaitable[None]],
    ) -> None:
        self._bus = bus
        self._resync = resync
        self._lock = threading.Lock()
        self._states: dict[str, dict[str, Any]] = {}
        self._home = Home()
        # context id → entity → (before, after): what one service call changed (a scene's members).
        self._contexts: OrderedDict[str, dict[str, tuple[Device, Device]]] = OrderedDict()
        self._waiters: list[tuple[str, asyncio.Future[None]]] = []
        self._pending_resync: asyncio.TimerHandle | None = None

    def home(self) -> Home:
        with self._lock:
            return self._home

    def changes_of(self, context: str | None) -> dict[str, tuple[Device, Device]]:
        """What the call with this context changed so far, by entity id."""
        with self._lock:
            return dict(self._contexts.get(context, {})) if context else {}

    async def subscribe(self, client: Client) -> None:
        await client.subscribe_events(self.on_state_changed, "state_changed")
        for event in REGISTRY_EVENTS:
            await client.subscribe_events(self.on_registry_changed, event)

    async def wait_for_change(self, entity: str, timeout_s: float) -> None:
        """Until the next state_changed of ``entity`` (or the timeout: then simply return)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiter = (entity, future)
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(future, timeout_s)
        except TimeoutError:
            pass  # done on the server, not (yet) visible: the caller reports the state as it is
        finally:
            self._waiters.remove(waiter)

    async def sync(self, client: Client) -> None:
        """Read the registries and every state; publish what changed since the last snapshot."""
        from hass_client.exceptions import FailedCommand

        async def floors() -> list[dict[str, Any]]:
            try:
                return await client.send_command("config/floor_registry/list")
            except FailedCommand:  # servers before 2024.4 have no floors
                return []

        areas, floor_list, devices, entities, exposed, states = await asyncio.gather(
            client.send_command("config/area_registry/list"),
            floors(),
            client.send_command("config/device_registry/list"),
            client.send_command("config/entity_registry/list"),
            client.send_command("homeassistant/expose_entity/list"),
            client.send_command("get_states"),
        )
        registries = Registries(
            areas, floor_list, devices, entities, dict(exposed.get("exposed_entities") or {})
        )
        registered = {e["entity_id"] for e in entities}
        ids = [
            s["entity_id"]
            for s in states
            if s["entity_id"] in registered and is_exposed(s["entity_id"], registries)
        ]
        if ids:  # the list leaves aliases out; the full entries have them
            full = await client.send_command("config/entity_registry/get_entries", entity_ids=ids)
            detailed = {i: e for i, e in (full or {}).items() if isinstance(e, dict)}
            entities = [{**e, **detailed.get(e["entity_id"], {})} for e in entities]
            registries = Registries(areas, floor_list, devices, entities, registries.exposed)
        self.install(registries, {s["entity_id"]: s for s in states})

    def install(self, registries: Registries, states: dict[str, dict[str, Any]]) -> None:
        with self._lock:
            for entity, known in self._states.items():  # a change that came in while reading
                read = states.get(entity)
                if read is not None and _stamp(known) > _stamp(read):
                    states[entity] = known
            home = build_home(registries, states.values())
            old = self._home
            self._states, self._home = states, home
        self._publish(
            [
                _changed(old.devices[d.id], d)
                for d in home.devices.values()
                if d.id in old.devices and differs(old.devices[d.id], d)
            ]
        )

    def on_registry_changed(self, event: Mapping[str, Any]) -> None:
        loop = asyncio.get_running_loop()
        if self._pending_resync is not None:
            self._pending_resync.cancel()
        self._pending_resync = loop.call_later(RESYNC_DELAY_S, self._start_resync)

    def _start_resync(self) -> None:
        self._pending_resync = None

        async def resync() -> None:
            try:
                await self._resync()
            except Exception:  # the next change or reconnect syncs again
                _LOGGER.warning("re-reading Home Assistant's registries failed", exc_info=True)

        asyncio.get_running_loop().create_task(resync())

    def on_state_changed(self, event: Mapping[str, Any]) -> None:
        data = event.get("data") or {}
        entity = str(data.get("entity_id", ""))
        new = data.get("new_state")
        context = (event.get("context") or {}).get("id") or (new or {}).get("context", {}).get("id")
        changed: DeviceChanged | None = None
        with self._lock:
            known = self._states.get(entity)
            if new is None:
                self._states.pop(entity, None)
            elif known is None or _stamp(new) >= _stamp(known):
                self._states[entity] = dict(new)
            else:
                return  # older than what a sync already read
            before = self._home.devices.get(entity)
            if before is not None:
                if new is None:
                    devices = [d for d in self._home.devices.values() if d.id != entity]
                    self._home = Home(
                        self._home.areas.values(), devices, self._home.floors.values()
                    )
                else:
                    after = device_from_state(new, None, before.area)
                    if after is not None:
                        after = _keep_names(after, before)
                        self._home = self._home.with_device(after)
                        if differs(before, after):
                            changed = _changed(before, after)
                            if context:
                                self._remember(context, entity, before, after)
        for waiting, future in list(self._waiters):
            if waiting == entity and not future.done():
                future.set_result(None)
        if changed is not None:
            self._publish([changed])

    def _remember(self, context: str, entity: str, before: Device, after: Device) -> None:
        """Which entities a call changed (held under the lock)."""
        changes = self._contexts.setdefault(context, {})
        first = changes.get(entity, (before, after))[0]
        changes[entity] = (first, after)
        self._contexts.move_to_end(context)
        while len(self._contexts) > _CONTEXTS_KEPT:
            self._contexts.popitem(last=False)

    def _publish(self, events: Sequence[DeviceChanged]) -> None:
        if self._bus is not None:
            for event in events:
                self._bus.publish(event)


def _stamp(state: Mapping[str, Any]) -> str:
    """When Home Assistant last wrote a state (ISO text, so it sorts as it happened)."""
    return str(state.get("last_updated", ""))


def _keep_names(after: Device, before: Device) -> Device:
    """A state change keeps the registry's name and aliases (the state only has friendly_name)."""
    return Device(
        after.id,
        before.name,
        after.domain,
        before.area,
        before.aliases,
        after.state,
        after.attributes,
    )


def _changed(before: Device, after: Device) -> DeviceChanged:
    return DeviceChanged(
        device_id=after.id,
        state=after.state,
        attributes=dict(after.attributes),
        previous_state=before.state,
    )


def _stamp(state: Mapping[str, Any]) -> str:
    """When Home Assistant last wrote a state (ISO text, so it sorts as it happened)."""
    return str(state.get("last_updated", ""))


def _keep_names(after: Device, before: Device) -> Device:
    """A state change keeps the registry's name and aliases (the state only has friendly_name)."""
    return Device(
        after.id,
        before.name,
        after.domain,
        before.area,
        before.aliases,
        after.state,
        after.attributes,
    )


def _changed(before: Device, after: Device) -> DeviceChanged:
    return DeviceChanged(
        device_id=after.id,
        state=after.state,
        attributes=dict(after.attributes),
        previous_state=before.state,
    )
