"""Whoever asks, a change that opens the home waits for a yes.

The same rule (``assistant.home.sensitivity``) over every way a change can be asked for: a typed
or spoken sentence, a repaired (fuzzy) one, a follow-up, an answer to "which one?", a scene, a
device card, and undo. Each test checks the device is still shut after the question, and, where
it matters, that a yes then does open it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.conversation import Conversation
from assistant.home import sensitivity
from assistant.home.commands import Action, ActionKind, ActionResult
from assistant.home.loader import parse_home
from assistant.home.model import Home
from assistant.home.simulated import SimulatedBackend
from assistant.session import SessionStore
from intents.engine import IntentEngine
from tests.assistant.guarded_home import ALARM, GUARDED, HOME, LOCK, opening, samples
from tests.conftest import Clock

K = ActionKind


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[SimulatedBackend]:
    backend = SimulatedBackend(parse_home(HOME), tmp_path / "guarded.sqlite3")
    yield backend
    backend.close()


@pytest.fixture
def talk(guarded: SimulatedBackend, engine: IntentEngine, clock: Clock) -> Iterator[Conversation]:
    store = SessionStore(None)
    yield Conversation(guarded, engine, store=store, clock=clock)
    store.close()


def shut(backend: SimulatedBackend) -> dict[str, bool]:
    """Which ways in are letting someone in right now."""
    devices = backend.home().devices
    return {i: sensitivity.exposed(devices[i]) for i in (*GUARDED, ALARM)}


NOTHING_OPEN = dict.fromkeys((*GUARDED, ALARM), False)


# -- sentences: local, repaired, follow-ups, clarifications, scenes --------------------------------


@pytest.mark.parametrize(
    ("text", "device"),
    [
        ("unlock the front door", LOCK),
        ("toggle the front door", LOCK),
        ("unlok the front door", LOCK),  # fuzzy repair
        ("open the garage door", "cover.garage_door"),
        ("raise the garage door", "cover.garage_door"),
        ("toggle the garage door", "cover.garage_door"),
        ("set the garage door to 40%", "cover.garage_door"),
        ("open the garaj door", "cover.garage_door"),  # fuzzy repair
        ("open the patio door", "cover.patio_door"),
        ("set the patio door to 10%", "cover.patio_door"),
        ("open the gate in the garden", "cover.garden_gate"),
    ],
)
def test_a_sentence_that_opens_asks_first(
    talk: Conversation, guarded: SimulatedBackend, text: str, device: str
) -> None:
    result = talk.handle(text)
    assert result.confirmation_required, result.response
    assert result.response.startswith("Are you sure")
    assert shut(guarded) == NOTHING_OPEN
    talk.handle("yes")
    assert shut(guarded)[device]


def test_closing_and_locking_do_not_ask(talk: Conversation, guarded: SimulatedBackend) -> None:
    for text in ("lock the front door", "close the garage door", "set the garage door to 0%"):
        result = talk.handle(text)
        assert not result.confirmation_required, text


def test_a_follow_up_in_another_room_asks_again(
    talk: Conversation, guarded: SimulatedBackend
) -> None:
    talk.handle("open the gate in the garden")
    talk.handle("yes")
    result = talk.handle("and in the driveway too")
    assert result.confirmation_required, result.response
    assert guarded.home().devices["cover.drive_gate"].state == "closed"
    talk.handle("yes")
    assert guarded.home().devices["cover.drive_gate"].state == "open"


def test_the_answer_to_which_one_asks_before_opening(
    talk: Conversation, guarded: SimulatedBackend
) -> None:
    question = talk.handle("open the gate")
    assert question.response.startswith("Which Gate")
    result = talk.handle("the driveway")
    assert result.confirmation_required, result.response
    assert guarded.home().devices["cover.drive_gate"].state == "closed"


def test_open_it_after_closing_asks(talk: Conversation, guarded: SimulatedBackend) -> None:
    talk.handle("close the garage door")
    result = talk.handle("open it")
    assert result.actions == () or result.confirmation_required, result.response
    assert shut(guarded) == NOTHING_OPEN


def test_a_scene_that_unlocks_asks_and_names_what_it_opens(
    talk: Conversation, guarded: SimulatedBackend
) -> None:
    result = talk.handle("activate leave home")
    assert result.confirmation_required, result.response
    assert "unlock the Front Door" in result.response and "disarm" in result.response
    assert shut(guarded) == NOTHING_OPEN
    assert guarded.home().devices["light.porch"].state == "off"  # nothing of the scene ran
    talk.handle("yes")
    assert shut(guarded)[LOCK] and shut(guarded)[ALARM]


# -- a device card: every action on every way in ---------------------------------------------------

CARD = [
    pytest.param(device_id, kind, params, id=f"{device_id}-{kind.value}-{params}")
    for device_id in GUARDED
    for kind in ActionKind
    for params in samples(kind)
]


@pytest.mark.parametrize(("device_id", "kind", "params"), CARD)
def test_a_card_click_asks_exactly_when_it_opens(
    talk: Conversation, guarded: SimulatedBackend, device_id: str, kind: ActionKind, params: dict
) -> None:
    result = talk.run_actions([Action(device_id, kind, params)])
    expected = opening(device_id, kind, params)
    assert result.confirmation_required == expected, result.response
    assert shut(guarded) == NOTHING_OPEN
    if expected:
        talk.handle("yes")
        assert shut(guarded)[device_id]


# -- undo --------------------------------------------------------------------------------------


def test_undo_of_a_lock_after_a_confirmed_unlock_asks(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    conversation.handle("unlock the front door")
    conversation.handle("yes")
    conversation.handle("lock the front door")
    assert backend.home().devices["lock.front_door"].state == "locked"

    result = conversation.handle("undo")

    assert result.confirmation_required, result.response
    assert result.response == "Are you sure you want me to unlock the Front Door?"
    assert [a.action for a in result.pending_actions] == [K.UNLOCK]
    assert result.actions == ()
    assert backend.home().devices["lock.front_door"].state == "locked"
    assert conversation.handle("no").response == "Okay, I won't unlock the Front Door."
    assert backend.home().devices["lock.front_door"].state == "locked"
    conversation.handle("undo")
    done = conversation.handle("yes")
    assert done.response == "Undone"
    assert backend.home().devices["lock.front_door"].state == "unlocked"


def test_undo_of_a_garage_close_asks(conversation: Conversation, backend: SimulatedBackend) -> None:
    conversation.handle("open the garage door")
    conversation.handle("yes")
    conversation.handle("close the garage door")

    result = conversation.handle("undo")

    assert result.confirmation_required, result.response
    assert "open the Garage Door" in result.response
    assert backend.home().devices["cover.garage_door"].state == "closed"
    conversation.handle("yes")
    garage = backend.home().devices["cover.garage_door"]
    assert (garage.state, garage.attributes["position"]) == ("open", 100)


def test_undo_that_only_secures_does_not_ask(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    conversation.handle("unlock the front door")
    conversation.handle("yes")
    result = conversation.handle("undo")  # back to locked: nothing opens
    assert not result.confirmation_required
    assert backend.home().devices["lock.front_door"].state == "locked"


def test_undo_of_a_scene_asks_once_and_puts_everything_back_only_on_yes(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    conversation.handle("unlock the front door")
    conversation.handle("yes")
    conversation.handle("activate good night")  # locks it again, lights off
    lamp_before = backend.home().devices["light.floor_lamp"]

    result = conversation.handle("undo")

    assert result.response == "Are you sure you want me to unlock the Front Door?"
    assert len(result.pending_actions) > 1  # the lights that go back on are shown too
    assert result.actions == ()
    assert backend.home().devices["light.floor_lamp"] == lamp_before  # nothing restored yet
    conversation.handle("no")
    assert backend.home().devices["lock.front_door"].state == "locked"
    conversation.handle("undo")
    conversation.handle("yes")
    assert backend.home().devices["lock.front_door"].state == "unlocked"
    assert backend.home().devices["light.floor_lamp"].state == "on"


class StaleSnapshot:
    """A backend whose snapshots lag behind (another process locked the door meanwhile)."""

    def __init__(self, real: SimulatedBackend, stale: Home) -> None:
        self.real = real
        self.stale = stale

    def home(self) -> Home:
        return self.stale

    def execute(self, actions, *, allow_sensitive: bool = True) -> list[ActionResult]:
        return self.real.execute(actions, allow_sensitive=allow_sensitive)

    def restore(self, results, *, allow_sensitive: bool = True) -> list[ActionResult]:
        return self.real.restore(results, allow_sensitive=allow_sensitive)

    def refresh(self) -> object:
        return self.real.refresh()

    def close(self) -> None:
        self.real.close()


def test_the_backend_still_asks_when_the_snapshot_was_out_of_date(
    backend: SimulatedBackend, engine: IntentEngine, clock: Clock
) -> None:
    backend.execute([Action(LOCK, K.UNLOCK)])
    unlocked_view = backend.home()  # what this process last saw: the door unlocked
    store = SessionStore(None)
    store.set(
        "undo",
        {
            "created": clock(),
            "before": [{"id": LOCK, "state": "unlocked", "attributes": {}}],
        },
    )
    backend.execute([Action(LOCK, K.LOCK)])  # meanwhile, someone else locked it
    conversation = Conversation(
        StaleSnapshot(backend, unlocked_view), engine, store=store, clock=clock
    )

    result = conversation.handle("undo")  # "unlocked → unlocked" looks harmless from here

    assert result.confirmation_required, result.response
    assert backend.home().devices[LOCK].state == "locked"
    store.close()


def test_the_backend_is_the_last_word_even_if_the_first_check_missed(
    talk: Conversation, guarded: SimulatedBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: with the check before planning blinded, the write still asks."""
    monkeypatch.setattr(sensitivity, "risks", lambda actions, devices: [])
    result = talk.handle("unlock the front door")
    assert result.confirmation_required, result.response
    assert result.response == "Are you sure you want me to unlock the Front Door?"
    assert shut(guarded) == NOTHING_OPEN
    done = talk.handle("yes")
    assert done.response == "Unlocked the Front Door"
    assert shut(guarded)[LOCK]
