"""Only a clear yes within the timeout runs a sensitive action; anything else drops it, and says so.

Found in the shell and the window: `unlock the front door` → `stop` → `yes` could still unlock,
and the JSON listed the waiting unlock under ``actions`` as if it had been done. Each way a
sensitive action can come to wait (a typed or spoken sentence, a repaired one, a follow-up, a
device card, the cloud, an undo) is dropped by each kind of answer that is not a clear yes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.config import ConversationConfig
from assistant.conversation import Conversation, FallbackAnswer, TurnResult
from assistant.home import sensitivity
from assistant.home.commands import Action, ActionKind
from assistant.home.loader import parse_home
from assistant.home.model import Home
from assistant.home.simulated import SimulatedBackend
from assistant.session import SessionStore
from intents.engine import IntentEngine
from tests.assistant.guarded_home import HOME, LOCK
from tests.conftest import Clock

REFUSED_UNLOCK = "Okay, I won't unlock the Front Door."


class UnlockingCloud:
    """A cloud fallback that answers anything it is asked with an unlock of the front door."""

    def answer(self, text: str, home: Home) -> FallbackAnswer | None:
        return FallbackAnswer("I'll unlock the Front Door", (Action(LOCK, ActionKind.UNLOCK),))


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[SimulatedBackend]:
    backend = SimulatedBackend(parse_home(HOME), tmp_path / "guarded.sqlite3")
    yield backend
    backend.close()


@pytest.fixture
def make(
    guarded: SimulatedBackend, engine: IntentEngine, clock: Clock
) -> Iterator[Callable[..., Conversation]]:
    stores: list[SessionStore] = []

    def build(**options: object) -> Conversation:
        stores.append(SessionStore(None))
        return Conversation(guarded, engine, store=stores[-1], clock=clock, **options)  # type: ignore[arg-type]

    yield build
    for store in stores:
        store.close()


@pytest.fixture
def talk(make: Callable[..., Conversation]) -> Conversation:
    return make()


def exposed(backend: SimulatedBackend, device: str = LOCK) -> bool:
    return sensitivity.exposed(backend.home().devices[device])


def asked(result: TurnResult) -> None:
    """A question: nothing carried out, the waiting actions named apart, in the JSON too."""
    assert result.confirmation_required, result.response
    assert result.actions == () and result.pending_actions
    data = result.to_dict()
    assert data["actions"] == [] and data["confirmation_required"] is True
    assert data["pending_actions"] == [a.to_dict() for a in result.pending_actions]


# -- how the sensitive action came to wait ----------------------------------------------------


def _typed(talk: Conversation) -> TurnResult:
    return talk.handle("unlock the front door")


def _repaired(talk: Conversation) -> TurnResult:
    return talk.handle("unlok the front door")


def _card(talk: Conversation) -> TurnResult:
    return talk.run_actions([Action(LOCK, ActionKind.UNLOCK)])


def _follow_up(talk: Conversation) -> TurnResult:
    talk.handle("lock the front door")
    return talk.handle("unlock it")


def _undo(talk: Conversation) -> TurnResult:
    talk.handle("unlock the front door")
    talk.handle("yes")
    talk.handle("lock the front door")
    return talk.handle("undo")


def _cloud(talk: Conversation) -> TurnResult:
    talk.fallback = UnlockingCloud()
    result = talk.handle("let my sister in please")
    talk.fallback = None
    return result


SOURCES = {
    "typed": _typed,
    "repaired": _repaired,
    "card": _card,
    "follow-up": _follow_up,
    "undo": _undo,
    "cloud": _cloud,
}


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("answer", ["stop", "cancel", "never mind", "no", "forget it"])
def test_a_no_drops_it_and_says_what_will_not_happen(
    talk: Conversation, guarded: SimulatedBackend, source: str, answer: str
) -> None:
    asked(SOURCES[source](talk))
    assert not exposed(guarded)

    dropped = talk.handle(answer)

    assert dropped.response == REFUSED_UNLOCK
    assert dropped.actions == () and not dropped.confirmation_required
    assert talk.pending_question() is None
    late = talk.handle("yes")
    assert late.response == "There is nothing to confirm" and late.actions == ()
    assert not exposed(guarded)


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize(
    "other",
    [
        "blorp the wibble",  # not understood
        "what time is it",  # another question
        "yes. turn on the porch light",  # a yes that is not a clear one
        "ask the cloud to lock up",  # cloud help is off here
        "x" * 600,  # too long to be a command
    ],
)
def test_any_other_sentence_drops_it_and_says_so(
    talk: Conversation, guarded: SimulatedBackend, source: str, other: str
) -> None:
    asked(SOURCES[source](talk))

    reply = talk.handle(other)

    assert reply.response.startswith(REFUSED_UNLOCK + " "), reply.response
    assert talk.pending_question() is None
    assert talk.handle("yes").response == "There is nothing to confirm"
    assert not exposed(guarded)


@pytest.mark.parametrize("source", SOURCES)
def test_a_new_command_still_runs_after_dropping_it(
    talk: Conversation, guarded: SimulatedBackend, source: str
) -> None:
    asked(SOURCES[source](talk))

    reply = talk.handle("turn on the porch light")

    assert reply.response.startswith(REFUSED_UNLOCK + " "), reply.response
    assert [a.device for a in reply.actions] == ["light.porch"]
    assert guarded.home().devices["light.porch"].state == "on"
    talk.handle("yes")
    assert not exposed(guarded)


def test_another_card_click_drops_it(talk: Conversation, guarded: SimulatedBackend) -> None:
    asked(_typed(talk))
    clicked = talk.run_actions([Action("light.porch", ActionKind.TURN_ON)])
    assert clicked.response == f"{REFUSED_UNLOCK} Done"
    assert guarded.home().devices["light.porch"].state == "on"
    talk.handle("yes")
    assert not exposed(guarded)


def test_a_new_question_replaces_the_old_one_and_says_so(
    talk: Conversation, guarded: SimulatedBackend
) -> None:
    asked(_typed(talk))
    garage = talk.handle("open the garage door")
    asked(garage)
    assert garage.response == (
        f"{REFUSED_UNLOCK} Are you sure you want me to open the Garage Door?"
    )
    talk.handle("yes")
    assert exposed(guarded, "cover.garage_door")
    assert not exposed(guarded)  # the first question's unlock never ran


@pytest.mark.parametrize("source", SOURCES)
def test_a_clear_yes_in_time_runs_it_and_lists_it_as_done(
    talk: Conversation, guarded: SimulatedBackend, source: str
) -> None:
    question = SOURCES[source](talk)
    done = talk.handle("yes")
    assert exposed(guarded)
    assert not done.confirmation_required and "pending_actions" not in done.to_dict()
    assert LOCK in [a.device for a in done.actions]
    assert [a.to_dict() for a in done.actions] == [a.to_dict() for a in question.pending_actions]


def test_a_yes_after_the_timeout_runs_nothing(
    make: Callable[..., Conversation], guarded: SimulatedBackend, clock: Clock
) -> None:
    talk = make(config=ConversationConfig(confirmation_timeout_s=10))
    asked(_typed(talk))
    clock.advance(10.5)
    assert talk.handle("yes").response == "There is nothing to confirm"
    assert not exposed(guarded)


def test_cancel_question_drops_it_and_says_what_will_not_happen(
    talk: Conversation, guarded: SimulatedBackend
) -> None:
    """The voice pipeline's "stop" and the window's Cancel end here, not in ``handle``."""
    assert talk.cancel_question() is None  # nothing waits
    asked(_undo(talk))
    assert talk.cancel_question() == REFUSED_UNLOCK
    assert talk.handle("yes").response == "There is nothing to confirm"
    assert not exposed(guarded)


def test_a_question_stored_by_an_older_version_is_still_dropped(
    talk: Conversation, guarded: SimulatedBackend, clock: Clock
) -> None:
    """A pending record without the new "what" key (written before this version)."""
    talk.store.set(
        "pending",
        {
            "kind": "confirm",
            "created": clock(),
            "question": "Are you sure you want me to unlock the Front Door?",
            "actions": [{"device": LOCK, "action": "unlock", "params": {}}],
            "reply": "Unlocked the Front Door",
        },
    )
    assert talk.pending_question() == "Are you sure you want me to unlock the Front Door?"
    assert talk.handle("stop").response == "Okay, I won't do it."
    assert talk.handle("yes").response == "There is nothing to confirm"
    assert not exposed(guarded)


@pytest.mark.parametrize("yes", ["Yes.", "Yes, please.", "Go ahead.", "Um, yes.", "Okay, do it."])
def test_a_yes_after_a_hesitation_is_still_clear(
    talk: Conversation, guarded: SimulatedBackend, yes: str
) -> None:
    asked(_typed(talk))
    assert talk.handle(yes).intent == "HearthConfirm"
    assert exposed(guarded)


@pytest.mark.parametrize(
    "guess", ["yes. turn on the porch light", "and yes turn on the porch light"]
)
def test_a_yes_that_had_to_be_guessed_opens_nothing(
    talk: Conversation, guarded: SimulatedBackend, guess: str
) -> None:
    asked(_typed(talk))
    reply = talk.handle(guess)
    assert reply.response.startswith(REFUSED_UNLOCK)
    assert not exposed(guarded)
