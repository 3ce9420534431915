"""The converted checkpoint in transformers' Whisper: same weights, same greedy transcripts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.speech.openai_whisper import default_suppression
from bench.voices import write_espeak_wav
from models.catalog import WHISPER_TINY_EN_CT2, WHISPER_TINY_EN_OPENAI
from models.convert import CHECKPOINT_NAME, read_ctranslate2, whisper_state_dict
from models.store import ModelStore
from models.transformers_whisper import UnknownWeight, rename_state_dict, transformers_name

PHRASES = (
    "turn on the kitchen lights",
    "set the thermostat to twenty one degrees",
    "lock the front door",
)


def test_every_converted_weight_has_one_transformers_name(tmp_path: Path) -> None:
    store = ModelStore(tmp_path)
    _dims, state = whisper_state_dict(
        read_ctranslate2(store.file(WHISPER_TINY_EN_CT2, "model.bin"))
    )

    renamed = rename_state_dict(state)

    assert len(renamed) == len(state)
    assert (
        renamed["model.decoder.layers.3.encoder_attn.k_proj.weight"]
        is state["decoder.blocks.3.cross_attn.key.weight"]
    )
    assert transformers_name("encoder.blocks.0.mlp.2.bias") == "model.encoder.layers.0.fc2.bias"
    assert transformers_name("decoder.positional_embedding") == (
        "model.decoder.embed_positions.weight"
    )
    with pytest.raises(UnknownWeight):
        transformers_name("decoder.blocks.0.adapter.weight")


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("torch")
    pytest.importorskip("whisper")
    from models.convert import convert_openai_whisper

    store = ModelStore(tmp_path_factory.mktemp("cache"))
    convert_openai_whisper(store)
    return store.file(WHISPER_TINY_EN_OPENAI, CHECKPOINT_NAME)


def greedy(step: Any, tokenizer: Any, limit: int = 48) -> str:
    """Whisper's greedy decoding with its default suppression; ``step(ids)`` gives the scores
    of the next token after ``ids``."""
    import torch

    suppress = list(default_suppression(tokenizer))
    ids = [tokenizer.sot, tokenizer.no_timestamps]
    out: list[int] = []
    with torch.no_grad():
        for _ in range(limit):
            scores = step(torch.tensor([ids + out])).clone()
            scores[suppress] = -float("inf")
            if not out:
                scores[tokenizer.encode(" ") + [tokenizer.eot]] = -float("inf")
            token = int(scores.argmax())
            if token == tokenizer.eot:
                break
            out.append(token)
    return tokenizer.decode(out).strip()


def test_transformers_whisper_transcribes_like_openai_whisper(
    checkpoint: Path, tmp_path: Path
) -> None:
    pytest.importorskip("transformers")
    import torch
    import whisper
    from faster_whisper import decode_audio

    from models.transformers_whisper import load_transformers_whisper

    reference = whisper.load_model(str(checkpoint), device="cpu").float().eval()
    model = load_transformers_whisper(checkpoint)
    tokenizer = whisper.tokenizer.get_tokenizer(multilingual=False)
    options = whisper.DecodingOptions(language="en", without_timestamps=True, fp16=False)
    assert model.proj_out.weight.data_ptr() == model.model.decoder.embed_tokens.weight.data_ptr()
    for index, phrase in enumerate(PHRASES):
        wav = tmp_path / f"{index}.wav"
        write_espeak_wav(phrase, wav)
        audio = whisper.pad_or_trim(decode_audio(str(wav)))
        mel = whisper.log_mel_spectrogram(torch.from_numpy(audio))
        with torch.no_grad():
            encoded = model.model.encoder(mel[None]).last_hidden_state

        def step(ids: torch.Tensor, encoded: torch.Tensor = encoded) -> torch.Tensor:
            return model(encoder_outputs=(encoded,), decoder_input_ids=ids).logits[0, -1]

        expected = whisper.decode(reference, mel, options).text.strip()
        assert greedy(step, tokenizer) == expected, phrase
