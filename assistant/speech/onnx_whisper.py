"""Whisper tiny.en on onnxruntime: our own ONNX export, int8 by default, decoded greedily.

This is the deploy end of the compression lab (`hearth models convert` → `hearth models
quantize`): the encoder and the KV-cached decoder exported by :mod:`models.export`, run by
onnxruntime with no torch and no CTranslate2. The encoder accepts fewer than Whisper's 3000
frames, so the engine uses the same short window, prompt, budget and guards as the default
faster-whisper engine (all in :mod:`assistant.speech.greedy_whisper`); int8 and float32 differ
only in which exported folder is loaded.

The decoder graph scores only the last token it is fed (see :mod:`models.export` for the
graphs' inputs and outputs), so the prompt is fed in two pieces: up to <|startoftranscript|>,
whose scores give the no-speech probability, then the rest.

Features and tokens come from faster-whisper's numpy feature extractor and the tokenizer.json of
the packaged tiny.en model: the same numbers the default engine feeds CTranslate2, so a
difference in transcripts is the runtime's or the precision's, not the front end's.
"""

from __future__ import annotations

import os
import re
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
_CACHE_INPUT = re.compile(r"self_[kv]_\d+")


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
        self._cache_names: list[str] = []

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
        # All of onnxruntime's graph rewrites (its default, stated because it matters): they are
        # what fuse each quantized MatMul into an integer kernel (DynamicQuantizeMatMul) and the
        # attention's transposes into FusedMatMul.
        session.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
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
        self._cache_names = self._check_layout(folder)
        hf = tokenizers.Tokenizer.from_file(str(self._tokenizer_file(folder)))
        tokenizer = Tokenizer(hf, multilingual=False)
        self._extractor = FeatureExtractor(feature_size=80)
        self.model_dir = folder
        return WhisperVocab.of(tokenizer, get_suppressed_tokens(tokenizer, [-1]))

    def _check_layout(self, folder: Path) -> list[str]:
        """The decoder's per-layer cache inputs; an export by an older Hearth is a clear error.

        Before per-layer caches the graphs took stacked ``self_k``/``cross_k`` tensors and
        returned logits for every position; such a folder loads fine but cannot be driven.
        """
        inputs = [entry.name for entry in self._decoder.get_inputs()]
        cache = [name for name in inputs if _CACHE_INPUT.fullmatch(name)]
        outputs = {entry.name for entry in self._decoder.get_outputs()}
        if (
            not cache
            or "logits" not in outputs
            or any(f"new_{name}" not in outputs for name in cache)
        ):
            raise SpeechError(
                SpeechErrorCode.LOAD_FAILED,
                f"the ONNX Whisper model in {folder} was exported by an older Hearth; rebuild it "
                "with `hearth models quantize` (it rebuilds outdated exports)",
            )
        return cache

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
        names = [output.name for output in self._encoder.get_outputs()]
        cross = dict(zip(names, self._encoder.run(None, {"mel": features[None]}), strict=True))
        # One cache tensor per layer, [1, n_head, past, head_dim], named self_k_i / self_v_i;
        # the decoder returns them grown by the fed tokens as new_self_k_i / new_self_v_i.
        first = cross[names[0]]
        empty = np.zeros((*first.shape[:2], 0, first.shape[3]), np.float32)
        feed = {**cross, **{name: empty for name in self._cache_names}}
        outputs = ["logits", *(f"new_{name}" for name in self._cache_names)]
        sot = self._require_vocab().sot_sequence[0]

        def run(tokens: list[int]) -> np.ndarray:
            feed["tokens"] = np.array([tokens], np.int64)
            logits, *caches = self._decoder.run(outputs, feed)
            feed.update(zip(self._cache_names, caches, strict=True))
            return logits[0, -1]

        def step(tokens: list[int]) -> PositionLogits:
            # The graph scores only the last token it is fed. The prompt is therefore fed in
            # two pieces, cut after <|startoftranscript|>, whose scores give no_speech_prob.
            wanted = sorted(
                {i for i, token in enumerate(tokens) if token == sot} | {len(tokens) - 1}
            )
            rows, start = {}, 0
            for end in wanted:
                rows[end] = run(tokens[start : end + 1])
                start = end + 1
            return PositionLogits(len(tokens), rows)

        return step  # type: ignore[return-value]  # greedy_decode only indexes rows


@dataclass(frozen=True)
class PositionLogits:
    """Scores of the positions of one decoder call that were computed, indexed like [n, vocab].

    The exported decoder projects only the last position onto the vocabulary (the prompt pass
    used to spend ~100 ms scoring positions nobody reads); greedy decoding reads the
    <|startoftranscript|> row and the last row. Any other row is an IndexError, never zeros.
    """

    length: int
    rows: dict[int, np.ndarray]

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> np.ndarray:
        position = index + self.length if index < 0 else index
        if position not in self.rows:
            raise IndexError(
                f"logits of position {index} of {self.length} were not computed "
                f"(only {sorted(self.rows)})"
            )
        return self.rows[position]
