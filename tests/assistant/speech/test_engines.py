"""The dispatcher, the shared types and the vocabulary hint."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.config import SpeechConfig
from assistant.speech import SpeechError, SpeechErrorCode, engine_names, get_engine
from assistant.speech.base import SpeechEngine, StreamingSpeechEngine, VocabularyHint
from assistant.speech.faster_whisper import FasterWhisperEngine
from assistant.speech.grammar import GrammarEngine
from assistant.speech.vosk import VoskEngine


def test_dispatcher_builds_each_engine_without_loading() -> None:
    assert engine_names() == ["faster-whisper", "grammar", "onnx-whisper", "openai-whisper", "vosk"]
    whisper = get_engine("faster-whisper", beam_size=2)
    assert isinstance(whisper, FasterWhisperEngine)
    assert whisper.options.beam_size == 2
    assert not whisper.loaded
    grammar = get_engine("grammar", sentences=["turn on the {area} light"], slots={"area": ["x"]})
    assert isinstance(grammar, GrammarEngine)
    vosk = get_engine("vosk", SpeechConfig(engine="vosk", model="/models/vosk-en"))
    assert isinstance(vosk, VoskEngine)
    assert vosk.options.model_dir == "/models/vosk-en"
    for engine in (whisper, grammar, vosk):
        assert isinstance(engine, SpeechEngine)
    assert isinstance(vosk, StreamingSpeechEngine)


def test_unknown_engine_and_bad_option_are_clear_errors() -> None:
    with pytest.raises(SpeechError, match="unknown speech engine 'sphinx'.*faster-whisper") as info:
        get_engine("sphinx")
    assert info.value.code is SpeechErrorCode.UNKNOWN_ENGINE
    with pytest.raises(SpeechError, match="bad option"):
        get_engine("faster-whisper", beam=3)


def test_missing_whisper_model_names_the_fix(tmp_path) -> None:
    engine = get_engine("faster-whisper", SpeechConfig(model=str(tmp_path)))
    with pytest.raises(SpeechError, match="hearth models fetch") as info:
        engine.load()
    assert info.value.code is SpeechErrorCode.MODEL_NOT_FOUND


def test_engines_reject_audio_in_the_wrong_format(whisper) -> None:
    with pytest.raises(SpeechError) as info:
        whisper.transcribe(np.zeros(1600, np.float32))
    assert info.value.code is SpeechErrorCode.BAD_AUDIO


def test_hint_examples_fill_slots_and_alternatives_in_turn() -> None:
    hint = VocabularyHint(
        sentences=("turn (on|off) the {area} light", "turn (on|off) the {area} [ceiling] fan"),
        slots={"area": ("kitchen", "living room")},
        names=("porch",),
    )
    assert hint.examples(5) == ["turn on the kitchen light", "turn off the living room fan"]
    assert hint.examples(1) == ["turn on the kitchen light"]
    assert hint.all_names() == ("kitchen", "living room", "porch")
    assert hint.key() == VocabularyHint(hint.sentences, dict(hint.slots), hint.names).key()
