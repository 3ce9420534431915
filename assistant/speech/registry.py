"""Every speech engine, described once: what the runtime, Settings, the speed check and
diagnostics know about it.

An engine is added here and nowhere else: its config name, the label Settings shows, the
factory that builds it (importing its module, never its heavy package, until ``load()``), the
import package whose presence means it is installed, the distributions a bug report lists, the
pip extra that installs it, the catalog models it loads and its default one, what the speed
check records it as, and its capabilities (protocols from :mod:`assistant.speech.base`, checked
against the engine classes by a test).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.config import SpeechConfig
from assistant.speech.base import (
    ConcurrentSpeechEngine,
    PhraseScoringEngine,
    SpeechEngine,
    SpeechError,
    SpeechErrorCode,
    StreamingSpeechEngine,
)
from models.catalog import (
    VOSK_EN,
    VOSK_KO,
    WHISPER_TINY_EN_CT2,
    WHISPER_TINY_EN_ONNX_INT8,
    WHISPER_TINY_EN_OPENAI,
    Engine,
)

#: Builds a not-yet-loaded engine from the speech config and the caller's options.
Factory = Callable[[SpeechConfig, dict[str, Any]], SpeechEngine]

ANY_LANGUAGE = "*"


@dataclass(frozen=True)
class SpeechEngineSpec:
    """One speech engine, as every part of Hearth that names engines sees it."""

    name: str  # speech.engine in the config
    label: str  # Settings → Voice → Speech recognition
    factory: Factory
    package: str  # import name: installed when importlib finds it
    distributions: tuple[str, ...]  # versions a bug report lists (the engine's, its runtime's)
    extra: str  # pyproject's optional dependency that installs it
    catalog_engine: Engine | None  # which catalog models it loads; None: its own, bundled
    #: The catalog model it loads when speech.model is empty, by language (ANY_LANGUAGE: else).
    default_models: Mapping[str, str] = field(default_factory=dict)
    capabilities: tuple[type, ...] = ()
    #: The first-run speed check tries it (cheap to load); lower ranks win among equals.
    speed_rank: int | None = None
    #: How the speed check records a measurement: runtime and precision, as bench/compression.py
    #: names them; None when there is no catalog model to record it under.
    measured_as: tuple[str, str] | None = None

    def default_model(self, language: str = "en") -> str | None:
        """The catalog model this engine loads for ``language`` when ``speech.model`` is empty."""
        return self.default_models.get(language, self.default_models.get(ANY_LANGUAGE))

    def installed(self) -> bool:
        """Whether its Python package is importable here (found, not imported)."""
        return importlib.util.find_spec(self.package) is not None

    def has(self, capability: type) -> bool:
        return capability in self.capabilities


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


def _vosk_model_dir(config: SpeechConfig) -> str:
    """A folder as given, or the model store's Vosk model (a catalog id, or by language)."""
    from assistant.config import cache_dir
    from models.catalog import CATALOG
    from models.store import ModelStore, ModelStoreError

    if config.model and config.model not in CATALOG:
        return config.model
    model_id = config.model or ENGINES["vosk"].default_model(config.language) or ""
    try:
        return str(ModelStore(cache_dir()).path(model_id))
    except ModelStoreError as err:
        raise SpeechError(SpeechErrorCode.MODEL_NOT_FOUND, str(err)) from None


_WHISPER = (StreamingSpeechEngine,)

#: In the order Settings lists them. Speed ranks follow command success in bench/asr.py
#: (faster-whisper 92 %, grammar 78 % on clean speech): three sentences cannot rank accuracy.
ENGINES: dict[str, SpeechEngineSpec] = {
    spec.name: spec
    for spec in (
        SpeechEngineSpec(
            name="faster-whisper",
            label="Whisper (faster-whisper)",
            factory=_faster_whisper,
            package="faster_whisper",
            distributions=("faster-whisper", "ctranslate2"),
            extra="speech",
            catalog_engine=Engine.CTRANSLATE2_WHISPER,
            default_models={ANY_LANGUAGE: WHISPER_TINY_EN_CT2},
            capabilities=(StreamingSpeechEngine, PhraseScoringEngine, ConcurrentSpeechEngine),
            speed_rank=0,
            measured_as=("faster-whisper (CTranslate2)", "int8"),
        ),
        SpeechEngineSpec(
            name="vosk",
            label="Vosk (Kaldi)",
            factory=_vosk,
            package="vosk",
            distributions=("vosk",),
            extra="vosk",
            catalog_engine=Engine.VOSK,
            default_models={"ko": VOSK_KO, ANY_LANGUAGE: VOSK_EN},
            capabilities=(StreamingSpeechEngine,),
            speed_rank=2,
            measured_as=("vosk (Kaldi)", "fp32"),
        ),
        SpeechEngineSpec(
            name="grammar",
            label="Grammar (pocketsphinx, commands only)",
            factory=_grammar,
            package="pocketsphinx",
            distributions=("pocketsphinx",),
            extra="speech",
            catalog_engine=None,  # pocketsphinx's own US English model
            speed_rank=3,
        ),
        SpeechEngineSpec(
            # Whisper converted by `hearth models convert`/`quantize` (needs the torch extra once).
            name="onnx-whisper",
            label="Whisper (ONNX Runtime, converted here)",
            factory=_onnx_whisper,
            package="onnxruntime",
            distributions=("onnxruntime",),
            extra="speech",
            catalog_engine=Engine.ONNX_WHISPER,
            default_models={ANY_LANGUAGE: WHISPER_TINY_EN_ONNX_INT8},
            capabilities=_WHISPER,
            speed_rank=1,
            measured_as=("onnxruntime", "int8"),
        ),
        SpeechEngineSpec(
            # Left out of the speed check: torch takes seconds and ~400 MB to load, and it is
            # never faster than faster-whisper on the same weights.
            name="openai-whisper",
            label="Whisper (openai-whisper, torch)",
            factory=_openai_whisper,
            package="whisper",
            distributions=("openai-whisper", "torch"),
            extra="torch",
            catalog_engine=Engine.OPENAI_WHISPER,
            default_models={ANY_LANGUAGE: WHISPER_TINY_EN_OPENAI},
            capabilities=_WHISPER,
        ),
    )
}


def engine_names() -> list[str]:
    return sorted(ENGINES)


def spec_of(name: str) -> SpeechEngineSpec:
    """The description of engine ``name``; an unknown name is a :class:`SpeechError`."""
    spec = ENGINES.get(name)
    if spec is None:
        raise SpeechError(
            SpeechErrorCode.UNKNOWN_ENGINE,
            f"unknown speech engine {name!r}; choose one of {', '.join(engine_names())}",
        )
    return spec


def speed_checked() -> tuple[SpeechEngineSpec, ...]:
    """The engines the first-run speed check tries, the more accurate first."""
    ranked = [spec for spec in ENGINES.values() if spec.speed_rank is not None]
    return tuple(sorted(ranked, key=lambda spec: spec.speed_rank or 0))
