"""Speech to text: one protocol, one module per engine, and a dict-based dispatcher.

Engine modules import their heavy packages (faster_whisper, onnxruntime, torch, pocketsphinx,
vosk) only in ``load()``, so importing this package is cheap and an engine whose package is
missing fails with a :class:`SpeechError` that says what to install.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.config import SpeechConfig
from assistant.speech.base import (
    SpeechEngine,
    SpeechError,
    SpeechErrorCode,
    SpeechStream,
    StreamingSpeechEngine,
    TranscriptResult,
    VocabularyHint,
)


def _faster_whisper(config: SpeechConfig, options: dict[str, Any]) -> SpeechEngine:
    from assistant.speech.faster_whisper import FasterWhisperEngine, WhisperOptions

    return FasterWhisperEngine(WhisperOptions(model_path=config.model, **options))


def _onnx_whisper(config: SpeechConfig, options: dict[str, Any]) -> SpeechEngine:
    from assistant.speech.onnx_whisper import OnnxWhisperEngine, OnnxWhisperOptions

    return OnnxWhisperEngine(OnnxWhisperOptions(model=config.model, **options))


def _openai_whisper(config: SpeechConfig, options: dict[str, Any]) -> SpeechEngine:
    from assistant.speech.openai_whisper import OpenAIWhisperEngine, OpenAIWhisperOptions

    return OpenAIWhisperEngine(OpenAIWhisperOptions(model=config.model, **options))


def _grammar(config: SpeechConfig, options: dict[str, Any]) -> SpeechEngine:
    from assistant.speech.grammar import GrammarEngine, GrammarOptions

    sentences = options.pop("sentences", ())
    slots = options.pop("slots", None)
    return GrammarEngine(sentences, slots, GrammarOptions(model_dir=config.model, **options))


def _vosk(config: SpeechConfig, options: dict[str, Any]) -> SpeechEngine:
    from assistant.speech.vosk import VoskEngine, VoskOptions

    return VoskEngine(VoskOptions(model_dir=_vosk_model_dir(config), **options))


def vosk_model_id(language: str) -> str:
    """The catalog's Vosk model for a language (US English unless Korean was chosen)."""
    from models.catalog import VOSK_EN, VOSK_KO

    return {"ko": VOSK_KO}.get(language, VOSK_EN)


def _vosk_model_dir(config: SpeechConfig) -> str:
    """A folder as given, or the model store's Vosk model (a catalog id, or by language)."""
    from assistant.config import cache_dir
    from models.catalog import CATALOG
    from models.store import ModelStore, ModelStoreError

    if config.model and config.model not in CATALOG:
        return config.model
    model_id = config.model or vosk_model_id(config.language)
    try:
        return str(ModelStore(cache_dir()).path(model_id))
    except ModelStoreError as err:
        raise SpeechError(SpeechErrorCode.MODEL_NOT_FOUND, str(err)) from None


ENGINES: dict[str, Callable[[SpeechConfig, dict[str, Any]], SpeechEngine]] = {
    "faster-whisper": _faster_whisper,
    "grammar": _grammar,
    "onnx-whisper": _onnx_whisper,
    "openai-whisper": _openai_whisper,
    "vosk": _vosk,
}


def engine_names() -> list[str]:
    return sorted(ENGINES)


def get_engine(name: str, config: SpeechConfig | None = None, **options: Any) -> SpeechEngine:
    """A new, not yet loaded engine by name; ``options`` go to the engine's options dataclass.

    ``config.model`` is the engine's model path (empty: its default). Call ``load()`` once at
    start-up and keep the engine: loading takes 0.2-2 s, transcribing a command ~0.1-0.3 s.
    """
    factory = ENGINES.get(name)
    if factory is None:
        raise SpeechError(
            SpeechErrorCode.UNKNOWN_ENGINE,
            f"unknown speech engine {name!r}; choose one of {', '.join(engine_names())}",
        )
    try:
        return factory(config or SpeechConfig(engine=name), dict(options))
    except TypeError as err:
        raise SpeechError(
            SpeechErrorCode.UNKNOWN_ENGINE, f"bad option for speech engine {name!r}: {err}"
        ) from None


__all__ = [
    "ENGINES",
    "SpeechEngine",
    "SpeechError",
    "SpeechErrorCode",
    "SpeechStream",
    "StreamingSpeechEngine",
    "TranscriptResult",
    "VocabularyHint",
    "engine_names",
    "get_engine",
]
