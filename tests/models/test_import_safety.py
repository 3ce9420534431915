"""Model imports: checked against the catalog, bounded, and one line for every bad source."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from models.catalog import ConvertedSource, Engine, Integrity, ModelFile, ModelSpec, UrlSource
from models.cli import main
from models.store import MANIFEST_NAME, ImportFailed, InsufficientSpace, ModelStore
from tests.filesystems import fill, small_filesystem
from tests.models.conftest import sha256

PINNED_DATA = b"weights" * 1000
SECRET = b"root:$6$secret-hash-that-must-not-be-echoed:19000:0:99999:7:::\n"


def catalog() -> dict[str, ModelSpec]:
    pin = ModelFile("model.bin", len(PINNED_DATA), sha256(PINNED_DATA))
    return {
        "pinned": ModelSpec(
            "pinned",
            Engine.CTRANSLATE2_WHISPER,
            "en",
            (pin,),
            "MIT",
            UrlSource(("http://127.0.0.1:9/none",), pin),
            True,
        ),
        "built": ModelSpec(
            "built",
            Engine.OPENAI_WHISPER,
            "en",
            (ModelFile("tiny.en.pt"),),
            "MIT",
            ConvertedSource("pinned", "hearth models convert"),
            True,
            integrity=Integrity.LOCAL_BUILD,
        ),
        "folder": ModelSpec(
            "folder",
            Engine.VOSK,
            "en",
            (ModelFile("am/final.mdl"), ModelFile("conf/model.conf")),
            "MIT",
            ConvertedSource("pinned", "hearth models convert"),
            True,
            integrity=Integrity.LOCAL_BUILD,
        ),
    }


def cli(tmp_path: Path, *argv: str) -> int:
    return main(["--cache-dir", str(tmp_path / "cache"), "models", *argv], catalog=catalog())


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert "secret-hash" not in err and "root:" not in err  # never the file's contents
    return err


def test_an_arbitrary_file_is_not_a_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: accepted without a checksum, and `verify` then said ok."""
    junk = tmp_path / "shadow"
    junk.write_bytes(SECRET)
    assert cli(tmp_path, "import", "built", str(junk)) == 1
    assert "--trust" in one_line(capsys)
    assert cli(tmp_path, "import", "pinned", str(junk)) == 1
    one_line(capsys)
    assert cli(tmp_path, "verify", "built") == 1  # nothing was installed
    one_line(capsys)


def test_trust_installs_marked_unverified_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "tiny.en.pt"
    source.write_bytes(b"my own checkpoint")
    assert cli(tmp_path, "import", "built", str(source), "--trust") == 0
    assert "unverified" in capsys.readouterr().out
    assert cli(tmp_path, "verify", "built") == 0
    out = capsys.readouterr().out
    assert out.startswith("built: UNVERIFIED") and ": ok" not in out
    assert cli(tmp_path, "list", "--json") == 0
    rows = {r["id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["built"]["verified"] is False and "unverified" in rows["built"]["location"]
    assert rows["pinned"]["state"] == "missing"
    assert cli(tmp_path, "info", "built") == 0
    assert "unverified (imported with --trust)" in capsys.readouterr().out
    manifest = json.loads((tmp_path / "cache" / "built" / MANIFEST_NAME).read_text())
    assert manifest["verified"] is False and manifest["integrity"] == "unverified"


def test_old_unchecked_import_is_shown_unverified(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "cache", catalog())
    source = tmp_path / "tiny.en.pt"
    source.write_bytes(b"x")
    store.import_path("built", source, trust=True)
    manifest_path = tmp_path / "cache" / "built" / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text())
    del manifest["verified"]  # as an install from before the check wrote it
    manifest_path.write_text(json.dumps(manifest))
    assert store.verify("built").verified is False


def test_pinned_import_is_verified(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "model.bin"
    source.write_bytes(PINNED_DATA)
    assert cli(tmp_path, "import", "pinned", str(source)) == 0
    assert cli(tmp_path, "verify", "pinned") == 0
    assert "pinned: ok (1 files, cached)" in capsys.readouterr().out


@pytest.mark.parametrize("kind", ["fifo", "device", "folder-with-fifo", "folder-with-device"])
def test_special_sources_are_refused_at_once(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if kind == "fifo":
        source = tmp_path / "pipe"
        os.mkfifo(source)
        model = "built"
    elif kind == "device":
        source, model = Path("/dev/zero"), "built"
    else:
        source, model = tmp_path / "m", "folder"
        (source / "am").mkdir(parents=True)
        (source / "conf").mkdir()
        (source / "conf" / "model.conf").write_text("x")
        if kind == "folder-with-fifo":
            os.mkfifo(source / "am" / "final.mdl")
        else:
            (source / "am" / "final.mdl").symlink_to("/dev/zero")
    assert cli(tmp_path, "import", model, str(source), "--trust") == 1
    assert "not a regular file" in one_line(capsys)
    assert not (tmp_path / "cache" / model).exists()


def test_symlink_loop_in_a_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "m"
    (source / "am").mkdir(parents=True)
    (source / "conf").mkdir()
    (source / "conf" / "model.conf").write_text("x")
    (source / "am" / "final.mdl").symlink_to(source / "am" / "final.mdl")
    (source / "am" / "a").symlink_to(source / "am" / "b")
    (source / "am" / "b").symlink_to(source / "am" / "a")
    assert cli(tmp_path, "import", "folder", str(source), "--trust") == 1
    assert "symbolic links" in one_line(capsys)


def test_link_to_a_folder_loop_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "m"
    (source / "am").mkdir(parents=True)
    (source / "am" / "final.mdl").write_text("x")
    (source / "conf").mkdir()
    (source / "conf" / "model.conf").write_text("x")
    (source / "conf" / "up").symlink_to(source)
    assert cli(tmp_path, "import", "folder", str(source), "--trust") == 1
    assert "a link to a folder" in one_line(capsys)


def test_wrong_size_is_refused_before_copying(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "cache", catalog())
    big = tmp_path / "model.bin"
    with big.open("wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse: 3 GB that cost no disk
    with pytest.raises(ImportFailed, match="must be 7000"):
        store.import_path("pinned", big)


def test_not_enough_space_is_said_before_copying(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "cache", catalog(), disk_free=lambda _path: 1000)
    source = tmp_path / "model.bin"
    source.write_bytes(PINNED_DATA)
    with pytest.raises(InsufficientSpace, match="needs"):
        store.import_path("pinned", source)


def test_import_into_a_full_cache_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "tiny.en.pt"
    source.write_bytes(os.urandom(300 * 1024))
    with small_filesystem(tmp_path / "cache", 256) as cache:
        fill(cache)
        for filler in cache.glob("filler*"):
            filler.unlink()
        (cache / "ballast").write_bytes(b"\0" * 128 * 1024)
        code = main(
            ["--cache-dir", str(cache), "models", "import", "built", str(source), "--trust"],
            catalog={"built": catalog()["built"]},
        )
        assert code == 1
        assert "MB free" in one_line(capsys)  # said before a byte is copied
        # A free-space figure that lies (another writer filled the disk meanwhile): the copy
        # itself hits ENOSPC, which is one line too, and no half model is left behind.
        store = ModelStore(cache, {"built": catalog()["built"]}, disk_free=lambda _p: 10**12)
        with pytest.raises(ImportFailed, match="the cache folder's disk is full"):
            store.import_path("built", source, trust=True)
        assert [p.name for p in cache.iterdir()] == ["ballast"]
