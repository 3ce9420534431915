"""Export the rebuilt openai-whisper model to ONNX, and quantize it to int8 for onnxruntime.

This is the convert → compress → deploy step of the edge pipeline applied to our own model. The
graphs are shaped for a command assistant rather than for long-form transcription:

encoder.onnx
    in:  mel [1, n_mels, frames] float32; `frames` may be shorter than Whisper's 3000 (30 s):
         a 5-8 s window transcribes a command several times faster.
    out: cross_k_0 … cross_k_{L-1}, cross_v_0 … cross_v_{L-1}, each [1, n_head, frames/2,
         head_dim] float32 — the decoder's cross-attention keys (pre-scaled) and values per
         layer, computed once per utterance instead of once per token, already in the layout
         attention reads.
decoder.onnx
    in:  tokens [1, n] int64; self_k_0 … self_k_{L-1}, self_v_0 … self_v_{L-1}, each
         [1, n_head, past, head_dim] float32 (past = 0 on the first call); the encoder's outputs.
    out: logits [1, 1, n_vocab] float32 for the last of the n tokens only; new_self_k_i,
         new_self_v_i [1, n_head, past + n, head_dim], fed back as self_k_i, self_v_i.

One tensor per layer, not a stacked [n_layer, ...] one, because onnxruntime copies every slice
of a stacked input on every step (~1 ms per token for the encoder's keys and values alone).

Greedy decoding feeds the prompt up to <|startoftranscript|> (whose logits give the no-speech
probability), then the rest of the prompt, then one token at a time with the returned caches.
The token embedding and the output projection are one shared [n_state, n_vocab] matrix.
torch, whisper and onnx are imported inside the functions that need them.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from models.catalog import (
    WHISPER_TINY_EN_ONNX_FP32,
    WHISPER_TINY_EN_ONNX_INT8,
    WHISPER_TINY_EN_OPENAI,
)
from models.convert import CHECKPOINT_NAME, require
from models.quantization import DECODER_NAME, DEFAULT, ENCODER_NAME, quantize_int8
from models.store import ModelStore

# Bumped whenever the graphs' inputs or outputs change, so that `hearth models convert --onnx` /
# `quantize` rebuild an older install instead of leaving one the engine cannot drive.
# 2: per-layer caches in heads layout, last-position logits, one shared embedding matrix.
EXPORT_FORMAT = 2
OPSET = 17
_EXAMPLE_FRAMES = 1000

StepCallback = Callable[[str], None]


def _modules(model: Any) -> tuple[Any, Any]:
    """Build the two export wrappers around a loaded `whisper.model.Whisper`.

    Head counts and sizes are Python ints and the attention scale a constant, so the graphs
    carry no Shape → Gather → Pow chains; keys and values are kept in the heads layout
    [1, n_head, positions, head_dim] (keys already scaled), so a decoder step transposes only
    its own new token, never the cache or the encoder's keys. Every op of a decoder step costs
    a few microseconds whatever its size, and a command takes about a dozen steps.
    """
    import torch
    from torch import nn

    n_head = model.dims.n_text_head
    n_layer = model.dims.n_text_layer
    head = model.dims.n_text_state // n_head
    scale = head**-0.25  # Whisper scales both q and k by head_dim ** -0.25

    def heads(x: Any) -> Any:
        """[1, n, n_state] -> [1, n_head, n, head_dim]."""
        return x.view(1, -1, n_head, head).transpose(1, 2)

    def attend(q: Any, k: Any, v: Any, mask: Any | None) -> Any:
        """Softmax attention of heads-layout q (unscaled) over scaled k and v -> [1, n, n_state]."""
        weights = (q * scale) @ k.transpose(-1, -2)
        if mask is not None:
            weights = weights + mask
        out = torch.softmax(weights, dim=-1) @ v
        return out.transpose(1, 2).reshape(1, -1, n_head * head)

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = model.encoder
            self.blocks = model.decoder.blocks

        def forward(self, mel: Any) -> tuple[Any, ...]:
            enc = self.encoder
            x = torch.nn.functional.gelu(enc.conv1(mel))
            x = torch.nn.functional.gelu(enc.conv2(x)).permute(0, 2, 1)
            x = x + enc.positional_embedding[: x.shape[1]]
            for block in enc.blocks:
                h = block.attn_ln(x)
                k = heads(block.attn.key(h)) * scale
                x = x + block.attn.out(
                    attend(heads(block.attn.query(h)), k, heads(block.attn.value(h)), None)
                )
                x = x + block.mlp(block.mlp_ln(x))
            x = enc.ln_post(x)
            keys = [heads(b.cross_attn.key(x)) * scale for b in self.blocks]
            values = [heads(b.cross_attn.value(x)) for b in self.blocks]
            return (*keys, *values)

    class Decoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.decoder = model.decoder
            # Whisper ties the token embedding to the output projection. Holding the one matrix
            # once, as [n_state, n_vocab], keeps it one initializer in the graph: `x @ W.T`
            # would be constant-folded into a second, transposed 80 MB copy.
            self.projection = nn.Parameter(
                model.decoder.token_embedding.weight.detach().T.contiguous(), requires_grad=False
            )

        def forward(self, tokens: Any, *layers: Any) -> tuple[Any, ...]:
            """``layers``: self_k_*, self_v_*, cross_k_*, cross_v_*, one tensor per layer each."""
            dec = self.decoder
            self_k, self_v, cross_k, cross_v = (
                layers[i * n_layer : (i + 1) * n_layer] for i in range(4)
            )
            past = self_k[0].shape[2]
            n = tokens.shape[1]
            embedded = torch.index_select(self.projection, 1, tokens[0]).T.unsqueeze(0)
            x = embedded + dec.positional_embedding[past : past + n]
            key_pos = torch.arange(past + n).unsqueeze(0)
            query_pos = torch.arange(n).unsqueeze(1) + past
            mask = torch.where(key_pos > query_pos, float("-inf"), 0.0).to(x.dtype)
            new_k, new_v = [], []
            for i, block in enumerate(dec.blocks):
                h = block.attn_ln(x)
                k = torch.cat([self_k[i], heads(block.attn.key(h)) * scale], dim=2)
                v = torch.cat([self_v[i], heads(block.attn.value(h))], dim=2)
                new_k.append(k)
                new_v.append(v)
                x = x + block.attn.out(attend(heads(block.attn.query(h)), k, v, mask))
                h = block.cross_attn_ln(x)
                q = heads(block.cross_attn.query(h))
                x = x + block.cross_attn.out(attend(q, cross_k[i], cross_v[i], None))
                x = x + block.mlp(block.mlp_ln(x))
            # Only the last position's next-token scores are ever read: projecting every prompt
            # position onto 51,864 tokens was most of the prompt pass (~100 ms for 120 tokens).
            logits = dec.ln(x[:, -1:]) @ self.projection
            return (logits, *new_k, *new_v)

    return Encoder().eval(), Decoder().eval()


def export_onnx(checkpoint: Path, output_dir: Path) -> None:
    """Write encoder.onnx and decoder.onnx (float32) for a whisper checkpoint."""
    import torch
    import whisper

    model = whisper.load_model(str(checkpoint), device="cpu").float().eval()
    encoder, decoder = _modules(model)
    dims = model.dims
    mel = torch.zeros(1, dims.n_mels, _EXAMPLE_FRAMES)
    # The TorchScript exporter is used on purpose: it needs no onnxscript and traces the
    # data-dependent slices of the positional embeddings into dynamic ops. Its deprecation
    # notice is not something a user running `hearth models convert` can act on.
    layers = range(dims.n_text_layer)
    cross = [f"cross_{kv}_{i}" for kv in "kv" for i in layers]
    cache = [f"self_{kv}_{i}" for kv in "kv" for i in layers]
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        encoded = encoder(mel)
        torch.onnx.export(
            encoder,
            (mel,),
            str(output_dir / ENCODER_NAME),
            input_names=["mel"],
            output_names=cross,
            dynamic_axes={"mel": {2: "frames"}, **{name: {2: "ctx"} for name in cross}},
            opset_version=OPSET,
            dynamo=False,
        )
        head = dims.n_text_state // dims.n_text_head
        empty = torch.zeros(1, dims.n_text_head, 0, head)
        tokens = torch.tensor([[50257, 50362]], dtype=torch.int64)
        torch.onnx.export(
            decoder,
            (tokens, *[empty] * len(cache), *encoded),
            str(output_dir / DECODER_NAME),
            input_names=["tokens", *cache, *cross],
            output_names=["logits", *(f"new_{name}" for name in cache)],
            dynamic_axes={
                "tokens": {1: "n"},
                **{name: {2: "past"} for name in cache},
                **{name: {2: "ctx"} for name in cross},
                **{f"new_{name}": {2: "total"} for name in cache},
            },
            opset_version=OPSET,
            dynamo=False,
        )


def _build(
    store: ModelStore,
    model_id: str,
    action: Callable[[Path], None],
    detail: str,
) -> Path:
    build = store.new_build_dir(model_id)
    try:
        action(build)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return store.install_built(model_id, build, detail=detail)


def _is_current(store: ModelStore, model_id: str, detail: str) -> bool:
    return store.is_installed(model_id) and store.build_detail(model_id) == detail


def export_whisper_onnx(
    store: ModelStore, *, force: bool = False, step: StepCallback | None = None
) -> Path:
    """Build `whisper-tiny.en-onnx-fp32` from the converted openai-whisper checkpoint."""
    report = step or (lambda _message: None)
    detail = f"exported from {WHISPER_TINY_EN_OPENAI} (export format {EXPORT_FORMAT})"
    if _is_current(store, WHISPER_TINY_EN_ONNX_FP32, detail) and not force:
        report(f"{WHISPER_TINY_EN_ONNX_FP32} is already installed")
        return store.path(WHISPER_TINY_EN_ONNX_FP32)
    if store.is_installed(WHISPER_TINY_EN_ONNX_FP32) and not force:
        report(f"{WHISPER_TINY_EN_ONNX_FP32} was built by an older Hearth; rebuilding it")
    require("torch", "whisper", "onnx")
    checkpoint = store.file(WHISPER_TINY_EN_OPENAI, CHECKPOINT_NAME)
    report(f"[1/2] exporting encoder and decoder of {checkpoint} to ONNX (opset {OPSET})")
    path = _build(
        store, WHISPER_TINY_EN_ONNX_FP32, lambda out: export_onnx(checkpoint, out), detail
    )
    report("[2/2] hashed and moved into the cache")
    return path


def quantize_whisper_onnx(
    store: ModelStore, *, force: bool = False, step: StepCallback | None = None
) -> Path:
    """Build `whisper-tiny.en-onnx-int8` from the float32 ONNX export."""
    report = step or (lambda _message: None)
    # What makes a build current: the source's format and the recipe's name (not its wording).
    detail = (
        f"quantized from {WHISPER_TINY_EN_ONNX_FP32} "
        f"(export format {EXPORT_FORMAT}; int8 recipe {DEFAULT.name})"
    )
    if _is_current(store, WHISPER_TINY_EN_ONNX_INT8, detail) and not force:
        report(f"{WHISPER_TINY_EN_ONNX_INT8} is already installed")
        return store.path(WHISPER_TINY_EN_ONNX_INT8)
    if store.is_installed(WHISPER_TINY_EN_ONNX_INT8) and not force:
        report(f"{WHISPER_TINY_EN_ONNX_INT8} was built by an older Hearth; rebuilding it")
    require("onnx", "onnxruntime")
    source = store.path(WHISPER_TINY_EN_ONNX_FP32)
    report(f"[1/2] quantizing {source} to int8 ({DEFAULT.description})")
    path = _build(store, WHISPER_TINY_EN_ONNX_INT8, lambda out: quantize_int8(source, out), detail)
    report("[2/2] hashed and moved into the cache")
    return path
