"""Vosk (Kaldi) engine: a model directory from the model store, free-form or grammar-limited.

Vosk streams natively, so this engine also gives partial transcripts. Given a vocabulary hint,
recognition is limited to the words of the hint's example sentences (Vosk's runtime grammar),
which is how a small Vosk model becomes usable on a home's commands; an answer that is not one
of the sentences has its confidence scaled below 0.5.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio.base import SAMPLE_RATE
from assistant.speech.base import (
    SpeechError,
    SpeechErrorCode,
    TranscriptResult,
    VocabularyHint,
    check_audio,
    duration_ms,
)

NAME = "vosk"


@dataclass(frozen=True)
class VoskOptions:
    model_dir: str = ""  # a Vosk model directory (with am/ and conf/), e.g. from the model store
    use_grammar: bool = True  # limit recognition to the hint's sentences when a hint is given
    max_grammar_sentences: int = 2000


class VoskEngine:
    """Kaldi models through the vosk package, loaded once."""

    name = NAME

    def __init__(self, options: VoskOptions | None = None) -> None:
        self.options = options or VoskOptions()
        self._vosk: Any = None
        self._model: Any = None

    def load(self) -> None:
        if self._model is not None:
            return
        try:
            import vosk
        except ImportError:
            raise SpeechError(
                SpeechErrorCode.MISSING_PACKAGE,
                "the vosk engine needs vosk: pip install 'hearth[vosk]'",
            ) from None
        if not self.options.model_dir:
            raise SpeechError(
                SpeechErrorCode.MODEL_NOT_FOUND,
                "the vosk engine needs a model directory: set speech.model (hearth models fetch)",
            )
        path = Path(self.options.model_dir)
        if not (path / "am").is_dir() or not (path / "conf").is_dir():
            raise SpeechError(
                SpeechErrorCode.MODEL_NOT_FOUND,
                f"{path} is not a Vosk model directory (no am/ and conf/); run: hearth models fetch",
            )
        vosk.SetLogLevel(-1)
        try:
            self._model = vosk.Model(str(path))
        except Exception as err:  # vosk raises a bare Exception when Kaldi fails to load
            raise SpeechError(
                SpeechErrorCode.LOAD_FAILED, f"cannot load the Vosk model in {path}: {err}"
            ) from err
        self._vosk = vosk

    def grammar(self, hint: VocabularyHint | None) -> str | None:
        """Vosk's JSON phrase list for a hint, or None for free-form recognition."""
        if hint is None or not self.options.use_grammar or not hint.sentences:
            return None
        phrases = hint.examples(limit=self.options.max_grammar_sentences)
        return json.dumps([*phrases, "[unk]"], ensure_ascii=False)

    def stream(self, hint: VocabularyHint | None = None) -> VoskStream:
        self.load()
        grammar = self.grammar(hint)
        args = (self._model, float(SAMPLE_RATE)) + ((grammar,) if grammar else ())
        recognizer = self._vosk.KaldiRecognizer(*args)
        recognizer.SetWords(True)
        phrases = frozenset(json.loads(grammar)) if grammar else None
        return VoskStream(recognizer, phrases)

    def transcribe(self, audio: np.ndarray, hint: VocabularyHint | None = None) -> TranscriptResult:
        samples = check_audio(audio)
        started = time.perf_counter()
        stream = self.stream(hint)
        stream.accept(samples)
        result = stream.finish()
        return TranscriptResult(
            text=result.text,
            confidence=result.confidence,
            duration_ms=duration_ms(samples),
            decode_ms=1000.0 * (time.perf_counter() - started),
            engine=NAME,
            words=result.words,
        )


class VoskStream:
    """One utterance fed frame by frame; partials come from Kaldi's online decoder."""

    def __init__(self, recognizer: Any, phrases: frozenset[str] | None = None) -> None:
        self._recognizer = recognizer
        self._phrases = phrases
        self._finals: list[dict[str, Any]] = []
        self._partial = ""
        self._samples = 0
        self._started = time.perf_counter()

    def accept(self, frame: np.ndarray) -> str | None:
        samples = check_audio(frame)
        self._samples += len(samples)
        if self._recognizer.AcceptWaveform(samples.tobytes()):
            self._finals.append(json.loads(self._recognizer.Result()))
            partial = self._joined("")
        else:
            partial = self._joined(json.loads(self._recognizer.PartialResult()).get("partial", ""))
        if partial != self._partial:
            self._partial = partial
            return partial
        return None

    def finish(self) -> TranscriptResult:
        self._finals.append(json.loads(self._recognizer.FinalResult()))
        words = [
            word
            for result in self._finals
            for word in result.get("result", [])
            if word.get("word") != "[unk]"
        ]
        text = " ".join(word["word"] for word in words)
        confidence = float(np.mean([word.get("conf", 0.0) for word in words])) if words else 0.0
        if self._phrases is not None and text not in self._phrases:
            # Vosk's grammar is a word loop over the phrases' words, so it can return a mix of
            # two phrases; scaling by 0.49 puts such answers below 0.5 for the fallback.
            confidence *= 0.49
        return TranscriptResult(
            text=text,
            confidence=confidence,
            duration_ms=1000.0 * self._samples / SAMPLE_RATE,
            decode_ms=1000.0 * (time.perf_counter() - self._started),
            engine=NAME,
            words=tuple(word["word"] for word in words),
        )

    def _joined(self, partial: str) -> str:
        texts = [result.get("text", "") for result in self._finals] + [partial]
        return " ".join(text for text in texts if text and text != "[unk]")
