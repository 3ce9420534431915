"""int8 recipes for the Whisper ONNX export, the one `hearth models quantize` uses and the ones
it was chosen over, so that the choice can be re-measured (`python -m bench.compression
--int8-variants`) rather than taken on trust.

All are onnxruntime *dynamic* quantization: weights are stored in 8 bits, activations are
quantized on the fly per call, and onnxruntime fuses each quantized MatMul into an integer kernel
(DynamicQuantizeMatMul / MatMulIntegerToFloat; `integer_kernels` shows it).

Measured by `python -m bench.compression --int8-variants` on the synthesized command set (164
utterances; AMD EPYC, AVX2 without VNNI, 2 cores shared with other jobs, one thread; every
configuration in its own process, taking turns clip by clip). float32: 151.1 MB, p50 183 ms,
WER 10.3% clean / 30.7% at 10 dB SNR.

===================  ======  =======  =========  =========
recipe               MB      p50 ms   WER clean  WER 10 dB
===================  ======  =======  =========  =========
per-channel-7bit     42.3    118      8.5%       28.6%      ← `hearth models quantize`
shared-projection    42.1    117      9.8%       29.1%
per-tensor           41.9    118      11.8%      30.9%
per-channel-8bit     42.1    122      10.8%      31.9%
uint8-weights        41.9    133      9.3%       31.2%
float-embedding      101.8   145      8.0%       28.6%
encoder-only         126.5   165      9.8%       27.4%
decoder-only         67.0    138      9.3%       26.9%
===================  ======  =======  =========  =========

What the rows say. onnxruntime's default per-tensor scales cost 1.5 points of clean WER, and
the loss is in the decoder (an int8 encoder alone costs nothing, per-tensor or not). One scale per
output channel alone does not fix it (per-channel-8bit); with 7-bit weights (reduce_range) it
does: on CPUs without VNNI the u8 x s8 kernel (vpmaddubsw) adds pairs of products in 16 bits,
which saturates with full-range weights. The tied token embedding / output projection matters
too: onnxruntime quantizes the table of a Gather as an activation, with one scale for all
51,864 tokens; keeping it in float32 gives the best clean WER but costs 60 MB and 25% of the
speed (the projection is read once per token). One scale per token, in one int8 copy read by
both the lookup and the projection (`_embed_from_quantized_projection`), keeps almost all of
that accuracy at the size and speed of the others. Unsigned weights use u8 x u8 kernels, which
cannot saturate but are ~10% slower. Also measured and not kept: int8 convolutions
(ConvInteger, slower than the float Conv of the front end), static QDQ quantization calibrated
on synthesized commands (not fused by the CPU provider: ~25x slower per decoder step, and
worse WER), static QOperator (122 MB: the shared embedding stays float), onnxruntime's
quantization pre-processing (no change in speed; its symbolic shape inference fails here).
WER differences under a point are a handful of words in ~400: noise, not a ranking.

onnxruntime is imported inside the functions that use it.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

ENCODER_NAME = "encoder.onnx"
DECODER_NAME = "decoder.onnx"
# The decoder's tied token embedding / output projection initializer (see models.export).
PROJECTION = "projection"


@dataclass(frozen=True)
class Int8Recipe:
    """One way to quantize the two graphs; a graph not in ``graphs`` is copied in float32."""

    name: str
    description: str
    per_channel: bool = True
    reduce_range: bool = True
    unsigned_weights: bool = False
    # The tied token embedding / output projection: "shared" (onnxruntime's own result: one
    # 8-bit copy with a single scale, read by the Gather and the MatMul), "per-token" (one 8-bit
    # copy with a scale per vocabulary entry, used by both) or "float" (left in float32).
    projection: str = "shared"
    graphs: tuple[str, ...] = (ENCODER_NAME, DECODER_NAME)


DEFAULT = Int8Recipe(
    "per-channel-7bit",
    "dynamic int8, per-channel 7-bit weights (reduce_range), the tied embedding / output "
    "projection stored once with one scale per token",
    projection="per-token",
)
RECIPES: dict[str, Int8Recipe] = {
    recipe.name: recipe
    for recipe in (
        DEFAULT,
        Int8Recipe(
            "shared-projection",
            "per-channel 7-bit weights, the tied projection as onnxruntime leaves it "
            "(one 8-bit copy with one scale)",
        ),
        Int8Recipe(
            "per-tensor",
            "onnxruntime's defaults: one scale per weight matrix",
            per_channel=False,
            reduce_range=False,
        ),
        Int8Recipe("per-channel-8bit", "per-channel weights, full 8-bit range", reduce_range=False),
        Int8Recipe(
            "uint8-weights",
            "per-tensor unsigned weights (u8 x u8 kernels, which cannot saturate)",
            per_channel=False,
            reduce_range=False,
            unsigned_weights=True,
        ),
        Int8Recipe(
            "float-embedding",
            "per-channel 7-bit, the tied embedding / output projection kept in float32",
            projection="float",
        ),
        Int8Recipe(
            "encoder-only",
            "per-channel 7-bit encoder, float32 decoder",
            graphs=(ENCODER_NAME,),
        ),
        Int8Recipe(
            "decoder-only",
            "float32 encoder, decoder as the default recipe",
            projection="per-token",
            graphs=(DECODER_NAME,),
        ),
    )
}


def quantize_int8(source_dir: Path, output_dir: Path, recipe: Int8Recipe = DEFAULT) -> None:
    """Write both graphs of ``source_dir`` to ``output_dir``, quantized by ``recipe``."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    hint = _WithoutPreprocessHint()
    logging.getLogger().addFilter(hint)
    try:
        for name in (ENCODER_NAME, DECODER_NAME):
            if name not in recipe.graphs:
                shutil.copyfile(source_dir / name, output_dir / name)
                continue
            graph = onnx.load(str(source_dir / name), load_external_data=False).graph
            users = {node.op_type: node.name for node in graph.node if PROJECTION in node.input}
            excluded = {"shared": [], "float": list(users.values()), "per-token": []}
            if recipe.projection == "per-token":
                excluded["per-token"] = [users["Gather"]] if "Gather" in users else []
            quantize_dynamic(
                source_dir / name,
                output_dir / name,
                weight_type=QuantType.QUInt8 if recipe.unsigned_weights else QuantType.QInt8,
                op_types_to_quantize=["MatMul", "Gather"],
                per_channel=recipe.per_channel,
                reduce_range=recipe.reduce_range,
                nodes_to_exclude=excluded[recipe.projection],
            )
            if recipe.projection == "per-token" and "Gather" in users:
                _embed_from_quantized_projection(output_dir / name)
    finally:
        logging.getLogger().removeFilter(hint)


def _embed_from_quantized_projection(path: Path) -> None:
    """Let the embedding lookup read the MatMul's per-token int8 projection, then drop the
    float32 copy that only the lookup still used.

    onnxruntime quantizes a Gather's table as an activation (one scale), so with the Gather
    left out of quantization its MatMul gets an int8 copy with one symmetric scale per column
    (per token) and the float table stays for the Gather. Here the Gather reads the int8 copy
    and multiplies the looked-up columns by their own scales: one 8-bit matrix for both uses.
    """
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(path))
    graph = model.graph
    tables = {init.name: init for init in graph.initializer}
    quantized, scale = f"{PROJECTION}_quantized", f"{PROJECTION}_scale"
    zero_point = tables.get(f"{PROJECTION}_zero_point")
    if quantized not in tables or scale not in tables or zero_point is None:
        raise ValueError(f"{path.name}: the output projection was not quantized per channel")
    if np.any(numpy_helper.to_array(zero_point)):
        raise ValueError(f"{path.name}: expected symmetric int8 weights (zero points of 0)")
    (lookup,) = [
        node for node in graph.node if node.op_type == "Gather" and PROJECTION in node.input
    ]
    tokens, looked_up = lookup.input[1], lookup.output[0]
    lookup.input[0] = quantized
    lookup.output[0] = f"{looked_up}_int8"
    at = list(graph.node).index(lookup) + 1
    added = [
        helper.make_node(
            "Cast", [f"{looked_up}_int8"], [f"{looked_up}_float"], to=onnx.TensorProto.FLOAT
        ),
        helper.make_node("Gather", [scale, tokens], [f"{looked_up}_scale"], axis=0),
        helper.make_node("Mul", [f"{looked_up}_float", f"{looked_up}_scale"], [looked_up]),
    ]
    for offset, node in enumerate(added):
        graph.node.insert(at + offset, node)
    graph.initializer.remove(tables[PROJECTION])
    onnx.save(model, str(path))


class _WithoutPreprocessHint(logging.Filter):
    """Drops onnxruntime's advice to run its quantization pre-processing first.

    Measured: its pre-processing (shape inference, basic optimizations) changes neither the
    speed nor the accuracy of these graphs, and its symbolic shape inference fails on them, so
    the advice would only leave a user of `hearth models quantize` wondering what to do.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in record.getMessage()


def integer_kernels(graph: Path) -> dict[str, int]:
    """How many nodes of each matrix-product kind onnxruntime runs for ``graph`` after its graph
    optimizations: proof that an int8 export really runs integer kernels rather than turning
    its weights back into float on every call."""
    import onnx
    import onnxruntime as ort

    with tempfile.TemporaryDirectory() as folder:
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.optimized_model_filepath = str(Path(folder) / "optimized.onnx")
        options.log_severity_level = 3  # the "hardware-specific model" notice is expected here
        ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        nodes = onnx.load(options.optimized_model_filepath).graph.node
    counts: dict[str, int] = {}
    for node in nodes:
        if "MatMul" in node.op_type or node.op_type in ("Gemm", "Conv", "ConvInteger"):
            counts[node.op_type] = counts.get(node.op_type, 0) + 1
    return counts
