"""The model store against a real, misbehaving HTTP server on 127.0.0.1."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from pathlib import Path

import pytest

from models.catalog import (
    ArchiveFormat,
    ConvertedSource,
    Engine,
    Integrity,
    ModelFile,
    ModelSpec,
    PackagedSource,
    UrlSource,
)
from models.store import (
    MANIFEST_NAME,
    CheckStatus,
    DownloadCancelled,
    DownloadFailed,
    ImportFailed,
    ImportUnverifiable,
    InstallState,
    InsufficientSpace,
    ModelNotInstalled,
    ModelStore,
    Progress,
    UnknownModel,
)
from tests.models.conftest import ModelServer, sha256

PAYLOAD = bytes(range(256)) * 1024  # 256 KiB, distinct bytes so an offset error changes the hash
VOSK_FILES = ("am/final.mdl", "conf/model.conf", "graph/HCLr.fst")


def url_spec(
    model_id: str,
    urls: list[str],
    data: bytes = PAYLOAD,
    *,
    sha: str | None = "pin",
    integrity: Integrity = Integrity.PINNED,
) -> ModelSpec:
    digest = sha256(data) if sha == "pin" else sha
    return ModelSpec(
        id=model_id,
        engine=Engine.CTRANSLATE2_WHISPER,
        language="en",
        files=(ModelFile("model.bin", len(data), digest),),
        license="MIT",
        source=UrlSource(tuple(urls), ModelFile("model.bin", len(data), digest)),
        redistributable=True,
        integrity=integrity,
    )


def make_zip(files: dict[str, bytes], top: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, content in files.items():
            bundle.writestr(f"{top}{name}", content)
    return buffer.getvalue()


def zip_spec(model_id: str, url: str, archive: bytes, *, pinned: bool = True) -> ModelSpec:
    return ModelSpec(
        id=model_id,
        engine=Engine.VOSK,
        language="en",
        files=tuple(ModelFile(name) for name in VOSK_FILES),
        license="Apache-2.0",
        source=UrlSource(
            (url,),
            ModelFile(
                "model.zip", len(archive) if pinned else None, sha256(archive) if pinned else None
            ),
            archive=ArchiveFormat.ZIP,
            strip_top_folder=True,
        ),
        redistributable=True,
        integrity=Integrity.PINNED if pinned else Integrity.UNPUBLISHED,
    )


def store_for(tmp_path: Path, *specs: ModelSpec, **options: object) -> ModelStore:
    return ModelStore(tmp_path / "cache", {s.id: s for s in specs}, chunk_size=16 * 1024, **options)  # type: ignore[arg-type]


def test_fetch_downloads_verifies_and_reports_progress(
    tmp_path: Path, model_server: ModelServer
) -> None:
    url = model_server.serve("/m.bin", PAYLOAD)
    store = store_for(tmp_path, url_spec("m", [url]))
    seen: list[Progress] = []

    path = store.fetch("m", progress=seen.append)

    assert (path / "model.bin").read_bytes() == PAYLOAD
    assert store.state("m") is InstallState.CACHED
    assert seen[-1].done == seen[-1].total == len(PAYLOAD)
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    manifest = json.loads((path / MANIFEST_NAME).read_text())
    assert manifest["files"]["model.bin"]["sha256"] == sha256(PAYLOAD)
    assert store.verify("m").ok
    assert not store.partial_path("m").exists()


def test_truncated_transfer_keeps_partial_and_resumes_with_range(
    tmp_path: Path, model_server: ModelServer
) -> None:
    url = model_server.serve("/m.bin", PAYLOAD, truncate_at=100_000, truncate_times=1)
    store = store_for(tmp_path, url_spec("m", [url]))

    with pytest.raises(DownloadFailed, match="transfer ended after 100000"):
        store.fetch("m")
    assert store.partial_path("m").stat().st_size == 100_000
    assert store.state("m") is InstallState.MISSING

    store.fetch("m")

    assert model_server.requests_for("/m.bin") == [None, "bytes=100000-"]
    assert (store.path("m") / "model.bin").read_bytes() == PAYLOAD


def test_mirrors_are_tried_in_order_after_a_server_error(
    tmp_path: Path, model_server: ModelServer
) -> None:
    broken = model_server.serve("/a.bin", PAYLOAD, status=500)
    good = model_server.serve("/b.bin", PAYLOAD)
    store = store_for(tmp_path, url_spec("m", [broken, good]))

    store.fetch("m")

    assert model_server.log == [("/a.bin", None), ("/b.bin", None)]
    assert store.verify("m").ok


def test_next_mirror_resumes_a_transfer_cut_by_the_first(
    tmp_path: Path, model_server: ModelServer
) -> None:
    first = model_server.serve("/a.bin", PAYLOAD, truncate_at=50_000, truncate_times=5)
    second = model_server.serve("/b.bin", PAYLOAD)
    store = store_for(tmp_path, url_spec("m", [first, second]))

    store.fetch("m")

    assert model_server.requests_for("/b.bin") == ["bytes=50000-"]
    assert (store.path("m") / "model.bin").read_bytes() == PAYLOAD


def test_wrong_hash_is_rejected_and_not_installed(
    tmp_path: Path, model_server: ModelServer
) -> None:
    corrupt = bytearray(PAYLOAD)
    corrupt[1000] ^= 0xFF
    url = model_server.serve("/m.bin", bytes(corrupt))
    store = store_for(tmp_path, url_spec("m", [url]))

    with pytest.raises(DownloadFailed, match="hash-mismatch"):
        store.fetch("m")

    assert store.state("m") is InstallState.MISSING
    assert not store.partial_path("m").exists()
    assert not (store.cache_dir / "m").exists()


def test_wrong_hash_on_one_mirror_falls_back_to_the_next(
    tmp_path: Path, model_server: ModelServer
) -> None:
    bad = model_server.serve("/bad.bin", PAYLOAD[::-1])
    good = model_server.serve("/good.bin", PAYLOAD)
    store = store_for(tmp_path, url_spec("m", [bad, good]))

    store.fetch("m")

    assert model_server.requests_for("/good.bin") == [None]
    assert store.verify("m").ok


def test_stale_partial_that_fails_the_hash_is_redownloaded_whole(
    tmp_path: Path, model_server: ModelServer
) -> None:
    url = model_server.serve("/m.bin", PAYLOAD)
    store = store_for(tmp_path, url_spec("m", [url]))
    part = store.partial_path("m")
    part.parent.mkdir(parents=True)
    part.write_bytes(b"\x00" * 1000)  # left over from some other file

    store.fetch("m")

    assert model_server.requests_for("/m.bin") == ["bytes=1000-", None]
    assert (store.path("m") / "model.bin").read_bytes() == PAYLOAD


def test_cancel_stops_the_download_and_a_later_fetch_resumes(
    tmp_path: Path, model_server: ModelServer
) -> None:
    url = model_server.serve("/m.bin", PAYLOAD)
    store = store_for(tmp_path, url_spec("m", [url]))
    cancel = threading.Event()

    def cancel_after_two_chunks(progress: Progress) -> None:
        if progress.done >= 32 * 1024:
            cancel.set()

    with pytest.raises(DownloadCancelled, match="resume"):
        store.fetch("m", progress=cancel_after_two_chunks, cancel=cancel)
    kept = store.partial_path("m").stat().st_size
    assert 0 < kept < len(PAYLOAD)
    assert store.state("m") is InstallState.MISSING

    store.fetch("m")

    assert model_server.requests_for("/m.bin")[-1] == f"bytes={kept}-"
    assert store.verify("m").ok


def test_free_space_is_checked_before_any_request(
    tmp_path: Path, model_server: ModelServer
) -> None:
    url = model_server.serve("/m.bin", PAYLOAD)
    store = store_for(tmp_path, url_spec("m", [url]), disk_free=lambda _path: 1_000_000)

    with pytest.raises(InsufficientSpace, match="MB free"):
        store.fetch("m")

    assert model_server.log == []


def test_zip_archive_is_extracted_with_its_top_folder_stripped(
    tmp_path: Path, model_server: ModelServer
) -> None:
    archive = make_zip({name: name.encode() for name in VOSK_FILES}, top="vosk-model/")
    url = model_server.serve("/v.zip", archive)
    store = store_for(tmp_path, zip_spec("v", url, archive))

    path = store.fetch("v")

    assert (path / "conf/model.conf").read_bytes() == b"conf/model.conf"
    assert not (path / "vosk-model").exists()
    assert store.verify("v").ok


def test_unpublished_hash_needs_the_catalog_to_say_so(
    tmp_path: Path, model_server: ModelServer
) -> None:
    url = model_server.serve("/m.bin", PAYLOAD)
    refused = url_spec("refused", [url], sha=None)
    allowed = url_spec("allowed", [url], sha=None, integrity=Integrity.UNPUBLISHED)
    store = store_for(tmp_path, refused, allowed)

    with pytest.raises(DownloadFailed, match="refusing"):
        store.fetch("refused")
    assert model_server.log == []

    path = store.fetch("allowed")
    (path / "model.bin").write_bytes(PAYLOAD[::-1])  # damaged after install, same size

    checks = store.verify("allowed").checks
    assert [(c.path, c.status) for c in checks] == [("model.bin", CheckStatus.HASH_MISMATCH)]


def test_unpublished_archive_records_hashes_on_first_use(
    tmp_path: Path, model_server: ModelServer
) -> None:
    archive = make_zip({name: b"x" * 10 for name in VOSK_FILES}, top="top/")
    url = model_server.serve("/v.zip", archive)
    store = store_for(tmp_path, zip_spec("v", url, archive, pinned=False))

    path = store.fetch("v")
    (path / "graph/HCLr.fst").write_bytes(b"y" * 10)

    report = store.verify("v")
    assert not report.ok
    assert {c.path for c in report.checks if c.status is CheckStatus.HASH_MISMATCH} == {
        "graph/HCLr.fst"
    }


def test_missing_model_is_a_one_line_message_and_no_network(
    tmp_path: Path, model_server: ModelServer
) -> None:
    url = model_server.serve("/m.bin", PAYLOAD)
    store = store_for(tmp_path, url_spec("m", [url]))

    with pytest.raises(ModelNotInstalled) as caught:
        store.path("m")

    message = str(caught.value)
    assert "\n" not in message
    assert "run `hearth models fetch m` when online" in message
    assert "`hearth models import m PATH`" in message
    assert model_server.log == []
    with pytest.raises(UnknownModel):
        store.path("nope")


def test_packaged_and_converted_models_are_not_downloaded(tmp_path: Path) -> None:
    packaged = ModelSpec(
        "p",
        Engine.PIPER,
        "en",
        (ModelFile("a"),),
        "MIT",
        PackagedSource("no-such-pkg", "no_such_pkg_xyz", "data"),
        True,
    )
    converted = ModelSpec(
        "c",
        Engine.OPENAI_WHISPER,
        "en",
        (ModelFile("a"),),
        "MIT",
        ConvertedSource("p", "hearth models convert"),
        True,
    )
    store = store_for(tmp_path, packaged, converted)

    with pytest.raises(ModelNotInstalled, match="pip install no-such-pkg"):
        store.fetch("p")
    with pytest.raises(ModelNotInstalled, match="hearth models convert"):
        store.fetch("c")


def test_import_folder_zip_and_file(tmp_path: Path) -> None:
    archive = make_zip({name: name.encode() for name in VOSK_FILES}, top="vosk/")
    folder = tmp_path / "offline" / "vosk-model"
    for name in VOSK_FILES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(name.encode())
    (tmp_path / "v.zip").write_bytes(archive)
    single = tmp_path / "model.bin"
    single.write_bytes(PAYLOAD)
    store = store_for(
        tmp_path,
        zip_spec("from-folder", "http://127.0.0.1:9/none", archive),
        zip_spec("from-zip", "http://127.0.0.1:9/none", archive),
        url_spec("single", ["http://127.0.0.1:9/none"]),
    )

    # The folder holding the model: no pin covers these files, so only --trust installs them.
    with pytest.raises(ImportUnverifiable, match="--trust"):
        store.import_path("from-folder", tmp_path / "offline")
    assert store.state("from-folder") is InstallState.MISSING
    store.import_path("from-folder", tmp_path / "offline", trust=True)
    store.import_path("from-zip", tmp_path / "v.zip")  # the catalog's pinned archive
    store.import_path("single", single)

    for model_id in ("from-folder", "from-zip", "single"):
        assert store.state(model_id) is InstallState.CACHED
        assert store.verify(model_id).ok
    assert [store.verify(m).verified for m in ("from-folder", "from-zip", "single")] == [
        False,
        True,
        True,
    ]
    manifest = json.loads((store.path("from-zip") / MANIFEST_NAME).read_text())
    assert manifest["origin"] == "import"


def test_import_rejects_wrong_bytes_and_keeps_previous_install(tmp_path: Path) -> None:
    good = tmp_path / "good.bin"
    good.write_bytes(PAYLOAD)
    bad = tmp_path / "bad.bin"
    bad.write_bytes(PAYLOAD[::-1])
    store = store_for(tmp_path, url_spec("m", ["http://127.0.0.1:9/none"]))

    with pytest.raises(ImportFailed, match="hash-mismatch"):
        store.import_path("m", bad)
    assert store.state("m") is InstallState.MISSING

    store.import_path("m", good)
    with pytest.raises(ImportFailed):
        store.import_path("m", bad)
    assert (store.path("m") / "model.bin").read_bytes() == PAYLOAD
    assert [p.name for p in store.cache_dir.iterdir() if p.name.startswith(".staging")] == []


def test_import_refuses_zip_slip(tmp_path: Path) -> None:
    archive = make_zip({"../evil": b"x", **{name: b"" for name in VOSK_FILES}})
    (tmp_path / "evil.zip").write_bytes(archive)
    store = store_for(tmp_path, zip_spec("v", "http://127.0.0.1:9/none", b"", pinned=False))

    with pytest.raises(ImportFailed, match="unsafe path"):
        store.import_path("v", tmp_path / "evil.zip")
    assert not (tmp_path / "evil").exists()


def test_install_built_moves_a_build_into_place(tmp_path: Path) -> None:
    spec = ModelSpec(
        "built",
        Engine.OPENAI_WHISPER,
        "en",
        (ModelFile("tiny.en.pt"),),
        "MIT",
        ConvertedSource("base", "hearth models convert"),
        True,
        integrity=Integrity.LOCAL_BUILD,
    )
    store = store_for(tmp_path, spec)
    build = store.new_build_dir("built")
    (build / "tiny.en.pt").write_bytes(b"weights")

    path = store.install_built("built", build)

    assert not build.exists()
    assert store.file("built", "tiny.en.pt") == path / "tiny.en.pt"
    (path / "tiny.en.pt").unlink()
    assert store.state("built") is InstallState.MISSING


def test_verify_reports_a_damaged_install_file_by_file(tmp_path: Path) -> None:
    archive = make_zip({name: name.encode() for name in VOSK_FILES})
    (tmp_path / "v.zip").write_bytes(archive)
    store = store_for(tmp_path, zip_spec("v", "http://127.0.0.1:9/none", archive))
    path = store.import_path("v", tmp_path / "v.zip")
    (path / "graph/HCLr.fst").unlink()

    report = store.verify("v")

    assert store.state("v") is InstallState.MISSING
    assert report.state is InstallState.CACHED
    assert {c.path: c.status for c in report.checks}["graph/HCLr.fst"] is CheckStatus.MISSING
    assert not report.ok


def test_archive_without_the_model_files_is_rejected_and_discarded(
    tmp_path: Path, model_server: ModelServer
) -> None:
    url = model_server.serve("/v.zip", b"<html>not found</html>")
    store = store_for(tmp_path, zip_spec("v", url, b"", pinned=False))

    with pytest.raises(ImportFailed, match="not a valid zip"):
        store.fetch("v")

    assert store.state("v") is InstallState.MISSING
    assert not store.partial_path("v").exists()
