"""Spoken commands end to end on the demo home: audio → VAD → ASR → intent → device actions.

Accuracy is judged by the actions, as ARCHITECTURE.md asks, not by transcripts. Synthetic voices
are misheard now and then, so the test holds the command success rate to a floor and lists every
miss; bench/asr.py measures the same set with noise.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.vad import SileroVad
from assistant.config import VadConfig
from assistant.conversation import Conversation
from assistant.home.model import Home
from assistant.home.simulated import SimulatedBackend
from assistant.session import SessionStore
from assistant.speech import get_engine
from assistant.speech.base import SpeechEngine
from assistant.speech.faster_whisper import FasterWhisperEngine
from assistant.speech.hint import home_hint
from assistant.speech.transcribe import transcribe_audio
from bench.spoken_commands import SPOKEN, check
from intents.engine import IntentEngine
from models.store import ModelStore
from tests.assistant.speech.floors import assert_rate, noise_label
from tests.assistant.speech.synth import VOICES, add_noise, pad, speak, trim_silence

# Floors (tests/assistant/speech/floors.py says how they are set). Measured on the committed clips
# on Debian 12 and Debian 13, with int8 on AVX-512 VNNI and on AVX2 only (2026-12-06):
#   faster-whisper, en-us 92.7 % everywhere; en-gb+f3 87.8 % (VNNI) / 90.2 % (AVX2); a third
#   CPU kind gave 88 % / 85 % (issue 14), so the floor keeps five points under the lowest.
#   20 dB 78.0 %, 10 dB 63.4 %; onnx-whisper 90.2 %, openai-whisper 90.2 %; grammar 58.5 %.
MIN_SUCCESS = 0.8
GRAMMAR_FLOOR = 0.5  # home_hint covers 28 of the 41 command shapes


@pytest.fixture(scope="module")
def vad() -> SileroVad:
    return SileroVad()


def success_rate(
    engine: SpeechEngine,
    voice: str,
    vad: SileroVad,
    intents: IntentEngine,
    home: Home,
    speech_dir: Path,
    snr_db: float | None = None,
) -> tuple[float, list[str]]:
    """Share of SPOKEN carried out right by ``engine`` (each on a fresh demo home), and misses."""
    hint = home_hint(home)
    misses: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        for index, item in enumerate(SPOKEN):
            audio = pad(trim_silence(speak(item.text, voice, speech_dir)), 0.3, 1.0)
            if snr_db is not None:
                audio = add_noise(audio, snr_db, seed=index)
            utterance = transcribe_audio(audio, engine, VadConfig(), hint, vad=vad)
            backend = SimulatedBackend(home, Path(folder) / f"home{index}.sqlite3")
            store = SessionStore(None)
            try:
                result = Conversation(backend, intents, store=store).handle(utterance.text)
            finally:
                backend.close()
                store.close()
            actions = [a.to_dict() for a in result.requested_actions]
            if not check(item, actions):
                misses.append(f"{item.text!r} heard {utterance.text!r} → {actions}")
    return 1 - len(misses) / len(SPOKEN), misses


@pytest.mark.parametrize("voice", VOICES)
def test_spoken_commands_act_on_the_demo_home(
    voice: str,
    whisper: FasterWhisperEngine,
    vad: SileroVad,
    engine: IntentEngine,
    demo_home: Home,
    speech_dir: Path,
) -> None:
    rate, misses = success_rate(whisper, voice, vad, engine, demo_home, speech_dir)
    assert_rate(f"faster-whisper [{voice}]", rate, MIN_SUCCESS, misses)


# About ten points under the measurements above (bench/asr.py and bench/compression.py have the
# full numbers): a regression fails, a different CPU's rounding does not.
@pytest.mark.parametrize(("snr_db", "floor"), [(20.0, 0.7), (10.0, 0.5)])
def test_spoken_commands_in_noise(
    snr_db: float,
    floor: float,
    whisper: FasterWhisperEngine,
    vad: SileroVad,
    engine: IntentEngine,
    demo_home: Home,
    speech_dir: Path,
) -> None:
    rate, misses = success_rate(whisper, "en-us", vad, engine, demo_home, speech_dir, snr_db)
    assert_rate(f"faster-whisper [en-us], {noise_label(snr_db)}", rate, floor, misses)


@pytest.mark.parametrize(("name", "floor"), [("onnx-whisper", 0.7), ("openai-whisper", 0.7)])
def test_converted_engines_act_on_the_demo_home(
    name: str,
    floor: float,
    whisper_builds: ModelStore,
    vad: SileroVad,
    engine: IntentEngine,
    demo_home: Home,
    speech_dir: Path,
) -> None:
    speech = get_engine(name, cache_dir=str(whisper_builds.cache_dir))
    speech.load()
    rate, misses = success_rate(speech, "en-us", vad, engine, demo_home, speech_dir)
    assert_rate(name, rate, floor, misses)


def test_grammar_engine_acts_on_the_demo_home(
    grammar_engine_for_home: SpeechEngine,
    vad: SileroVad,
    engine: IntentEngine,
    demo_home: Home,
    speech_dir: Path,
) -> None:
    rate, misses = success_rate(
        grammar_engine_for_home, "en-us", vad, engine, demo_home, speech_dir
    )
    assert_rate("grammar", rate, GRAMMAR_FLOOR, misses)


@pytest.fixture(scope="module")
def grammar_engine_for_home() -> SpeechEngine:
    speech = get_engine("grammar")
    speech.load()
    return speech


def test_silence_and_noise_give_no_action(
    whisper: FasterWhisperEngine, vad: SileroVad, demo_home: Home
) -> None:
    rng = np.random.default_rng(3)
    noise = (rng.standard_normal(16000 * 2) * 300).astype(np.int16)
    for audio in (np.zeros(16000 * 2, np.int16), noise):
        utterance = transcribe_audio(audio, whisper, VadConfig(), home_hint(demo_home), vad=vad)
        assert utterance.text.strip() == ""
