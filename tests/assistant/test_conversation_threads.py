"""A typed turn (the window's worker) and a spoken one (the voice thread) never interleave.

Each turn reads the dialogue state (the question waiting, the context) and writes it back; two
turns running through each other could answer a question the other had just dropped. The turn
on the first thread is held inside the backend until the second thread has published anything
(or half a second has passed): with one turn at a time, nothing of the second turn happens
while the first is inside, so the events of each turn stay together.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from assistant.conversation import Conversation
from assistant.events import Event, EventBus, StageEnd, TurnCompleted
from assistant.home.commands import Action, ActionResult
from assistant.home.model import Home
from assistant.home.simulated import SimulatedBackend
from assistant.session import SessionStore
from intents.engine import IntentEngine
from tests.conftest import Clock

HOLD_S = 0.5


class HeldBackend:
    """The real backend, except that the "typed" thread's command waits for a signal."""

    def __init__(self, real: SimulatedBackend, release: threading.Event) -> None:
        self.real = real
        self.release = release
        self.inside = threading.Event()

    def home(self) -> Home:
        return self.real.home()

    def execute(
        self, actions: Sequence[Action], *, allow_sensitive: bool = True
    ) -> list[ActionResult]:
        if threading.current_thread().name == "typed":
            self.inside.set()
            self.release.wait(HOLD_S)
        return self.real.execute(actions, allow_sensitive=allow_sensitive)

    def restore(self, results, *, allow_sensitive: bool = True) -> list[ActionResult]:
        return self.real.restore(results, allow_sensitive=allow_sensitive)

    def refresh(self) -> object:
        return self.real.refresh()

    def close(self) -> None:
        self.real.close()


def test_a_spoken_turn_waits_for_the_typed_turn_in_progress(
    backend: SimulatedBackend, engine: IntentEngine, clock: Clock
) -> None:
    spoken_began = threading.Event()
    seen: list[tuple[str, Event]] = []

    def record(event: Event) -> None:
        name = threading.current_thread().name
        seen.append((name, event))
        if name == "spoken":
            spoken_began.set()

    bus = EventBus()
    bus.subscribe(record)
    held = HeldBackend(backend, spoken_began)
    store = SessionStore(None)
    conversation = Conversation(held, engine, bus=bus, store=store, clock=clock)
    conversation.handle("unlock the front door")  # a question waits
    seen.clear()
    replies: dict[str, str] = {}

    def turn(text: str) -> None:
        replies[threading.current_thread().name] = conversation.handle(text).response

    typed = threading.Thread(target=turn, args=("turn on the kettle",), name="typed")
    spoken = threading.Thread(target=turn, args=("yes",), name="spoken")
    typed.start()
    assert held.inside.wait(10)
    spoken.start()
    typed.join(10)
    spoken.join(10)
    store.close()

    order = [name for name, _event in seen]
    first_spoken = order.index("spoken")
    assert set(order[first_spoken:]) == {"spoken"}, order  # no typed event after it began
    assert isinstance(seen[first_spoken - 1][1], TurnCompleted)  # the typed turn had ended
    # One at a time: the kettle turn dropped the question, so the later yes found none.
    assert replies["typed"].startswith("Okay, I won't unlock the Front Door.")
    assert replies["spoken"] == "There is nothing to confirm"
    assert backend.home().devices["lock.front_door"].state == "locked"
    assert backend.home().devices["switch.kettle"].state == "on"


def test_cancel_from_another_thread_waits_for_the_turn_in_progress(
    backend: SimulatedBackend, engine: IntentEngine, clock: Clock
) -> None:
    """The pipeline's "stop" (its own thread) cannot slip between a turn's read and write: the
    typed turn is held after it understood "open the garage door" and before it asks."""
    cancelled = threading.Event()
    understood = threading.Event()

    def hold(event: Event) -> None:
        if threading.current_thread().name == "typed" and isinstance(event, StageEnd):
            understood.set()
            cancelled.wait(HOLD_S)

    bus = EventBus()
    bus.subscribe(hold)
    store = SessionStore(None)
    conversation = Conversation(backend, engine, bus=bus, store=store, clock=clock)
    outcome: dict[str, object] = {}

    def cancel() -> None:
        outcome["cancel"] = conversation.cancel_question()
        cancelled.set()

    typed = threading.Thread(
        target=lambda: outcome.update(typed=conversation.handle("open the garage door")),
        name="typed",
    )
    typed.start()
    assert understood.wait(10)
    canceller = threading.Thread(target=cancel, name="spoken")
    canceller.start()
    typed.join(10)
    canceller.join(10)

    # The stop came after the question was asked, so it dropped it, and said so.
    assert outcome["cancel"] == "Okay, I won't open the Garage Door."
    assert conversation.pending_question() is None
    assert conversation.handle("yes").response == "There is nothing to confirm"
    assert backend.home().devices["cover.garage_door"].state == "closed"
    store.close()
