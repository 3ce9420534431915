"""speech/registry.py: one description per engine, and it tells the truth about the engines."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.config import SpeechConfig, WakeConfig
from assistant.speech import get_engine
from assistant.speech.base import (
    CAPABILITIES,
    PhraseEvidence,
    PhraseScoringEngine,
    TranscriptResult,
    VocabularyHint,
)
from assistant.speech.registry import ENGINES, SpeechEngineSpec, speed_checked
from assistant.speech.speed_check import PREFERENCE
from assistant.speech.speed_record import model_of
from assistant.speech.wake_check import wake_verifier
from models.catalog import CATALOG, VOSK_EN, VOSK_KO


def built(spec: SpeechEngineSpec) -> object:
    """The engine as get_engine builds it, not loaded (no heavy package is imported)."""
    if spec.name == "vosk":
        return get_engine(spec.name, SpeechConfig(engine="vosk", model="/models/vosk-en"))
    return get_engine(spec.name)


@pytest.mark.parametrize("name", sorted(ENGINES))
def test_declared_capabilities_are_what_the_engine_has(name: str) -> None:
    spec = ENGINES[name]
    engine = built(spec)
    assert spec.name == name and engine.name == name  # type: ignore[attr-defined]
    has = {capability for capability in CAPABILITIES if isinstance(engine, capability)}
    assert has == set(spec.capabilities)


@pytest.mark.parametrize("name", sorted(ENGINES))
def test_default_models_are_catalog_models_the_engine_loads(name: str) -> None:
    spec = ENGINES[name]
    for model_id in spec.default_models.values():
        assert CATALOG[model_id].engine is spec.catalog_engine
    if spec.catalog_engine is None:
        assert spec.default_model("en") is None  # bundled with its package


def test_vosk_defaults_by_language_whisper_whatever_the_language() -> None:
    assert ENGINES["vosk"].default_model("ko") == VOSK_KO
    assert ENGINES["vosk"].default_model("en") == VOSK_EN
    assert ENGINES["vosk"].default_model("de") == VOSK_EN
    whisper = ENGINES["faster-whisper"]
    assert whisper.default_model("ko") == whisper.default_model("en") is not None


def test_the_speed_check_tries_the_ranked_engines_in_rank_order() -> None:
    ranked = speed_checked()
    assert PREFERENCE == tuple(spec.name for spec in ranked)
    assert [spec.speed_rank for spec in ranked] == sorted({spec.speed_rank for spec in ranked})
    assert "openai-whisper" not in PREFERENCE  # torch: too heavy for a quick check


def test_measurements_are_recorded_only_under_catalog_models() -> None:
    for name, spec in ENGINES.items():
        model = model_of(name, SpeechConfig())
        assert (model is not None) == (spec.measured_as is not None)
        if model is not None:
            assert model == spec.default_model("en")


class _Scorer:
    """A minimal engine that can score phrases, as the wake check needs."""

    name = "scorer"

    def load(self) -> None: ...

    def transcribe(self, audio: np.ndarray, hint: VocabularyHint | None = None) -> TranscriptResult:
        return TranscriptResult("", 1.0, 0.0, 0.0, self.name)

    def phrase_evidence(self, audio: np.ndarray, phrase: str) -> PhraseEvidence:
        return PhraseEvidence(-1.0, -1.5, phrase)


def test_the_wake_check_asks_for_the_capability_not_an_attribute() -> None:
    assert isinstance(_Scorer(), PhraseScoringEngine)
    assert wake_verifier(_Scorer(), WakeConfig(), "Okay Nabu") is not None
    for name, spec in ENGINES.items():
        verifier = wake_verifier(built(spec), WakeConfig(), "Okay Nabu")
        assert (verifier is not None) == spec.has(PhraseScoringEngine), name
