"""Decoding while the user speaks: partial transcripts, and deciding early that one is a command.

While the user speaks, the growing utterance is decoded on the decode lane every
``partial_interval_s``, and as soon as the VAD hears a pause it is decoded again on the finish
lane (when the engine can run two decodes at once), so the decode that may end the utterance
never waits for a periodic partial that started before the pause. When such a partial, covering
all speech so far, is already a whole command this home can execute (the conversation
understands it, repairs of misheard words included: checked on the act lane, never on the audio
loop) and the pause has lasted ``early_pause_s``, the machine acts on it without waiting for the
end-of-speech silence; otherwise the last partial is reused when it already covers everything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.audio.base import SAMPLE_RATE
from assistant.audio.endpoint import EndpointState
from assistant.events import PipelineState, Transcript
from assistant.speech.base import SpeechEngine, TranscriptResult, VocabularyHint
from assistant.voice.errors import AsrError, ErrorCode
from assistant.voice.phrases import CANCEL_PHRASES, collapse_repeat, normalize
from assistant.voice.scheduler import Lane, Outcome
from assistant.voice.utterance import Utterance, UtteranceKind

if TYPE_CHECKING:
    from assistant.voice.machine import Machine

#: Is this text a command the conversation understands? (runs on the act lane)
Understands = Callable[[str], bool]


class Decoder:
    """Partial and final decodes of the current utterance, on the scheduler's lanes."""

    def __init__(
        self,
        machine: Machine,
        engine: SpeechEngine,
        hint: VocabularyHint | None,
        understands: Understands,
    ) -> None:
        self.machine = machine
        self.engine = engine
        self.hint = hint
        self.understands = understands
        self.options = machine.options

    @property
    def finish_lane(self) -> Lane:
        """Where decodes that may end the utterance run: their own lane when the engine can
        decode two utterances at once, so they never wait for a periodic partial."""
        return Lane.FINISH if getattr(self.engine, "concurrent", False) else Lane.DECODE

    def maybe_decode(self, utt: Utterance) -> None:
        """Start a partial decode: periodically while speaking, and at once on a pause."""
        if utt.final_pending:
            return
        # A pause starts when the VAD score drops under its threshold; the end-pointer's lower
        # hysteresis line (which keeps word endings inside an utterance) would start it later.
        speech_end = min(utt.speech_end_sample(), max(utt.loud_end, utt.speech_start_sample()))
        if utt.samples - speech_end >= self.options.pause_decode_s * SAMPLE_RATE:
            # A pause: decode everything said so far, right now.
            if utt.partial_covers >= speech_end or utt.covering(speech_end):
                return  # the pause is already decoded, or being decoded
            if self.finish_lane not in utt.in_flight:
                self.submit(utt, utt.samples, final=False, lane=self.finish_lane)
            return
        grown = utt.samples - utt.last_partial_at >= self.options.partial_interval_s * SAMPLE_RATE
        if grown and Lane.DECODE not in utt.in_flight:
            self.submit(utt, utt.samples, final=False)

    def finish(self, utt: Utterance) -> None:
        """The utterance is over: decode the end unless a partial covers it or a decode will."""
        if utt.partial_covers >= utt.speech_end_sample() and utt.partial_text:
            self.machine.final_transcript(utt, utt.partial_text, early=False)
        elif not utt.covering(utt.speech_end_sample()) and self.finish_lane not in utt.in_flight:
            self.submit(utt, utt.samples, final=True, lane=self.finish_lane)
        # else: a decode in flight finishes first; on_decoded takes it from there

    def submit(self, utt: Utterance, upto: int, final: bool, lane: Lane = Lane.DECODE) -> None:
        first = max(0, utt.speech_start_sample() - int(self.options.speech_preroll_s * SAMPLE_RATE))
        audio = utt.audio()[first:upto].copy()
        utt.in_flight[lane] = upto
        utt.last_partial_at = upto
        engine, hint = self.engine, self.hint
        self.machine.submit(
            lane,
            lambda: engine.transcribe(audio, hint),
            lambda outcome: self.on_decoded(utt, upto, final, outcome, lane),
        )

    def on_decoded(
        self, utt: Utterance, upto: int, final: bool, outcome: Outcome, lane: Lane
    ) -> None:
        machine = self.machine
        if utt is not machine.utt:
            return  # cancelled or superseded meanwhile
        utt.in_flight.pop(lane, None)
        if outcome.error is not None:
            raise AsrError(
                ErrorCode.ASR_FAILED, f"speech engine failed: {outcome.error}", utt.id
            ) from outcome.error
        result: TranscriptResult = outcome.value
        utt.partials += 0 if final else 1
        utt.partial_ms += 1000.0 * (outcome.finished_s - outcome.started_s)
        newest = upto >= utt.partial_covers  # with two lanes, an older decode can finish last
        if newest:
            utt.partial_text, utt.partial_covers = result.text, upto
        if utt.final_pending:
            speech_end = utt.speech_end_sample()
            if utt.partial_covers >= speech_end:
                machine.final_transcript(utt, utt.partial_text, early=False)
            elif not utt.covering(speech_end) and self.finish_lane not in utt.in_flight:
                self.submit(utt, utt.samples, final=True, lane=self.finish_lane)
            return  # else a decode in flight covers the end (or is retried when it returns)
        if newest:
            text = collapse_repeat(result.text)
            if text and utt.kind is not UtteranceKind.BARGE_IN:
                machine.bus.publish(Transcript(text, final=False, turn_id=utt.id))
            utt.candidate = None
            self._check_complete(utt, text, upto)
        if (
            machine.utt is utt
            and machine.state in (PipelineState.LISTENING, PipelineState.REPLYING)
            and utt.endpointer.state is EndpointState.SPEECH
        ):
            self.maybe_decode(utt)

    def _check_complete(self, utt: Utterance, text: str, upto: int) -> None:
        """Is ``text`` a whole command to act on now (or a cancel phrase)?"""
        words = normalize(text)
        if not words or (utt.kind is UtteranceKind.BARGE_IN and words not in CANCEL_PHRASES):
            utt.checking = None
            return
        if words in CANCEL_PHRASES:
            utt.checking = None
            self._on_checked(utt, text, upto, True)
            return
        # The same recognition, repairs included, that the turn itself will run: on the act
        # lane, where the conversation runs, so the audio loop never waits for the matcher.
        utt.checking = upto
        understands = self.understands
        self.machine.submit(
            Lane.ACT,
            lambda: understands(text),
            lambda outcome: self._checked(utt, text, upto, outcome),
        )

    def _checked(self, utt: Utterance, text: str, upto: int, outcome: Outcome) -> None:
        if utt is not self.machine.utt or utt.checking != upto or utt.final_pending:
            return  # a newer partial, the end of the utterance or a cancel came first
        utt.checking = None
        # A matcher that fails only loses the early decision; the turn reports its own error.
        self._on_checked(utt, text, upto, outcome.error is None and bool(outcome.value))

    def _on_checked(self, utt: Utterance, text: str, upto: int, complete: bool) -> None:
        utt.candidate = (text, upto) if complete and upto >= utt.loud_end else None
        self.maybe_act_early(utt)

    def maybe_act_early(self, utt: Utterance) -> None:
        if utt.candidate is None or not self.options.early or utt.push_to_talk:
            return
        text, covered = utt.candidate
        if utt.loud_end > covered:
            utt.candidate = None  # the user went on talking after the decoded part
            return
        pause_s = (utt.samples - utt.loud_end) / SAMPLE_RATE
        if pause_s + 1e-9 < self.options.early_pause_s:
            return
        utt.endpointer.complete()
        self.machine.finalize(utt, early=True, text=text)
