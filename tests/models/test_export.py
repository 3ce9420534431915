"""ONNX export and int8 quantization of the rebuilt tiny.en, decoded greedily on onnxruntime."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from models.catalog import (
    WHISPER_TINY_EN_ONNX_FP32,
    WHISPER_TINY_EN_ONNX_INT8,
    WHISPER_TINY_EN_OPENAI,
)
from models.cli import main
from models.convert import CHECKPOINT_NAME
from models.export import DECODER_NAME, ENCODER_NAME
from models.store import InstallState, ModelStore

pytest.importorskip("torch")
pytest.importorskip("whisper")
pytest.importorskip("onnx")
pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")

PHRASES = ("turn on the kitchen lights", "play some music in the living room")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> ModelStore:
    """One cache with all three local builds, made through the CLI as a user would."""
    cache = tmp_path_factory.mktemp("cache")
    assert main(["--cache-dir", str(cache), "models", "quantize"]) == 0
    return ModelStore(cache)


@pytest.fixture(scope="module")
def audio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, np.ndarray]:
    from faster_whisper import decode_audio

    folder = tmp_path_factory.mktemp("wav")
    clips = {}
    for index, phrase in enumerate(PHRASES):
        wav = folder / f"{index}.wav"
        subprocess.run(["espeak-ng", "-w", str(wav), phrase], check=True)
        clips[phrase] = decode_audio(str(wav))
    return clips


def greedy(model_dir: Path, mel: np.ndarray, tokenizer: Any) -> str:
    """Whisper's greedy decoding with its default token suppression, on onnxruntime."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    encoder = ort.InferenceSession(str(model_dir / ENCODER_NAME), options)
    decoder = ort.InferenceSession(str(model_dir / DECODER_NAME), options)
    cross_k, cross_v = encoder.run(None, {"mel": mel[None]})
    suppress = list(tokenizer.non_speech_tokens) + [
        tokenizer.transcribe,
        tokenizer.translate,
        tokenizer.sot,
        tokenizer.sot_prev,
        tokenizer.sot_lm,
        tokenizer.no_speech,
    ]
    layers, state = cross_k.shape[0], cross_k.shape[3]
    self_k = self_v = np.zeros((layers, 1, 0, state), np.float32)
    feed = np.array([[tokenizer.sot, tokenizer.no_timestamps]], np.int64)
    out: list[int] = []
    for _ in range(64):
        logits, self_k, self_v = decoder.run(
            None,
            {
                "tokens": feed,
                "self_k": self_k,
                "self_v": self_v,
                "cross_k": cross_k,
                "cross_v": cross_v,
            },
        )
        scores = logits[0, -1].copy()
        scores[suppress] = -np.inf
        if not out:
            scores[tokenizer.encode(" ") + [tokenizer.eot]] = -np.inf
        token = int(scores.argmax())
        if token == tokenizer.eot:
            break
        out.append(token)
        feed = np.array([[token]], np.int64)
    return tokenizer.decode(out).strip()


def test_builds_are_cached_and_int8_is_much_smaller(built: ModelStore) -> None:
    sizes = {}
    for model_id in (WHISPER_TINY_EN_OPENAI, WHISPER_TINY_EN_ONNX_FP32, WHISPER_TINY_EN_ONNX_INT8):
        assert built.state(model_id) is InstallState.CACHED
        assert built.verify(model_id).ok
        sizes[model_id] = built.installed_bytes(model_id)
    assert sizes[WHISPER_TINY_EN_ONNX_FP32] / sizes[WHISPER_TINY_EN_ONNX_INT8] >= 3.5


def test_fp32_onnx_transcribes_exactly_like_torch(
    built: ModelStore, audio: dict[str, np.ndarray]
) -> None:
    import torch
    import whisper

    model = whisper.load_model(str(built.file(WHISPER_TINY_EN_OPENAI, CHECKPOINT_NAME)))
    tokenizer = whisper.tokenizer.get_tokenizer(multilingual=False)
    options = whisper.DecodingOptions(language="en", without_timestamps=True, fp16=False)
    for samples in audio.values():
        mel = whisper.log_mel_spectrogram(torch.from_numpy(whisper.pad_or_trim(samples)))

        expected = whisper.decode(model, mel, options).text.strip()

        assert greedy(built.path(WHISPER_TINY_EN_ONNX_FP32), mel.numpy(), tokenizer) == expected


def test_int8_transcribes_commands_from_a_short_window(
    built: ModelStore, audio: dict[str, np.ndarray]
) -> None:
    import torch
    import whisper

    tokenizer = whisper.tokenizer.get_tokenizer(multilingual=False)
    for phrase, samples in audio.items():
        window = whisper.pad_or_trim(samples, 8 * 16_000)  # 8 s instead of Whisper's 30 s
        mel = whisper.log_mel_spectrogram(torch.from_numpy(window)).numpy()

        text = greedy(built.path(WHISPER_TINY_EN_ONNX_INT8), mel, tokenizer)

        words = "".join(c for c in text.lower() if c.isalpha() or c == " ").split()
        assert words == phrase.split()
