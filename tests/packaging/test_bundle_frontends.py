"""The bundle's hidden imports are the front ends Hearth's metadata registers, and nothing less."""

from __future__ import annotations

import tomllib
from importlib.metadata import EntryPoint

import pytest

from assistant.cli import frontends
from tests.packaging.conftest import PACKAGING, load

bundle_frontends = load("bundle_frontends")
ROOT = PACKAGING.parent


def points(**values: str) -> list[EntryPoint]:
    return [EntryPoint(name, value, bundle_frontends.GROUP) for name, value in values.items()]


def test_the_modules_of_the_registered_front_ends() -> None:
    found = points(gui="ui.app:main", ptt="ui.ptt:main")
    found.append(EntryPoint("gui", "elsewhere:main", "other.group"))
    assert bundle_frontends.frontend_modules(found) == ["ui.app", "ui.ptt"]


@pytest.mark.parametrize("available", [points(), points(gui="ui.app:main")])
def test_metadata_without_a_front_end_stops_the_build(available: list[EntryPoint]) -> None:
    with pytest.raises(bundle_frontends.FrontendsMissing, match="reinstall Hearth"):
        bundle_frontends.frontend_modules(available)


def test_the_group_is_the_one_the_cli_reads_and_pyproject_fills() -> None:
    assert bundle_frontends.GROUP == frontends.GROUP
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    group = project["project"]["entry-points"][frontends.GROUP]
    modules = bundle_frontends.frontend_modules(points(**group))
    assert modules == sorted({group[name].split(":")[0] for name in bundle_frontends.REQUIRED})


def test_the_spec_copies_hearths_metadata_and_hides_the_front_ends_imports() -> None:
    spec = (PACKAGING / "hearth.spec").read_text(encoding="utf-8")
    assert 'copy_metadata("hearth")' in spec
    assert "hiddenimports=bundle_frontends.frontend_modules()" in spec
