"""The Home Assistant backend: the ``Backend`` protocol over one supervised WebSocket link.

- **The home** is the server's registries and states (by default only the entities exposed to
  Assist), kept current by ``live.LiveHome``: ``home()`` never touches the network. Changes are
  published as ``DeviceChanged`` the moment they arrive (from the link's thread), whoever made
  them — Hearth, a wall switch or Home Assistant's own app; registry changes need no restart.
- **Commands** are checked exactly as on the simulated home (``effects``: same refusals, relative
  steps resolved from the state now, ``sensitivity``: an unlock asks first), then sent as service
  calls (``services``), all at once. Each waits for its confirmed state change (the
  ``state_changed`` carrying the call's context) for a short while. Home Assistant applies each
  call on its own, so when some fail the others stay done: ``PartialFailure`` says which.
- **Undo** turns each device's earlier state back into neutral actions and sends them the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.api_key import Secret, default_store
from assistant.events import ConnectionChanged, ConnectionState, DeviceChanged, EventBus
from assistant.home import effects, sensitivity
from assistant.home.backend import BackendError
from assistant.home.commands import Action, ActionKind, ActionResult, CommandError
from assistant.home.home_assistant import services
from assistant.home.home_assistant.connection import Client, Connection, Settings, describe
from assistant.home.home_assistant.live import LiveHome, differs
from assistant.home.model import Device, Home
from assistant.home.partial import Failure, PartialFailure

if TYPE_CHECKING:
    from assistant.config import HomeAssistantConfig
    from assistant.home.registry import BackendPlace

NAME = "home_assistant"
#: How long a successful service call waits for its state change before reporting the state.
CONFIRM_S = 2.0


@dataclass(frozen=True)
class _Step:
    """One checked action: the device as it was, as it should become, and the call to make."""

    action: Action
    before: Device
    predicted: Device
    call: services.ServiceCall | None


class HomeAssistantBackend:
    """A Home Assistant server as a Hearth home; thread-safe."""

    def __init__(self, settings: Settings, bus: EventBus | None = None) -> None:
        self._bus = bus
        self._live = LiveHome(bus, self._resync)
        self._connection = Connection(settings, self._on_connected, self._on_state)

    @property
    def connection(self) -> Connection:
        return self._connection

    def status(self) -> ConnectionChanged:
        """The link as it is now: a window opened later shows this, then follows the events."""
        return ConnectionChanged(NAME, self._connection.state, self._connection.message)

    def start(self) -> HomeAssistantBackend:
        """Connect and read the home; BackendError (one line) if the server can't be used."""
        self._connection.start()
        return self

    # -- the Backend protocol -------------------------------------------------------------------

    def home(self) -> Home:
        return self._live.home()

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
        failed = [
            Failure(step.action.device, step.before.name, error)
            for step, _results, error in outcomes
            if error
        ]
        if not failed:
            return done
        if not done:
            reasons = list(dict.fromkeys(failure.reason for failure in failed))
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
        arrived = entity in self._live.changes_of(context)
        current = self.home().devices.get(entity)
        if arrived or current is None or not differs(current, step.predicted):
            return
        await self._live.wait_for_change(entity, CONFIRM_S)

    def _results(self, step: _Step, context: str | None) -> list[ActionResult]:
        after = self.home().devices.get(step.before.id, step.before)
        members = self._live.changes_of(context)
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
        await self._live.subscribe(client)
        await self._live.sync(client)

    async def _resync(self) -> None:
        client = self._connection.client
        if client is not None:
            await asyncio.wait_for(self._live.sync(client), self._connection.settings.timeout_s)


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
    backend = HomeAssistantBackend(settings, place.bus)
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
