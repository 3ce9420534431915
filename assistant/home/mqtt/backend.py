"""The MQTT home: devices from Home Assistant MQTT discovery, state live from their topics.

The broker is the only truth. Device state is what the devices last reported on their state
topics (retained messages give it at start); every change they report is published on the bus
as ``DeviceChanged`` as it arrives, whoever made it (a wall switch, another app, Hearth).

A command set cannot be one transaction over MQTT, so ``execute``:

1. plans every change from the state as reported now (relative steps included) and checks it:
   a bad command or a change that would open a door without a yes is refused before anything
   is sent;
2. sends each device's payloads with QoS 1. While the broker is away a command waits a few
   seconds for it to return (``command_wait_s``); if it doesn't, nothing more is sent and
   nothing is left queued to be sent later;
3. waits (``confirm_s``) for each device to report the new state, resending once to a device
   that did not answer (every payload is absolute, so twice is harmless);
4. answers with what really happened: all done, ``BackendError("the MQTT broker isn't
   reachable")`` when nothing could be sent, or ``PartialFailure`` naming what changed and what
   didn't.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.events import DeviceChanged, EventBus
from assistant.home import effects, sensitivity
from assistant.home.backend import BackendError
from assistant.home.commands import Action, ActionKind, ActionResult, CommandError
from assistant.home.model import Area, Device, Home
from assistant.home.mqtt import discovery
from assistant.home.mqtt.availability import UNAVAILABLE, Availability, availabilities
from assistant.home.mqtt.codec import Publish
from assistant.home.mqtt.connection import UNREACHABLE, Broker, Connection
from assistant.home.mqtt.discovery import Discovery, Entity
from assistant.home.mqtt.platforms import codec
from assistant.home.mqtt.steps import Step, changed, differs, failure, reached, settled
from assistant.home.partial import PartialFailure

_LOGGER = logging.getLogger(__name__)

NO_REPLY = "the device didn't confirm the change"
OFFLINE = "the device is offline"


@dataclass(frozen=True)
class MqttOptions:
    """What to listen to and how long to wait; the defaults suit a broker on the home network."""

    discovery_prefix: str = "homeassistant"
    connect_timeout_s: float = 5.0
    #: How long a command waits for a broker that is away to come back.
    command_wait_s: float = 5.0
    #: How long a device has to report the state it was asked for.
    confirm_s: float = 3.0
    #: The most the start waits for retained discovery configs and states.
    settle_s: float = 5.0


class MqttBackend:
    """A ``Backend`` over one broker; thread-safe (state arrives on paho's network thread)."""

    def __init__(
        self,
        broker: Broker,
        options: MqttOptions | None = None,
        layout: Home | None = None,
        bus: EventBus | None = None,
    ) -> None:
        self.options = options or MqttOptions()
        self._layout = layout or Home()
        self._bus = bus
        self._lock = threading.Condition(threading.RLock())
        self._command_lock = threading.Lock()
        self._discovery = Discovery(self.options.discovery_prefix)
        self._entities: dict[str, Entity] = {}
        self._devices: dict[str, Device] = {}
        self._routes: dict[str, list[str]] = {}
        self._watch: dict[str, list[tuple[str, Availability]]] = {}
        #: Offline devices as they last reported themselves; shown again once back online.
        self._hidden: dict[str, Device] = {}
        #: Offline devices not confirmed offline since the last reconnect: a broker that
        #: restarted without persistence forgot their availability, so they get a moment.
        self._doubtful: set[str] = set()
        self._ready = False
        self._connection = Connection(
            broker, self._on_message, name="hearth", on_connect=self._reconnected
        )
        self._connection.subscribe(discovery.subscriptions(self.options.discovery_prefix))
        self._connection.open(self.options.connect_timeout_s)
        # Twice: configs first (they subscribe to state topics), then the retained states.
        for _ in range(2):
            self._connection.barrier(self.options.settle_s)
        self._ready = True

    # -- reading ------------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._connection.connected

    def status(self) -> str:
        """ "connected to the MQTT broker at host:1883" or "reconnecting to …", for a status line."""
        state = "connected to" if self.connected else "reconnecting to"
        return f"{state} the MQTT broker at {self._connection.broker.where}"

    def home(self) -> Home:
        with self._lock:
            devices = list(self._devices.values())
            entities = list(self._entities.values())
        areas = []
        for area_id, name in discovery.area_names(entities).items():
            known = self._layout.areas.get(area_id)
            areas.append(
                Area(area_id, name, known.aliases if known else (), known.floor if known else None)
            )
        named = {a.id for a in areas}
        floors = [f for f in self._layout.floors.values() if named & set(f.areas)]
        return Home(areas, [self._with_aliases(d) for d in devices], floors)

    def _with_aliases(self, device: Device) -> Device:
        known = self._layout.devices.get(device.id)
        if known is None or not known.aliases or device.aliases:
            return device
        return Device(
            device.id, device.name, device.domain, device.area, known.aliases,
            device.state, device.attributes,
        )  # fmt: skip

    def refresh(self) -> list[DeviceChanged]:
        """Nothing to poll: every reported change was published on the bus as it arrived."""
        return []

    # -- messages (network thread) ------------------------------------------------------------------

    def _on_message(self, topic: str, payload: bytes) -> None:
        if self._discovery.is_config(topic):
            with self._lock:
                if self._discovery.apply(topic, payload):
                    self._rebuild()
            return
        text = payload.decode("utf-8", "replace")
        events: list[DeviceChanged] = []
        with self._lock:
            for entity_id in self._routes.get(topic, ()):
                entity = self._entities[entity_id]
                if entity_id in self._hidden:  # offline: remember, show when it is back
                    hidden = self._hidden[entity_id]
                    self._hidden[entity_id] = (
                        codec(entity).read(entity, hidden, topic, text) or hidden
                    )
                    continue
                device = self._devices[entity_id]
                updated = codec(entity).read(entity, device, topic, text)
                if updated is not None and differs(device, updated):
                    self._devices[entity_id] = updated
                    events.append(changed(device, updated))
            for entity_id, availability in self._watch.get(topic, ()):
                event = self._set_online(entity_id, availability.judge(text))
                if event is not None:
                    events.append(event)
            if events:
                self._lock.notify_all()
        if self._ready:
            self._publish(events)

    def _set_online(self, entity_id: str, online: bool | None) -> DeviceChanged | None:
        device = self._devices[entity_id]
        if online is False:
            self._doubtful.discard(entity_id)
        if online is False and entity_id not in self._hidden:
            self._hidden[entity_id] = device
            self._devices[entity_id] = device.with_state(UNAVAILABLE)
        elif online is True and entity_id in self._hidden:
            self._devices[entity_id] = self._hidden.pop(entity_id)
        else:
            return None
        return changed(device, self._devices[entity_id])

    def _rebuild(self) -> None:
        """The entities changed (discovery): keep known devices' state, add and drop the rest."""
        entities = {e.entity_id: e for e in self._discovery.entities()}
        devices: dict[str, Device] = {}
        routes: dict[str, list[str]] = {}
        watch: dict[str, list[tuple[str, Availability]]] = {}
        for entity_id, entity in entities.items():
            fresh = codec(entity).initial(entity)
            old = self._devices.get(entity_id)
            if old is not None and old.domain is fresh.domain:
                fresh = fresh.with_state(old.state, {**fresh.attributes, **old.attributes})
            devices[entity_id] = fresh
            for topic in codec(entity).state_topics(entity):
                routes.setdefault(topic, []).append(entity_id)
            for availability in availabilities(entity):
                watch.setdefault(availability.topic, []).append((entity_id, availability))
        self._entities, self._devices, self._routes, self._watch = entities, devices, routes, watch
        self._hidden = {k: v for k, v in self._hidden.items() if k in entities}
        self._connection.subscribe([*routes, *watch])

    def _publish(self, events: Sequence[DeviceChanged]) -> None:
        if self._bus is not None:
            for event in events:
                self._bus.publish(event)

    # -- commands -------------------------------------------------------------------------------------

    def execute(
        self, actions: Sequence[Action], *, allow_sensitive: bool = True
    ) -> list[ActionResult]:
        with self._command_lock:
            with self._lock:
                working = dict(self._devices)
                entities = dict(self._entities)
            results: list[ActionResult] = []
            for action in actions:
                device = working.get(action.device)
                if device is None:
                    raise CommandError(f"there is no device {action.device!r}")
                done = effects.resolve(device, action)
                after = effects.apply(device, done)
                results.append(ActionResult(done, device, after))
                working[device.id] = after
            changing = [r for r in results if r.action.action is not ActionKind.GET_STATE]
            steps = [self._step(entities[r.after.id], r, r.action.action) for r in changing]
            return self._carry_out(steps, allow_sensitive)

    def restore(
        self, results: Sequence[ActionResult], *, allow_sensitive: bool = True
    ) -> list[ActionResult]:
        with self._command_lock:
            with self._lock:
                current = dict(self._devices)
                entities = dict(self._entities)
            steps: list[Step] = []
            seen: set[str] = set()
            for result in results:  # the earliest "before" of each device is the state to return to
                target = result.before
                if target.id in seen or target.id not in current:
                    continue
                seen.add(target.id)
                now = current[target.id]
                after = now.with_state(target.state, dict(target.attributes))
                if differs(now, after):
                    steps.append(
                        self._step(
                            entities[target.id], ActionResult(result.action, now, after), None
                        )
                    )
            return self._carry_out(steps, allow_sensitive)

    def _step(self, entity: Entity, result: ActionResult, action: ActionKind | None) -> Step:
        handler = codec(entity)
        publishes = handler.command(entity, result.before, result.after, action)
        if not publishes or not all(p.topic for p in publishes):
            raise CommandError(f"{result.before.name} cannot be controlled over MQTT")
        return Step(result, tuple(publishes), handler.reports(entity))

    def _carry_out(self, steps: Sequence[Step], allow_sensitive: bool) -> list[ActionResult]:
        if not allow_sensitive and (
            risky := sensitivity.opened([s.result for s in steps if s.result.changed])
        ):
            raise sensitivity.NeedsConfirmation(risky)
        offline = self._still_offline({s.result.after.id for s in steps})
        failed = [
            failure(s, OFFLINE if self.connected else UNREACHABLE)
            for s in steps
            if s.result.after.id in offline
        ]
        steps = [s for s in steps if s.result.after.id not in offline]
        sent: list[Step] = []
        for index, step in enumerate(steps):
            if not all(self._send(p) for p in step.publishes):
                failed.extend(failure(s, UNREACHABLE) for s in steps[index:])
                break
            sent.append(step)
        if not sent:
            if failed and all(f.reason == UNREACHABLE for f in failed):
                raise BackendError(UNREACHABLE)
            if failed:
                raise PartialFailure([], failed)
            return []
        done, unconfirmed = self._confirm(sent)
        failed = [failure(s, NO_REPLY) for s in unconfirmed] + failed
        if failed:
            raise PartialFailure(done, failed)
        return done

    def _still_offline(self, device_ids: set[str]) -> set[str]:
        """The devices that are offline; one whose offline state may be stale (the broker is
        away, or came back and has not said yet) is waited for, within ``command_wait_s``."""
        deadline = time.monotonic() + self.options.command_wait_s
        with self._lock:
            while True:
                offline = device_ids & set(self._hidden)
                doubtful = offline & self._doubtful if self.connected else offline
                left = deadline - time.monotonic()
                if not doubtful or left <= 0:
                    return offline
                self._lock.wait(min(left, 0.1))

    def _reconnected(self) -> None:
        with self._lock:
            self._doubtful = set(self._hidden)

    def _send(self, publish: Publish) -> bool:
        return self._connection.publish(
            publish.topic, publish.payload, timeout_s=self.options.command_wait_s
        )

    def _confirm(self, sent: Sequence[Step]) -> tuple[list[ActionResult], list[Step]]:
        """Wait for each device to report what it was asked for; resend once halfway."""
        deadline = time.monotonic() + self.options.confirm_s
        resend_at = time.monotonic() + self.options.confirm_s / 2
        waiting = [s for s in sent if s.reports]
        resent = False
        with self._lock:
            while waiting:
                waiting = [s for s in waiting if not reached(self._devices[s.result.after.id], s)]
                now = time.monotonic()
                if not waiting or now >= deadline:
                    break
                if not resent and now >= resend_at:
                    resent = True
                    for step in waiting:
                        for publish in step.publishes:
                            self._connection.send(publish.topic, publish.payload)
                    continue
                self._lock.wait(min(deadline, resend_at if not resent else deadline) - now)
            unconfirmed = {id(s) for s in waiting}
            for step in waiting:
                reported = self._devices[step.result.after.id]
                _LOGGER.warning(
                    "%s did not confirm: reports %s %s, asked for %s %s",
                    step.result.after.id,
                    reported.state,
                    dict(reported.attributes),
                    step.result.after.state,
                    dict(step.result.after.attributes),
                )
            done: list[ActionResult] = []
            events: list[DeviceChanged] = []
            for step in sent:
                if id(step) in unconfirmed:
                    continue
                device_id = step.result.after.id
                reported = self._devices[device_id]
                now = settled(reported, step)
                if differs(reported, now):
                    self._devices[device_id] = now
                    events.append(changed(reported, now))
                done.append(
                    ActionResult(step.result.action, step.result.before, now, step.result.via)
                )
        self._publish(events)
        return done, [s for s in sent if id(s) in unconfirmed]

    def close(self) -> None:
        self._connection.close()
