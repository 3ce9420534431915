"""End-of-speech detection as a pure state machine (after Home Assistant's VoiceCommandSegmenter).

It is fed one speech probability (or a bool) and the chunk's duration at a time, and keeps its
own notion of time by adding the durations up: no audio, no I/O, no clock. That makes every
timing rule testable with plain lists, and the same object serves the microphone, files and
benchmarks.

Rules:
* speech starts once ``min_speech_s`` of speech chunks accumulate without a gap of
  ``reset_s`` or more (so a click or a cough does not open an utterance);
* speech ends after ``silence_s`` of continuous non-speech, or when the utterance reaches
  ``max_utterance_s``; optionally, waiting longer than ``no_speech_timeout_s`` for speech gives up;
* once speech has started, a lower threshold (hysteresis) keeps quiet word endings inside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from assistant.config import VadConfig


class EndpointState(StrEnum):
    WAITING = "waiting"  # no speech yet
    SPEECH = "speech"  # inside an utterance
    DONE = "done"  # utterance over (or given up); call reset() for the next one


class EndReason(StrEnum):
    SILENCE = "silence"  # silence_s of non-speech after speech
    MAX_UTTERANCE = "max-utterance"  # the utterance hit max_utterance_s
    NO_SPEECH = "no-speech"  # timed out or the audio ended before any speech
    END_OF_AUDIO = "end-of-audio"  # the input ended during speech
    COMPLETE = "complete"  # the caller decided the command is complete (e.g. from partials)


class EndpointEventType(StrEnum):
    SPEECH_START = "speech-start"
    SPEECH_END = "speech-end"


@dataclass(frozen=True)
class EndpointEvent:
    """A change of state, with times in seconds from the first chunk fed."""

    type: EndpointEventType
    at_s: float  # when the decision was made (end of the chunk that caused it)
    speech_start_s: float | None = None
    speech_end_s: float | None = None  # end of the last chunk that held speech
    reason: EndReason | None = None


@dataclass(frozen=True)
class EndpointConfig:
    """Timing rules; ``from_vad_config`` maps the user's [vad] settings."""

    threshold: float = 0.5
    hysteresis: float = 0.15  # inside speech, a chunk counts as speech above threshold - this
    min_speech_s: float = 0.25
    silence_s: float = 0.7
    max_utterance_s: float = 15.0
    reset_s: float = 0.3
    no_speech_timeout_s: float | None = None

    @classmethod
    def from_vad_config(
        cls, vad: VadConfig, no_speech_timeout_s: float | None = None
    ) -> EndpointConfig:
        return cls(
            threshold=vad.threshold,
            min_speech_s=vad.min_speech_s,
            silence_s=vad.silence_s,
            max_utterance_s=vad.max_utterance_s,
            no_speech_timeout_s=no_speech_timeout_s,
        )


class Endpointer:
    """Decides where an utterance starts and ends from a stream of speech scores."""

    def __init__(self, config: EndpointConfig | None = None) -> None:
        self.config = config or EndpointConfig()
        self.reset()

    def reset(self) -> None:
        """Start over for the next utterance; time restarts at zero."""
        self.state = EndpointState.WAITING
        self.elapsed_s = 0.0
        self.speech_start_s: float | None = None
        self.speech_end_s: float | None = None
        self.reason: EndReason | None = None
        self._run_start_s: float | None = None
        self._run_speech_s = 0.0
        self._gap_s = 0.0
        self._silence_s = 0.0

    def process(self, chunk_s: float, speech: float | bool) -> EndpointEvent | None:
        """Feed one chunk; return an event when speech starts or ends, else None."""
        if chunk_s < 0:
            raise ValueError(f"chunk duration must not be negative, not {chunk_s}")
        if self.state is EndpointState.DONE:
            return None
        probability = float(speech)
        chunk_start = self.elapsed_s
        self.elapsed_s += chunk_s
        if self.state is EndpointState.WAITING:
            return self._waiting(chunk_start, probability >= self.config.threshold)
        is_speech = probability >= self.config.threshold - self.config.hysteresis
        return self._in_speech(is_speech)

    def finish(self) -> EndpointEvent | None:
        """The input ended: close an open utterance (END_OF_AUDIO) or report NO_SPEECH."""
        if self.state is EndpointState.DONE:
            return None
        if self.state is EndpointState.SPEECH:
            return self._end(EndReason.END_OF_AUDIO)
        return self._end(EndReason.NO_SPEECH)

    def complete(self) -> EndpointEvent | None:
        """End the utterance now because the caller knows it is complete (no silence wait)."""
        if self.state is not EndpointState.SPEECH:
            return None
        return self._end(EndReason.COMPLETE)

    def _waiting(self, chunk_start: float, is_speech: bool) -> EndpointEvent | None:
        config = self.config
        if is_speech:
            if self._run_start_s is None:
                self._run_start_s = chunk_start
            self._run_speech_s += self.elapsed_s - chunk_start
            self._gap_s = 0.0
            self.speech_end_s = self.elapsed_s
            if self._run_speech_s >= config.min_speech_s:
                self.state = EndpointState.SPEECH
                self.speech_start_s = self._run_start_s
                return EndpointEvent(
                    EndpointEventType.SPEECH_START,
                    at_s=self.elapsed_s,
                    speech_start_s=self.speech_start_s,
                )
        else:
            self._gap_s += self.elapsed_s - chunk_start
            if self._gap_s >= config.reset_s:
                self._run_start_s = None
                self._run_speech_s = 0.0
                self.speech_end_s = None
        if config.no_speech_timeout_s is not None and self.elapsed_s >= config.no_speech_timeout_s:
            return self._end(EndReason.NO_SPEECH)
        return None

    def _in_speech(self, is_speech: bool) -> EndpointEvent | None:
        config = self.config
        if is_speech:
            self._silence_s = 0.0
            self.speech_end_s = self.elapsed_s
        else:
            self._silence_s = self.elapsed_s - (self.speech_end_s or self.elapsed_s)
            if self._silence_s >= config.silence_s - 1e-9:
                return self._end(EndReason.SILENCE)
        assert self.speech_start_s is not None
        if self.elapsed_s - self.speech_start_s >= config.max_utterance_s - 1e-9:
            return self._end(EndReason.MAX_UTTERANCE)
        return None

    def _end(self, reason: EndReason) -> EndpointEvent:
        self.state = EndpointState.DONE
        self.reason = reason
        if reason is EndReason.NO_SPEECH:
            self.speech_start_s = None
            self.speech_end_s = None
        return EndpointEvent(
            EndpointEventType.SPEECH_END,
            at_s=self.elapsed_s,
            speech_start_s=self.speech_start_s,
            speech_end_s=self.speech_end_s,
            reason=reason,
        )
