"""A second opinion on a wake word: does the speech model hear the phrase, or other words?

A wake-word model is tiny and listens all day, so it is tuned to miss little; the price is that
a few everyday phrases score like the wake word ("okay, I will be there" for "okay nabu": the same
opening, and a model of a few hundred kilobytes cannot tell the rest apart in time). The speech
model can: it scores the wake phrase against its own reading of the last 1.6 s of audio
(:meth:`FasterWhisperEngine.phrase_evidence`), and the detection is kept only when the phrase is
not much less likely than what Whisper heard. This runs once per detection (~0.2 s of one core,
while the user already speaks the command), never on idle audio.

Measured on bench/live.py's sets: 103 wake words in five voices and speeds, clean and at 10 dB
SNR, scored -4.6 or more (most near 0: Whisper then reads "Okay Nabu" itself); 49 near-misses
(two hours of chatter, plus an hour with the detector made lenient) scored -6.2 or less, nearly
all of them "okay, I will be ...". The default margin of 5.5 sits between the two. The other
words (hey jarvis, alexa, hey mycroft) were checked for acceptance only: 34 detections in piper
and three espeak voices, clean and at 10 dB, all kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.audio.base import SAMPLE_RATE
from assistant.config import WakeConfig
from assistant.speech.base import PhraseScoringEngine

WINDOW_S = 1.6
"""Audio before the detection that is checked: the whole phrase at a slow 130 words per minute
(1.3 s cut the "okay" of slow speakers and let their wake words score like near-misses)."""


@dataclass(frozen=True)
class WakeVerdict:
    accepted: bool
    ratio: float  # log P(phrase) - log P(heard); see PhraseEvidence.ratio
    heard: str


class WakeVerifier:
    """Keeps a detection when ``ratio >= -margin``."""

    def __init__(self, scorer: PhraseScoringEngine, phrase: str, margin: float) -> None:
        self.scorer = scorer
        self.phrase = phrase
        self.margin = margin
        self.window_s = WINDOW_S

    def check(self, audio: np.ndarray) -> WakeVerdict:
        """``audio``: what was heard up to the detection (only its last ``window_s`` is used)."""
        clip = np.asarray(audio)[-int(self.window_s * SAMPLE_RATE) :]
        evidence = self.scorer.phrase_evidence(clip, self.phrase)
        return WakeVerdict(evidence.ratio >= -self.margin, evidence.ratio, evidence.heard)


def wake_verifier(engine: object, config: WakeConfig, phrase: str) -> WakeVerifier | None:
    """The verifier for the configured wake word, or None when it is off or the speech engine
    cannot score phrases (the grammar and vosk engines): the detector's word is then final."""
    if not config.verify or not isinstance(engine, PhraseScoringEngine):
        return None
    return WakeVerifier(engine, phrase, config.verify_margin)
