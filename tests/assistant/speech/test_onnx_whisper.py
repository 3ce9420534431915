"""onnx-whisper: our own ONNX export of tiny.en on onnxruntime, int8 by default."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.config import SpeechConfig
from assistant.speech import SpeechError, SpeechErrorCode, get_engine
from assistant.speech.base import StreamingSpeechEngine, TranscriptResult, VocabularyHint
from assistant.speech.faster_whisper import FasterWhisperEngine, WhisperOptions
from assistant.speech.onnx_whisper import OnnxWhisperEngine, OnnxWhisperOptions, PositionLogits
from models.catalog import WHISPER_TINY_EN_ONNX_FP32, WHISPER_TINY_EN_ONNX_INT8
from models.store import ModelStore
from tests.assistant.speech.synth import Command, has_keywords

Clip = tuple[Command, str, np.ndarray]


@pytest.fixture(scope="module")
def int8(whisper_builds: ModelStore) -> Iterator[OnnxWhisperEngine]:
    engine = get_engine("onnx-whisper", cache_dir=str(whisper_builds.cache_dir))
    assert isinstance(engine, OnnxWhisperEngine)
    engine.load()
    yield engine


@pytest.fixture(scope="module")
def clips(spoken: list[Clip]) -> list[Clip]:
    """Eight commands across both voices: lights, a lock, blinds, a number, a question."""
    return spoken[::10][:8]


def test_int8_is_the_default_and_loads_the_quantized_build(
    int8: OnnxWhisperEngine, whisper_builds: ModelStore
) -> None:
    assert int8.options.precision == "int8"
    assert int8.model_dir == whisper_builds.path(WHISPER_TINY_EN_ONNX_INT8)
    assert isinstance(int8, StreamingSpeechEngine)


def test_int8_transcribes_spoken_commands(
    int8: OnnxWhisperEngine, clips: list[Clip], home_hint: VocabularyHint
) -> None:
    misses = []
    for command, voice, audio in clips:
        result = int8.transcribe(audio, home_hint)
        if not has_keywords(result.text, command):
            misses.append(f"{command.text} [{voice}] -> {result.text!r}")
    assert len(misses) <= 1, misses


def test_result_fields(
    int8: OnnxWhisperEngine, clips: list[Clip], home_hint: VocabularyHint
) -> None:
    _command, _voice, audio = clips[0]
    result = int8.transcribe(audio, home_hint)
    assert isinstance(result, TranscriptResult)
    assert result.engine == "onnx-whisper"
    assert 0.3 < result.confidence <= 1.0
    assert result.duration_ms == pytest.approx(1000 * len(audio) / 16000)
    assert result.decode_ms > 0
    assert result.words == tuple(result.text.split())


def test_fp32_is_chosen_by_config_model_or_option(
    whisper_builds: ModelStore, clips: list[Clip], home_hint: VocabularyHint
) -> None:
    by_id = get_engine(
        "onnx-whisper",
        SpeechConfig(engine="onnx-whisper", model=WHISPER_TINY_EN_ONNX_FP32),
        cache_dir=str(whisper_builds.cache_dir),
    )
    by_option = get_engine(
        "onnx-whisper", precision="fp32", cache_dir=str(whisper_builds.cache_dir)
    )
    by_folder = get_engine(
        "onnx-whisper",
        SpeechConfig(model=str(whisper_builds.path(WHISPER_TINY_EN_ONNX_FP32))),
    )
    by_option.load()
    assert isinstance(by_option, OnnxWhisperEngine)
    assert by_option.model_dir == whisper_builds.path(WHISPER_TINY_EN_ONNX_FP32)
    for engine in (by_id, by_folder):
        assert isinstance(engine, OnnxWhisperEngine)
        assert engine.model_folder() == by_option.model_dir
    command, _voice, audio = clips[1]
    assert has_keywords(by_option.transcribe(audio, home_hint).text, command)


def test_same_decoding_policy_as_faster_whisper(
    int8: OnnxWhisperEngine, home_hint: VocabularyHint
) -> None:
    reference = FasterWhisperEngine()
    assert int8.prompt_text(home_hint) == reference.prompt_text(home_hint)
    for seconds in (1.0, 6.5, 40.0):
        assert int8.window_s(seconds) == reference.window_s(seconds)
    stock = OnnxWhisperEngine(OnnxWhisperOptions(decoding=WhisperOptions(full_window=True)))
    assert stock.window_s(1.0) == 30.0


def test_silence_noise_and_tiny_clips_give_empty_text(
    int8: OnnxWhisperEngine, home_hint: VocabularyHint
) -> None:
    rng = np.random.default_rng(0)
    noise = (rng.standard_normal(16000 * 2) * 300).astype(np.int16)
    assert int8.transcribe(np.zeros(0, np.int16)).text == ""
    assert int8.transcribe(np.zeros(800, np.int16)).text == ""
    assert int8.transcribe(np.zeros(16000 * 2, np.int16), home_hint).text == ""
    assert int8.transcribe(noise, home_hint).text == ""


def test_streaming_partials_end_in_the_final_transcript(
    int8: OnnxWhisperEngine, clips: list[Clip], home_hint: VocabularyHint
) -> None:
    command, _voice, audio = clips[0]
    stream = int8.stream(home_hint, interval_s=1.0)
    partials = [stream.accept(audio[i : i + 480]) for i in range(0, len(audio), 480)]
    final = stream.finish()
    assert any(partials)
    assert has_keywords(final.text, command), final.text


@pytest.mark.parametrize(
    ("options", "command"),
    [({}, "hearth models quantize"), ({"precision": "fp32"}, "hearth models convert --onnx")],
)
def test_missing_model_is_one_line_with_the_command_that_builds_it(
    options: dict[str, str], command: str
) -> None:
    engine = get_engine("onnx-whisper", **options)  # the test's own, empty, user cache
    with pytest.raises(SpeechError) as info:
        engine.load()
    message = str(info.value)
    assert info.value.code is SpeechErrorCode.MODEL_NOT_FOUND
    assert "\n" not in message and "is not installed" in message and command in message


def test_a_folder_without_the_graphs_and_a_bad_precision_are_clear(tmp_path) -> None:
    with pytest.raises(SpeechError, match="expected encoder.onnx, decoder.onnx"):
        get_engine("onnx-whisper", SpeechConfig(model=str(tmp_path))).load()
    (tmp_path / "encoder.onnx").write_bytes(b"not a graph")
    (tmp_path / "decoder.onnx").write_bytes(b"not a graph")
    with pytest.raises(SpeechError) as info:
        get_engine("onnx-whisper", SpeechConfig(model=str(tmp_path))).load()
    assert info.value.code is SpeechErrorCode.LOAD_FAILED
    with pytest.raises(SpeechError, match="precision must be one of int8, fp32"):
        get_engine("onnx-whisper", precision="int4").load()


def _graph(path: Path, inputs: list[str], outputs: list[str]) -> None:
    """A tiny valid ONNX graph with these float input and output names (Identity ops)."""
    import onnx
    from onnx import TensorProto, helper

    def tensor(name: str) -> onnx.ValueInfoProto:
        return helper.make_tensor_value_info(name, TensorProto.FLOAT, None)

    nodes = [helper.make_node("Identity", [inputs[0]], [name]) for name in outputs]
    graph = helper.make_graph(
        nodes, "old", [tensor(n) for n in inputs], [tensor(n) for n in outputs]
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)


def test_an_export_from_an_older_hearth_names_the_rebuild_command(tmp_path: Path) -> None:
    pytest.importorskip("onnx")
    _graph(tmp_path / "encoder.onnx", ["mel"], ["cross_k", "cross_v"])
    _graph(
        tmp_path / "decoder.onnx",
        ["tokens", "self_k", "self_v", "cross_k", "cross_v"],
        ["logits", "new_self_k", "new_self_v"],
    )
    with pytest.raises(SpeechError) as info:
        get_engine("onnx-whisper", SpeechConfig(model=str(tmp_path))).load()
    assert info.value.code is SpeechErrorCode.LOAD_FAILED
    assert "older Hearth" in str(info.value) and "hearth models quantize" in str(info.value)


def test_position_logits_give_only_the_rows_that_were_computed() -> None:
    sot, last = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    logits = PositionLogits(5, {3: sot, 4: last})
    assert len(logits) == 5
    assert logits[3] is sot and logits[-1] is last and logits[-2] is sot
    with pytest.raises(IndexError, match="position 0 of 5 were not computed"):
        logits[0]
