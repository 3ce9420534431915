"""Carrying out what a turn decided: run actions or put devices back, or keep them for a yes,
then remember (undo, context) and report (events, the TurnResult).

The backend has the last word on safety: asked not to open anything without a yes, it checks
the real effect inside its own transaction and refuses (``NeedsConfirmation``) whatever the
check before planning concluded; ``Executor`` says which of three things happened and
``TurnRunner`` turns that into the reply, the question, and the events.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.config import ConversationConfig
from assistant.conversation import confirmation
from assistant.conversation.confirmation import Ask
from assistant.conversation.result import Turn, TurnResult
from assistant.conversation.state import DeviceSnapshot, DialogueState
from assistant.events import (
    ActionsExecuted,
    ConfirmationRequested,
    Event,
    IntentRecognized,
    Reply,
    Stage,
    StageEnd,
    StageStart,
    TurnCompleted,
)
from assistant.home import sensitivity
from assistant.home.backend import Backend, BackendError
from assistant.home.commands import Action, ActionKind, ActionResult, CommandError
from assistant.home.model import Device, Home
from assistant.home.partial import PartialFailure
from intents.engine import Recognition

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Done:
    """The actions as written (relative steps resolved), and what each did."""

    actions: tuple[Action, ...]
    results: tuple[ActionResult, ...]
    ms: float

    @property
    def changed(self) -> bool:
        return any(r.changed for r in self.results)


@dataclass(frozen=True)
class Failed:
    """The device or the backend refused; nothing was changed."""

    reply: str
    ms: float


@dataclass(frozen=True)
class NeedsYes:
    """The backend found that this would open the home: ask first."""

    ask: Ask
    ms: float


Outcome = Done | Failed | NeedsYes


class Executor:
    """One call to the backend, its exceptions turned into an ``Outcome``."""

    def __init__(self, backend: Backend, publish: Callable[[Event], None]) -> None:
        self.backend = backend
        self._publish = publish

    def run(self, actions: Sequence[Action], confirmed: bool) -> Outcome:
        """Run the actions that change something (state questions only read)."""
        changing = [a for a in actions if a.action is not ActionKind.GET_STATE]
        self._publish(StageStart(Stage.ACTION))
        started = time.perf_counter()
        results: list[ActionResult] = []
        try:
            if changing:
                results = self.backend.execute(changing, allow_sensitive=confirmed)
        except sensitivity.NeedsConfirmation as err:
            return NeedsYes(confirmation.for_refusal(err), _since(started))
        except CommandError as err:
            return Failed(f"Sorry, {err}", _since(started))
        except PartialFailure as err:  # a remote home did part of it: say which part
            _LOGGER.warning("backend did part of a command: %s", err)
            return Failed(f"Sorry, only part of that worked: {err}", _since(started))
        except BackendError as err:
            _LOGGER.warning("backend failed: %s", err)
            return Failed(f"Sorry, I couldn't reach the home: {err}", _since(started))
        ms = _since(started)
        self._publish(StageEnd(Stage.ACTION, ms))
        # Relative steps come back resolved ("+1 %" → brightness 51): report what was written.
        resolved = iter(r.action for r in results if r.via is None)
        written = tuple(
            next(resolved, a) if a.action is not ActionKind.GET_STATE else a for a in actions
        )
        return Done(written, tuple(results), ms)

    def restore(self, snapshots: Sequence[DeviceSnapshot], confirmed: bool) -> Outcome:
        """Put devices back as they were; the actions describe each step in the neutral words."""
        home = self.backend.home()
        before = restorable(home, snapshots)
        started = time.perf_counter()
        try:
            restored = self.backend.restore(before, allow_sensitive=confirmed)
        except sensitivity.NeedsConfirmation as err:
            return NeedsYes(confirmation.for_refusal(err), _since(started))
        except (BackendError, CommandError) as err:
            return Failed(f"Sorry, {err}", _since(started))
        actions = tuple(restoring_action(r.before, r.after) for r in restored)
        return Done(actions, tuple(restored), _since(started))


class TurnRunner:
    """Finishes turns: executes or asks, remembers what undo and follow-ups need, reports."""

    def __init__(
        self,
        backend: Backend,
        state: DialogueState,
        config: ConversationConfig,
        publish: Callable[[Event], None],
    ) -> None:
        self.backend = backend
        self.state = state
        self.config = config
        self._publish = publish

    def execute(
        self,
        turn: Turn,
        actions: tuple[Action, ...],
        render: Callable[[Home], str],
        *,
        confirmed: bool = False,
        remember: Recognition | None = None,
    ) -> TurnResult:
        """Run the actions; ``remember`` is the request "turn them off" will lean on next."""
        outcome = Executor(self.backend, self._publish).run(actions, confirmed)
        turn.timings["action"] = outcome.ms
        if isinstance(outcome, Failed):
            return self.finish(turn, turn.recognition, (), outcome.reply, turn.source)
        if isinstance(outcome, NeedsYes):
            # The reply after a yes names what was done then (describe_done), not what is now.
            return self.ask(turn, actions, outcome.ask, "", keep=remember)
        if outcome.changed:
            self.state.remember_undo(tuple(DeviceSnapshot.of(r.before) for r in outcome.results))
        self._publish(ActionsExecuted(tuple(a.to_dict() for a in outcome.actions)))
        if outcome.actions and remember is not None:
            devices = tuple(dict.fromkeys(a.device for a in outcome.actions))
            self.state.remember_context(devices, remember)
        reply = render(self.backend.home())
        return self.finish(
            turn, turn.recognition, outcome.actions, reply, turn.source, executed=outcome.results
        )

    def restore(
        self, turn: Turn, snapshots: Sequence[DeviceSnapshot], confirmed: bool
    ) -> TurnResult:
        """Put devices back (undo); putting a door back to unlocked or open asks first."""
        home = self.backend.home()
        targets = [r.before for r in restorable(home, snapshots)]
        if not confirmed and (ask := confirmation.for_restore(targets, home)):
            return self._ask_undo(turn, snapshots, ask)
        outcome = Executor(self.backend, self._publish).restore(snapshots, confirmed)
        if isinstance(outcome, Failed):
            return self.finish(turn, turn.recognition, (), outcome.reply, "local")
        if isinstance(outcome, NeedsYes):
            return self._ask_undo(turn, snapshots, outcome.ask)
        turn.timings["action"] = outcome.ms
        self.state.clear_undo()
        return self.finish(
            turn, turn.recognition, outcome.actions, "Undone", "local", executed=outcome.results
        )

    def _ask_undo(self, turn: Turn, snapshots: Sequence[DeviceSnapshot], ask: Ask) -> TurnResult:
        # Everything the undo would put back is shown; the question names what it opens.
        actions = undo_preview(self.backend.home(), snapshots)
        return self.ask(turn, actions, ask, "Undone", restore=snapshots)

    def ask(
        self,
        turn: Turn,
        actions: tuple[Action, ...],
        ask: Ask,
        reply: str,
        *,
        restore: Sequence[DeviceSnapshot] | None = None,
        keep: Recognition | None = None,
    ) -> TurnResult:
        """Keep the actions (or, for an undo, the states to restore) until a yes; nothing runs.
        ``keep`` is what "and in the driveway too" follows up on once it is confirmed."""
        pending = confirmation.waiting(
            self.state.now(), ask, actions, reply, restore=restore, recognition=keep
        )
        self.state.ask(pending)
        waiting = tuple(a.to_dict() for a in actions)
        self._publish(
            ConfirmationRequested(
                question=ask.question,
                actions=waiting,
                expires_in_s=self.config.confirmation_timeout_s,
            )
        )
        self._publish(ActionsExecuted(waiting, pending=True))
        return self.finish(
            turn, turn.recognition, (), ask.question, turn.source, pending_actions=actions
        )

    def finish(
        self,
        turn: Turn,
        recognition: Recognition | None,
        actions: tuple[Action, ...],
        response: str,
        source: str | None,
        executed: tuple[ActionResult, ...] = (),
        pending_actions: tuple[Action, ...] | None = None,
    ) -> TurnResult:
        """The turn's result, announced: the reply, and the JSON every listener shares."""
        result = turn.result(recognition, actions, response, source, executed, pending_actions)
        if recognition is None:
            self._publish(IntentRecognized(text=turn.text, intent=None))
        self._publish(Reply(result.response))
        self._publish(
            TurnCompleted(
                result.to_dict(),
                confidence=result.confidence,
                changed=any(r.changed for r in executed),
            )
        )
        return result


def restorable(home: Home, snapshots: Sequence[DeviceSnapshot]) -> list[ActionResult]:
    """Results rebuilt from stored "before" states (devices since removed are left out), so
    the backend can restore them: ``before`` is the stored state, ``after`` the current one."""
    results = []
    for snapshot in snapshots:
        current = home.devices.get(snapshot.id)
        if current is not None:
            before = current.with_state(snapshot.state, snapshot.attributes)
            results.append(ActionResult(Action(current.id, ActionKind.GET_STATE), before, current))
    return results


def undo_preview(home: Home, snapshots: Sequence[DeviceSnapshot]) -> tuple[Action, ...]:
    """Everything an undo would change, as actions (shown while it waits for a yes)."""
    return tuple(
        restoring_action(r.after, r.before)
        for r in restorable(home, snapshots)
        if (r.before.state, dict(r.before.attributes)) != (r.after.state, dict(r.after.attributes))
    )


def restoring_action(before: Device, after: Device) -> Action:
    """Describe an undo step in the neutral vocabulary (for the JSON and the UI)."""
    for key, kind in (
        ("brightness", ActionKind.SET_BRIGHTNESS),
        ("position", ActionKind.SET_POSITION),
        ("temperature", ActionKind.SET_TEMPERATURE),
        ("volume", ActionKind.SET_VOLUME),
        ("color", ActionKind.SET_COLOR),
    ):
        if key in after.attributes and after.attributes.get(key) != before.attributes.get(key):
            return Action(after.id, kind, {key: after.attributes[key]})
    if after.state == "locked":
        return Action(after.id, ActionKind.LOCK)
    if after.state == "unlocked":
        return Action(after.id, ActionKind.UNLOCK)
    if after.state in {"on", "playing", "heat", "cool", "auto", "open", "cleaning"}:
        return Action(after.id, ActionKind.TURN_ON)
    if after.state in {"off", "closed", "idle"}:
        return Action(after.id, ActionKind.TURN_OFF)
    return Action(after.id, ActionKind.GET_STATE)


def _since(started: float) -> float:
    return (time.perf_counter() - started) * 1000
