"""What every speech engine offers, and the vocabulary the home gives them.

Engines differ (a neural decoder, a grammar-constrained HMM decoder, a Kaldi graph), but the
pipeline treats them alike: load once, transcribe one end-pointed utterance of 16 kHz int16
audio, optionally stream partial transcripts, and accept a :class:`VocabularyHint` built from the
home's device and area names and the command sentences it can execute.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

import numpy as np

from assistant.audio.base import SAMPLE_RATE

_SLOT = re.compile(r"\{(\w+)\}")
_OPTIONAL = re.compile(r"\[[^\[\]]*\]")
_GROUP = re.compile(r"\(([^()]*)\)")


class SpeechErrorCode(StrEnum):
    UNKNOWN_ENGINE = "unknown-engine"
    MISSING_PACKAGE = "missing-package"
    MODEL_NOT_FOUND = "model-not-found"
    LOAD_FAILED = "load-failed"
    BAD_AUDIO = "bad-audio"
    BAD_GRAMMAR = "bad-grammar"


class SpeechError(Exception):
    """An engine that cannot be used; ``str()`` is one line that says what to do."""

    def __init__(self, code: SpeechErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class VocabularyHint:
    """Words the home makes likely: names and example command sentences.

    ``sentences`` may hold ``{slot}`` placeholders filled from ``slots`` (e.g. ``{area}`` from
    the area names), so one template stands for every device it applies to. Whisper turns the hint
    into a decoder prompt; the grammar engine compiles it into the only sentences it can hear.
    """

    sentences: tuple[str, ...] = ()
    slots: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    names: tuple[str, ...] = ()  # extra names and words outside any slot

    def all_names(self) -> tuple[str, ...]:
        """Every slot value and extra name, de-duplicated, in first-seen order."""
        seen: dict[str, None] = {}
        for values in self.slots.values():
            for value in values:
                seen.setdefault(value, None)
        for name in self.names:
            seen.setdefault(name, None)
        return tuple(seen)

    def key(self) -> tuple[object, ...]:
        """A hashable identity, so engines can cache what they build from a hint."""
        slots = tuple(sorted((name, tuple(values)) for name, values in self.slots.items()))
        return (self.sentences, slots, self.names)

    def slots_used(self, sentence: str) -> list[str]:
        return _SLOT.findall(sentence)

    def examples(self, limit: int) -> list[str]:
        """Up to ``limit`` concrete sentences from the templates.

        Alternatives ``(a|b)`` and slot values are taken in turn, so repeated templates show
        different words and names; ``[optional]`` parts are left out.
        """
        out: list[str] = []
        counters: dict[str, int] = {}
        for template in self.sentences:
            if len(out) >= limit:
                break
            text = _render(template, self.slots, counters)
            if text:
                out.append(text)
        return out


def _render(template: str, slots: Mapping[str, tuple[str, ...]], counters: dict[str, int]) -> str:
    """One concrete sentence of a template (see :meth:`VocabularyHint.examples`)."""

    def take(key: str, options: list[str]) -> str:
        index = counters.get(key, 0)
        counters[key] = index + 1
        return options[index % len(options)] if options else ""

    def fill(match: re.Match[str]) -> str:
        values = list(slots.get(match.group(1), ()))
        return take("{" + match.group(1) + "}", values) if values else match.group(0)

    text = _OPTIONAL.sub("", template)
    while True:
        match = _GROUP.search(text)
        if match is None:
            break
        options = [option.strip() for option in match.group(1).split("|")]
        text = text[: match.start()] + take(match.group(1), options) + text[match.end() :]
    return " ".join(_SLOT.sub(fill, text).split())


@dataclass(frozen=True)
class TranscriptResult:
    """One utterance's transcript.

    ``confidence`` is in [0, 1] and comparable within one engine only; the pipeline uses it to
    decide whether to fall back to another engine.
    """

    text: str
    confidence: float
    duration_ms: float  # audio length
    decode_ms: float  # time spent in the engine
    engine: str
    words: tuple[str, ...] = ()

    @property
    def real_time_factor(self) -> float:
        return self.decode_ms / self.duration_ms if self.duration_ms else 0.0


@runtime_checkable
class SpeechEngine(Protocol):
    """A loaded-once speech-to-text engine for end-pointed utterances."""

    name: str

    def load(self) -> None:
        """Load models (idempotent); raise :class:`SpeechError` with a fix if they are missing."""
        ...

    def transcribe(
        self, audio: np.ndarray, hint: VocabularyHint | None = None
    ) -> TranscriptResult: ...


@runtime_checkable
class SpeechStream(Protocol):
    """An utterance being decoded while it is spoken."""

    def accept(self, frame: np.ndarray) -> str | None:
        """Feed a frame; return the partial transcript when it changed, else None."""
        ...

    def finish(self) -> TranscriptResult: ...


# -- capabilities: what some engines offer beyond SpeechEngine ----------------------------------
# Each is a runtime_checkable protocol: callers ask ``isinstance(engine, Capability)``, and
# speech/registry.py declares which engine has which (a test checks the two agree).


@runtime_checkable
class StreamingSpeechEngine(SpeechEngine, Protocol):
    """An engine that can also give partial transcripts during speech."""

    def stream(self, hint: VocabularyHint | None = None) -> SpeechStream: ...


@dataclass(frozen=True)
class PhraseEvidence:
    """Log-probabilities of a phrase and of the engine's own reading of the same audio."""

    phrase_logprob: float
    heard_logprob: float
    heard: str

    @property
    def ratio(self) -> float:
        """log P(phrase) - log P(what was heard): 0 or above when the phrase is what was heard."""
        return self.phrase_logprob - self.heard_logprob


@runtime_checkable
class PhraseScoringEngine(SpeechEngine, Protocol):
    """An engine that can weigh a phrase against its own reading of the audio (the wake check)."""

    def phrase_evidence(self, audio: np.ndarray, phrase: str) -> PhraseEvidence: ...


@runtime_checkable
class ConcurrentSpeechEngine(SpeechEngine, Protocol):
    """An engine that may say two transcribe calls from two threads run in parallel."""

    @property
    def concurrent(self) -> bool:
        """True when they do (faster-whisper with two CTranslate2 workers), so a final decode
        need not wait behind a partial one."""
        ...


#: Every capability protocol, for the registry's declarations and its test.
CAPABILITIES: tuple[type, ...] = (
    StreamingSpeechEngine,
    PhraseScoringEngine,
    ConcurrentSpeechEngine,
)


def check_audio(audio: np.ndarray) -> np.ndarray:
    """Engines take 1-D int16 at 16 kHz; anything else is a programming error made visible."""
    array = np.asarray(audio)
    if array.ndim != 1 or array.dtype != np.int16:
        raise SpeechError(
            SpeechErrorCode.BAD_AUDIO,
            f"engines take 1-D int16 audio at {SAMPLE_RATE} Hz, not {array.dtype} {array.shape}",
        )
    return array


def duration_ms(audio: np.ndarray) -> float:
    return 1000.0 * len(audio) / SAMPLE_RATE
