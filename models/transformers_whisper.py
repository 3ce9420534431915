"""The converted tiny.en checkpoint as a Hugging Face transformers `WhisperForConditionalGeneration`.

A third, independent check that `hearth models convert` rebuilt OpenAI's exact weights: the
same tensors, renamed to transformers' layout, must give the same greedy transcripts in a model
implementation written by other people. It also opens the transformers tool box (fine-tuning,
other exporters) to the one Whisper that exists on an offline machine, without any download:
the config is built from the checkpoint's own dimensions, never fetched from a hub.

torch and transformers are imported inside the functions that need them (neither is required
by Hearth; transformers is not even in the torch extra).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# openai-whisper name (after the "encoder."/"decoder." prefix and the block index) → transformers
# name, for the parts encoder and decoder blocks share and the decoder's cross-attention.
_BLOCK = {
    "attn.query": "self_attn.q_proj",
    "attn.key": "self_attn.k_proj",
    "attn.value": "self_attn.v_proj",
    "attn.out": "self_attn.out_proj",
    "attn_ln": "self_attn_layer_norm",
    "cross_attn.query": "encoder_attn.q_proj",
    "cross_attn.key": "encoder_attn.k_proj",
    "cross_attn.value": "encoder_attn.v_proj",
    "cross_attn.out": "encoder_attn.out_proj",
    "cross_attn_ln": "encoder_attn_layer_norm",
    "mlp.0": "fc1",
    "mlp.2": "fc2",
    "mlp_ln": "final_layer_norm",
}
_TOP = {
    "encoder.conv1": "model.encoder.conv1",
    "encoder.conv2": "model.encoder.conv2",
    "encoder.ln_post": "model.encoder.layer_norm",
    "decoder.ln": "model.decoder.layer_norm",
    "decoder.token_embedding": "model.decoder.embed_tokens",
}
_POSITIONAL = {
    "encoder.positional_embedding": "model.encoder.embed_positions.weight",
    "decoder.positional_embedding": "model.decoder.embed_positions.weight",
}
_BLOCK_NAME = re.compile(r"(encoder|decoder)\.blocks\.(\d+)\.(.+)\.(weight|bias)")
_TOP_NAME = re.compile(r"(.+)\.(weight|bias)")


class UnknownWeight(ValueError):
    """A checkpoint variable this mapping does not know: not an openai-whisper model."""


def transformers_name(name: str) -> str:
    """The transformers state-dict key of one openai-whisper state-dict key."""
    if name in _POSITIONAL:
        return _POSITIONAL[name]
    if match := _BLOCK_NAME.fullmatch(name):
        side, index, part, kind = match.groups()
        if part in _BLOCK:
            return f"model.{side}.layers.{index}.{_BLOCK[part]}.{kind}"
    elif (match := _TOP_NAME.fullmatch(name)) and match.group(1) in _TOP:
        return f"{_TOP[match.group(1)]}.{match.group(2)}"
    raise UnknownWeight(f"no transformers name for the openai-whisper weight {name!r}")


def rename_state_dict(state: Mapping[str, Any]) -> dict[str, Any]:
    """Every openai-whisper tensor under its transformers key (the output projection is tied
    to the token embedding in both, so transformers fills `proj_out` itself)."""
    return {transformers_name(name): tensor for name, tensor in state.items()}


def whisper_config(dims: Mapping[str, int]) -> Any:
    """A `WhisperConfig` from openai-whisper's `ModelDimensions`, with tiny.en's special tokens.

    Only English-only models are built here (Hearth has no other Whisper): their vocabulary
    has 51864 entries and <|endoftext|> = 50256, <|startoftranscript|> = 50257.
    """
    from transformers import WhisperConfig

    if dims["n_vocab"] != 51864:
        raise UnknownWeight(
            f"only English-only Whisper models (51864 tokens), not {dims['n_vocab']}"
        )
    return WhisperConfig(
        vocab_size=dims["n_vocab"],
        num_mel_bins=dims["n_mels"],
        d_model=dims["n_audio_state"],
        encoder_layers=dims["n_audio_layer"],
        encoder_attention_heads=dims["n_audio_head"],
        encoder_ffn_dim=4 * dims["n_audio_state"],
        decoder_layers=dims["n_text_layer"],
        decoder_attention_heads=dims["n_text_head"],
        decoder_ffn_dim=4 * dims["n_text_state"],
        max_source_positions=dims["n_audio_ctx"],
        max_target_positions=dims["n_text_ctx"],
        bos_token_id=50256,
        eos_token_id=50256,
        pad_token_id=50256,
        decoder_start_token_id=50257,
        tie_word_embeddings=True,
    )


def load_transformers_whisper(checkpoint: Path) -> Any:
    """The `hearth models convert` checkpoint as a float32 `WhisperForConditionalGeneration`."""
    import torch
    from transformers import WhisperForConditionalGeneration

    saved = torch.load(str(checkpoint), map_location="cpu", weights_only=True)
    model = WhisperForConditionalGeneration(whisper_config(saved["dims"]))
    state = {
        name: tensor.float()
        for name, tensor in rename_state_dict(saved["model_state_dict"]).items()
    }
    missing, unexpected = model.load_state_dict(state, strict=False)
    # proj_out.weight is tied to the token embedding, so it is the only key not in the file.
    if unexpected or set(missing) - {"proj_out.weight"}:
        raise UnknownWeight(f"weights left over {unexpected}, missing {missing}")
    model.tie_weights()
    return model.eval()
