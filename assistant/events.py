"""Pipeline events: one frozen dataclass per event, and a small thread-safe bus.

The UI, the history log and the CLI all listen to the same events, so every event round-trips
through a plain dict (``to_event``/``from_event``) and can cross threads, sockets and log files.

Every event that belongs to a turn carries its ``turn_id``: made by :func:`new_turn_id` when an
utterance opens (or a typed turn starts) and stamped by the bus on whatever is published inside
``with bus.turn(turn_id):`` on that thread, so the conversation, the backend and the pipeline
need not pass it around, and the history and the window match a turn's events by id.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import threading
import typing
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

_LOGGER = logging.getLogger(__name__)


class EventType(StrEnum):
    STAGE_START = "stage-start"
    STAGE_END = "stage-end"
    PIPELINE_STATE = "pipeline-state"
    TRANSCRIPT = "transcript"
    INTENT = "intent"
    ACTIONS = "actions"
    REPLY = "reply"
    CONFIRMATION = "confirmation"
    DEVICE_CHANGED = "device-changed"
    TURN_COMPLETED = "turn-completed"
    CLOUD_REQUEST = "cloud-request"
    ERROR = "error"
    WAKE_DETECTED = "wake-detected"
    WAKE_REJECTED = "wake-rejected"
    AUDIO_LEVEL = "audio-level"
    UTTERANCE_TIMINGS = "utterance-timings"
    CANCELLED = "cancelled"
    TIMER_FINISHED = "timer-finished"
    CONNECTION = "connection"


class Stage(StrEnum):
    """Pipeline stages, each reported as a start/end pair with its timing."""

    WAKE = "wake"
    VAD = "vad"
    ASR = "asr"
    INTENT = "intent"
    ACTION = "action"
    REPLY = "reply"
    CLOUD = "cloud"


class ConnectionState(StrEnum):
    """A remote home's link: working, being re-established, or given up on (wrong token)."""

    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    FAILED = "failed"


class PipelineState(StrEnum):
    IDLE = "idle"
    WAKE = "wake"
    LISTENING = "listening"
    TRANSCRIBING = "transcribing"
    ACTING = "acting"
    REPLYING = "replying"
    ERROR = "error"


_REGISTRY: dict[EventType, type[Event]] = {}


@dataclass(frozen=True)
class Event:
    """Base of all events; subclasses set ``type`` and are registered for ``from_event``."""

    type: ClassVar[EventType]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _REGISTRY[cls.type] = cls

    def to_event(self) -> dict[str, Any]:
        return {"type": self.type.value, "data": dataclasses.asdict(self)}

    @staticmethod
    def from_event(raw: dict[str, Any]) -> Event:
        cls = _REGISTRY[EventType(raw["type"])]
        hints = typing.get_type_hints(cls)
        data = dict(raw.get("data") or {})
        for key, value in data.items():
            origin = typing.get_origin(hints.get(key))
            if origin is tuple and isinstance(value, list):
                data[key] = tuple(value)
            elif isinstance(hints.get(key), type) and issubclass(hints[key], StrEnum):
                data[key] = hints[key](value)
        return cls(**data)


@dataclass(frozen=True)
class StageStart(Event):
    type: ClassVar[EventType] = EventType.STAGE_START
    stage: Stage
    turn_id: str = ""


@dataclass(frozen=True)
class StageEnd(Event):
    type: ClassVar[EventType] = EventType.STAGE_END
    stage: Stage
    duration_ms: float
    turn_id: str = ""


@dataclass(frozen=True)
class PipelineStateChanged(Event):
    type: ClassVar[EventType] = EventType.PIPELINE_STATE
    state: PipelineState
    previous: PipelineState


@dataclass(frozen=True)
class Transcript(Event):
    type: ClassVar[EventType] = EventType.TRANSCRIPT
    text: str
    final: bool
    turn_id: str = ""


@dataclass(frozen=True)
class IntentRecognized(Event):
    type: ClassVar[EventType] = EventType.INTENT
    text: str
    intent: str | None
    slots: dict[str, Any] = field(default_factory=dict)
    confidence: float = 0.0
    source: str | None = None
    turn_id: str = ""


@dataclass(frozen=True)
class ActionsExecuted(Event):
    """Device commands that ran (or, with ``pending``, await the user's confirmation)."""

    type: ClassVar[EventType] = EventType.ACTIONS
    actions: tuple[dict[str, Any], ...]
    pending: bool = False
    turn_id: str = ""


@dataclass(frozen=True)
class Reply(Event):
    type: ClassVar[EventType] = EventType.REPLY
    text: str
    turn_id: str = ""


@dataclass(frozen=True)
class ConfirmationRequested(Event):
    type: ClassVar[EventType] = EventType.CONFIRMATION
    question: str
    actions: tuple[dict[str, Any], ...]
    expires_in_s: float
    turn_id: str = ""


@dataclass(frozen=True)
class DeviceChanged(Event):
    type: ClassVar[EventType] = EventType.DEVICE_CHANGED
    device_id: str
    state: str
    attributes: dict[str, Any]
    previous_state: str
    turn_id: str = ""  # empty for a change made elsewhere (another process, the home itself)


@dataclass(frozen=True)
class TurnCompleted(Event):
    """One sentence fully handled; ``result`` is the CLI's JSON object for it.

    Voice turns do not come through a caller that could show them, so the UI and the history
    log learn about every turn here, whoever started it.
    """

    type: ClassVar[EventType] = EventType.TURN_COMPLETED
    result: dict[str, Any]
    turn_id: str = ""
    confidence: float = 0.0
    changed: bool = False  # something in the home changed, so Undo has work to do


@dataclass(frozen=True)
class TimerFinished(Event):
    """A timer's time is up (rung once, by whichever Hearth process saw it first).

    ``message`` is what to say ("The pizza timer is done"); ``command`` the delayed command it
    carried ("turn off the lights"), run as a turn of its own right after.
    """

    type: ClassVar[EventType] = EventType.TIMER_FINISHED
    timer_id: str
    message: str
    command: str | None = None


@dataclass(frozen=True)
class CloudRequest(Event):
    """A request left for the cloud service (one per attempt, as in the egress log).

    The privacy view refreshes on it, so the user sees what left while it happens.
    """

    type: ClassVar[EventType] = EventType.CLOUD_REQUEST
    host: str
    bytes_sent: int
    result: str
    turn_id: str = ""


@dataclass(frozen=True)
class ErrorEvent(Event):
    """A stage failed; ``code`` is stable for programs, ``message`` is for people."""

    type: ClassVar[EventType] = EventType.ERROR
    stage: Stage
    code: str
    message: str
    turn_id: str = ""


@dataclass(frozen=True)
class WakeDetected(Event):
    """The wake word was heard (``at_s``: pipeline clock); listening for a command begins."""

    type: ClassVar[EventType] = EventType.WAKE_DETECTED
    word: str
    probability: float
    at_s: float
    turn_id: str = ""


@dataclass(frozen=True)
class WakeRejected(Event):
    """The detector fired but the speech model heard other words (``heard``); Hearth stays idle.

    ``ratio`` is log P(wake phrase) - log P(heard) (see assistant/speech/wake_check.py)."""

    type: ClassVar[EventType] = EventType.WAKE_REJECTED
    word: str
    probability: float
    ratio: float
    heard: str
    turn_id: str = ""


@dataclass(frozen=True)
class AudioLevel(Event):
    """Microphone level about ten times a second, for the UI's meter and progress line.

    ``level`` is 0-1 on a dB scale (-60 dBFS → 0, 0 dBFS → 1); ``speech`` is the VAD's verdict
    while listening for a command (always False while waiting for the wake word).
    """

    type: ClassVar[EventType] = EventType.AUDIO_LEVEL
    level: float
    speech: bool = False
    state: PipelineState = PipelineState.IDLE


@dataclass(frozen=True)
class UtteranceTimings(Event):
    """How long the user waited for one spoken command, as ARCHITECTURE.md measures it.

    Times are on the pipeline clock in seconds. ``latency_ms`` runs from ``speech_end_s`` (the
    end of the last audio frame the VAD called speech) to ``action_s`` (the action executed, or
    the reply ready when nothing was executed). ``early`` is True when the command was acted on
    from a partial transcript before the end-of-speech silence ran out.
    """

    type: ClassVar[EventType] = EventType.UTTERANCE_TIMINGS
    speech_end_s: float
    decided_s: float
    action_s: float
    latency_ms: float
    early: bool
    ended_by: str
    stages_ms: dict[str, float] = field(default_factory=dict)
    text: str = ""
    turn_id: str = ""


@dataclass(frozen=True)
class Cancelled(Event):
    """The user cancelled (``reason``: "api", "spoken" or "timeout") and the pipeline is idle."""

    type: ClassVar[EventType] = EventType.CANCELLED
    reason: str
    state: PipelineState
    turn_id: str = ""


@dataclass(frozen=True)
class ConnectionChanged(Event):
    """A remote home backend (``backend``: its config name) connected, lost or gave up its link;
    ``message`` is one line for the status bar ("connection refused, retrying in 4 s")."""

    type: ClassVar[EventType] = EventType.CONNECTION
    backend: str
    state: ConnectionState
    message: str = ""


Listener = Callable[[Event], None]


def new_turn_id(kind: str = "t") -> str:
    """A turn id unique across runs (rows from older runs stay apart): ``kind`` "u" for an
    utterance, "b" for speech over a reply, "t" for a typed turn."""
    return f"{kind}-{uuid.uuid4().hex[:12]}"


@functools.cache
def _has_turn_id(cls: type[Event]) -> bool:
    return any(f.name == "turn_id" for f in dataclasses.fields(cls))


class EventBus:
    """Synchronous publish/subscribe; a failing listener is logged and never breaks the others."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[tuple[Listener, frozenset[EventType] | None]] = []
        self._turns = threading.local()

    @contextlib.contextmanager
    def turn(self, turn_id: str) -> Iterator[str]:
        """Stamp ``turn_id`` on every turn event this thread publishes inside the block."""
        saved = getattr(self._turns, "id", "")
        self._turns.id = turn_id
        try:
            yield turn_id
        finally:
            self._turns.id = saved

    def current_turn(self) -> str:
        """The turn this thread is working on ("" outside any)."""
        return str(getattr(self._turns, "id", ""))

    def subscribe(
        self, listener: Listener, types: Iterable[EventType] | None = None
    ) -> Callable[[], None]:
        entry = (listener, frozenset(types) if types is not None else None)
        with self._lock:
            self._listeners.append(entry)

        def unsubscribe() -> None:
            with self._lock:
                if entry in self._listeners:
                    self._listeners.remove(entry)

        return unsubscribe

    def publish(self, event: Event) -> None:
        turn_id = self.current_turn()
        if turn_id and _has_turn_id(type(event)) and not getattr(event, "turn_id", ""):
            event = dataclasses.replace(event, turn_id=turn_id)  # type: ignore[call-arg]
        with self._lock:
            listeners = list(self._listeners)
        for listener, types in listeners:
            if types is not None and event.type not in types:
                continue
            try:
                listener(event)
            except Exception:
                _LOGGER.exception("event listener failed on %s", event.type)
