"""The Home Assistant backend: the ``Backend`` protocol over one supervised WebSocket link.

- **The home** is built from the server's area, floor, device and entity registries and its
  states (``states.build_home``), by default only the entities exposed to Assist. ``home()``
  never touches the network: it returns the snapshot the link keeps current.
- **Live state**: ``state_changed`` events update the snapshot and are published as
  ``DeviceChanged`` the moment they arrive (from the link's thread), whoever made the change —
  Hearth, a wall switch or Home Assistant's own app. A registry change (a new entity, a renamed
  area, an entity exposed) re-reads the registries, so no restart is needed.
- **Commands** are checked exactly as on the simulated home (``effects``: same refusals, relative
  steps resolved from the state now, ``sensitivity``: an unlock asks first), then sent as service
  calls (``services``), all at once. Each waits for its confirmed state change (the
  ``state_changed`` carrying the call's context) for a short while. Home Assistant applies each
  call on its own, so when some fail the others stay done: ``PartialFailure`` says which.
- **Undo** turns each device's earlier state back into neutral actions and sends them the same way.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.api_key import Secret, default_store
from assistant.events import ConnectionChanged, ConnectionState, DeviceChanged, EventBus
from assistant.home import effects, sensitivity
from assistant.home.backend import BackendError, PartialFailure
from assistant.home.commands import Action, ActionKind, ActionResult, CommandError
from assistant.home.home_assistant import services
from assistant.home.home_assistant.connection import Client, Connection, Settings, describe
from assistant.home.home_assistant.states import Registries, build_home, device_from_state
from assistant.home.model import Device, Home

if TYPE_CHECKING:
    from assistant.config import HomeAssistantConfig
    from assistant.home.registry import BackendPlace

_LOGGER = logging.getLogger(__name__)
NAME = "home_assistant"
#: Registry changes that can change the home's layout; each triggers one re-read.
REGISTRY_EVENTS = (
    "area_registry_updated",
    "floor_registry_updated",
    "device_registry_updated",
    "entity_registry_updated",
)
#: How long a successful service call waits for its state change before reporting the state.
CONFIRM_S = 2.0
#: Registry events come in bursts (a device with ten entities); one re-read after the burst.
RESYNC_DELAY_S = 0.3
_CONTEXTS_KEPT = 256


@dataclass(frozen=True)
class _Step:
    """One checked action: the device as it was, as it should become, and the call to make."""

    action: Action
    before: Device
    predicted: Device
    call: services.ServiceCall | None


def _differs(before: Device, after: Device) -> bool:
    return (before.state, dict(before.attributes)) != (after.state, dict(after.attributes))


class HomeAssistantBackend:
    """A Home Assistant server as a Hearth home; thread-safe."""

    def __init__(self, settings: Settings, bus: EventBus | None = None, exposed_only: bool = True):
        self._bus = bus
        self._exposed_only = exposed_only
        self._lock = threading.Lock()
        self._registries = Registries()
        self._states: dict[str, dict[str, Any]] = {}
        self._home = Home()
        # context id → entity ids it changed, (before, after): a scene's members, a confirmation.
        self._contexts: OrderedDict[str, dict[str, tuple[Device, Device]]] = OrderedDict()
        self._waiters: list[tuple[str, asyncio.Future[None]]] = []
        self._resync: asyncio.TimerHandle | None = None
        self._connection = Connection(settings, self._on_connected, self._on_state)

    @property
    def connection(self) -> Connection:
        return self._connection

    def start(self) -> HomeAssistantBackend:
        """Connect and read the home; BackendError (one line) if the server can't be used."""
        self._connection.start()
        return self

    # -- the Backend protocol -------------------------------------------------------------------

    def home(self) -> Home:
        with self._lock:
            return self._home

    def execute(
        self, actions: Sequence[Action], *, allow_sensitive: bool = True
    ) -> list[ActionResult]:
        home = self.home()
        steps = [self._step(home, action) for action in actions]
        if not allow_sensitive:
            changes = [ActionResult(s.action, s.before, s.predicted) for s in steps]
            if risky := sensitivity.opened(changes):
                raise sensitivity.NeedsConfirmation(risky)
        return self._run(steps)

    def restore(
        self, results: Sequence[ActionResult], *, allow_sensitive: bool = True
    ) -> list[ActionResult]:
        home = self.home()
        targets: dict[str, Device] = {}
        for result in results:  # the earliest "before" of each device is the state to return to
            if result.before.id in home.devices:
                targets.setdefault(result.before.id, result.before)
        if not allow_sensitive:
            risky = [
                ActionResult(Action(t.id, ActionKind.GET_STATE), home.devices[t.id], t)
                for t in targets.values()
                if sensitivity.opens(home.devices[t.id], t)
            ]
            if risky:
                raise sensitivity.NeedsConfirmation(risky)
        actions = [
            action
            for target in targets.values()
            for action in services.restoring_actions(home.devices[target.id], target)
        ]
        steps = [self._step(home, action) for action in actions]
        return _per_device(self._run(steps))

    def refresh(self) -> list[DeviceChanged]:
        """Changes arrive as they happen; this only asks a dropped link to try again now."""
        self._connection.retry_now()
        return []

    def close(self) -> None:
        self._connection.close()

    # -- commands -------------------------------------------------------------------------------

    def _step(self, home: Home, action: Action) -> _Step:
        device = home.devices.get(action.device)
        if device is None:
            raise CommandError(f"there is no device {action.device!r}")
        resolved = effects.resolve(device, action)
        predicted = effects.apply(device, resolved)  # refuses what the device cannot do
        if resolved.action is ActionKind.GET_STATE:
            return _Step(resolved, device, device, None)
        return _Step(resolved, device, predicted, services.service_call(device, resolved))

    def _run(self, steps: list[_Step]) -> list[ActionResult]:
        if not steps:
            return []
        timeout = self._connection.settings.timeout_s
        outcomes = self._connection.call(
            lambda client: self._send_all(client, steps, timeout), timeout + CONFIRM_S + 1
        )
        done = [result for _step, results, _error in outcomes for result in results]
        failed = [(step.action, error) for step, _results, error in outcomes if error]
        if not failed:
            return done
        if not done:
            reasons = list(dict.fromkeys(error for _action, error in failed))
            raise BackendError("; ".join(reasons))
        raise PartialFailure(done, failed)

    async def _send_all(
        self, client: Client, steps: list[_Step], timeout: float
    ) -> list[tuple[_Step, list[ActionResult], str | None]]:
        return list(await asyncio.gather(*(self._send(client, s, timeout) for s in steps)))

    async def _send(
        self, client: Client, step: _Step, timeout: float
    ) -> tuple[_Step, list[ActionResult], str | None]:
        from hass_client.exceptions import FailedCommand

        call = step.call
        if call is None:
            return step, [ActionResult(step.action, step.before, step.before)], None
        try:
            answer = await asyncio.wait_for(
                client.call_service(
                    call.domain, call.service, call.data, target={"entity_id": call.entity_id}
                ),
                timeout,
            )
        except FailedCommand as err:
            return step, [], f"Home Assistant refused {call.name} for {step.before.name}: {err}"
        except TimeoutError:
            return (
                step,
                [],
                (f"Home Assistant didn't answer within {timeout:g} s for {step.before.name}"),
            )
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # this command itself was given up (its deadline): not ours to swallow
            # The link dropped and the client cancelled the calls waiting for an answer.
            return step, [], f"{step.before.name}: the connection dropped before an answer"
        except Exception as err:  # noqa: BLE001 - a dropped link mid-call, said in one line
            return step, [], f"{step.before.name}: {describe(err, timeout)}"
        context = (answer or {}).get("context", {}).get("id") if isinstance(answer, dict) else None
        await self._confirmed(step, context)
        return step, self._results(step, context), None

    async def _confirmed(self, step: _Step, context: str | None) -> None:
        """Wait (briefly) until the call's state change has arrived."""
        entity = step.before.id
        with self._lock:
            arrived = context is not None and entity in self._contexts.get(context, {})
            current = self._home.devices.get(entity)
        if arrived or current is None or not _differs(current, step.predicted):
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiter = (entity, future)
        self._waiters.append(waiter)
        try:
            await asyncio.wait_for(future, CONFIRM_S)
        except TimeoutError:
            pass  # done on the server, not (yet) visible: report the state as it is
        finally:
            self._waiters.remove(waiter)

    def _results(self, step: _Step, context: str | None) -> list[ActionResult]:
        with self._lock:
            after = self._home.devices.get(step.before.id, step.before)
            members = dict(self._contexts.get(context, {})) if context else {}
        results = [ActionResult(step.action, step.before, after)]
        for entity, (before, member_after) in members.items():
            if entity != step.before.id:  # a scene's or script's members, changed by this call
                member = Action(entity, ActionKind.GET_STATE)
                results.append(ActionResult(member, before, member_after, via=step.before.id))
        return results

    # -- the link's side (its thread) -----------------------------------------------------------

    def _on_state(self, state: ConnectionState, message: str) -> None:
        if self._bus is not None:
            self._bus.publish(ConnectionChanged(NAME, state, message))

    async def _on_connected(self, client: Client) -> None:
        await client.subscribe_events(self._on_state_changed, "state_changed")
        for event in REGISTRY_EVENTS:
            await client.subscribe_events(self._on_registry_changed, event)
        await self._sync(client)

    async def _sync(self, client: Client) -> None:
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
        wanted = [
            s["entity_id"]
            for s in states
            if not self._exposed_only
            or registries.exposed.get(s["entity_id"], {}).get("conversation") is True
        ]
        registered = {e["entity_id"] for e in entities}
        ids = [i for i in wanted if i in registered]
        if ids:  # the list leaves aliases out; the full entries have them
            full = await client.send_command("config/entity_registry/get_entries", entity_ids=ids)
            detailed = {i: e for i, e in (full or {}).items() if isinstance(e, dict)}
            entities = [{**e, **detailed.get(e["entity_id"], {})} for e in entities]
            registries = Registries(areas, floor_list, devices, entities, registries.exposed)
        self._install(registries, {s["entity_id"]: s for s in states})

    def _install(self, registries: Registries, states: dict[str, dict[str, Any]]) -> None:
        with self._lock:
            for entity, known in self._states.items():  # a change that came in while reading
                read = states.get(entity)
                if read is not None and _stamp(known) > _stamp(read):
                    states[entity] = known
            home = build_home(registries, states.values(), self._exposed_only)
            old = self._home
            self._registries, self._states, self._home = registries, states, home
        self._publish(
            [
                _changed(old.devices[d.id], d)
                for d in home.devices.values()
                if d.id in old.devices and _differs(old.devices[d.id], d)
            ]
        )

    def _on_registry_changed(self, event: Mapping[str, Any]) -> None:
        loop = asyncio.get_running_loop()
        if self._resync is not None:
            self._resync.cancel()
        self._resync = loop.call_later(RESYNC_DELAY_S, self._start_resync)

    def _start_resync(self) -> None:
        self._resync = None

        async def resync() -> None:
            client = self._connection.client
            if client is not None:
                try:
                    await asyncio.wait_for(self._sync(client), self._connection.settings.timeout_s)
                except Exception:  # the next change or reconnect syncs again
                    _LOGGER.warning("re-reading Home Assistant's registries failed", exc_info=True)

        asyncio.get_running_loop().create_task(resync())

    def _on_state_changed(self, event: Mapping[str, Any]) -> None:
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
                        if _differs(before, after):
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


def _per_device(results: list[ActionResult]) -> list[ActionResult]:
    """One result per device (a light's level and colour are two calls, one undo line)."""
    merged: dict[str, ActionResult] = {}
    for result in results:
        first = merged.get(result.after.id)
        merged[result.after.id] = (
            result if first is None else ActionResult(first.action, first.before, result.after)
        )
    return list(merged.values())


def open_backend(place: BackendPlace) -> HomeAssistantBackend:
    """The registry's opener: settings from the config, the token from the keyring."""
    from assistant import config as config_module
    from assistant.config import Config

    config = place.config or Config()
    settings = settings_from(config.home_assistant, config_module.config_path())
    backend = HomeAssistantBackend(settings, place.bus, config.home_assistant.exposed_only)
    return backend.start()


def settings_from(section: HomeAssistantConfig, config_file: Path) -> Settings:
    """Connection settings from ``[home_assistant]`` and the stored token; BackendError if unset."""
    if not section.url:
        raise BackendError(
            "Home Assistant has no address yet: hearth config set home_assistant.url "
            "http://homeassistant.local:8123"
        )
    try:
        import hass_client  # noqa: F401 - only checks that the optional extra is installed
    except ImportError:
        raise BackendError(
            "the Home Assistant backend needs hass-client: pip install 'hearth[home]'"
        ) from None
    token = default_store(config_file, Secret.HOME_ASSISTANT_TOKEN).get().value
    if not token:
        raise BackendError(
            "no Home Assistant token is stored: make a long-lived access token in your Home "
            "Assistant profile, then run hearth home set-token"
        )
    return Settings(section.url, token, section.verify_tls, section.timeout_s)
