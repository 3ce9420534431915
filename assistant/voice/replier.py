"""Replies: speaking the answer, earcons, and being interrupted (barge-in).

While a reply plays, the microphone still listens: a checked wake word or a spoken "stop"
(a short ``BARGE_IN`` utterance) interrupts it. A reply that says the wake word itself cannot
wake Hearth, and the wake word stays ignored for ``reply_tail_s`` after it (its echo).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np

from assistant.audio.wake import WakeWordDetector
from assistant.events import PipelineState, Stage
from assistant.tts import Earcon, Speaker
from assistant.voice.errors import ErrorCode, ReplyError
from assistant.voice.phrases import normalize
from assistant.voice.utterance import UtteranceKind

if TYPE_CHECKING:
    from assistant.voice.machine import Machine

_LOGGER = logging.getLogger(__name__)


class Replier:
    """Plays replies and earcons on the speaker and knows when a reply is over."""

    def __init__(
        self, machine: Machine, speaker: Speaker | None, wake: WakeWordDetector | None
    ) -> None:
        self.machine = machine
        self.speaker = speaker
        self.wake = wake
        self.options = machine.options
        self.ends_s: float | None = None
        self.text = ""
        self.turn_id = ""
        self.follow_up = False

    def play(self, audio: np.ndarray, text: str, follow_up: bool, turn_id: str) -> None:
        """Start playing; raises ReplyError when the output device fails."""
        assert self.speaker is not None
        try:
            duration = self.speaker.play(audio)
        # An unplugged speaker: report and carry on silently.
        except Exception as err:
            raise ReplyError(
                ErrorCode.TTS_FAILED, f"cannot play the reply: {err}", turn_id
            ) from err
        self.text = text
        self.ends_s = self.machine.now() + duration
        self.follow_up = follow_up
        self.turn_id = turn_id

    def stop(self, reason: str) -> None:
        """Interrupt the reply (and let the wake word through again at once)."""
        if self.speaker is not None:
            self.speaker.stop()
        if self.machine.state is PipelineState.REPLYING:
            self.machine.end_stage(Stage.REPLY, self.turn_id)
        self.ends_s = None
        if self.wake is not None:
            self.wake.debouncer.suppress(0.0)
        _LOGGER.debug("reply interrupted (%s)", reason)

    def finished(self, now: float) -> bool:
        """Has the reply played to its end? Then its echo is ignored a little longer."""
        if self.ends_s is None or now < self.ends_s:
            return False
        self.machine.end_stage(Stage.REPLY, self.turn_id)
        self.ends_s = None
        if self.wake is not None:
            self.wake.debouncer.suppress(self.options.reply_tail_s)
        return True

    def has_wake_word(self) -> bool:
        """Does the reply itself say the wake word (so hearing it proves nothing)?"""
        if self.wake is None:
            return False
        phrase = normalize(self.wake.spec.phrase)
        return phrase in normalize(self.text) or phrase.split()[-1] in normalize(self.text)

    def barge_in(self, frame: np.ndarray, arrival_s: float) -> None:
        """Speech over the reply: listen for a short "stop" in its own utterance."""
        machine = self.machine
        utt = machine.utt
        if utt is None or utt.kind is not UtteranceKind.BARGE_IN:
            machine.open_utterance(machine.next_id("b"), UtteranceKind.BARGE_IN, 0.0, False)
            utt = machine.utt
        if utt is not None and not utt.final_pending:
            machine.listen(utt, frame, arrival_s)

    def chime(self, kind: Earcon) -> None:
        if self.speaker is None or not self.options.earcons:
            return
        try:
            self.speaker.chime(kind)
        # A missing output device must not stop the command.
        except Exception as err:  # noqa: BLE001
            _LOGGER.warning("cannot play the %s earcon: %s", kind, err)
