"""This machine's model measurements: recorded atomically, read back, shown on the cards."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from models import measurements
from models.cli import main
from models.measurements import Machine, Measurement, measured, record, this_machine


def sample(
    model_id: str = "whisper-tiny.en-ct2", precision: str = "int8", **changes
) -> Measurement:
    values = {
        "model_id": model_id,
        "runtime": "faster-whisper (CTranslate2)",
        "precision": precision,
        "p50_ms": 136.4,
        "p95_ms": 171.2,
        "rtf": 0.1,
        "utterances": 164,
        "machine": this_machine(threads=1),
        "measured_at": "2026-11-26T17:00:00+00:00",
        "wer_clean": 0.113,
        "wer_noisy": 0.274,
        "success_clean": 0.83,
        "success_noisy": 0.5,
        "extra": {"load_s": 0.6},
    }
    values.update(changes)
    return Measurement(**values)  # type: ignore[arg-type]


def test_nothing_measured_yet_is_none(tmp_path: Path) -> None:
    assert measured("whisper-tiny.en-ct2", data_dir=tmp_path) is None
    assert measurements.load(tmp_path) == []


def test_record_and_read_back(tmp_path: Path) -> None:
    written = record([sample()], tmp_path)

    assert written == tmp_path / measurements.FILE_NAME
    assert measured("whisper-tiny.en-ct2", data_dir=tmp_path) == sample()
    assert [p.name for p in tmp_path.iterdir()] == [measurements.FILE_NAME]  # no temp file left


def test_the_default_folder_is_hearths_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEARTH_DATA_DIR", str(tmp_path / "data"))
    record([sample()])
    assert (tmp_path / "data" / measurements.FILE_NAME).is_file()
    assert measured("whisper-tiny.en-ct2") is not None


def test_a_new_run_replaces_the_same_configuration_and_keeps_the_others(tmp_path: Path) -> None:
    record([sample(), sample(precision="fp32", p50_ms=223.0)], tmp_path)
    record(
        [sample(p50_ms=120.0), sample("whisper-tiny.en-onnx-int8", runtime="onnxruntime")], tmp_path
    )

    found = measurements.measurements("whisper-tiny.en-ct2", tmp_path)
    assert [(m.precision, m.p50_ms) for m in found] == [("int8", 120.0), ("fp32", 223.0)]
    assert measured("whisper-tiny.en-ct2", "fp32", data_dir=tmp_path).p50_ms == 223.0  # type: ignore[union-attr]
    assert measured("whisper-tiny.en-onnx-int8", data_dir=tmp_path) is not None


def test_the_default_precision_comes_first(tmp_path: Path) -> None:
    record([sample(precision="fp16"), sample(precision="fp32")], tmp_path)
    assert measured("whisper-tiny.en-ct2", data_dir=tmp_path).precision == "fp32"  # type: ignore[union-attr]


def test_a_measurement_from_another_machine_is_not_this_machines(tmp_path: Path) -> None:
    elsewhere = Machine(cpu="Some Other CPU", cores=64, arch="aarch64", threads=1)
    record([sample(machine=elsewhere)], tmp_path)

    assert measured("whisper-tiny.en-ct2", data_dir=tmp_path) is None
    assert measured("whisper-tiny.en-ct2", data_dir=tmp_path, machine=elsewhere) is not None


def test_a_damaged_file_reads_as_nothing_and_is_replaced(tmp_path: Path) -> None:
    (tmp_path / measurements.FILE_NAME).write_text("{not json", encoding="utf-8")
    assert measured("whisper-tiny.en-ct2", data_dir=tmp_path) is None

    record([sample()], tmp_path)
    assert measured("whisper-tiny.en-ct2", data_dir=tmp_path) is not None
    kept = tmp_path / (measurements.FILE_NAME + ".unreadable")
    assert kept.read_text(encoding="utf-8") == "{not json"  # set aside, not lost


def test_one_odd_entry_does_not_hide_or_lose_the_others(tmp_path: Path) -> None:
    good = sample("whisper-tiny.en-onnx-int8").to_dict()
    odd = sample().to_dict()
    odd["machine"] = {**odd["machine"], "gpu": "none"}  # a newer Hearth's machine field
    broken = {"model_id": "whisper-tiny.en-openai"}  # and one that is not readable at all
    (tmp_path / measurements.FILE_NAME).write_text(
        json.dumps({"format": 1, "measurements": [good, odd, broken]}), encoding="utf-8"
    )
    assert measured("whisper-tiny.en-ct2", data_dir=tmp_path) == sample()
    record([sample("whisper-tiny.en-onnx-fp32", "fp32")], tmp_path)
    assert measured("whisper-tiny.en-onnx-int8", data_dir=tmp_path) is not None
    assert measured("whisper-tiny.en-ct2", data_dir=tmp_path) is not None


def test_a_failed_write_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record([sample()], tmp_path)
    before = (tmp_path / measurements.FILE_NAME).read_bytes()

    def broken(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        record([sample(p50_ms=1.0)], tmp_path)

    assert (tmp_path / measurements.FILE_NAME).read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [measurements.FILE_NAME]


def test_fields_from_a_newer_hearth_are_ignored(tmp_path: Path) -> None:
    entry = {**sample().to_dict(), "gpu": "none"}
    (tmp_path / measurements.FILE_NAME).write_text(
        json.dumps({"format": 2, "measurements": [entry]}), encoding="utf-8"
    )
    assert measured("whisper-tiny.en-ct2", data_dir=tmp_path) == sample()


def test_card_text() -> None:
    text = sample().describe()
    assert "p50 136 ms, p95 171 ms, RTF 0.10 over 164 utterances" in text
    assert "WER 11.3% clean, 27.4% at 10 dB" in text
    assert "commands right 83% clean, 50% at 10 dB" in text
    assert f"{os.cpu_count()} cores, 1 thread" in text
    assert "2026-11-26 17:00 UTC" in text
    assert sample().summary() == "136 ms p50, WER 11.3%"


def test_list_and_info_show_this_machines_measurements(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    record([sample(), sample(precision="fp32", p50_ms=223.0)], data)
    cache = ["--cache-dir", str(tmp_path / "cache")]
    monkeypatch.setenv("HEARTH_DATA_DIR", str(data))

    assert main([*cache, "models", "list"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert rows["whisper-tiny.en-ct2"].endswith("136 ms p50, WER 11.3%")
    assert rows["silero-vad"].endswith("-")

    assert main([*cache, "models", "list", "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    ct2 = next(row for row in listed if row["id"] == "whisper-tiny.en-ct2")
    assert ct2["measured"]["p50_ms"] == 136.4
    assert next(row for row in listed if row["id"] == "silero-vad")["measured"] is None

    assert main([*cache, "models", "info", "whisper-tiny.en-ct2"]) == 0
    card = capsys.readouterr().out
    assert "measured int8 (faster-whisper (CTranslate2))" in card
    assert "measured fp32 (faster-whisper (CTranslate2))  p50 223 ms" in card
    assert card.index("measured int8") < card.index("measured fp32")

    assert main([*cache, "models", "info", "silero-vad"]) == 0
    assert "not measured yet on this machine" in capsys.readouterr().out


def test_the_compression_report_becomes_measurements(tmp_path: Path) -> None:
    from bench.compression import to_measurements

    row = {
        "runtime": "onnxruntime",
        "precision": "int8",
        "model_id": "whisper-tiny.en-onnx-int8",
        "note": "",
        "disk_mb": 42.1,
        "load_s": 0.9,
        "peak_rss_mb": 250.0,
        "n": 164,
        "p50_ms": 120.0,
        "p95_ms": 180.0,
        "rtf": 0.09,
        "wer_clean": 0.098,
        "wer_10 dB": 0.291,
        "success_clean": 0.84,
        "success_10 dB": 0.48,
    }
    failed = {"runtime": "onnxruntime", "precision": "fp16", "model_id": "", "error": "not built"}
    report = {"machine": {"threads": 1}, "rows": [row, failed]}

    (found,) = to_measurements(report)
    record([found], tmp_path)

    shown = measured("whisper-tiny.en-onnx-int8", data_dir=tmp_path)
    assert shown is not None
    assert (shown.p50_ms, shown.wer_noisy, shown.success_clean) == (120.0, 0.291, 0.84)
    assert shown.machine.threads == 1 and shown.extra["disk_mb"] == 42.1
