"""One turn of conversation: text in → recognition → plan → (confirm | ask | execute) → reply.

Every front end (CLI, GUI, voice pipeline, cloud fallback) goes through ``Conversation.handle``
so that confirmations, clarifying questions, undo and the events they emit behave the same
everywhere. Pending questions live in a SessionStore so they survive between CLI invocations.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from assistant import actions as planner
from assistant.config import ConversationConfig
from assistant.events import (
    ActionsExecuted,
    ConfirmationRequested,
    EventBus,
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
from assistant.home.vocab import vocabulary_from_home
from assistant.session import SessionStore
from intents.engine import IntentEngine, Recognition
from intents.fuzzy import (
    merged_pairs,
    name_phrases,
    opening_word,
    repair,
    sentences,
    without_filler,
)
from intents.vocabulary import Vocabulary, words_of

_LOGGER = logging.getLogger(__name__)

MAX_TEXT_CHARS = 500
# "ask the cloud whether ..." sends the rest straight to cloud help (when the user turned it on).
ASK_CLOUD_PREFIX = re.compile(
    r"^(?:hey |please )?ask (?:the )?cloud\b[\s,:]*(?:to |whether |if )?", re.IGNORECASE
)
CLOUD_OFF = (
    "Cloud help is off. You can turn it on in the settings, "
    "or with: hearth config set cloud.enabled true"
)
NOT_UNDERSTOOD = "Sorry, I couldn't understand that"


@dataclass(frozen=True)
class FallbackAnswer:
    """What a fallback (the cloud LLM) made of a sentence the local engine did not understand.

    ``actions`` must already be validated against the Home; they still pass through the same
    confirmation for sensitive actions as local commands, so no fallback can skip it.
    """

    response: str
    actions: tuple[Action, ...] = ()
    intent: str = "HearthCloud"
    source: str = "cloud"


class Fallback(Protocol):
    def answer(self, text: str, home: Home) -> FallbackAnswer | None:
        """None when the fallback is off or has nothing to add (the local reply stands)."""
        ...


@dataclass(frozen=True)
class TurnResult:
    """The outcome of one sentence; ``to_dict`` is the CLI's JSON contract."""

    text: str
    intent: str | None
    slots: dict[str, Any]
    actions: tuple[Action, ...]
    response: str
    source: str | None
    timings_ms: dict[str, float]
    confirmation_required: bool = False
    executed: tuple[ActionResult, ...] = ()
    confidence: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "intent": self.intent,
            "slots": self.slots,
            "actions": [a.to_dict() for a in self.actions],
            "response": self.response,
            "source": self.source,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
        if self.confirmation_required:
            data["confirmation_required"] = True
        return data


@dataclass
class _Turn:
    """Mutable scratch state while a turn is being handled."""

    text: str
    started: float
    asr_ms: float
    recognition: Recognition | None = None
    intent_ms: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


class Conversation:
    def __init__(
        self,
        backend: Backend,
        engine: IntentEngine,
        *,
        config: ConversationConfig | None = None,
        this_room: str | None = None,
        bus: EventBus | None = None,
        store: SessionStore | None = None,
        clock: Callable[[], float] = time.time,
        now: Callable[[], dt.datetime] = dt.datetime.now,
        fallback: Fallback | None = None,
    ) -> None:
        self.backend = backend
        self.fallback = fallback
        self.engine = engine
        self.config = config or ConversationConfig()
        self.bus = bus or EventBus()
        self.store = store or SessionStore()
        self._clock = clock
        self._now = now
        self._vocabulary: Vocabulary | None = None
        self._vocabulary_key: tuple[Any, ...] | None = None
        home = backend.home()
        area = home.find_area(this_room) if this_room else None
        self.speaker_area: str | None = area.id if area else None

    # -- public ---------------------------------------------------------------------------------

    def vocabulary(self, home: Home | None = None) -> Vocabulary:
        """The vocabulary for the current layout, rebuilt only when names or areas change."""
        home = home or self.backend.home()
        key = (
            tuple((d.id, d.name, d.aliases, d.area) for d in home.devices.values()),
            tuple((a.id, a.name, a.aliases) for a in home.areas.values()),
            tuple((f.id, f.name, f.aliases) for f in home.floors.values()),
        )
        if self._vocabulary is None or key != self._vocabulary_key:
            self._vocabulary = vocabulary_from_home(home)
            self._vocabulary_key = key
        return self._vocabulary

    def warm_up(self) -> None:
        self.engine.warm_up(self.vocabulary())

    def handle(self, text: str, asr_ms: float = 0.0) -> TurnResult:
        turn = _Turn(text=" ".join(text.split()), started=time.perf_counter(), asr_ms=asr_ms)
        if not turn.text:
            return self._finish(turn, None, (), "I didn't hear a command", None)
        if len(turn.text) > MAX_TEXT_CHARS:
            return self._finish(turn, None, (), "That is too long for a command", None)

        home = self.backend.home()
        pending = self._pending()
        if ASK_CLOUD_PREFIX.match(turn.text):
            self._drop_confirmation(pending, None)
            started = time.perf_counter()
            answer = self.fallback.answer(turn.text, home) if self.fallback else None
            turn.timings["cloud"] = (time.perf_counter() - started) * 1000
            if answer is None:
                return self._finish(turn, None, (), CLOUD_OFF, None)
            return self._run_fallback(turn, home, answer)
        self._publish(StageStart(Stage.INTENT))
        if pending is not None and pending["kind"] == "clarify":
            chosen = self._clarified(turn.text, home, pending)
            if chosen is not None:
                turn.recognition = chosen
                turn.intent_ms = self._elapsed(turn)
                self._publish(StageEnd(Stage.INTENT, turn.intent_ms))
                self.store.set("pending", None)
                return self._run_plan(turn, home)

        turn.recognition = self._recognize(turn.text, home)
        turn.intent_ms = self._elapsed(turn)
        self._publish(StageEnd(Stage.INTENT, turn.intent_ms))
        recognition = turn.recognition
        self._drop_confirmation(pending, recognition)
        if recognition is None:
            if self.fallback is not None:
                started = time.perf_counter()
                answer = self.fallback.answer(turn.text, home)
                turn.timings["cloud"] = (time.perf_counter() - started) * 1000
                if answer is not None:
                    return self._run_fallback(turn, home, answer)
            return self._finish(turn, None, (), self._explain(turn.text, home), None)

        meta = _META.get(recognition.intent)
        if meta is not None:
            return meta(self, turn, pending)
        if pending is not None:
            self.store.set("pending", None)  # a new command replaces an unanswered question
        return self._run_plan(turn, home)

    def pending_question(self) -> str | None:
        """The question waiting for an answer ("Are you sure…?", "Which one…?"), or None when
        there is none or it expired; front ends show their Yes/No exactly as long as this."""
        pending = self._pending()
        return str(pending.get("question") or "") if pending is not None else None

    def recognize(self, text: str) -> Recognition | None:
        """What ``text`` would be understood as (repairs included), without acting on it: the
        live pipeline asks this of partial transcripts to act before the silence runs out."""
        return self._recognize(" ".join(text.split()), self.backend.home())

    def run_actions(self, actions: Sequence[Action], confirmed: bool = False) -> TurnResult:
        """Direct control (GUI cards): same checks, confirmation and undo as a spoken command."""
        turn = _Turn(text="", started=time.perf_counter(), asr_ms=0.0)
        turn.recognition = Recognition(intent="HearthDirect", slots={}, text="", source="direct")
        home = self.backend.home()
        if not confirmed and (question := self._sensitive_question(actions, home)):
            return self._ask_confirmation(turn, tuple(actions), question, "Done")
        return self._execute(turn, tuple(actions), lambda h: "Done", confirmed=confirmed)

    # -- recognition ----------------------------------------------------------------------------

    def _context(self, home: Home) -> dict[str, Any] | None:
        if self.speaker_area and self.speaker_area in home.areas:
            return {"area": home.areas[self.speaker_area].name}
        return None

    def _recognize(self, text: str, home: Home) -> Recognition | None:
        """Exact match first; then repairs of what speech engines and typing get wrong."""
        vocabulary = self.vocabulary(home)
        context = self._context(home)
        recognition = self.engine.recognize(text, vocabulary, context)
        if recognition is not None:
            return recognition
        # Cheapest and likeliest repairs first; each is only tried when the one before failed.
        known = vocabulary.words | self.engine.template_words()
        candidates: list[tuple[str, float]] = [(part, 1.0) for part in sentences(text)]
        candidates += [(r.text, r.score) for r in merged_pairs(text, known)]
        candidates += [(part, 1.0) for part in without_filler(text)]
        single = repair(text, known)
        base = single.text if single else text
        if single is not None:
            candidates.append((single.text, single.score))
            candidates += [(r.text, r.score) for r in merged_pairs(base, known)]
        # The whole-phrase repair also on the words as heard: a word-by-word repair can turn a
        # split name's halves into other words ("chandel layer" → "channel player").
        for heard in dict.fromkeys((base, text)):
            candidates += [(r.text, r.score) for r in name_phrases(heard, vocabulary.phrases)]
        # The verb last ("cost the living room blinds"): a few more tries, on no-match only.
        for heard in dict.fromkeys((base, text)):
            candidates += [
                (r.text, r.score) for r in opening_word(heard, self.engine.template_words())
            ]
        for candidate, score in dict.fromkeys(candidates):
            recognition = self.engine.recognize(candidate, vocabulary, context)
            if recognition is not None and not recognition.wildcard_slots:
                return replace(recognition, source="fuzzy", confidence=score, text=text)
        return None

    def _explain(self, text: str, home: Home) -> str:
        unknown = self.engine.unknown_target(text, self.vocabulary(home), self._context(home))
        if unknown is None:
            return NOT_UNDERSTOOD
        slot, value = unknown
        words = words_of(value)
        while words and words[0] in {"the", "my", "our", "a"}:
            words = words[1:]
        if not words:
            return NOT_UNDERSTOOD
        spoken = " ".join(words)
        known = _known_name(spoken, home)
        if known is not None:
            # The name exists; it is the request that has no sentence yet.
            return f"Sorry, I don't know how to do that with the {known}"
        if slot == "name":
            return f"Sorry, I am not aware of any device called {spoken}"
        return f"Sorry, I am not aware of any {slot} called {spoken}"

    def _clarified(self, text: str, home: Home, pending: dict[str, Any]) -> Recognition | None:
        """The answer to "which one?": a room or floor named in the reply narrows the request."""
        words = f" {' '.join(words_of(text))} "
        slots = dict(pending["recognition"]["slots"])
        candidates = set(pending.get("candidates") or [])
        candidate_areas = {home.devices[c].area for c in candidates if c in home.devices}
        for area in home.areas.values():
            if area.id in candidate_areas and any(
                f" {' '.join(words_of(n))} " in words for n in (area.name, *area.aliases)
            ):
                slots["area"] = area.name
                slots.pop("floor", None)
                break
        else:
            return None
        raw = pending["recognition"]
        return Recognition(
            intent=raw["intent"],
            slots=slots,
            text=text,
            response_key=raw.get("response_key"),
            slot_texts={**raw.get("slot_texts", {}), "area": slots["area"]},
            context=raw.get("context", {}),
            source=raw.get("source", "local"),
            confidence=raw.get("confidence", 1.0),
        )

    # -- planning and execution ------------------------------------------------------------------

    def _run_plan(self, turn: _Turn, home: Home) -> TurnResult:
        recognition = turn.recognition
        assert recognition is not None
        self._publish(
            IntentRecognized(
                text=turn.text,
                intent=recognition.intent,
                slots=dict(recognition.slots),
                confidence=recognition.confidence,
                source=recognition.source,
            )
        )
        previous = self._previous()
        ctx = planner.HandlerContext(
            recognition=recognition,
            home=home,
            responses=self.engine.responses,
            speaker_area=self.speaker_area,
            now=self._now,
            previous=tuple(previous["devices"]) if previous else (),
        )
        plan = planner.plan(ctx)
        if plan.error:
            return self._finish(turn, recognition, (), plan.error, recognition.source)
        if plan.ambiguous:
            question = _which_question(plan.ambiguous, home)
            self.store.set(
                "pending",
                {
                    "kind": "clarify",
                    "created": self._clock(),
                    "question": question,
                    "candidates": [d.id for d in plan.ambiguous],
                    "recognition": _recognition_to_dict(recognition),
                },
            )
            return self._finish(turn, recognition, (), question, recognition.source)
        question = self._sensitive_question(plan.actions, home)
        if question:
            return self._ask_confirmation(turn, plan.actions, question, plan.response)
        render = plan.render or (lambda _home, text=plan.response: text)
        return self._execute(turn, plan.actions, render)

    def _run_fallback(self, turn: _Turn, home: Home, answer: FallbackAnswer) -> TurnResult:
        turn.recognition = Recognition(
            intent=answer.intent, slots={}, text=turn.text, source=answer.source
        )
        self._publish(IntentRecognized(text=turn.text, intent=answer.intent, source=answer.source))
        if not answer.actions:
            return self._finish(turn, turn.recognition, (), answer.response, answer.source)
        question = self._sensitive_question(answer.actions, home)
        if question:
            return self._ask_confirmation(turn, answer.actions, question, answer.response)
        return self._execute(turn, answer.actions, lambda _home: answer.response)

    def _sensitive_question(self, actions: Sequence[Action], home: Home) -> str | None:
        """The question to ask first when the actions could open the home (by their effect)."""
        risks = sensitivity.risks(actions, home.devices)
        return sensitivity.question(risks) if risks else None

    def _ask_confirmation(
        self,
        turn: _Turn,
        actions: tuple[Action, ...],
        question: str,
        reply: str,
        restore: list[dict[str, Any]] | None = None,
    ) -> TurnResult:
        """Keep the actions (or, for an undo, the states to restore) until a yes or a no."""
        pending: dict[str, Any] = {
            "kind": "confirm",
            "created": self._clock(),
            "question": question,
            "actions": [a.to_dict() for a in actions],
            "reply": reply,
        }
        if restore is not None:
            pending["restore"] = restore
        if turn.recognition is not None and turn.recognition.intent not in _META:
            # Once confirmed, "and in the driveway too" follows up on what was asked here.
            pending["recognition"] = _recognition_to_dict(turn.recognition)
        self.store.set("pending", pending)
        self._publish(
            ConfirmationRequested(
                question=question,
                actions=tuple(a.to_dict() for a in actions),
                expires_in_s=self.config.confirmation_timeout_s,
            )
        )
        self._publish(ActionsExecuted(tuple(a.to_dict() for a in actions), pending=True))
        return self._finish(
            turn,
            turn.recognition,
            actions,
            question,
            turn.recognition.source if turn.recognition else None,
            confirmation_required=True,
        )

    def _execute(
        self,
        turn: _Turn,
        actions: tuple[Action, ...],
        render: Callable[[Home], str],
        confirmed: bool = False,
        context: Recognition | None = None,
    ) -> TurnResult:
        changing = [a for a in actions if a.action is not ActionKind.GET_STATE]
        self._publish(StageStart(Stage.ACTION))
        started = time.perf_counter()
        results: list[ActionResult] = []
        try:
            if changing:
                # The backend checks the real effect again inside its transaction: what opens
                # a door without a yes is refused there, whatever the check above concluded.
                results = self.backend.execute(changing, allow_sensitive=confirmed)
        except sensitivity.NeedsConfirmation as err:
            turn.timings["action"] = (time.perf_counter() - started) * 1000
            question = sensitivity.question([sensitivity.Risk(r.after) for r in err.results])
            # The reply after a yes names what was done then (describe_done), not what is now.
            return self._ask_confirmation(turn, actions, question, "")
        except CommandError as err:
            reply = f"Sorry, {err}"
            turn.timings["action"] = (time.perf_counter() - started) * 1000
            return self._finish(turn, turn.recognition, (), reply, _source(turn))
        except BackendError as err:
            _LOGGER.warning("backend failed: %s", err)
            turn.timings["action"] = (time.perf_counter() - started) * 1000
            return self._finish(
                turn,
                turn.recognition,
                (),
                f"Sorry, I couldn't reach the home: {err}",
                _source(turn),
            )
        turn.timings["action"] = (time.perf_counter() - started) * 1000
        self._publish(StageEnd(Stage.ACTION, turn.timings["action"]))
        # Relative steps come back resolved ("+1 %" → brightness 51): report what was written.
        resolved = iter(r.action for r in results if r.via is None)
        actions = tuple(
            next(resolved, a) if a.action is not ActionKind.GET_STATE else a for a in actions
        )
        if any(r.changed for r in results):
            self.store.set(
                "undo",
                {
                    "created": self._clock(),
                    "before": [_device_state(r.before) for r in results],
                },
            )
        self._publish(ActionsExecuted(tuple(a.to_dict() for a in actions)))
        recognition = context or turn.recognition
        if actions and recognition is not None and recognition.intent not in _META:
            self.store.set(
                "context",
                {
                    "created": self._clock(),
                    "devices": list(dict.fromkeys(a.device for a in actions)),
                    "recognition": _recognition_to_dict(recognition),
                },
            )
        reply = render(self.backend.home())
        return self._finish(
            turn, turn.recognition, actions, reply, _source(turn), executed=tuple(results)
        )

    # -- meta intents: answers to our questions, undo ---------------------------------------------

    def _confirm(self, turn: _Turn, pending: dict[str, Any] | None) -> TurnResult:
        if pending is None or pending["kind"] != "confirm":
            return self._finish(turn, turn.recognition, (), "There is nothing to confirm", "local")
        self.store.set("pending", None)
        if pending.get("restore") is not None:
            return self._restore(turn, pending["restore"], confirmed=True)
        actions = tuple(Action.from_dict(a) for a in pending["actions"])
        reply = pending.get("reply") or planner.describe_done(actions, self.backend.home())
        asked = pending.get("recognition")
        context = _recognition_from_dict(asked, turn.text) if asked else None
        return self._execute(turn, actions, lambda _home: reply, confirmed=True, context=context)

    def _deny(self, turn: _Turn, pending: dict[str, Any] | None) -> TurnResult:
        if pending is None:
            return self._finish(turn, turn.recognition, (), "Okay", "local")
        self.store.set("pending", None)
        return self._finish(turn, turn.recognition, (), "Okay, I won't do it", "local")

    def _undo(self, turn: _Turn, pending: dict[str, Any] | None) -> TurnResult:
        record = self.store.get("undo")
        if not record or self._clock() - record["created"] > self.config.context_timeout_s * 10:
            return self._finish(turn, turn.recognition, (), "There is nothing to undo", "local")
        if pending is not None:
            self.store.set("pending", None)  # "undo" answers no open question
        return self._restore(turn, record["before"], confirmed=False)

    def _restore(self, turn: _Turn, items: list[dict[str, Any]], confirmed: bool) -> TurnResult:
        """Put devices back (undo); putting a door back to unlocked or open asks first."""
        home = self.backend.home()
        before = [_stored_result(home, item) for item in items if item["id"] in home.devices]
        targets = [r.before for r in before]
        if not confirmed and (risks := sensitivity.restore_risks(targets, home.devices)):
            return self._ask_undo_confirmation(turn, items, risks, home)
        started = time.perf_counter()
        try:
            restored = self.backend.restore(before, allow_sensitive=confirmed)
        except sensitivity.NeedsConfirmation as err:
            risks = [sensitivity.Risk(r.after) for r in err.results]
            return self._ask_undo_confirmation(turn, items, risks, self.backend.home())
        except (BackendError, CommandError) as err:
            return self._finish(turn, turn.recognition, (), f"Sorry, {err}", "local")
        turn.timings["action"] = (time.perf_counter() - started) * 1000
        self.store.set("undo", None)
        actions = tuple(_restoring_action(r.before, r.after) for r in restored)
        return self._finish(turn, turn.recognition, actions, "Undone", "local", executed=restored)

    def _ask_undo_confirmation(
        self,
        turn: _Turn,
        items: list[dict[str, Any]],
        risks: Sequence[sensitivity.Risk],
        home: Home,
    ) -> TurnResult:
        # Everything the undo would put back is shown; the question names what it opens.
        restoring = [_stored_result(home, item) for item in items if item["id"] in home.devices]
        actions = tuple(
            _restoring_action(r.after, r.before)
            for r in restoring
            if (r.before.state, dict(r.before.attributes))
            != (r.after.state, dict(r.after.attributes))
        )
        question = sensitivity.question(risks)
        return self._ask_confirmation(turn, actions, question, "Undone", restore=items)

    def _follow_up_place(self, turn: _Turn, pending: dict[str, Any] | None) -> TurnResult:
        """ "and the bedroom too": the previous request again, in another room or floor."""
        previous = self._previous()
        recognition = turn.recognition
        assert recognition is not None
        if previous is None:
            return self._finish(
                turn, None, (), "Sorry, I'm not sure what you want me to do there", None
            )
        raw = previous["recognition"]
        slots = {k: v for k, v in raw["slots"].items() if k not in ("area", "floor", "refers")}
        texts = {k: v for k, v in raw.get("slot_texts", {}).items() if k not in ("area", "floor")}
        for key in ("area", "floor"):
            if key in recognition.slots:
                slots[key] = recognition.slots[key]
                texts[key] = recognition.slot_texts.get(key, str(recognition.slots[key]))
        if "name" in slots and raw.get("context", {}).get("domain"):
            context = dict(raw["context"])
        else:
            context = {}
        turn.recognition = Recognition(
            intent=raw["intent"],
            slots=slots,
            text=turn.text,
            response_key=raw.get("response_key"),
            slot_texts=texts,
            context=context,
            source=recognition.source,
            confidence=recognition.confidence,
        )
        if pending is not None:
            self.store.set("pending", None)
        return self._run_plan(turn, self.backend.home())

    def _select_without_question(self, turn: _Turn, pending: dict[str, Any] | None) -> TurnResult:
        return self._finish(turn, None, (), NOT_UNDERSTOOD, None)

    # -- helpers --------------------------------------------------------------------------------

    def _pending(self) -> dict[str, Any] | None:
        pending = self.store.get("pending")
        if pending is None:
            return None
        timeout = self.config.confirmation_timeout_s
        if self._clock() - float(pending.get("created", 0)) > timeout:
            self.store.set("pending", None)
            return None
        return pending

    def _drop_confirmation(
        self, pending: dict[str, Any] | None, recognition: Recognition | None
    ) -> None:
        """Only a clear yes runs waiting actions; anything else (a "stop", a sentence not
        understood, another command) drops them, so a later "yes" cannot run them by surprise.
        The pending record stays in ``handle``'s hands, so "no" can still say what it refused."""
        if pending is None or pending["kind"] != "confirm":
            return
        if recognition is None or recognition.intent != "HearthConfirm":
            self.store.set("pending", None)

    def _previous(self) -> dict[str, Any] | None:
        """The last command's devices and meaning, while the conversation is still fresh."""
        previous = self.store.get("context")
        if previous is None:
            return None
        if self._clock() - float(previous.get("created", 0)) > self.config.context_timeout_s:
            self.store.set("context", None)
            return None
        return previous

    def _elapsed(self, turn: _Turn) -> float:
        return (time.perf_counter() - turn.started) * 1000

    def _finish(
        self,
        turn: _Turn,
        recognition: Recognition | None,
        actions: tuple[Action, ...],
        response: str,
        source: str | None,
        confirmation_required: bool = False,
        executed: tuple[ActionResult, ...] = (),
    ) -> TurnResult:
        total = (time.perf_counter() - turn.started) * 1000
        timings = {
            "asr": turn.asr_ms,
            "intent": turn.intent_ms,
            "action": turn.timings.get("action", 0.0),
            "total": total + turn.asr_ms,
        }
        if "cloud" in turn.timings:
            timings["cloud"] = turn.timings["cloud"]
        if recognition is None:
            self._publish(IntentRecognized(text=turn.text, intent=None))
        response = response[:1].upper() + response[1:]
        self._publish(Reply(response))
        result = TurnResult(
            text=turn.text,
            intent=recognition.intent if recognition else None,
            slots=dict(recognition.slots) if recognition else {},
            actions=actions,
            response=response,
            source=source,
            timings_ms=timings,
            confirmation_required=confirmation_required,
            executed=executed,
            confidence=recognition.confidence if recognition else 0.0,
        )
        self._publish(
            TurnCompleted(
                result.to_dict(),
                confidence=result.confidence,
                changed=any(r.changed for r in executed),
            )
        )
        return result

    def _publish(self, event: Any) -> None:
        self.bus.publish(event)


_META: dict[str, Callable[[Conversation, _Turn, dict[str, Any] | None], TurnResult]] = {
    "HearthConfirm": Conversation._confirm,
    "HearthDeny": Conversation._deny,
    "HassNevermind": Conversation._deny,
    "HearthUndo": Conversation._undo,
    "HearthSelect": Conversation._select_without_question,
    "HearthFollowUpArea": Conversation._follow_up_place,
}


def _known_name(spoken: str, home: Home) -> str | None:
    """The device, area or floor whose name or alias is ``spoken``, if any."""
    items = [*home.devices.values(), *home.areas.values(), *home.floors.values()]
    for item in items:
        if any(" ".join(words_of(n)) == spoken for n in (item.name, *item.aliases)):
            return item.name
    return None


def _source(turn: _Turn) -> str | None:
    return turn.recognition.source if turn.recognition else None


def _which_question(devices: Sequence[Device], home: Home) -> str:
    areas: list[str] = []
    for device in devices:
        area = home.areas.get(device.area or "")
        if area is not None and area.name not in areas:
            areas.append(area.name)
    names = {d.name for d in devices}
    shown = [f"the {a}" for a in areas[:5]]
    if len(areas) > 5:
        shown.append("somewhere else")
    options = " or ".join([", ".join(shown[:-1]), shown[-1]]) if len(shown) > 1 else "".join(shown)
    if len(names) == 1:
        return f"Which {next(iter(names))} do you mean: {options}?"
    return f"In which room: {options}?"


def _recognition_to_dict(recognition: Recognition) -> dict[str, Any]:
    return {
        "intent": recognition.intent,
        "slots": recognition.slots,
        "response_key": recognition.response_key,
        "slot_texts": recognition.slot_texts,
        "context": recognition.context,
        "source": recognition.source,
        "confidence": recognition.confidence,
    }


def _recognition_from_dict(raw: dict[str, Any], text: str) -> Recognition:
    return Recognition(
        intent=raw["intent"],
        slots=dict(raw.get("slots") or {}),
        text=text,
        response_key=raw.get("response_key"),
        slot_texts=dict(raw.get("slot_texts") or {}),
        context=dict(raw.get("context") or {}),
        source=raw.get("source", "local"),
        confidence=raw.get("confidence", 1.0),
    )


def _device_state(device: Device) -> dict[str, Any]:
    return {"id": device.id, "state": device.state, "attributes": dict(device.attributes)}


def _stored_result(home: Home, item: dict[str, Any]) -> ActionResult:
    """An ActionResult rebuilt from a stored "before" state, so the backend can restore it."""
    current = home.devices[item["id"]]
    before = current.with_state(item["state"], item["attributes"])
    return ActionResult(Action(current.id, ActionKind.GET_STATE), before, current)


def _restoring_action(before: Device, after: Device) -> Action:
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
