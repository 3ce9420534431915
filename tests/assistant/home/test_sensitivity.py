"""Sensitivity by effect: every action on every kind of way in, from every starting state.

What counts is what happens to the device, never what the action is called: "turn on", "toggle",
"open" and "set position 30" on a garage door all open it, and all must ask.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.home import effects, sensitivity
from assistant.home.commands import Action, ActionKind, ActionResult, CommandError
from assistant.home.loader import parse_home
from assistant.home.model import Device, Home
from assistant.home.simulated import SimulatedBackend
from tests.assistant.guarded_home import ALARM, GUARDED, HOME, LOCK, opening, samples

K = ActionKind


@pytest.fixture(scope="module")
def home() -> Home:
    return parse_home(HOME)


def _exposed_copy(device: Device) -> Device:
    if device.domain.value == "lock":
        return device.with_state("unlocked")
    return device.with_state("open", {**device.attributes, "position": 100})


MATRIX = [
    pytest.param(device_id, kind, params, start, id=f"{device_id}-{kind.value}-{params}-{start}")
    for device_id in GUARDED
    for kind in ActionKind
    for params in samples(kind)
    for start in ("secured", "exposed")
]


@pytest.mark.parametrize(("device_id", "kind", "params", "start"), MATRIX)
def test_every_action_on_every_way_in(
    home: Home, device_id: str, kind: ActionKind, params: dict, start: str
) -> None:
    device = home.devices[device_id]
    if start == "exposed":
        device = _exposed_copy(device)
    devices = {**home.devices, device_id: device}
    action = Action(device_id, kind, params)

    asks = bool(sensitivity.action_risks(action, devices))

    # Whatever the device's state now, an action that can open it asks (another process may
    # close it before the action runs).
    assert asks == opening(device_id, kind, params)
    # And the effect itself: from the secured state it opens exactly when the rule says so.
    try:
        after = effects.apply(sensitivity.secured(device), action)
    except CommandError:
        assert not opening(device_id, kind, params)
        return
    assert sensitivity.opens(sensitivity.secured(device), after) == opening(device_id, kind, params)


@pytest.mark.parametrize("kind", list(ActionKind))
def test_ordinary_devices_never_ask(home: Home, kind: ActionKind) -> None:
    for device_id in ("cover.blinds", "light.porch", ALARM):
        for params in samples(kind):
            assert not sensitivity.action_risks(Action(device_id, kind, params), home.devices)


def test_a_scene_that_unlocks_and_disarms_asks_for_both(home: Home) -> None:
    found = sensitivity.risks([Action("scene.leave_home", K.TURN_ON)], home.devices)
    assert {r.device.id for r in found} == {LOCK, ALARM}
    assert all(r.via is not None and r.via.id == "scene.leave_home" for r in found)
    text = sensitivity.question(found)
    assert "Leave Home" in text and "unlock the Front Door" in text
    assert "disarm the House Alarm" in text


def test_a_scene_that_only_secures_does_not_ask(home: Home) -> None:
    assert not sensitivity.risks([Action("scene.bedtime", K.TURN_ON)], home.devices)


def test_restoring_an_unlocked_state_asks_only_when_it_changes_something(home: Home) -> None:
    unlocked = home.devices[LOCK].with_state("unlocked")
    assert sensitivity.restore_risks([unlocked], home.devices)
    assert not sensitivity.restore_risks([unlocked], {**home.devices, LOCK: unlocked})
    locked = home.devices[LOCK]
    assert not sensitivity.restore_risks([locked], {**home.devices, LOCK: unlocked})


def test_opening_further_counts_as_opening(home: Home) -> None:
    garage = home.devices["cover.garage_door"]
    ajar = garage.with_state("open", {**garage.attributes, "position": 10})
    wide = garage.with_state("open", {**garage.attributes, "position": 100})
    assert sensitivity.opens(ajar, wide)
    assert not sensitivity.opens(wide, garage.with_state("closed", {"position": 0}))


# -- the backend's own guard, judged on the state it actually writes ------------------------------


@pytest.fixture
def backend(home: Home, tmp_path: Path):
    simulated = SimulatedBackend(home, tmp_path / "home.sqlite3")
    yield simulated
    simulated.close()


@pytest.mark.parametrize(
    "action",
    [
        Action(LOCK, K.UNLOCK),
        Action("cover.garage_door", K.TURN_ON),
        Action("cover.patio_door", K.TOGGLE),
        Action("cover.garden_gate", K.SET_POSITION, {"position": 5}),
        Action("scene.leave_home", K.TURN_ON),
    ],
    ids=lambda a: f"{a.device}-{a.action.value}",
)
def test_backend_refuses_an_unconfirmed_opening_and_changes_nothing(backend, action) -> None:
    before = {d.id: (d.state, dict(d.attributes)) for d in backend.home().devices.values()}
    with pytest.raises(sensitivity.NeedsConfirmation) as caught:
        backend.execute([Action("light.porch", K.TURN_ON), action], allow_sensitive=False)
    assert caught.value.results
    after = {d.id: (d.state, dict(d.attributes)) for d in backend.home().devices.values()}
    assert after == before  # not even the harmless part of the batch ran


def test_backend_judges_the_whole_batch_by_its_end_state(backend) -> None:
    # Unlocked and locked again in one transaction: nothing is left open, nothing to confirm.
    backend.execute([Action(LOCK, K.UNLOCK), Action(LOCK, K.LOCK)], allow_sensitive=False)
    assert backend.home().devices[LOCK].state == "locked"


def test_backend_restore_refuses_an_unconfirmed_unlock(backend) -> None:
    results = backend.execute([Action(LOCK, K.UNLOCK)])
    backend.execute([Action(LOCK, K.LOCK)])
    stale = [ActionResult(results[0].action, results[0].after, results[0].after)]
    with pytest.raises(sensitivity.NeedsConfirmation):
        backend.restore(stale, allow_sensitive=False)
    assert backend.home().devices[LOCK].state == "locked"
    backend.restore(stale, allow_sensitive=True)
    assert backend.home().devices[LOCK].state == "unlocked"
