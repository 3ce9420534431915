"""ONNX export and int8 quantization of the rebuilt tiny.en, decoded greedily on onnxruntime."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.speech.openai_whisper import default_suppression
from bench.voices import write_espeak_wav
from models.catalog import (
    WHISPER_TINY_EN_ONNX_FP32,
    WHISPER_TINY_EN_ONNX_INT8,
    WHISPER_TINY_EN_OPENAI,
)
from models.cli import main
from models.convert import CHECKPOINT_NAME
from models.export import DECODER_NAME, ENCODER_NAME, EXPORT_FORMAT, quantize_whisper_onnx
from models.quantization import integer_kernels
from models.store import InstallState, ModelStore

pytest.importorskip("torch")
pytest.importorskip("whisper")
pytest.importorskip("onnx")

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
        write_espeak_wav(phrase, wav)
        clips[phrase] = decode_audio(str(wav))
    return clips


def sessions(model_dir: Path) -> tuple[Any, Any]:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    encoder = ort.InferenceSession(str(model_dir / ENCODER_NAME), options)
    decoder = ort.InferenceSession(str(model_dir / DECODER_NAME), options)
    return encoder, decoder


def encode(encoder: Any, mel: np.ndarray) -> dict[str, np.ndarray]:
    names = [output.name for output in encoder.get_outputs()]
    return dict(zip(names, encoder.run(None, {"mel": mel[None]}), strict=True))


def empty_cache(cross: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """self_k_i / self_v_i with no past positions, shaped like the encoder's per-layer keys."""
    shape = cross["cross_k_0"].shape
    layers = sum(name.startswith("cross_k_") for name in cross)
    empty = np.zeros((shape[0], shape[1], 0, shape[3]), np.float32)
    return {f"self_{kv}_{i}": empty for kv in "kv" for i in range(layers)}


def decode_step(
    decoder: Any, tokens: list[int], cache: dict[str, np.ndarray], cross: dict[str, np.ndarray]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """One decoder call: the last token's scores and the grown cache."""
    names = list(cache)
    logits, *grown = decoder.run(
        ["logits", *(f"new_{name}" for name in names)],
        {"tokens": np.array([tokens], np.int64), **cache, **cross},
    )
    return logits, dict(zip(names, grown, strict=True))


def greedy(model_dir: Path, mel: np.ndarray, tokenizer: Any) -> str:
    """Whisper's greedy decoding with its default token suppression, on onnxruntime."""
    encoder, decoder = sessions(model_dir)
    cross = encode(encoder, mel)
    suppress = list(default_suppression(tokenizer))
    cache = empty_cache(cross)
    feed = [tokenizer.sot, tokenizer.no_timestamps]
    out: list[int] = []
    for _ in range(64):
        logits, cache = decode_step(decoder, feed, cache, cross)
        scores = logits[0, -1].copy()
        scores[suppress] = -np.inf
        if not out:
            scores[tokenizer.encode(" ") + [tokenizer.eot]] = -np.inf
        token = int(scores.argmax())
        if token == tokenizer.eot:
            break
        out.append(token)
        feed = [token]
    return tokenizer.decode(out).strip()


def test_builds_are_cached_and_int8_is_much_smaller(built: ModelStore) -> None:
    sizes = {}
    for model_id in (WHISPER_TINY_EN_OPENAI, WHISPER_TINY_EN_ONNX_FP32, WHISPER_TINY_EN_ONNX_INT8):
        assert built.state(model_id) is InstallState.CACHED
        assert built.verify(model_id).ok
        sizes[model_id] = built.installed_bytes(model_id)
    assert sizes[WHISPER_TINY_EN_ONNX_FP32] / sizes[WHISPER_TINY_EN_ONNX_INT8] >= 3.5
    # The tied embedding / output projection is stored once, not once more transposed.
    assert sizes[WHISPER_TINY_EN_ONNX_FP32] < 160_000_000


def test_graph_interface_per_layer_caches_and_last_position_logits(built: ModelStore) -> None:
    encoder, decoder = sessions(built.path(WHISPER_TINY_EN_ONNX_FP32))
    cross = encode(encoder, np.zeros((80, 600), np.float32))
    assert sorted(cross) == sorted(f"cross_{kv}_{i}" for kv in "kv" for i in range(4))
    assert cross["cross_k_0"].shape == (1, 6, 300, 64)  # [1, n_head, frames / 2, head_dim]

    logits, cache = decode_step(decoder, [50360, 1000, 1001, 50257], empty_cache(cross), cross)
    assert logits.shape == (1, 1, 51864)  # the last position only
    assert cache["self_k_3"].shape == (1, 6, 4, 64)
    more, cache = decode_step(decoder, [50362], cache, cross)
    assert more.shape == (1, 1, 51864)
    assert cache["self_v_0"].shape == (1, 6, 5, 64)


def test_prompt_in_pieces_scores_like_the_prompt_at_once(built: ModelStore) -> None:
    """The KV cache makes feeding [a, b] then [c] the same as feeding [a, b, c]."""
    encoder, decoder = sessions(built.path(WHISPER_TINY_EN_ONNX_FP32))
    cross = encode(encoder, np.random.default_rng(0).standard_normal((80, 500), np.float32))
    tokens = [50360, 1000, 1001, 50257, 50362]
    whole, _ = decode_step(decoder, tokens, empty_cache(cross), cross)
    _, cache = decode_step(decoder, tokens[:3], empty_cache(cross), cross)
    pieces, _ = decode_step(decoder, tokens[3:], cache, cross)
    np.testing.assert_allclose(pieces, whole, atol=1e-3)


def test_int8_runs_integer_kernels(built: ModelStore) -> None:
    """Every weight product of the int8 graphs is an integer kernel after onnxruntime's fusions;
    the float MatMuls left are attention's activation x activation products."""
    folder = built.path(WHISPER_TINY_EN_ONNX_INT8)
    encoder = integer_kernels(folder / ENCODER_NAME)
    decoder = integer_kernels(folder / DECODER_NAME)
    integer = ("DynamicQuantizeMatMul", "MatMulIntegerToFloat")
    assert (
        sum(encoder.get(op, 0) for op in integer) == 4 * 6 + 8
    )  # q, k, v, out, fc1, fc2; cross k, v
    assert sum(decoder.get(op, 0) for op in integer) == 4 * 8 + 1  # + the output projection
    attention = {"encoder": 4 * 2, "decoder": 4 * 2 * 2}  # q.k and w.v per attention
    for name, counts in (("encoder", encoder), ("decoder", decoder)):
        assert counts.get("MatMul", 0) + counts.get("FusedMatMul", 0) == attention[name]
    assert integer_kernels(built.path(WHISPER_TINY_EN_ONNX_FP32) / DECODER_NAME).get("MatMul")


def test_an_install_from_an_older_export_is_rebuilt(built: ModelStore, tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "cache")
    old = store.new_build_dir(WHISPER_TINY_EN_ONNX_INT8)
    for name in (ENCODER_NAME, DECODER_NAME):
        (old / name).write_bytes(b"an export from an older Hearth")
    store.install_built(WHISPER_TINY_EN_ONNX_INT8, old, detail="quantized (dynamic, weights only)")
    shutil.copytree(
        built.path(WHISPER_TINY_EN_ONNX_FP32), store.cache_dir / WHISPER_TINY_EN_ONNX_FP32
    )
    messages: list[str] = []

    quantize_whisper_onnx(store, step=messages.append)

    assert any("older Hearth" in message for message in messages)
    assert (store.path(WHISPER_TINY_EN_ONNX_INT8) / DECODER_NAME).stat().st_size > 1_000_000
    assert f"export format {EXPORT_FORMAT}" in (store.build_detail(WHISPER_TINY_EN_ONNX_INT8) or "")
    messages.clear()
    quantize_whisper_onnx(store, step=messages.append)
    assert messages == [f"{WHISPER_TINY_EN_ONNX_INT8} is already installed"]


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
