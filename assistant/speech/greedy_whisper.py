"""Greedy Whisper decoding over a short window, shared by the onnx-whisper and openai-whisper
engines.

Both engines run the very same tiny.en weights as the default faster-whisper engine, only on
another runtime (onnxruntime, torch). To compare runtimes and precisions fairly they must decode
the same way, so this module holds the one loop both use and borrows every decoding decision
from :mod:`assistant.speech.faster_whisper` rather than restating it: the short feature window
(``window_s``), the vocabulary prompt (``prompt_text``), the no-speech test, the repetition cut,
the decode budget per second of audio and the confidence mapping. A runtime only has to say how
to compute log-Mel features, how to encode them and how to run one decoder step with its KV cache.

The loop is Whisper's greedy decoder (temperature 0, no fallback): the prompt
``<|startofprev|> hint <|startoftranscript|> <|notimestamps|>`` is fed once, then one token at a
time; Whisper's default token suppression applies at every step and blank/end-of-text may not
come first; ``no_speech_prob`` is read at the ``<|startoftranscript|>`` position, as Whisper does.
One guard is added to the shared ones: a very low average log-probability alone means noise
(see ``_NOISE_LOGPROB``), because int8 weights blunt the no-speech probability.
"""

from __future__ import annotations

import math
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio.base import SAMPLE_RATE, to_float32
from assistant.speech.base import (
    SpeechError,
    SpeechErrorCode,
    TranscriptResult,
    VocabularyHint,
    check_audio,
    duration_ms,
)
from assistant.speech.faster_whisper import (
    FasterWhisperEngine,
    WhisperOptions,
    WhisperStream,
    confidence_of,
    prompt_tokens,
    remove_repetition,
)

_FRAMES_PER_S = 100  # Whisper's log-Mel hop is 10 ms
_TEXT_CONTEXT = 448  # Whisper's decoder context, prompt included
# Tokens that average below this are noise whatever no_speech_prob says. int8 weights move
# no_speech_prob on noise (0.26 instead of float32's 0.59 on the same 2 s clip, which then read
# "The light is" at -2.1), while spoken commands stay above -0.7 even at 10 dB SNR (measured on
# the synthesized set), so this extra floor only catches what the shared test lets through.
_NOISE_LOGPROB = -1.5

# One decoder step: feed these tokens (the KV cache remembers the earlier ones) and get their
# logits, shape [len(tokens), n_vocab].
DecoderStep = Callable[[list[int]], np.ndarray]


@dataclass(frozen=True)
class WhisperVocab:
    """The token ids greedy decoding needs, read from whichever tokenizer the runtime ships."""

    sot_sequence: tuple[int, ...]
    sot_prev: int
    no_timestamps: int
    eot: int
    no_speech: int
    blank: tuple[int, ...]  # " " and end-of-text: never the first token of a transcript
    suppress: tuple[int, ...]  # Whisper's default suppression ("-1" plus the special tokens)
    encode: Callable[[str], list[int]]
    decode: Callable[[list[int]], str]

    @classmethod
    def of(cls, tokenizer: Any, suppress: Sequence[int]) -> WhisperVocab:
        """From faster-whisper's or openai-whisper's tokenizer (they name these alike)."""
        return cls(
            sot_sequence=tuple(tokenizer.sot_sequence),
            sot_prev=tokenizer.sot_prev,
            no_timestamps=tokenizer.no_timestamps,
            eot=tokenizer.eot,
            no_speech=tokenizer.no_speech,
            blank=(*tokenizer.encode(" "), tokenizer.eot),
            suppress=tuple(suppress),
            encode=tokenizer.encode,
            decode=tokenizer.decode,
        )


@dataclass(frozen=True)
class Greedy:
    tokens: tuple[int, ...]
    avg_logprob: float
    no_speech_prob: float


def greedy_decode(
    step: DecoderStep, prompt: Sequence[int], vocab: WhisperVocab, max_new: int
) -> Greedy:
    """Whisper's temperature-0 decoding of up to ``max_new`` tokens after ``prompt``.

    ``avg_logprob`` counts the end-of-text token as Whisper does (sum / (n + 1)), so the
    no-speech test sees the same numbers as with faster-whisper.
    """
    sot_index = prompt.index(vocab.sot_sequence[0])
    logits = step(list(prompt))
    no_speech_prob = float(_softmax(logits[sot_index].astype(np.float64))[vocab.no_speech])
    suppress = np.array(vocab.suppress, dtype=np.int64)
    blank = np.array(vocab.blank, dtype=np.int64)
    scores = logits[-1]
    out: list[int] = []
    total = 0.0
    for index in range(max_new):
        current = scores.astype(np.float64)  # a copy: the runtime's buffer stays untouched
        current[suppress] = -np.inf
        if index == 0:
            current[blank] = -np.inf
        token = int(current.argmax())
        total += float(_log_softmax(current)[token])
        if token == vocab.eot:
            break
        out.append(token)
        if index + 1 < max_new:
            scores = step([token])[-1]
    return Greedy(tuple(out), total / (len(out) + 1), no_speech_prob)


def _softmax(values: np.ndarray) -> np.ndarray:
    shifted = np.exp(values - values.max())
    return shifted / shifted.sum()


def _log_softmax(values: np.ndarray) -> np.ndarray:
    top = values.max()
    return values - top - math.log(float(np.exp(values - top).sum()))


def resolve_model_dir(
    model: str,
    default_id: str,
    required: Sequence[str],
    cache_dir: str,
) -> Path:
    """The model folder for ``model``: a catalog id or a folder path (empty: ``default_id``).

    Catalog ids go through the model store, so a missing model is the store's one-line message
    with the command that builds or fetches it, never a traceback from the runtime.
    """
    from models.store import ModelStore, ModelStoreError

    if model and not _looks_like_id(model):
        folder = Path(model).expanduser()
        missing = [name for name in required if not (folder / name).is_file()]
        if missing:
            raise SpeechError(
                SpeechErrorCode.MODEL_NOT_FOUND,
                f"no Whisper model in {folder} (expected {', '.join(missing)})",
            )
        return folder
    if cache_dir:
        root = Path(cache_dir)
    else:
        from assistant.config import cache_dir as user_cache_dir

        root = user_cache_dir()
    try:
        return ModelStore(root).path(model or default_id)
    except ModelStoreError as err:
        raise SpeechError(SpeechErrorCode.MODEL_NOT_FOUND, str(err)) from None


def _looks_like_id(model: str) -> bool:
    from models.catalog import CATALOG

    return model in CATALOG


class ShortWindowWhisper(ABC):
    """A Whisper engine whose runtime is plugged in by a subclass (see the module docstring)."""

    name: str

    def __init__(self, decoding: WhisperOptions) -> None:
        self.decoding = decoding
        # Never loaded: it lends its window, prompt and guard policy, so that all three Whisper
        # engines decide those things in one place.
        self._policy = FasterWhisperEngine(decoding)
        self._vocab: WhisperVocab | None = None
        self._prompt_cache: dict[tuple[object, ...], list[int]] = {}

    @property
    def loaded(self) -> bool:
        return self._vocab is not None

    def load(self) -> None:
        """Load the model once (idempotent); a missing model or package is a SpeechError."""
        if self._vocab is None:
            self._vocab = self._load()

    @abstractmethod
    def _load(self) -> WhisperVocab:
        """Load the runtime's model and tokenizer."""

    @abstractmethod
    def _features(self, window: np.ndarray, frames: int) -> np.ndarray:
        """Log-Mel features [n_mels, frames] of a float32 window, as the runtime computes them."""

    @abstractmethod
    def _start(self, features: np.ndarray) -> DecoderStep:
        """Encode the features once and return a decoder step holding a fresh KV cache."""

    def window_s(self, audio_s: float) -> float:
        return self._policy.window_s(audio_s)

    def prompt_text(self, hint: VocabularyHint | None) -> str:
        return self._policy.prompt_text(hint)

    def stream(self, hint: VocabularyHint | None = None, interval_s: float = 0.5) -> WhisperStream:
        """Partials by re-decoding the growing utterance, exactly as faster-whisper's stream."""
        self.load()
        return WhisperStream(self, hint, interval_s)  # type: ignore[arg-type]

    def transcribe(self, audio: np.ndarray, hint: VocabularyHint | None = None) -> TranscriptResult:
        samples = check_audio(audio)
        self.load()
        started = time.perf_counter()
        if len(samples) < SAMPLE_RATE // 10:  # under 0.1 s: nothing Whisper can read
            return TranscriptResult("", 0.0, duration_ms(samples), 0.0, self.name)
        floats = to_float32(samples)
        window = self.window_s(len(samples) / SAMPLE_RATE)
        chunk = int(window * SAMPLE_RATE)
        # Over 30 s: consecutive full windows, each decoded on its own (commands are short;
        # this only keeps a long recording from failing).
        parts = [
            self._decode_window(floats[i : i + chunk], window, hint)
            for i in range(0, len(floats), chunk)
        ]
        said = [(text, confidence) for text, confidence in parts if text]
        text = " ".join(text for text, _ in said)
        confidence = sum(c for _, c in said) / len(said) if said else 0.0
        return TranscriptResult(
            text=text,
            confidence=confidence,
            duration_ms=duration_ms(samples),
            decode_ms=1000.0 * (time.perf_counter() - started),
            engine=self.name,
            words=tuple(text.split()),
        )

    def _decode_window(
        self, floats: np.ndarray, window_s: float, hint: VocabularyHint | None
    ) -> tuple[str, float]:
        vocab = self._require_vocab()
        window_samples = int(window_s * SAMPLE_RATE)
        padded = np.pad(floats, (0, max(0, window_samples - len(floats))))
        frames = int(window_s * _FRAMES_PER_S) // 2 * 2  # the encoder's conv stride is 2
        step = self._start(self._features(padded, frames))
        prompt = self._prompt(hint)
        budget = math.ceil(len(floats) / SAMPLE_RATE * self.decoding.tokens_per_second) + 8
        result = greedy_decode(step, prompt, vocab, min(budget, _TEXT_CONTEXT - len(prompt)))
        noise = result.avg_logprob < _NOISE_LOGPROB
        if noise or self._policy.is_silence(result.no_speech_prob, result.avg_logprob):
            return "", 0.0
        text = remove_repetition(vocab.decode(list(result.tokens)).strip())
        return text, confidence_of(result.avg_logprob)

    def _prompt(self, hint: VocabularyHint | None) -> list[int]:
        vocab = self._require_vocab()
        key = hint.key() if hint is not None and self.decoding.use_hint else ()
        if key not in self._prompt_cache:
            self._prompt_cache[key] = prompt_tokens(
                vocab, self.prompt_text(hint), self.decoding.max_prompt_tokens
            )
        return self._prompt_cache[key]

    def _require_vocab(self) -> WhisperVocab:
        if self._vocab is None:
            raise RuntimeError("load() must run before decoding")
        return self._vocab


def pad_or_trim_frames(features: np.ndarray, frames: int) -> np.ndarray:
    """Exactly ``frames`` feature columns (zero padding: the window is already silence-padded)."""
    if features.shape[-1] >= frames:
        return features[..., :frames]
    return np.pad(features, [(0, 0)] * (features.ndim - 1) + [(0, frames - features.shape[-1])])
