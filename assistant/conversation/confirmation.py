"""The confirmation policy: what needs a yes, what counts as one, and what dropping it says.

What needs a yes is judged by effect (``assistant.home.sensitivity``): a change that would open
the home, however it was asked for. Once asked, only a clear yes runs it: the exact "yes" /
"go ahead" sentences (after an "um" or "okay" at most), not a repaired guess ("yes. turn on
the kettle" is two sentences, and the yes in it is not a clear one). Anything else — "no", "stop", another command, a sentence
not understood, a device card, silence past the timeout — drops the waiting actions, and the
reply says what will not happen, so a later "yes" can never run them by surprise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from assistant.conversation.state import (
    DeviceSnapshot,
    PendingConfirmation,
    StoredRecognition,
)
from assistant.home import sensitivity
from assistant.home.commands import Action
from assistant.home.model import Device, Home
from intents.engine import Recognition
from intents.fuzzy import without_filler

CONFIRM = "HearthConfirm"
#: The only source whose yes counts: an exact match of a confirmation sentence.
CLEAR_SOURCE = "local"


@dataclass(frozen=True)
class Ask:
    """The question to ask before running, and what a yes would do."""

    question: str
    #: "unlock the Front Door and open the Garage Door"
    what: str

    @staticmethod
    def about(risks: Sequence[sensitivity.Risk]) -> Ask:
        parts = [r.describe() for r in risks]
        what = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)
        return Ask(sensitivity.question(risks), what)


def for_actions(actions: Sequence[Action], home: Home) -> Ask | None:
    """The question to ask first when the actions could open the home, or None."""
    risks = sensitivity.risks(actions, home.devices)
    return Ask.about(risks) if risks else None


def for_restore(targets: Iterable[Device], home: Home) -> Ask | None:
    """The question to ask before an undo puts devices back into a state that opens the home."""
    risks = sensitivity.restore_risks(targets, home.devices)
    return Ask.about(risks) if risks else None


def for_refusal(err: sensitivity.NeedsConfirmation) -> Ask:
    """The question when the backend itself refused to open something without a yes."""
    return Ask.about([sensitivity.Risk(r.after) for r in err.results])


def waiting(
    created: float,
    ask: Ask,
    actions: Sequence[Action],
    reply: str,
    *,
    restore: Sequence[DeviceSnapshot] | None = None,
    recognition: Recognition | None = None,
) -> PendingConfirmation:
    """The record kept until a yes (the actions, or for an undo the states to put back)."""
    return PendingConfirmation(
        created=created,
        question=ask.question,
        actions=tuple(actions),
        reply=reply,
        restore=None if restore is None else tuple(restore),
        recognition=None if recognition is None else StoredRecognition.of(recognition),
        what=ask.what,
    )


def is_clear_yes(
    recognition: Recognition | None,
    text: str,
    recognize: Callable[[str], Recognition | None],
) -> bool:
    """An exact confirmation sentence, possibly after a hesitation ("um, yes", "okay, do it"):
    only leading filler words may come off. Any other repair ("yes. turn on the kettle", a
    misheard word) is a guess, and a guess never opens the door."""
    if recognition is None or recognition.intent != CONFIRM:
        return False
    if recognition.source == CLEAR_SOURCE:
        return True
    return any(_exact_yes(recognize(rest)) for rest in without_filler(text))


def _exact_yes(recognition: Recognition | None) -> bool:
    return (
        recognition is not None
        and recognition.intent == CONFIRM
        and recognition.source == CLEAR_SOURCE
    )


def refusal(pending: PendingConfirmation) -> str:
    """What dropping the question means, said in the reply: "Okay, I won't unlock the Front
    Door." A question stored by an older version does not say what it would do."""
    return f"Okay, I won't {pending.what}." if pending.what else "Okay, I won't do it."
