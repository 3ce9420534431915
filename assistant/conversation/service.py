"""One turn of conversation: text in → recognition → plan → (confirm | ask | execute) → reply.

Every front end (CLI, GUI, voice pipeline, cloud fallback) goes through ``Conversation.handle``
so that confirmations, clarifying questions, undo and the events they emit behave the same
everywhere. The dialogue state (``state.DialogueState``) lives in a SessionStore so it survives
between CLI invocations; one lock makes each turn whole, so a typed turn and a spoken one (the
window's worker and the voice thread) never interleave their reads and writes of it.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from assistant import planning as planner
from assistant.config import ConversationConfig
from assistant.conversation import confirmation, followups
from assistant.conversation.confirmation import Ask
from assistant.conversation.execution import TurnRunner
from assistant.conversation.fallback import ASK_CLOUD_PREFIX, CLOUD_OFF, Fallback, FallbackAnswer
from assistant.conversation.result import Turn, TurnResult
from assistant.conversation.state import (
    DialogueState,
    Pending,
    PendingChoice,
    PendingConfirmation,
    StoredRecognition,
)
from assistant.conversation.understanding import NOT_UNDERSTOOD, HomeRecognizer, Recognizer
from assistant.events import (
    EventBus,
    IntentRecognized,
    Stage,
    StageEnd,
    StageStart,
)
from assistant.home.backend import Backend
from assistant.home.commands import Action
from assistant.home.model import Home
from assistant.planning.services import Services
from assistant.session import SessionStore
from intents.engine import IntentEngine, Recognition
from intents.vocabulary import Vocabulary

MAX_TEXT_CHARS = 500


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
        recognizer: Recognizer | None = None,
        services: Services | None = None,
    ) -> None:
        """``recognizer`` replaces the local one (exact match, then repairs) for understanding
        sentences; whatever it returns goes through the same planning and confirmation."""
        self.backend = backend
        # Timers, lists and announcements: what handlers use besides the home.
        self.services = services or Services()
        self.fallback = fallback
        self.engine = engine
        self.config = config or ConversationConfig()
        self.bus = bus or EventBus()
        self._clock = clock
        self._now = now
        self.state = DialogueState(store or SessionStore(), clock)
        # Reentrant: an event listener may ask (pending_question) while a turn publishes.
        self._lock = threading.RLock()
        home = backend.home()
        area = home.find_area(this_room) if this_room else None
        self.understanding = HomeRecognizer(engine, area.id if area else None)
        self.recognizer: Recognizer = recognizer or self.understanding

    @property
    def store(self) -> SessionStore:
        return self.state.store

    @store.setter
    def store(self, store: SessionStore) -> None:
        with self._lock:
            self.state = DialogueState(store, self._clock)

    @property
    def speaker_area(self) -> str | None:
        """The area the speaker is in, by id ("this room")."""
        return self.understanding.speaker_area

    # -- public ---------------------------------------------------------------------------------

    def vocabulary(self, home: Home | None = None) -> Vocabulary:
        """The vocabulary for the current layout, rebuilt only when names or areas change."""
        return self.understanding.vocabulary(home or self.backend.home())

    def warm_up(self) -> None:
        self.engine.warm_up(self.vocabulary())

    def handle(self, text: str, asr_ms: float = 0.0) -> TurnResult:
        """One sentence, start to finish; turns from several threads run one after another."""
        with self._lock:
            return self._handle(Turn(" ".join(text.split()), asr_ms))

    def pending_question(self) -> str | None:
        """The question waiting for an answer ("Are you sure…?", "Which one…?"), or None when
        there is none or it expired; front ends show their Yes/No exactly as long as this."""
        with self._lock:
            pending = self._pending()
            return pending.question if pending is not None else None

    def cancel_question(self) -> str | None:
        """Drop the question waiting for an answer (a spoken "stop" the pipeline caught, a
        Cancel). Returns what will not happen ("Okay, I won't unlock the Front Door.") when an
        action waited for a yes, else None."""
        with self._lock:
            pending = self._pending()
            if pending is None:
                return None
            self.state.clear_pending()
            return (
                confirmation.refusal(pending) if isinstance(pending, PendingConfirmation) else None
            )

    def recognize(self, text: str) -> Recognition | None:
        """What ``text`` would be understood as (repairs included), without acting on it: the
        live pipeline asks this of partial transcripts to act before the silence runs out.
        It reads none of the dialogue state, so it does not wait for a turn in progress."""
        return self.recognizer.recognize(" ".join(text.split()), self.backend.home())

    def run_actions(self, actions: Sequence[Action], confirmed: bool = False) -> TurnResult:
        """Direct control (GUI cards): same checks, confirmation and undo as a spoken command.
        A click is not a yes: a question waiting for one is dropped, as any sentence drops it."""
        with self._lock:
            turn = Turn("")
            turn.recognition = Recognition(
                intent="HearthDirect", slots={}, text="", source="direct"
            )
            self._drop_confirmation(turn, self._pending())
            home = self.backend.home()
            if not confirmed and (ask := confirmation.for_actions(actions, home)):
                return self._ask_confirmation(turn, tuple(actions), ask, "Done")
            return self._execute(turn, tuple(actions), lambda h: "Done", confirmed=confirmed)

    # -- one turn -------------------------------------------------------------------------------

    def _handle(self, turn: Turn) -> TurnResult:
        pending = self._pending()
        if not turn.text or len(turn.text) > MAX_TEXT_CHARS:
            self._drop_confirmation(turn, pending)
            reply = "I didn't hear a command" if not turn.text else "That is too long for a command"
            return self._finish(turn, None, (), reply, None)
        home = self.backend.home()
        if ASK_CLOUD_PREFIX.match(turn.text):
            self._drop_confirmation(turn, pending)
            answer = self._ask_fallback(turn, home)
            if answer is None:
                return self._finish(turn, None, (), CLOUD_OFF, None)
            return self._run_fallback(turn, home, answer)
        self._publish(StageStart(Stage.INTENT))
        if isinstance(pending, PendingChoice):
            chosen = followups.clarified(turn.text, home, pending)
            if chosen is not None:
                turn.recognition = chosen
                self._end_intent(turn)
                self.state.clear_pending()
                return self._run_plan(turn, home)

        turn.recognition = recognition = self.recognizer.recognize(turn.text, home)
        self._end_intent(turn)
        if isinstance(pending, PendingConfirmation):
            if confirmation.is_clear_yes(recognition, turn.text, self._understand):
                return self._confirm(turn, pending)
            self._drop_confirmation(turn, pending)
            pending = None
        if recognition is None:
            answer = self._ask_fallback(turn, home) if self.fallback is not None else None
            if answer is not None:
                return self._run_fallback(turn, home, answer)
            return self._finish(turn, None, (), self.recognizer.explain(turn.text, home), None)

        meta = _META.get(recognition.intent)
        if meta is not None:
            return meta(self, turn, pending)
        if pending is not None:
            self.state.clear_pending()  # a new command replaces an unanswered question
        return self._run_plan(turn, home)

    def _end_intent(self, turn: Turn) -> None:
        turn.intent_ms = (time.perf_counter() - turn.started) * 1000
        self._publish(StageEnd(Stage.INTENT, turn.intent_ms))

    def _ask_fallback(self, turn: Turn, home: Home) -> FallbackAnswer | None:
        if self.fallback is None:
            return None
        started = time.perf_counter()
        answer = self.fallback.answer(turn.text, home)
        turn.timings["cloud"] = (time.perf_counter() - started) * 1000
        return answer

    # -- planning and execution ------------------------------------------------------------------

    def _run_plan(self, turn: Turn, home: Home) -> TurnResult:
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
        previous = self.state.context(self.config.context_timeout_s)
        ctx = planner.HandlerContext(
            recognition=recognition,
            home=home,
            responses=self.engine.responses,
            speaker_area=self.speaker_area,
            now=self._now,
            previous=previous.devices if previous else (),
            services=self.services,
        )
        plan = planner.plan(ctx)
        if plan.error:
            return self._finish(turn, recognition, (), plan.error, recognition.source)
        if plan.ambiguous:
            question = followups.which_question(plan.ambiguous, home)
            self.state.ask(
                PendingChoice(
                    created=self._clock(),
                    question=question,
                    candidates=tuple(d.id for d in plan.ambiguous),
                    recognition=StoredRecognition.of(recognition),
                )
            )
            return self._finish(turn, recognition, (), question, recognition.source)
        ask = confirmation.for_actions(plan.actions, home)
        if ask:
            return self._ask_confirmation(turn, plan.actions, ask, plan.response)
        render = plan.render or (lambda _home, text=plan.response: text)
        if plan.perform is not None:
            perform = plan.perform
            render = lambda _home: perform()
        return self._execute(turn, plan.actions, render)

    def _run_fallback(self, turn: Turn, home: Home, answer: FallbackAnswer) -> TurnResult:
        turn.recognition = Recognition(
            intent=answer.intent, slots={}, text=turn.text, source=answer.source
        )
        self._publish(IntentRecognized(text=turn.text, intent=answer.intent, source=answer.source))
        if not answer.actions:
            return self._finish(turn, turn.recognition, (), answer.response, answer.source)
        ask = confirmation.for_actions(answer.actions, home)
        if ask:
            return self._ask_confirmation(turn, answer.actions, ask, answer.response)
        return self._execute(turn, answer.actions, lambda _home: answer.response)

    # -- meta intents: answers to our questions, undo ---------------------------------------------

    def _confirm(self, turn: Turn, pending: Pending | None) -> TurnResult:
        if not isinstance(pending, PendingConfirmation):
            # A yes with nothing waiting, or one that was not clear enough to run anything.
            reply = (
                "I wasn't sure that was a yes" if turn.dropped else "There is nothing to confirm"
            )
            return self._finish(turn, turn.recognition, (), reply, "local")
        self.state.clear_pending()
        if pending.restore is not None:
            return self._runner.restore(turn, pending.restore, confirmed=True)
        reply = pending.reply or planner.describe_done(pending.actions, self.backend.home())
        asked = pending.recognition
        context = asked.recognition(turn.text) if asked else None
        return self._execute(
            turn, pending.actions, lambda _home: reply, confirmed=True, context=context
        )

    def _deny(self, turn: Turn, pending: Pending | None) -> TurnResult:
        if turn.dropped:  # the refusal, said first, is the whole answer
            return self._finish(turn, turn.recognition, (), "", "local")
        if pending is None:
            return self._finish(turn, turn.recognition, (), "Okay", "local")
        self.state.clear_pending()
        return self._finish(turn, turn.recognition, (), "Okay, I won't do it", "local")

    def _undo(self, turn: Turn, pending: Pending | None) -> TurnResult:
        record = self.state.undo(self.config.context_timeout_s)
        if record is None:
            return self._finish(turn, turn.recognition, (), "There is nothing to undo", "local")
        if pending is not None:
            self.state.clear_pending()  # "undo" answers no open question
        return self._runner.restore(turn, record.before, confirmed=False)

    def _follow_up_place(self, turn: Turn, pending: Pending | None) -> TurnResult:
        """ "and the bedroom too": the previous request again, in another room or floor."""
        previous = self.state.context(self.config.context_timeout_s)
        recognition = turn.recognition
        assert recognition is not None
        if previous is None:
            return self._finish(
                turn, None, (), "Sorry, I'm not sure what you want me to do there", None
            )
        turn.recognition = followups.in_another_place(previous, recognition, turn.text)
        if pending is not None:
            self.state.clear_pending()
        return self._run_plan(turn, self.backend.home())

    def _select_without_question(self, turn: Turn, pending: Pending | None) -> TurnResult:
        return self._finish(turn, None, (), NOT_UNDERSTOOD, None)

    # -- helpers --------------------------------------------------------------------------------

    def _understand(self, text: str) -> Recognition | None:
        return self.recognizer.recognize(text, self.backend.home())

    def _pending(self) -> Pending | None:
        return self.state.pending(self.config.confirmation_timeout_s)

    def _drop_confirmation(self, turn: Turn, pending: Pending | None) -> None:
        """Only a clear yes runs waiting actions; anything else (a "stop", a sentence not
        understood, another command, a click) drops them, so a later "yes" cannot run them by
        surprise, and the reply starts by saying what will not happen."""
        if isinstance(pending, PendingConfirmation):
            self.state.clear_pending()
            turn.dropped = confirmation.refusal(pending)

    @property
    def _runner(self) -> TurnRunner:
        return TurnRunner(self.backend, self.state, self.config, self._publish)

    def _finish(
        self,
        turn: Turn,
        recognition: Recognition | None,
        actions: tuple[Action, ...],
        response: str,
        source: str | None,
    ) -> TurnResult:
        return self._runner.finish(turn, recognition, actions, response, source)

    def _ask_confirmation(
        self, turn: Turn, actions: tuple[Action, ...], ask: Ask, reply: str
    ) -> TurnResult:
        return self._runner.ask(turn, actions, ask, reply, keep=_worth_keeping(turn.recognition))

    def _execute(
        self,
        turn: Turn,
        actions: tuple[Action, ...],
        render: Callable[[Home], str],
        confirmed: bool = False,
        context: Recognition | None = None,
    ) -> TurnResult:
        remember = context or _worth_keeping(turn.recognition)
        return self._runner.execute(turn, actions, render, confirmed=confirmed, remember=remember)

    def _publish(self, event: Any) -> None:
        self.bus.publish(event)


_META: dict[str, Callable[[Conversation, Turn, Pending | None], TurnResult]] = {
    "HearthConfirm": Conversation._confirm,
    "HearthDeny": Conversation._deny,
    "HassNevermind": Conversation._deny,
    "HearthUndo": Conversation._undo,
    "HearthSelect": Conversation._select_without_question,
    "HearthFollowUpArea": Conversation._follow_up_place,
}


def _worth_keeping(recognition: Recognition | None) -> Recognition | None:
    """A request that later turns can lean on; answers to our own questions are not."""
    return recognition if recognition is not None and recognition.intent not in _META else None
