"""Speech to text: one protocol, one module per engine, and a registry that describes each.

Engine modules import their heavy packages (faster_whisper, onnxruntime, torch, pocketsphinx,
vosk) only in ``load()``, so importing this package is cheap and an engine whose package is
missing fails with a :class:`SpeechError` that says what to install.
"""

from __future__ import annotations

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
from assistant.speech.registry import ENGINES, SpeechEngineSpec, engine_names, spec_of


def get_engine(name: str, config: SpeechConfig | None = None, **options: Any) -> SpeechEngine:
    """A new, not yet loaded engine by name; ``options`` go to the engine's options dataclass.

    ``config.model`` is the engine's model path (empty: its default). Call ``load()`` once at
    start-up and keep the engine: loading takes 0.2-2 s, transcribing a command ~0.1-0.3 s.
    """
    spec = spec_of(name)
    try:
        return spec.factory(config or SpeechConfig(engine=name), dict(options))
    except TypeError as err:
        raise SpeechError(
            SpeechErrorCode.UNKNOWN_ENGINE, f"bad option for speech engine {name!r}: {err}"
        ) from None


__all__ = [
    "ENGINES",
    "SpeechEngine",
    "SpeechEngineSpec",
    "SpeechError",
    "SpeechErrorCode",
    "SpeechStream",
    "StreamingSpeechEngine",
    "TranscriptResult",
    "VocabularyHint",
    "engine_names",
    "get_engine",
]
