"""A pending confirmation exists until a clear yes runs it; anything else drops it.

Found in the window: after "stop" the Yes/No buttons vanished, yet a later "yes" still
unlocked the door, because "stop" was not understood and a sentence not understood left the
question waiting.
"""

from __future__ import annotations

import pytest

from assistant.conversation import Conversation
from assistant.home.simulated import SimulatedBackend


def _lock(backend: SimulatedBackend) -> str:
    return backend.home().devices["lock.front_door"].state


@pytest.mark.parametrize("cancel", ["stop", "stop it", "cancel", "never mind", "forget it"])
def test_a_cancel_word_drops_the_question(
    conversation: Conversation, backend: SimulatedBackend, cancel: str
) -> None:
    assert conversation.handle("unlock the front door").confirmation_required
    stopped = conversation.handle(cancel)
    assert stopped.intent in {"HearthDeny", "HassNevermind"}
    assert stopped.response == "Okay, I won't unlock the Front Door."
    assert conversation.pending_question() is None
    late = conversation.handle("yes")
    assert late.actions == ()
    assert late.response == "There is nothing to confirm"
    assert _lock(backend) == "locked"


def test_a_sentence_not_understood_drops_the_question(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    conversation.handle("unlock the front door")
    assert conversation.handle("blorp the wibble").intent is None
    assert conversation.handle("yes").response == "There is nothing to confirm"
    assert _lock(backend) == "locked"


def test_undo_while_asked_drops_the_question(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    conversation.handle("unlock the front door")
    conversation.handle("undo")
    conversation.handle("yes")
    assert _lock(backend) == "locked"


def test_stop_with_nothing_pending_just_says_okay(conversation: Conversation) -> None:
    assert conversation.handle("stop").response == "Okay"


def test_a_clear_yes_still_runs_the_question(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    conversation.handle("unlock the front door")
    assert conversation.handle("yes").intent == "HearthConfirm"
    assert _lock(backend) == "unlocked"


def test_pending_question_says_what_waits_and_forgets_it_when_answered(
    conversation: Conversation,
) -> None:
    assert conversation.pending_question() is None
    asked = conversation.handle("unlock the front door")
    assert conversation.pending_question() == asked.response
    conversation.handle("stop")
    assert conversation.pending_question() is None
