"""Whisper tiny.en on onnxruntime: our own ONNX export, int8 by default, decoded greedily.

This is the deploy end of the compression lab (`hearth models convert` → `hearth models
quantize`): the encoder and the KV-cached decoder exported by :mod:`models.export`, run by
onnxruntime with no torch and no CTranslate2. The encoder accepts fewer than Whisper's 3000
frames, so the engine uses the same short window, prompt, budget and guards as the default
faster-whisper engine (all in :mod:`assistant.speech.greedy_whisper`); int8 and float32 differ
only in which exported folder is loaded.

Features and tokens come from faster-whisper's numpy feature extractor and the tokenizer.json of
the packaged tiny.en model: the same numbers the default engine feeds CTranslate2, so a
difference in transcripts is the runtime's or the precision's, not the front end's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.speech.base import SpeechError, SpeechErrorCode
from assistant.speech.faster_whisper import WhisperOptions
from assistant.speech.greedy_whisper import (
    DecoderStep,
    ShortWindowWhisper,
    WhisperVocab,
    pad_or_trim_frames,
    resolve_model_dir,
)

NAME = "onnx-whisper"
ENCODER = "encoder.onnx"
DECODER = "decoder.onnx"
TOKENIZER = "tokenizer.json"
PRECISIONS = ("int8", "fp32")


@dataclass(frozen=True)
class OnnxWhisperOptions:
    """Which export to run and how; ``decoding`` is shared with faster-whisper on purpose.

    ``model`` is a catalog id (``whisper-tiny.en-onnx-fp32``) or a folder holding encoder.onnx
    and decoder.onnx; empty picks the catalog build for ``precision``. Only the decoding fields
    of ``decoding`` matter here (window, budget, hint, guards), not its model or compute type.
    """

    model: str = ""
    precision: str = "int8"
    cache_dir: str = ""  # empty: the user's model cache
    cpu_threads: int = 0  # 0: every core
    decoding: WhisperOptions = field(default_factory=WhisperOptions)


def model_id(precision: str) -> str:
    """The catalog id of the export for ``precision``."""
    from models.catalog import WHISPER_TINY_EN_ONNX_FP32, WHISPER_TINY_EN_ONNX_INT8

    if precision not in PRECISIONS:
        raise SpeechError(
            SpeechErrorCode.LOAD_FAILED,
            f"onnx-whisper precision must be one of {', '.join(PRECISIONS)}, not {precision!r}",
        )
    return WHISPER_TINY_EN_ONNX_INT8 if precision == "int8" else WHISPER_TINY_EN_ONNX_FP32


class OnnxWhisperEngine(ShortWindowWhisper):
    """Encoder and decoder sessions loaded once and kept warm."""

    name = NAME

    def __init__(self, options: OnnxWhisperOptions | None = None) -> None:
        self.options = options or OnnxWhisperOptions()
        super().__init__(self.options.decoding)
        self.model_dir: Path | None = None
        self._encoder: Any = None
        self._decoder: Any = None
        self._extractor: Any = None

    def model_folder(self) -> Path:
        """Where the graphs this engine would load are (SpeechError if they are missing)."""
        return resolve_model_dir(
            self.options.model,
            model_id(self.options.precision),
            (ENCODER, DECODER),
            self.options.cache_dir,
        )

    def _load(self) -> WhisperVocab:
        try:
            import onnxruntime as ort
            import tokenizers
            from faster_whisper.feature_extractor import FeatureExtractor
            from faster_whisper.tokenizer import Tokenizer
            from faster_whisper.transcribe import get_suppressed_tokens
            from onnxruntime.capi import onnxruntime_pybind11_state as ort_errors
        except ImportError:
            raise SpeechError(
                SpeechErrorCode.MISSING_PACKAGE,
                "the onnx-whisper engine needs onnxruntime and faster-whisper: "
                "pip install 'hearth[speech]'",
            ) from None
        folder = self.model_folder()
        session = ort.SessionOptions()
        session.intra_op_num_threads = self.options.cpu_threads or os.cpu_count() or 1
        session.inter_op_num_threads = 1
        try:
            self._encoder = ort.InferenceSession(
                str(folder / ENCODER), session, providers=["CPUExecutionProvider"]
            )
            self._decoder = ort.InferenceSession(
                str(folder / DECODER), session, providers=["CPUExecutionProvider"]
            )
        except (  # onnxruntime's own errors derive from Exception, not RuntimeError
            ort_errors.Fail,
            ort_errors.InvalidArgument,
            ort_errors.InvalidGraph,
            ort_errors.InvalidProtobuf,
            ort_errors.NoSuchFile,
            RuntimeError,
            OSError,
        ) as err:
            raise SpeechError(
                SpeechErrorCode.LOAD_FAILED,
                f"cannot load the ONNX Whisper model in {folder}: {err}",
            ) from err
        hf = tokenizers.Tokenizer.from_file(str(self._tokenizer_file(folder)))
        tokenizer = Tokenizer(hf, multilingual=False)
        self._extractor = FeatureExtractor(feature_size=80)
        self.model_dir = folder
        return WhisperVocab(
            sot_sequence=tuple(tokenizer.sot_sequence),
            sot_prev=tokenizer.sot_prev,
            no_timestamps=tokenizer.no_timestamps,
            eot=tokenizer.eot,
            no_speech=tokenizer.no_speech,
            blank=(*tokenizer.encode(" "), tokenizer.eot),
            suppress=tuple(get_suppressed_tokens(tokenizer, [-1])),
            encode=tokenizer.encode,
            decode=tokenizer.decode,
        )

    def _tokenizer_file(self, folder: Path) -> Path:
        """The export's own tokenizer.json if it has one, else the packaged tiny.en's."""
        if (folder / TOKENIZER).is_file():
            return folder / TOKENIZER
        from models.catalog import WHISPER_TINY_EN_CT2

        return (
            resolve_model_dir("", WHISPER_TINY_EN_CT2, (TOKENIZER,), self.options.cache_dir)
            / TOKENIZER
        )

    def _features(self, window: np.ndarray, frames: int) -> np.ndarray:
        mel = self._extractor(window)[..., :-1]
        return pad_or_trim_frames(mel, frames).astype(np.float32)

    def _start(self, features: np.ndarray) -> DecoderStep:
        cross_k, cross_v = self._encoder.run(None, {"mel": features[None]})
        layers, state = cross_k.shape[0], cross_k.shape[3]
        cache = {
            "self_k": np.zeros((layers, 1, 0, state), np.float32),
            "self_v": np.zeros((layers, 1, 0, state), np.float32),
        }

        def step(tokens: list[int]) -> np.ndarray:
            logits, cache["self_k"], cache["self_v"] = self._decoder.run(
                None,
                {
                    "tokens": np.array([tokens], np.int64),
                    "self_k": cache["self_k"],
                    "self_v": cache["self_v"],
                    "cross_k": cross_k,
                    "cross_v": cross_v,
                },
            )
            return logits[0]

        return step
