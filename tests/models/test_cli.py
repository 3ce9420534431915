"""`hearth models ...` through `models.cli.main`, without the app's own CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from models.catalog import CATALOG, Integrity, ModelFile, ModelSpec, UrlSource
from models.cli import main
from tests.models.conftest import ModelServer, sha256

DATA = b"hearth" * 50_000


def test_list_shows_every_model_with_state_size_and_license(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--cache-dir", str(tmp_path), "models", "list"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "MODEL",
        "ENGINE",
        "LANG",
        "STATUS",
        "SIZE",
        "LICENSE",
        "MEASURED",
        "HERE",
    ]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == set(CATALOG)
    assert "installed (packaged)" in rows["whisper-tiny.en-ct2"]
    assert "78.1 MB" in rows["whisper-tiny.en-ct2"]
    assert "missing" in rows["vosk-en-us-small"]
    assert "CC-BY-NC-SA-4.0" in rows["openwakeword-hey-jarvis"]


def test_list_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--cache-dir", str(tmp_path), "models", "list", "--json"]) == 0

    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    silero = next(r for r in rows if r["id"] == "silero-vad")
    assert silero["state"] == "installed"
    assert silero["size_bytes"] == 2327524


def test_missing_model_is_one_line_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--cache-dir", str(tmp_path), "models", "verify", "vosk-en-us-small"]) == 1

    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "hearth models fetch vosk-en-us-small" in err
    assert "Traceback" not in err


def test_fetch_shows_progress_then_verify_and_import(
    tmp_path: Path, model_server: ModelServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = model_server.serve("/m.bin", DATA)
    artifact = ModelFile("model.bin", len(DATA), sha256(DATA))
    spec = ModelSpec(
        "tiny",
        CATALOG["whisper-tiny.en-ct2"].engine,
        "en",
        (artifact,),
        "MIT",
        UrlSource((url,), artifact),
        True,
        Integrity.PINNED,
    )
    catalog = {"tiny": spec}
    cache = ["--cache-dir", str(tmp_path / "cache")]

    assert main([*cache, "models", "fetch", "tiny"], catalog=catalog) == 0
    captured = capsys.readouterr()
    assert "100%" in captured.err and "[" + "#" * 30 + "]" in captured.err
    assert "tiny: installed at" in captured.out

    assert main([*cache, "models", "verify"], catalog=catalog) == 0
    assert "tiny: ok (1 files, cached)" in capsys.readouterr().out

    (tmp_path / "cache" / "tiny" / "model.bin").write_bytes(DATA[::-1])
    assert main([*cache, "models", "verify", "tiny"], catalog=catalog) == 1
    assert "tiny: FAILED (model.bin hash-mismatch)" in capsys.readouterr().out
    (tmp_path / "cache" / "tiny" / "model.bin").unlink()
    assert main([*cache, "models", "verify"], catalog=catalog) == 1
    assert "tiny: FAILED (model.bin missing)" in capsys.readouterr().out

    source = tmp_path / "model.bin"
    source.write_bytes(DATA)
    assert main([*cache, "models", "import", "tiny", str(source)], catalog=catalog) == 0
    assert main([*cache, "models", "verify", "tiny"], catalog=catalog) == 0


def test_info_is_a_model_card(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--cache-dir", str(tmp_path), "models", "info", "vosk-en-us-small"]) == 0

    card = capsys.readouterr().out
    assert "Apache-2.0" in card
    assert "download: https://alphacephei.com/" in card
    assert "missing" in card
    assert "unpublished" in card


def test_unknown_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--cache-dir", str(tmp_path), "models", "fetch", "nope"]) == 1
    assert "unknown model 'nope'" in capsys.readouterr().err


def test_convert_without_torch_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)

    assert main(["--cache-dir", str(tmp_path), "models", "convert"]) == 1

    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "needs the Python package(s) torch" in err
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".staging")] == []
