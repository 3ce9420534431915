"""CTranslate2 → openai-whisper conversion with the real packaged tiny.en weights."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from bench.voices import write_espeak_wav
from models.catalog import WHISPER_TINY_EN_CT2, WHISPER_TINY_EN_OPENAI
from models.cli import main
from models.convert import (
    CHECKPOINT_NAME,
    ConversionError,
    WhisperDims,
    convert_openai_whisper,
    read_ctranslate2,
    whisper_state_dict,
)
from models.store import InstallState, ModelStore

TINY_EN = WhisperDims(80, 1500, 384, 6, 4, 51864, 448, 384, 6, 4)
PHRASES = (
    "turn on the kitchen lights",
    "set the living room temperature to twenty one degrees",
    "turn off the bedroom fan",
)


@pytest.fixture(scope="module")
def ct2_model_bin() -> Path:
    return ModelStore(Path("/nonexistent")).path(WHISPER_TINY_EN_CT2) / "model.bin"


def test_reads_the_packaged_ctranslate2_file(ct2_model_bin: Path) -> None:
    model = read_ctranslate2(ct2_model_bin)

    assert model.name == "WhisperSpec"
    assert len(model.variables) == 148
    assert model.aliases == {"decoder/projection/weight": "decoder/embeddings/weight"}
    embeddings = model.get("decoder/embeddings/weight")
    assert embeddings.shape == (51864, 384) and embeddings.dtype == np.float16
    assert int(model.get("encoder/num_heads")) == 6


def test_maps_to_tiny_en_dims_and_splits_fused_projections(ct2_model_bin: Path) -> None:
    model = read_ctranslate2(ct2_model_bin)

    dims, state = whisper_state_dict(model)

    assert dims == TINY_EN
    fused = model.get("encoder/layer_2/self_attention/linear_0/weight")
    np.testing.assert_array_equal(state["encoder.blocks.2.attn.key.weight"], fused[384:768])
    np.testing.assert_array_equal(
        state["decoder.blocks.3.cross_attn.value.weight"],
        model.get("decoder/layer_3/attention/linear_1/weight")[384:],
    )
    assert "encoder.blocks.0.attn.key.bias" not in state


def test_rejects_a_truncated_file(ct2_model_bin: Path, tmp_path: Path) -> None:
    broken = tmp_path / "model.bin"
    broken.write_bytes(ct2_model_bin.read_bytes()[:5000])

    with pytest.raises(ConversionError, match="truncated"):
        read_ctranslate2(broken)


def test_state_dict_has_exactly_openai_whispers_names_and_shapes(ct2_model_bin: Path) -> None:
    pytest.importorskip("torch")
    whisper_model = pytest.importorskip("whisper.model")
    dims, state = whisper_state_dict(read_ctranslate2(ct2_model_bin))

    reference = whisper_model.Whisper(whisper_model.ModelDimensions(**asdict(dims))).state_dict()

    assert {k: tuple(v.shape) for k, v in reference.items()} == {
        k: v.shape for k, v in state.items()
    }


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> ModelStore:
    pytest.importorskip("torch")
    pytest.importorskip("whisper")
    store = ModelStore(tmp_path_factory.mktemp("cache"))
    steps: list[str] = []
    convert_openai_whisper(store, step=steps.append)
    assert [s[:5] for s in steps] == ["[1/3]", "[2/3]", "[3/3]"]
    return store


def test_converted_checkpoint_is_a_verified_cache_entry(converted: ModelStore) -> None:
    assert converted.state(WHISPER_TINY_EN_OPENAI) is InstallState.CACHED
    assert converted.verify(WHISPER_TINY_EN_OPENAI).ok
    assert (converted.path(WHISPER_TINY_EN_OPENAI) / CHECKPOINT_NAME).stat().st_size > 75_000_000


def test_encoder_output_matches_ctranslate2(converted: ModelStore) -> None:
    import ctranslate2
    import torch
    import whisper

    model = whisper.load_model(str(converted.file(WHISPER_TINY_EN_OPENAI, CHECKPOINT_NAME)))
    rng = np.random.default_rng(0)
    mel = rng.normal(0.0, 0.5, size=(1, 80, 3000)).astype(np.float32)
    reference = ctranslate2.models.Whisper(
        str(converted.path(WHISPER_TINY_EN_CT2)), device="cpu", compute_type="float32"
    )

    expected = np.array(reference.encode(ctranslate2.StorageView.from_array(mel)))
    with torch.no_grad():
        actual = model.encoder(torch.from_numpy(mel)).numpy()

    # float32 rounding differs between the two runtimes; a wrong weight mapping is off by O(1).
    assert np.abs(expected - actual).max() < 1e-2
    assert np.abs(expected - actual).mean() < 1e-5


def test_transcripts_match_faster_whisper(converted: ModelStore, tmp_path: Path) -> None:
    import whisper
    from faster_whisper import WhisperModel, decode_audio

    model = whisper.load_model(str(converted.file(WHISPER_TINY_EN_OPENAI, CHECKPOINT_NAME)))
    reference = WhisperModel(
        str(converted.path(WHISPER_TINY_EN_CT2)), device="cpu", compute_type="float32"
    )
    for index, phrase in enumerate(PHRASES):
        wav = tmp_path / f"{index}.wav"
        write_espeak_wav(phrase, wav)
        audio = decode_audio(str(wav))

        ours = model.transcribe(
            audio, fp16=False, temperature=0.0, condition_on_previous_text=False
        )["text"]
        segments, _info = reference.transcribe(
            audio, beam_size=1, temperature=0.0, condition_on_previous_text=False
        )

        assert ours.strip() == "".join(s.text for s in segments).strip()
        assert "living room" in ours.lower() or "turn" in ours.lower()


def test_cli_convert_installs_then_lists_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("torch")
    cache = ["--cache-dir", str(tmp_path)]

    assert main([*cache, "models", "convert"]) == 0
    assert "[3/3]" in capsys.readouterr().err
    assert main([*cache, "models", "list"]) == 0

    row = next(
        line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith(WHISPER_TINY_EN_OPENAI)
    )
    assert "installed (cached)" in row
