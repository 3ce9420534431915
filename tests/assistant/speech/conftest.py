"""Session fixtures: synthesize the command set once, build the converted models once, load each
engine once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.speech.base import VocabularyHint
from assistant.speech.faster_whisper import FasterWhisperEngine
from assistant.speech.grammar import GrammarEngine
from models.store import ModelStore
from tests.assistant.speech.synth import (
    COMMANDS,
    SLOTS,
    TEMPLATES,
    VOICES,
    Command,
    speak,
    trim_silence,
)


@pytest.fixture(scope="session")
def speech_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("speech")


@pytest.fixture(scope="session")
def spoken(speech_dir: Path) -> list[tuple[Command, str, np.ndarray]]:
    """Every command in every voice, trimmed so the clip ends on the last spoken sample."""
    return [
        (command, voice, trim_silence(speak(command.text, voice, speech_dir)))
        for command in COMMANDS
        for voice in VOICES
    ]


@pytest.fixture(scope="session")
def home_hint() -> VocabularyHint:
    return VocabularyHint(sentences=TEMPLATES, slots=SLOTS)


@pytest.fixture(scope="session")
def whisper() -> Iterator[FasterWhisperEngine]:
    engine = FasterWhisperEngine()
    engine.load()
    yield engine


@pytest.fixture(scope="session")
def grammar_engine() -> GrammarEngine:
    engine = GrammarEngine(TEMPLATES, SLOTS)
    engine.load()
    return engine


@pytest.fixture(scope="session")
def whisper_builds(tmp_path_factory: pytest.TempPathFactory) -> ModelStore:
    """A model cache holding the converted checkpoint and both ONNX builds (~20 s, once).

    Built with the same functions `hearth models convert` / `quantize` run, from the packaged
    CTranslate2 weights, so the engines are tested on the real model and never on a download.
    """
    pytest.importorskip("torch")
    pytest.importorskip("whisper")
    pytest.importorskip("onnx")
    from models.convert import convert_openai_whisper
    from models.export import export_whisper_onnx, quantize_whisper_onnx

    store = ModelStore(tmp_path_factory.mktemp("whisper-cache"))
    convert_openai_whisper(store)
    export_whisper_onnx(store)
    quantize_whisper_onnx(store)
    return store
