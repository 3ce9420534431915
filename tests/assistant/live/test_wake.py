"""Wake-word debouncing as plain sequences, the ring buffer, and the real models on synthesized
speech (which phrases and voices the microWakeWord models actually detect is recorded in
voices.py)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.audio.base import AudioError
from assistant.audio.ring import RingBuffer
from assistant.audio.wake import (
    WAKE_WORDS,
    DebounceConfig,
    WakeDebouncer,
    WakeEngine,
    load_wake_word,
    wake_word_spec,
)
from assistant.config import WakeConfig
from bench import voices


def run(debouncer: WakeDebouncer, probabilities: list[float], chunk_s: float = 0.03) -> list[float]:
    """Times of the detections for a probability sequence."""
    return [
        round(d.at_s, 3) for p in probabilities if (d := debouncer.process(p, chunk_s)) is not None
    ]


def test_fires_once_above_the_cutoff() -> None:
    debouncer = WakeDebouncer("w", DebounceConfig(cutoff=0.9, refractory_s=1.0))
    assert run(debouncer, [0.1, 0.5, 0.95, 0.97, 0.2]) == [0.09]


def test_needs_consecutive_chunks_when_asked() -> None:
    debouncer = WakeDebouncer("w", DebounceConfig(cutoff=0.5, trigger_chunks=3))
    assert run(debouncer, [0.9, 0.9, 0.1, 0.9, 0.9, 0.9]) == [0.18]


def test_refractory_period_swallows_repeats() -> None:
    debouncer = WakeDebouncer("w", DebounceConfig(cutoff=0.5, refractory_s=0.5))
    # 0.1 s chunks: fires at 0.1; 0.2-0.6 are inside the refractory period; fires again at 0.7
    assert run(debouncer, [0.9] * 7, chunk_s=0.1) == [0.1, 0.7]


def test_suppress_ignores_the_word_for_a_while() -> None:
    debouncer = WakeDebouncer("w", DebounceConfig(cutoff=0.5, refractory_s=0.0))
    debouncer.suppress(0.25)
    assert run(debouncer, [0.9, 0.9, 0.9, 0.9], chunk_s=0.1) == [0.3, 0.4]


def test_detection_reports_the_peak_probability() -> None:
    debouncer = WakeDebouncer("w", DebounceConfig(cutoff=0.5, trigger_chunks=2))
    debouncer.process(0.8, 0.03)
    detection = debouncer.process(0.6, 0.03)
    assert detection is not None and detection.probability == 0.8


def test_negative_chunk_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        WakeDebouncer("w", DebounceConfig(cutoff=0.5)).process(0.9, -0.1)


def test_ring_buffer_keeps_the_newest_audio() -> None:
    ring = RingBuffer(0.001)  # 16 samples
    ring.append(np.arange(10, dtype=np.int16))
    assert ring.tail().tolist() == list(range(10))
    ring.append(np.arange(10, 20, dtype=np.int16))
    assert ring.tail().tolist() == list(range(4, 20))
    assert ring.tail(0.0005).tolist() == list(range(12, 20))
    ring.append(np.arange(100, dtype=np.int16))
    assert ring.tail().tolist() == list(range(84, 100))
    ring.clear()
    assert len(ring) == 0 and ring.tail().size == 0


def test_catalog_says_which_models_are_non_commercial() -> None:
    for (engine, _), spec in WAKE_WORDS.items():
        assert spec.commercial_use is (engine is WakeEngine.MICRO)
        if engine is WakeEngine.OPEN:
            assert "non-commercial" in spec.description


def test_unknown_engine_or_word_is_a_clear_error() -> None:
    with pytest.raises(AudioError, match="choose microwakeword or openwakeword"):
        wake_word_spec("porcupine", "okay_nabu")
    with pytest.raises(AudioError, match="hey_jarvis"):
        wake_word_spec("microwakeword", "computer")


def detections(word: str, audio: np.ndarray, engine: str = "microwakeword") -> int:
    detector = load_wake_word(WakeConfig(engine=engine, word=word))
    padded = np.concatenate([voices.silence(0.5), audio, voices.silence(1.0)])
    found = 0
    for start in range(0, len(padded), 320):
        if detector.process(padded[start : start + 320]) is not None:
            found += 1
    return found


@pytest.mark.parametrize(
    ("word", "audio"),
    [
        ("okay_nabu", lambda: voices.piper("Okay Nabu.")),
        ("okay_nabu", lambda: voices.espeak("okay nabu", "en-us", 160)),
        ("okay_nabu", lambda: voices.espeak("okay nabu", "en-gb+f3", 190)),
        ("alexa", lambda: voices.espeak("alexa", "en-us+m3", 130)),
        ("hey_jarvis", lambda: voices.piper("Hey Jarvis.")),
        ("hey_mycroft", lambda: voices.espeak("hey mycroft", "en", 160)),
    ],
)
def test_micro_wake_word_hears_synthesized_wake_words(word: str, audio) -> None:  # type: ignore[no-untyped-def]
    assert detections(word, audio()) == 1


def test_micro_wake_word_ignores_other_speech() -> None:
    chatter = np.concatenate(
        [
            voices.piper("Turn on the kitchen lights, please."),
            voices.espeak("I'm going to the shops, do you need anything?", "en-gb+f3"),
            voices.piper("Hey there, how was your day?"),
        ]
    )
    assert detections("okay_nabu", chatter) == 0


def test_default_threshold_is_the_tuned_cutoff_held_for_several_chunks() -> None:
    detector = load_wake_word(WakeConfig())
    assert detector.debouncer.config.cutoff == pytest.approx(0.7)
    assert detector.debouncer.config.trigger_chunks == 6
    assert load_wake_word(WakeConfig(threshold=0.6)).debouncer.config.cutoff == 0.6
    # A word without a tuned rule keeps its model's own cutoff on one chunk.
    mycroft = load_wake_word(WakeConfig(word="hey_mycroft"))
    assert mycroft.debouncer.config.cutoff == pytest.approx(mycroft.model.default_cutoff)
    assert mycroft.debouncer.config.trigger_chunks == 1


def test_the_wake_word_is_heard_in_noise() -> None:
    rng = np.random.default_rng(3)
    clean = np.concatenate([np.zeros(16000, np.int16), voices.piper("Okay Nabu.")])
    signal = clean.astype(np.float64)
    noise = rng.normal(0.0, 1.0, len(signal))
    noise *= np.sqrt(np.mean(signal**2) / 10 ** (10 / 10)) / np.sqrt(np.mean(noise**2))
    noisy = np.clip(signal + noise, -32768, 32767).astype(np.int16)  # 10 dB SNR
    assert detections("okay_nabu", noisy) == 1


def test_open_wake_word_is_an_option() -> None:
    assert detections("hey_jarvis", voices.piper("Hey Jarvis."), engine="openwakeword") >= 1
