"""What a voice pipeline is made of: the models and devices, loaded and opened elsewhere.

``assistant.runtime.build_voice`` assembles them from the config; tests and benches pass their
own (a fake engine, no wake word, no speaker).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.audio.vad import SpeechDetector
from assistant.audio.wake import WakeWordDetector
from assistant.speech.base import SpeechEngine, VocabularyHint
from assistant.speech.wake_check import WakeVerifier
from assistant.tts import Speaker

#: Receives a spoken command's audio with its turn id (the history, when it keeps audio).
UtteranceAudio = Callable[[str, np.ndarray], None]


@dataclass(frozen=True)
class PipelineParts:
    engine: SpeechEngine
    vad: SpeechDetector
    wake: WakeWordDetector | None = None
    wake_verifier: WakeVerifier | None = None
    hint: VocabularyHint | None = None
    speaker: Speaker | None = None
    utterance_audio: UtteranceAudio | None = None
