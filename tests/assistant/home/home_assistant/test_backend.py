"""The Home Assistant backend against the fake server: the home, live state, commands, undo,
partial failures, and what a person hears when the server is slow, gone or says no."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant.events import ConnectionState, DeviceChanged, EventBus
from assistant.home.backend import BackendError
from assistant.home.commands import Action, ActionKind, CommandError
from assistant.home.home_assistant.backend import HomeAssistantBackend
from assistant.home.model import Home
from assistant.home.partial import PartialFailure
from assistant.home.sensitivity import NeedsConfirmation
from bench.fake_home_assistant import TOKEN, FakeHomeAssistant, free_port
from tests.assistant.home.home_assistant.conftest import SLOW_TIMEOUT_S, Waiter, settings


def test_the_home_is_built_from_the_registries(ha: HomeAssistantBackend, demo_home: Home) -> None:
    home = ha.home()
    assert {a.id: (a.name, a.aliases) for a in home.areas.values()} == {
        a.id: (a.name, a.aliases) for a in demo_home.areas.values()
    }
    assert {f.id: set(f.areas) for f in home.floors.values()} == {
        f.id: set(f.areas) for f in demo_home.floors.values()
    }
    counter = home.device("light.kitchen_counter")
    # The area comes from the device registry, the aliases from the full entity entries.
    assert (counter.name, counter.area, counter.aliases) == (
        "Counter Lights",
        "kitchen",
        ("under cabinet lights",),
    )
    assert set(home.devices) == set(demo_home.devices)


def test_states_arrive_in_hearths_units(ha: HomeAssistantBackend, demo_home: Home) -> None:
    home = ha.home()
    assert home.device("light.kitchen_ceiling").attributes["brightness"] == 80
    assert home.device("light.floor_lamp").attributes["color"] != ""
    assert "brightness" not in home.device("light.hallway").attributes  # on/off only
    assert home.device("cover.garage_door").attributes["position"] == 0
    assert home.device("media_player.kitchen_speaker").attributes["volume"] == 40


def test_only_exposed_entities_and_exposing_one_needs_no_restart(
    fake: FakeHomeAssistant, bus: EventBus, waiter: Waiter
) -> None:
    fake.data.exposed["switch.kettle"] = False
    backend = HomeAssistantBackend(settings(fake.url), bus).start()
    try:
        assert "switch.kettle" not in backend.home().devices
        fake.expose("switch.kettle", True)
        fake.rename_area("garden", "Back Garden")
        _eventually(lambda: "switch.kettle" in backend.home().devices)
        _eventually(lambda: backend.home().areas["garden"].name == "Back Garden")
    finally:
        backend.close()


def test_a_change_on_the_server_arrives_as_device_changed(
    ha: HomeAssistantBackend, fake: FakeHomeAssistant, waiter: Waiter
) -> None:
    fake.set_state("switch.kettle", "on")
    event = waiter.until(lambda e: isinstance(e, DeviceChanged) and e.device_id == "switch.kettle")
    assert isinstance(event, DeviceChanged)
    assert (event.state, event.previous_state) == ("on", "off")
    assert ha.home().device("switch.kettle").state == "on"


def test_a_command_changes_the_server_in_its_units_and_reports_the_confirmed_state(
    ha: HomeAssistantBackend, fake: FakeHomeAssistant
) -> None:
    results = ha.execute(
        [Action("light.kitchen_ceiling", ActionKind.SET_BRIGHTNESS, {"brightness": 30})]
    )
    assert fake.state_of("light.kitchen_ceiling")["attributes"]["brightness"] == round(
        30 * 255 / 100
    )
    assert [
        (r.before.attributes["brightness"], r.after.attributes["brightness"]) for r in results
    ] == [(80, 30)]
    assert (
        "light",
        "turn_on",
        {"brightness_pct": 30, "entity_id": ["light.kitchen_ceiling"]},
    ) in fake.calls


def test_a_relative_step_starts_from_the_state_now(
    ha: HomeAssistantBackend, fake: FakeHomeAssistant, waiter: Waiter
) -> None:
    fake.set_state("light.kitchen_ceiling", "on", brightness=round(50 * 255 / 100))
    waiter.until(lambda e: isinstance(e, DeviceChanged) and e.attributes.get("brightness") == 50)
    results = ha.execute(
        [Action("light.kitchen_ceiling", ActionKind.SET_BRIGHTNESS, {"brightness_step": 10})]
    )
    assert results[0].action.params == {"brightness": 60}
    assert results[0].after.attributes["brightness"] == 60


def test_a_bad_command_is_refused_before_anything_is_sent(
    ha: HomeAssistantBackend, fake: FakeHomeAssistant
) -> None:
    with pytest.raises(CommandError, match="Hallway Light can't be dimmed"):
        ha.execute(
            [
                Action("switch.kettle", ActionKind.TURN_ON),
                Action("light.hallway", ActionKind.SET_BRIGHTNESS, {"brightness": 20}),
            ]
        )
    with pytest.raises(CommandError, match="no device"):
        ha.execute([Action("light.nowhere", ActionKind.TURN_ON)])
    assert fake.calls == []


def test_unlock_asks_first_and_sends_nothing(
    ha: HomeAssistantBackend, fake: FakeHomeAssistant
) -> None:
    with pytest.raises(NeedsConfirmation):
        ha.execute([Action("lock.front_door", ActionKind.UNLOCK)], allow_sensitive=False)
    with pytest.raises(NeedsConfirmation):
        ha.execute([Action("cover.garage_door", ActionKind.OPEN)], allow_sensitive=False)
    assert fake.calls == []
    ha.execute([Action("lock.front_door", ActionKind.UNLOCK)], allow_sensitive=True)
    assert fake.state_of("lock.front_door")["state"] == "unlocked"


def test_undo_puts_the_server_back_and_asks_before_reopening(
    ha: HomeAssistantBackend, fake: FakeHomeAssistant
) -> None:
    results = ha.execute(
        [
            Action("light.kitchen_ceiling", ActionKind.SET_BRIGHTNESS, {"brightness": 30}),
            Action("media_player.kitchen_speaker", ActionKind.SET_VOLUME, {"volume": 70}),
            Action("cover.living_room_blinds", ActionKind.SET_POSITION, {"position": 20}),
        ]
    )
    restored = ha.restore(results)
    assert {r.after.id for r in restored} == {
        "light.kitchen_ceiling",
        "media_player.kitchen_speaker",
        "cover.living_room_blinds",
    }
    assert fake.state_of("light.kitchen_ceiling")["attributes"]["brightness"] == round(
        80 * 255 / 100
    )
    assert fake.state_of("media_player.kitchen_speaker")["attributes"]["volume_level"] == 0.4
    assert fake.state_of("cover.living_room_blinds")["attributes"]["current_position"] == 100

    unlocked = ha.execute([Action("lock.front_door", ActionKind.UNLOCK)])
    locked = ha.execute([Action("lock.front_door", ActionKind.LOCK)])
    assert unlocked and fake.state_of("lock.front_door")["state"] == "locked"
    with pytest.raises(NeedsConfirmation):
        ha.restore(locked, allow_sensitive=False)
    assert fake.state_of("lock.front_door")["state"] == "locked"


def test_a_partial_failure_says_what_changed_and_what_did_not(
    ha: HomeAssistantBackend, fake: FakeHomeAssistant
) -> None:
    fake.failing.add("switch.kettle")
    with pytest.raises(PartialFailure) as caught:
        ha.execute(
            [
                Action("switch.coffee_machine", ActionKind.TURN_ON),
                Action("switch.kettle", ActionKind.TURN_ON),
            ]
        )
    failure = caught.value
    assert [r.after.id for r in failure.done] == ["switch.coffee_machine"]
    assert [(f.device_id, "failed on the device" in f.reason) for f in failure.failed] == [
        ("switch.kettle", True)
    ]
    assert "changed Coffee Machine; didn't change Kettle" in str(failure)
    assert fake.state_of("switch.coffee_machine")["state"] == "on"
    assert fake.state_of("switch.kettle")["state"] == "off"


def test_when_everything_fails_it_is_one_line(
    ha: HomeAssistantBackend, fake: FakeHomeAssistant
) -> None:
    fake.failing.add("switch.turn_on")
    with pytest.raises(BackendError) as caught:
        ha.execute([Action("switch.kettle", ActionKind.TURN_ON)])
    assert not isinstance(caught.value, PartialFailure)
    assert str(caught.value) == (
        "Home Assistant refused switch.turn_on for Kettle: switch.turn_on failed on the device"
    )


def test_a_slow_service_call_times_out_with_a_clear_error(fake: FakeHomeAssistant) -> None:
    backend = HomeAssistantBackend(settings(fake.url, timeout_s=SLOW_TIMEOUT_S)).start()
    fake.slow_s = SLOW_TIMEOUT_S * 4
    try:
        with pytest.raises(BackendError) as caught:
            backend.execute([Action("switch.kettle", ActionKind.TURN_ON)])
    finally:
        backend.close()
    assert str(caught.value) == "Home Assistant didn't answer within 0.5 s for Kettle"


def test_a_dropped_connection_reconnects_and_catches_up(
    ha: HomeAssistantBackend, fake: FakeHomeAssistant, waiter: Waiter
) -> None:
    assert ha.status().state is ConnectionState.CONNECTED
    fake.stop()
    reconnecting = waiter.connection(ConnectionState.RECONNECTING)
    assert "retrying in" in reconnecting.message
    assert ha.status().state is ConnectionState.RECONNECTING
    with pytest.raises(BackendError, match="^Home Assistant isn't reachable"):
        ha.execute([Action("switch.kettle", ActionKind.TURN_ON)])
    fake.set_state("switch.printer", "on")  # changed while Hearth could not hear it
    waiter.clear()
    fake.start()
    waiter.connection(ConnectionState.CONNECTED)
    event = waiter.until(lambda e: isinstance(e, DeviceChanged) and e.device_id == "switch.printer")
    assert isinstance(event, DeviceChanged) and event.state == "on"
    ha.execute([Action("switch.kettle", ActionKind.TURN_ON)])
    assert fake.state_of("switch.kettle")["state"] == "on"


def test_a_connection_lost_during_a_call_is_one_line(
    ha: HomeAssistantBackend, fake: FakeHomeAssistant
) -> None:
    fake.slow_s = 2.0

    def drop_once_the_call_is_in() -> None:
        _eventually(lambda: bool(fake.calls))
        fake.drop()

    dropper = threading.Thread(target=drop_once_the_call_is_in)
    dropper.start()
    try:
        with pytest.raises(BackendError) as caught:
            ha.execute([Action("switch.kettle", ActionKind.TURN_ON)])
    finally:
        dropper.join()
    assert str(caught.value) == "Kettle: the connection dropped before an answer"


def test_a_blip_reconnects_by_itself(
    ha: HomeAssistantBackend, fake: FakeHomeAssistant, waiter: Waiter
) -> None:
    fake.drop()
    waiter.connection(ConnectionState.RECONNECTING)
    waiter.connection(ConnectionState.CONNECTED)
    assert fake.connections == 2
    _eventually(lambda: _works(ha))


def test_a_wrong_token_is_one_line(fake: FakeHomeAssistant) -> None:
    with pytest.raises(BackendError) as caught:
        HomeAssistantBackend(settings(fake.url, token="wrong")).start()
    message = str(caught.value)
    assert message == (
        f"Home Assistant at {fake.url} refused the token (Invalid access token or password); "
        "store a new one: hearth home set-token"
    )


def test_a_token_without_admin_rights_is_one_line(fake: FakeHomeAssistant) -> None:
    fake.admin = False
    with pytest.raises(BackendError) as caught:
        HomeAssistantBackend(settings(fake.url)).start()
    assert str(caught.value) == (
        f"Home Assistant at {fake.url} refused a request: Unauthorized "
        "(the token must be an administrator's)"
    )


def test_a_refused_connection_is_one_line() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(BackendError) as caught:
        HomeAssistantBackend(settings(url)).start()
    assert str(caught.value) == f"Home Assistant isn't reachable at {url}: connection refused"


def test_a_web_server_that_is_not_home_assistant_is_one_line() -> None:
    class NotFound(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_error(404)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with pytest.raises(BackendError) as caught:
            HomeAssistantBackend(settings(url)).start()
    finally:
        server.shutdown()
        server.server_close()
    assert str(caught.value) == (
        f"Home Assistant isn't reachable at {url}: no Home Assistant WebSocket API there (HTTP 404)"
    )


def _works(ha: HomeAssistantBackend) -> bool:
    try:
        ha.execute([Action("switch.printer", ActionKind.TOGGLE)])
    except BackendError:
        return False
    return True


def _eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_a_revoked_token_fails_until_asked_to_retry(
    ha: HomeAssistantBackend, fake: FakeHomeAssistant, waiter: Waiter
) -> None:
    fake.token = "rotated"
    fake.drop()
    failed = waiter.connection(ConnectionState.FAILED)
    assert "refused the token" in failed.message and "hearth home set-token" in failed.message
    connections = fake.connections
    waiter.clear()
    fake.token = TOKEN  # a new token stored, say
    ha.refresh()  # "try again now": no backoff left to wait for
    waiter.connection(ConnectionState.CONNECTED)
    assert fake.connections == connections + 1


def test_a_scenes_members_come_back_with_the_call_and_can_be_undone(
    ha: HomeAssistantBackend, fake: FakeHomeAssistant
) -> None:
    results = ha.execute([Action("scene.movie_night", ActionKind.TURN_ON)])
    members = {r.after.id: r.after.state for r in results if r.via == "scene.movie_night"}
    # The members Home Assistant changed under the scene call's context, and only those.
    assert members == {
        "light.tv_backlight": "on",
        "cover.living_room_blinds": "closed",
        "media_player.living_room_tv": "playing",
    }
    ha.restore(results)
    assert fake.state_of("light.tv_backlight")["state"] == "off"
    assert fake.state_of("cover.living_room_blinds")["attributes"]["current_position"] == 100
    assert fake.state_of("media_player.living_room_tv")["state"] == "off"
