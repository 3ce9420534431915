"""`hearth gui` / `hearth ptt` find their front end by entry point; the engine never names ui."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from assistant import cli
from assistant.cli import frontends
from assistant.cli.common import InputError

ROOT = Path(__file__).resolve().parents[2]
CALLS: list[list[str]] = []


def fake_main(argv: Sequence[str]) -> int:
    CALLS.append(list(argv))
    return 7


def point(name: str, value: str, group: str = frontends.GROUP) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=group)


FAKE = f"{__name__}:fake_main"


@pytest.fixture(autouse=True)
def _clear_calls() -> None:
    CALLS.clear()


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> list[EntryPoint]:
    """The entry points `hearth` sees: none until a test adds some; a display that works."""
    points: list[EntryPoint] = []

    def entry_points(*, group: str) -> list[EntryPoint]:
        return [p for p in points if p.group == group]

    monkeypatch.setattr(frontends.metadata, "entry_points", entry_points)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    return points


def test_the_named_front_end_is_loaded_from_its_group() -> None:
    found = frontends.find_frontend(
        "gui",
        [point("gui", FAKE, group="other.group"), point("ptt", "nowhere:x"), point("gui", FAKE)],
    )
    assert found([]) == 7 and CALLS == [[]]


@pytest.mark.parametrize(
    ("available", "message"),
    [
        ([], "the desktop app is not installed"),
        ([point("gui", FAKE, group="other.group")], "the desktop app is not installed"),
        ([point("gui", "no_such_module_here:main")], "the desktop app cannot start"),
        ([point("gui", f"{__name__}:no_such_function")], "the desktop app cannot start"),
    ],
)
def test_a_missing_or_broken_front_end_is_one_line(
    available: list[EntryPoint], message: str
) -> None:
    with pytest.raises(InputError, match=message) as caught:
        frontends.find_frontend("gui", available)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("argv", [["gui"], ["ptt", "toggle"], []])
def test_without_front_ends_hearth_says_so_and_exits_2(
    registered: list[EntryPoint], argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("hearth: ") and err.count("\n") == 1
    assert "is not installed" in err and frontends.GROUP in err


def test_gui_passes_its_flags_to_the_registered_app(registered: list[EntryPoint]) -> None:
    registered.append(point("gui", FAKE))
    code = cli.main(["gui", "--home", "h.yaml", "--config", "c.toml", "--startup-probe"])
    assert code == 7
    assert CALLS == [["--config", "c.toml", "--home", "h.yaml", "--startup-probe"]]


def test_ptt_sends_its_action_to_the_registered_client(registered: list[EntryPoint]) -> None:
    registered.append(point("ptt", FAKE))
    assert cli.main(["ptt", "release"]) == 7
    assert CALLS == [["release"]]


def test_pyproject_registers_the_desktop_app_and_push_to_talk() -> None:
    """What pip installs: the group names ui's real mains, and they load."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    group = project["project"]["entry-points"][frontends.GROUP]
    available = [point(name, value) for name, value in group.items()]
    pytest.importorskip("PySide6")
    from ui import app, ptt

    assert frontends.find_frontend("gui", available) is app.main
    assert frontends.find_frontend("ptt", available) is ptt.main
