"""Export the rebuilt openai-whisper model to ONNX, and quantize it to int8 for onnxruntime.

This is the convert → compress → deploy step of the edge pipeline applied to our own model. The
graphs are shaped for a command assistant rather than for long-form transcription:

encoder.onnx
    in:  mel [1, n_mels, frames] float32; `frames` may be shorter than Whisper's 3000 (30 s):
         a 5-8 s window transcribes a command several times faster.
    out: cross_k, cross_v [n_layer, 1, frames/2, n_state] float32 — the decoder's cross-attention
         keys and values, computed once per utterance instead of once per token.
decoder.onnx
    in:  tokens [1, n] int64, self_k, self_v [n_layer, 1, past, n_state] float32 (past = 0 on the
         first call), cross_k, cross_v from the encoder.
    out: logits [1, n, n_vocab] float32, new_self_k, new_self_v [n_layer, 1, past + n, n_state].

Greedy decoding feeds the start-of-transcript prompt once, then one token at a time with the
returned caches. torch, whisper and onnx are imported inside the functions that need them.
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
from models.store import ModelStore

ENCODER_NAME = "encoder.onnx"
DECODER_NAME = "decoder.onnx"
OPSET = 17
_EXAMPLE_FRAMES = 1000

StepCallback = Callable[[str], None]


def _modules(model: Any) -> tuple[Any, Any]:
    """Build the two export wrappers around a loaded `whisper.model.Whisper`."""
    import torch
    from torch import nn

    def attend(q: Any, k: Any, v: Any, n_head: int, mask: Any | None) -> Any:
        batch, n_q, state = q.shape
        scale = (state // n_head) ** -0.25
        q = q.view(batch, n_q, n_head, -1).permute(0, 2, 1, 3) * scale
        k = k.view(batch, k.shape[1], n_head, -1).permute(0, 2, 3, 1) * scale
        v = v.view(batch, v.shape[1], n_head, -1).permute(0, 2, 1, 3)
        weights = q @ k
        if mask is not None:
            weights = weights + mask
        out = torch.softmax(weights, dim=-1) @ v
        return out.permute(0, 2, 1, 3).flatten(start_dim=2)

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = model.encoder
            self.blocks = model.decoder.blocks

        def forward(self, mel: Any) -> tuple[Any, Any]:
            enc = self.encoder
            x = torch.nn.functional.gelu(enc.conv1(mel))
            x = torch.nn.functional.gelu(enc.conv2(x)).permute(0, 2, 1)
            x = x + enc.positional_embedding[: x.shape[1]]
            for block in enc.blocks:
                x = block(x)
            x = enc.ln_post(x)
            keys = [b.cross_attn.key(x) for b in self.blocks]
            values = [b.cross_attn.value(x) for b in self.blocks]
            return torch.stack(keys), torch.stack(values)

    class Decoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.decoder = model.decoder
            self.n_head = model.dims.n_text_head

        def forward(
            self, tokens: Any, self_k: Any, self_v: Any, cross_k: Any, cross_v: Any
        ) -> tuple[Any, Any, Any]:
            dec = self.decoder
            past = self_k.shape[2]
            n = tokens.shape[1]
            x = dec.token_embedding(tokens) + dec.positional_embedding[past : past + n]
            key_pos = torch.arange(past + n).unsqueeze(0)
            query_pos = torch.arange(n).unsqueeze(1) + past
            mask = torch.where(key_pos > query_pos, float("-inf"), 0.0).to(x.dtype)
            new_k, new_v = [], []
            for i, block in enumerate(dec.blocks):
                h = block.attn_ln(x)
                k = torch.cat([self_k[i], block.attn.key(h)], dim=1)
                v = torch.cat([self_v[i], block.attn.value(h)], dim=1)
                new_k.append(k)
                new_v.append(v)
                x = x + block.attn.out(attend(block.attn.query(h), k, v, self.n_head, mask))
                h = block.cross_attn_ln(x)
                q = block.cross_attn.query(h)
                x = x + block.cross_attn.out(attend(q, cross_k[i], cross_v[i], self.n_head, None))
                x = x + block.mlp(block.mlp_ln(x))
            x = dec.ln(x)
            logits = x @ dec.token_embedding.weight.T
            return logits, torch.stack(new_k), torch.stack(new_v)

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
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        cross_k, cross_v = encoder(mel)
        torch.onnx.export(
            encoder,
            (mel,),
            str(output_dir / ENCODER_NAME),
            input_names=["mel"],
            output_names=["cross_k", "cross_v"],
            dynamic_axes={"mel": {2: "frames"}, "cross_k": {2: "ctx"}, "cross_v": {2: "ctx"}},
            opset_version=OPSET,
            dynamo=False,
        )
        empty = torch.zeros(dims.n_text_layer, 1, 0, dims.n_text_state)
        tokens = torch.tensor([[50257, 50362]], dtype=torch.int64)
        torch.onnx.export(
            decoder,
            (tokens, empty, empty, cross_k, cross_v),
            str(output_dir / DECODER_NAME),
            input_names=["tokens", "self_k", "self_v", "cross_k", "cross_v"],
            output_names=["logits", "new_self_k", "new_self_v"],
            dynamic_axes={
                "tokens": {1: "n"},
                "self_k": {2: "past"},
                "self_v": {2: "past"},
                "cross_k": {2: "ctx"},
                "cross_v": {2: "ctx"},
                "logits": {1: "n"},
                "new_self_k": {2: "total"},
                "new_self_v": {2: "total"},
            },
            opset_version=OPSET,
            dynamo=False,
        )


def quantize_int8(source_dir: Path, output_dir: Path) -> None:
    """Dynamic int8 quantization of the weights of both graphs (activations stay float)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    for name in (ENCODER_NAME, DECODER_NAME):
        quantize_dynamic(
            source_dir / name,
            output_dir / name,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Gemm", "Gather"],
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


def export_whisper_onnx(
    store: ModelStore, *, force: bool = False, step: StepCallback | None = None
) -> Path:
    """Build `whisper-tiny.en-onnx-fp32` from the converted openai-whisper checkpoint."""
    report = step or (lambda _message: None)
    if store.is_installed(WHISPER_TINY_EN_ONNX_FP32) and not force:
        report(f"{WHISPER_TINY_EN_ONNX_FP32} is already installed")
        return store.path(WHISPER_TINY_EN_ONNX_FP32)
    require("torch", "whisper", "onnx")
    checkpoint = store.file(WHISPER_TINY_EN_OPENAI, CHECKPOINT_NAME)
    report(f"[1/2] exporting encoder and decoder of {checkpoint} to ONNX (opset {OPSET})")
    path = _build(
        store,
        WHISPER_TINY_EN_ONNX_FP32,
        lambda out: export_onnx(checkpoint, out),
        f"exported from {WHISPER_TINY_EN_OPENAI}",
    )
    report("[2/2] hashed and moved into the cache")
    return path


def quantize_whisper_onnx(
    store: ModelStore, *, force: bool = False, step: StepCallback | None = None
) -> Path:
    """Build `whisper-tiny.en-onnx-int8` from the float32 ONNX export."""
    report = step or (lambda _message: None)
    if store.is_installed(WHISPER_TINY_EN_ONNX_INT8) and not force:
        report(f"{WHISPER_TINY_EN_ONNX_INT8} is already installed")
        return store.path(WHISPER_TINY_EN_ONNX_INT8)
    require("onnx", "onnxruntime")
    source = store.path(WHISPER_TINY_EN_ONNX_FP32)
    report(f"[1/2] quantizing {source} to int8 (dynamic, weights only)")
    path = _build(
        store,
        WHISPER_TINY_EN_ONNX_INT8,
        lambda out: quantize_int8(source, out),
        f"quantized from {WHISPER_TINY_EN_ONNX_FP32}",
    )
    report("[2/2] hashed and moved into the cache")
    return path
