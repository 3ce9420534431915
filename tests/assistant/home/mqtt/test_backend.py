"""The MQTT backend against a real mosquitto and the demo home publishing into it: discovery
builds the home, commands change the remote devices (checked by a separate subscriber), remote
changes arrive as DeviceChanged, and a broker that goes away loses no command."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from assistant.events import DeviceChanged, EventBus
from assistant.home.backend import BackendError
from assistant.home.commands import Action, ActionKind, CommandError
from assistant.home.loader import load_home
from assistant.home.model import Home
from assistant.home.mqtt.backend import MqttBackend
from assistant.home.mqtt.connection import Broker
from assistant.home.mqtt.demo import DemoHome
from assistant.home.mqtt.demo_devices import publishable
from assistant.home.partial import PartialFailure
from assistant.home.sensitivity import NeedsConfirmation
from bench.mosquitto import Mosquitto, free_port
from tests.assistant.home.mqtt.conftest import TEST_OPTIONS


def wait_for(check: Callable[[], bool], timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


class Watcher:
    """An independent subscriber: what the broker says a topic holds now."""

    def __init__(self, broker: Broker, topic: str) -> None:
        self.last: str | None = None
        self._client = mqtt.Client(CallbackAPIVersion.VERSION2)
        self._client.on_message = self._message
        self._client.on_connect = lambda c, *_: c.subscribe(topic, qos=1)
        self._client.connect(broker.host, broker.port)
        self._client.loop_start()

    def _message(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        self.last = message.payload.decode()

    def publish(self, topic: str, payload: str, *, qos: int = 1, retain: bool = False) -> None:
        """Send as a third party would (a device Hearth does not know about)."""
        self._client.publish(topic, payload, qos=qos, retain=retain).wait_for_publish(10)

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()


@pytest.fixture
def kettle(mosquitto: Mosquitto) -> Iterator[Watcher]:
    watcher = Watcher(mosquitto.broker, "hearth-demo/switch/kettle/state")
    yield watcher
    watcher.close()


def test_discovery_builds_the_home(mqtt_backend: MqttBackend, demo_home: Home) -> None:
    home = mqtt_backend.home()
    expected = {d.id: d for d in demo_home.devices.values() if publishable(d)}
    assert set(home.devices) == set(expected)
    for device_id, wanted in expected.items():
        found = home.device(device_id)
        assert (found.name, found.area, found.domain) == (wanted.name, wanted.area, wanted.domain)
        if wanted.domain.value != "scene":
            assert found.state == wanted.state, device_id
    assert home.device("light.floor_lamp").attributes["brightness"] == 60
    assert home.device("light.night_light").attributes["color"] == "orange"
    assert home.device("cover.garage_door").device_class == "garage"
    assert home.device("climate.living_room").attributes["temperature"] == 21
    assert home.device("sensor.kitchen_humidity").attributes["unit_of_measurement"] == "%"
    # Areas come from the devices' suggested_area; aliases and floors from the home file.
    assert home.areas["living_room"].name == "Living Room"
    assert "lounge" in home.areas["living_room"].aliases
    assert home.find_floor("upstairs") is not None
    assert "coffee maker" in home.device("switch.coffee_machine").aliases


def test_commands_change_the_remote_devices(
    mqtt_backend: MqttBackend, demo: DemoHome, kettle: Watcher
) -> None:
    results = mqtt_backend.execute(
        [
            Action("switch.kettle", ActionKind.TURN_ON),
            Action("light.kitchen_counter", ActionKind.SET_BRIGHTNESS, {"brightness": 40}),
            Action("light.tv_backlight", ActionKind.SET_COLOR, {"color": "red"}),
            Action("cover.office_blinds", ActionKind.SET_POSITION, {"position": 30}),
            Action("climate.bedroom", ActionKind.SET_TEMPERATURE, {"temperature": 22.5}),
        ]
    )
    assert [r.after.state for r in results] == ["on", "on", "on", "open", "heat"]
    assert wait_for(lambda: kettle.last == "ON")
    assert demo.device("light.kitchen_counter").attributes["brightness"] == 40
    assert demo.device("light.tv_backlight").attributes["color"] == "red"
    assert demo.device("cover.office_blinds").attributes["position"] == 30
    assert demo.device("climate.bedroom").attributes["temperature"] == 22.5
    # Relative steps are computed from the state as reported now.
    [step] = mqtt_backend.execute(
        [Action("light.kitchen_counter", ActionKind.SET_BRIGHTNESS, {"brightness_step": 10})]
    )
    assert step.action.params == {"brightness": 50}
    assert demo.device("light.kitchen_counter").attributes["brightness"] == 50
    # Undo goes back through the broker.
    mqtt_backend.restore(results)
    assert wait_for(lambda: kettle.last == "OFF")
    assert demo.device("cover.office_blinds").attributes["position"] == 0
    assert demo.device("light.kitchen_counter").state == "off"


def test_opening_a_door_needs_a_yes_and_nothing_is_sent_without_it(
    mqtt_backend: MqttBackend, demo: DemoHome
) -> None:
    with pytest.raises(NeedsConfirmation):
        mqtt_backend.execute(
            [
                Action("switch.kettle", ActionKind.TURN_ON),
                Action("lock.front_door", ActionKind.UNLOCK),
            ],
            allow_sensitive=False,
        )
    assert demo.device("switch.kettle").state == "off"
    assert demo.device("lock.front_door").state == "locked"
    with pytest.raises(CommandError):
        mqtt_backend.execute([Action("sensor.kitchen_humidity", ActionKind.TURN_ON)])
    mqtt_backend.execute([Action("lock.front_door", ActionKind.UNLOCK)], allow_sensitive=True)
    assert demo.device("lock.front_door").state == "unlocked"


def test_a_change_made_at_the_device_arrives_as_device_changed(
    mqtt_backend: MqttBackend, demo: DemoHome, bus: EventBus
) -> None:
    heard: list[DeviceChanged] = []
    bus.subscribe(lambda e: heard.append(e) if isinstance(e, DeviceChanged) else None)
    demo.change(demo.device("switch.kettle").with_state("on"))
    assert wait_for(lambda: any(e.device_id == "switch.kettle" for e in heard))
    [event] = [e for e in heard if e.device_id == "switch.kettle"]
    assert (event.state, event.previous_state) == ("on", "off")
    assert mqtt_backend.home().device("switch.kettle").state == "on"


def test_a_broker_restart_mid_session_loses_no_command(
    mosquitto: Mosquitto, mqtt_backend: MqttBackend, demo: DemoHome
) -> None:
    mosquitto.stop()
    assert wait_for(lambda: not mqtt_backend.connected)
    outcome: list[object] = []

    def command() -> None:
        try:
            outcome.append(mqtt_backend.execute([Action("switch.kettle", ActionKind.TURN_ON)]))
        except BackendError as err:
            outcome.append(err)

    worker = threading.Thread(target=command)
    worker.start()
    time.sleep(0.5)  # the command is waiting for the broker now
    mosquitto.start()
    worker.join(timeout=30)
    [results] = outcome
    assert not isinstance(results, BaseException), results
    assert demo.device("switch.kettle").state == "on"
    assert mqtt_backend.home().device("switch.kettle").state == "on"


def test_a_broker_that_stays_away_is_one_line_and_the_command_is_not_sent_later(
    mosquitto: Mosquitto, demo: DemoHome, demo_home: Home
) -> None:
    options = replace(TEST_OPTIONS, command_wait_s=0.5)
    backend = MqttBackend(mosquitto.broker, options, demo_home)
    try:
        mosquitto.stop()
        assert wait_for(lambda: not backend.connected)
        with pytest.raises(BackendError) as away:
            backend.execute([Action("switch.kettle", ActionKind.TURN_ON)])
        assert str(away.value) == "the MQTT broker isn't reachable"
        mosquitto.start()
        assert wait_for(
            lambda: backend.connected and backend.home().device("switch.kettle").state == "off"
        )
        time.sleep(0.5)  # had the command stayed queued, it would have been delivered by now
        assert demo.device("switch.kettle").state == "off"
    finally:
        backend.close()


def test_a_device_that_does_not_answer_is_named_beside_those_that_changed(
    mosquitto: Mosquitto, demo: DemoHome, demo_home: Home
) -> None:
    ghost = mqtt.Client(CallbackAPIVersion.VERSION2)
    ghost.connect(mosquitto.broker.host, mosquitto.broker.port)
    ghost.loop_start()
    config = '{"name": "Heater", "cmd_t": "ghost/set", "stat_t": "ghost/state", "dev": {"ids": ["g"], "name": "Heater", "sa": "Kitchen"}}'
    ghost.publish("homeassistant/switch/ghost/config", config, qos=1, retain=True).wait_for_publish(
        5
    )
    ghost.publish("ghost/state", "OFF", qos=1, retain=True).wait_for_publish(5)
    backend = MqttBackend(mosquitto.broker, replace(TEST_OPTIONS, confirm_s=1.0), demo_home)
    try:
        assert backend.home().device("switch.ghost").state == "off"
        with pytest.raises(PartialFailure) as partial:
            backend.execute(
                [
                    Action("switch.kettle", ActionKind.TURN_ON),
                    Action("switch.ghost", ActionKind.TURN_ON),
                ]
            )
        assert [r.after.id for r in partial.value.done] == ["switch.kettle"]
        assert [(f.device_id, f.reason) for f in partial.value.failed] == [
            ("switch.ghost", "the device didn't confirm the change")
        ]
        assert str(partial.value) == (
            "changed Kettle; didn't change Heater (the device didn't confirm the change)"
        )
        assert demo.device("switch.kettle").state == "on"
        assert backend.home().device("switch.ghost").state == "off"
    finally:
        backend.close()
        ghost.disconnect()
        ghost.loop_stop()


def test_a_wrong_port_is_one_line() -> None:
    port = free_port()
    with pytest.raises(BackendError) as refused:
        MqttBackend(Broker("127.0.0.1", port), TEST_OPTIONS, load_home())
    assert str(refused.value) == (
        f"the MQTT broker isn't reachable at 127.0.0.1:{port}: connection refused"
    )


def test_a_device_that_goes_offline_shows_unavailable_and_gets_no_command(
    mosquitto: Mosquitto, mqtt_backend: MqttBackend, demo: DemoHome, bus: EventBus
) -> None:
    heard: list[DeviceChanged] = []
    bus.subscribe(lambda e: heard.append(e) if isinstance(e, DeviceChanged) else None)
    demo.close()  # the demo says "offline" for all its devices
    assert wait_for(lambda: mqtt_backend.home().device("switch.kettle").state == "unavailable")
    assert any(e.device_id == "switch.kettle" and e.state == "unavailable" for e in heard)
    with pytest.raises(PartialFailure) as offline:
        mqtt_backend.execute([Action("switch.kettle", ActionKind.TURN_ON)])
    assert str(offline.value) == "nothing changed: Kettle (the device is offline)"

    back = DemoHome(load_home(), mosquitto.broker)
    back.start()
    try:
        assert wait_for(lambda: mqtt_backend.home().device("switch.kettle").state == "off")
        mqtt_backend.execute([Action("switch.kettle", ActionKind.TURN_ON)])
        assert back.device("switch.kettle").state == "on"
    finally:
        back.close()


def test_devices_announced_or_removed_later_appear_and_go_without_a_restart(
    mosquitto: Mosquitto, mqtt_backend: MqttBackend
) -> None:
    client = mqtt.Client(CallbackAPIVersion.VERSION2)
    client.connect(mosquitto.broker.host, mosquitto.broker.port)
    client.loop_start()
    try:
        config = '{"name": "Aquarium", "cmd_t": "fish/set", "stat_t": "fish/state", "dev": {"ids": ["f"], "name": "Aquarium", "sa": "Study Nook"}}'
        client.publish("homeassistant/switch/fish/config", config, qos=1, retain=True)
        client.publish("fish/state", "ON", qos=1, retain=True)
        assert wait_for(lambda: "switch.fish" in mqtt_backend.home().devices)
        assert wait_for(lambda: mqtt_backend.home().device("switch.fish").state == "on")
        assert mqtt_backend.home().areas["study_nook"].name == "Study Nook"
        client.publish("homeassistant/switch/fish/config", "", qos=1, retain=True)
        assert wait_for(lambda: "switch.fish" not in mqtt_backend.home().devices)
    finally:
        client.disconnect()
        client.loop_stop()
