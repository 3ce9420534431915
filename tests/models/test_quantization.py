"""The int8 recipes on a tiny decoder-shaped graph: what is quantized, and stored how often."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.quantization import (
    DECODER_NAME,
    DEFAULT,
    ENCODER_NAME,
    PROJECTION,
    RECIPES,
    integer_kernels,
    quantize_int8,
)

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")


def tiny_graphs(folder: Path) -> None:
    """encoder: mel @ W; decoder: the tied embedding looked up (Gather, axis 1) and used as the
    output projection (MatMul), like models.export's decoder."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    weight = numpy_helper.from_array(rng.standard_normal((8, 16)).astype(np.float32), "weight")
    encoder = helper.make_graph(
        [helper.make_node("MatMul", ["mel", "weight"], ["out"], name="matmul")],
        "encoder",
        [helper.make_tensor_value_info("mel", TensorProto.FLOAT, [1, 4, 8])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 4, 16])],
        [weight],
    )
    projection = numpy_helper.from_array(
        rng.standard_normal((16, 300)).astype(np.float32), PROJECTION
    )
    decoder = helper.make_graph(
        [
            helper.make_node("Gather", [PROJECTION, "tokens"], ["embedded"], name="lookup", axis=1),
            helper.make_node("Transpose", ["embedded"], ["x"], name="transpose", perm=[1, 0]),
            helper.make_node("MatMul", ["x", PROJECTION], ["logits"], name="projection_matmul"),
        ],
        "decoder",
        [helper.make_tensor_value_info("tokens", TensorProto.INT64, [3])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [3, 300])],
        [projection],
    )
    for graph, name in ((encoder, ENCODER_NAME), (decoder, DECODER_NAME)):
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        onnx.save(model, folder / name)


def initializers(path: Path) -> dict[str, int]:
    """Initializer name -> ONNX element type (1 float, 2 uint8, 3 int8)."""
    import onnx

    return {init.name: init.data_type for init in onnx.load(str(path)).graph.initializer}


@pytest.fixture
def source(tmp_path: Path) -> Path:
    folder = tmp_path / "fp32"
    folder.mkdir()
    tiny_graphs(folder)
    return folder


def test_the_default_stores_the_tied_projection_once_in_8_bits_with_a_scale_per_token(
    source: Path, tmp_path: Path
) -> None:
    import onnxruntime as ort

    out = tmp_path / "int8"
    out.mkdir()

    quantize_int8(source, out, DEFAULT)

    decoder = initializers(out / DECODER_NAME)
    assert PROJECTION not in decoder  # no float copy left
    assert decoder[f"{PROJECTION}_quantized"] == 3  # int8
    assert sorted(name for name in decoder if name.startswith(PROJECTION)) == [
        f"{PROJECTION}_quantized",
        f"{PROJECTION}_scale",
        f"{PROJECTION}_zero_point",
    ]
    assert integer_kernels(out / ENCODER_NAME).get("MatMul", 0) == 0
    tokens = np.array([0, 7, 299], np.int64)
    float_logits = ort.InferenceSession(str(source / DECODER_NAME)).run(None, {"tokens": tokens})
    int8_logits = ort.InferenceSession(str(out / DECODER_NAME)).run(None, {"tokens": tokens})
    # Embedding and projection both come from the 7-bit copy: close to float, not equal.
    np.testing.assert_allclose(int8_logits[0], float_logits[0], rtol=0.1, atol=0.5)
    assert not np.array_equal(int8_logits[0], float_logits[0])


def test_shared_projection_is_what_onnxruntime_makes_of_a_tied_matrix(
    source: Path, tmp_path: Path
) -> None:
    out = tmp_path / "shared"
    out.mkdir()

    quantize_int8(source, out, RECIPES["shared-projection"])

    decoder = initializers(out / DECODER_NAME)
    assert PROJECTION not in decoder
    assert [
        decoder[n] for n in decoder if n.startswith(PROJECTION) and n.endswith("_quantized")
    ] == [2]


def test_float_embedding_keeps_the_projection_float(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "variant"
    out.mkdir()

    quantize_int8(source, out, RECIPES["float-embedding"])

    decoder = initializers(out / DECODER_NAME)
    assert decoder[PROJECTION] == 1
    assert not any(name.endswith("_quantized") for name in decoder)


@pytest.mark.parametrize(
    ("recipe", "float_graph"), [("encoder-only", DECODER_NAME), ("decoder-only", ENCODER_NAME)]
)
def test_a_graph_left_out_is_copied_in_float(
    source: Path, tmp_path: Path, recipe: str, float_graph: str
) -> None:
    out = tmp_path / recipe
    out.mkdir()

    quantize_int8(source, out, RECIPES[recipe])

    assert (out / float_graph).read_bytes() == (source / float_graph).read_bytes()
    other = ({ENCODER_NAME, DECODER_NAME} - {float_graph}).pop()
    assert (out / other).read_bytes() != (source / other).read_bytes()


def test_every_recipe_is_named_once_and_the_default_is_one_of_them() -> None:
    assert RECIPES[DEFAULT.name] is DEFAULT
    assert DEFAULT.per_channel and DEFAULT.reduce_range and DEFAULT.projection == "per-token"
    assert len({recipe.description for recipe in RECIPES.values()}) == len(RECIPES)
