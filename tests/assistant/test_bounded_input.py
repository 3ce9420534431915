"""Bounded input: special files, huge or hostile YAML/TOML, odd numbers, read-only config.

Each case runs the CLI in-process and asserts what a user sees: exactly one line on stderr,
exit status 2, no traceback, and (where a home exists) no device changed.
"""

from __future__ import annotations

import json
import os
import stat
import textwrap
from pathlib import Path

import pytest

from assistant import cli
from assistant import config as cfg
from assistant.cli import parse as cli_parse
from assistant.cli import shell as cli_shell
from assistant.config import Config, ConfigError
from assistant.home.loader import HomeFileError
from tests.filesystems import read_only_folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "folder"])
def test_batch_and_home_files_refuse_special_files(
    special: str, fifo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str({"fifo": fifo, "folder": tmp_path}.get(special, special))
    for argv in (
        ["parse", "--batch", path],
        ["parse", "turn on the light", "--home", path],
        ["devices", "--home", path],
    ):
        code, _, err = run(capsys, *argv)
        assert code == 2
        assert "not a regular file" in one_line(err)


def test_home_file_setting_and_config_file_refuse_special_files(
    fifo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'[home]\nhome_file = "{fifo}"\n', encoding="utf-8")
    code, _, err = run(capsys, "devices", "--config", str(config))
    assert code == 2 and "not a regular file" in one_line(err)
    for special in (str(fifo), "/dev/zero"):
        code, _, err = run(capsys, "config", "--config", special, "show")
        assert code == 2 and "not a regular file" in one_line(err)


def test_oversized_batch_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(cli_parse.MAX_BATCH_BYTES + 1)  # sparse: costs no disk
    code, _, err = run(capsys, "parse", "--batch", str(big))
    assert code == 2 and "too large" in one_line(err)


BILLION_LAUGHS = textwrap.dedent("""
    devices:
      - id: light.a
        name: A
        domain: light
        attributes:
          a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
          b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
          c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
          d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
          e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
          f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
          g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
          h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
          i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
""")


def _attrs(value: str) -> str:
    return f"devices: [{{id: light.a, name: A, domain: light, attributes: {{{value}}}}}]\n"


ALIAS_CHAIN = (
    "devices:\n  - id: light.a\n    name: A\n    domain: light\n    attributes:\n"
    "      l0: &l0 [1]\n"
    + "".join(f"      l{i}: &l{i} [*l{i - 1}]\n" for i in range(1, 3000))
    + "  - {id: light.b, name: B, domain: light, attributes: {x: *l2999}}\n"
)

HOSTILE_HOMES = [
    pytest.param(ALIAS_CHAIN, "too large", id="alias-chain-deeper-than-recursion"),
    pytest.param(BILLION_LAUGHS, "too large", id="billion-laughs"),
    pytest.param(_attrs("x: &y [*y]"), "anchor inside itself", id="recursive-alias"),
    pytest.param(_attrs("x: 2024-01-01"), "is a date", id="date"),
    pytest.param(_attrs("x: 2024-01-01 10:00:00"), "date and time", id="datetime"),
    pytest.param(_attrs("x: !!binary aGVsbG8="), "binary data", id="binary"),
    pytest.param(_attrs("x: !!set {a, b}"), "is a set", id="set"),
    pytest.param(_attrs("x: !!python/object/apply:os.system [ls]"), "constructor", id="py-tag"),
    pytest.param(_attrs("x: !!python/name:os.system ''"), "constructor", id="py-name"),
    pytest.param(_attrs("brightness: .nan"), "finite", id="nan"),
    pytest.param(_attrs("temperature: -.inf"), "finite", id="inf"),
    pytest.param(_attrs("brightness: high"), "from 0 to 100", id="wrong-string"),
    pytest.param(_attrs("brightness: 250"), "from 0 to 100", id="out-of-range"),
    pytest.param(_attrs("volume: true"), "from 0 to 100", id="bool-number"),
    pytest.param(_attrs("playlist: [1, [2]]"), "list of texts", id="playlist"),
    pytest.param(_attrs("track: -1"), "whole number", id="negative-track"),
    pytest.param(_attrs("x: 1.0e+400"), "finite", id="float-overflow"),
    pytest.param(_attrs("x: 123456789012345678901234567890"), "sensible size", id="huge-int"),
    pytest.param(_attrs("? [1, 2] : 3"), "unhashable", id="list-key"),
    pytest.param("devices: " + "[" * 200 + "]" * 200 + "\n", "nested more than", id="deep-seq"),
    pytest.param("a: " + "{b: " * 200 + "1" + "}" * 200 + "\n", "nested more than", id="deep-map"),
]


@pytest.mark.parametrize(("text", "message"), HOSTILE_HOMES)
def test_hostile_home_files_are_one_line(
    text: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home.yaml"
    home.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "parse", "turn on the light", "--home", str(home))
    assert code == 2 and out == ""
    line = one_line(err)
    assert message in line and str(home) in line


def test_an_alias_chain_deeper_than_python_recursion_is_one_line_per_device() -> None:
    """Before the depth bound, light.b's walk recursed once per anchor: a RecursionError."""
    from assistant.home.loader import parse_home

    reported: list[str] = []
    with pytest.raises(HomeFileError):
        parse_home(ALIAS_CHAIN, "home.yaml", reported.append)
    good = "  - {id: light.c, name: C, domain: light}\n"
    home = parse_home(ALIAS_CHAIN + good, "home.yaml", reported.append)
    assert list(home.devices) == ["light.c"]
    assert "home.yaml:3006: device 'light.b''s attributes nest more than" in reported[1]


def test_wrong_string_attribute_no_longer_crashes_a_relative_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: brightness "high" loaded, then "+10 %" died in int("high") with a traceback."""
    home = tmp_path / "home.yaml"
    home.write_text(_attrs("brightness: high"), encoding="utf-8")
    code, _, err = run(capsys, "parse", "brighten light a", "--home", str(home))
    assert code == 2 and ":1: device 'light.a': attribute 'brightness'" in one_line(err)


def test_a_hostile_device_among_good_ones_is_left_out_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = (
        "  - {id: light.b, name: Lamp, domain: light, state: 'off', attributes: {brightness: 0}}\n"
    )
    home = tmp_path / "home.yaml"
    home.write_text(BILLION_LAUGHS + good, encoding="utf-8")
    code, out, err = run(capsys, "parse", "turn on the lamp", "--home", str(home), "--json")
    assert code == 0 and json.loads(out)["actions"][0]["device"] == "light.b"
    assert f"{home}:7: device 'light.a''s attributes are too large" in one_line(err)
    assert "left that device out" in err


@pytest.mark.parametrize(
    "toml",
    [
        "a = " + "[" * 5000 + "]" * 5000,
        "a = " + "{b = " * 3000 + "1" + "}" * 3000,
    ],
    ids=["deep-array", "deep-table"],
)
def test_deeply_nested_toml_is_one_line(
    toml: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "c.toml"
    config.write_text(toml, encoding="utf-8")
    code, _, err = run(capsys, "config", "--config", str(config), "show")
    assert code == 2 and "nested too deeply" in one_line(err)


@pytest.mark.parametrize("value", ["nan", "inf", "NaN", "1e999", "1e30", " nan "])
def test_numbers_must_be_finite_and_in_range(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "config", "set", "conversation.confirmation_timeout_s", value)
    assert code == 2 and "conversation.confirmation_timeout_s" in one_line(err)
    assert not cfg.config_path().exists()


@pytest.mark.parametrize(
    "line",
    ["confirmation_timeout_s = nan", "confirmation_timeout_s = inf", "context_timeout_s = -inf"],
)
def test_toml_nan_and_inf_are_refused(line: str, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f"[conversation]\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="finite"):
        cfg.load(config)


def test_history_n_beyond_sqlite_is_clamped(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "history", "-n", str(10**30))
    assert (code, err) == (0, "")
    assert out == "The history is empty.\n"


def test_config_set_on_a_read_only_config_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "conf"
    cfg.save(Config(), folder / "config.toml")
    (folder / "config.toml").chmod(0o444)
    with read_only_folder(folder):
        code, _, err = run(
            capsys, "config", "--config", str(folder / "config.toml"), "set", "home.this_room", "x"
        )
        assert code == 2 and "cannot save the config" in one_line(err)
        assert cfg.load(folder / "config.toml").home.this_room == ""


def test_read_only_config_file_is_respected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "config.toml"
    cfg.save(Config(), file)
    file.chmod(0o444)
    if os.access(file, os.W_OK):  # root writes anything: stand in for a normal user
        monkeypatch.setattr(cfg.os, "access", lambda path, mode: False)
    code, _, err = run(capsys, "config", "--config", str(file), "set", "home.this_room", "kitchen")
    assert code == 2 and "the file is read-only" in one_line(err)
    assert stat.S_IMODE(file.stat().st_mode) == 0o444


def test_planted_fifos_in_the_config_and_data_folders_never_hang(tmp_path: Path) -> None:
    """The API key file and the measurements file are read at start: a FIFO must not block."""
    from assistant.api_key import KEY_FILE, ApiKeyStore
    from models import measurements

    os.mkfifo(tmp_path / KEY_FILE)
    assert ApiKeyStore(tmp_path, None).get().value is None
    os.mkfifo(measurements.path(tmp_path))
    assert measurements.measured("silero-vad", data_dir=tmp_path) is None


def test_stdin_batch_from_dev_zero_is_one_line() -> None:
    """Before: `hearth parse --batch - < /dev/zero` read one endless "line" into memory."""
    import subprocess
    import sys

    with open("/dev/zero", "rb") as zero:
        done = subprocess.run(
            [sys.executable, "-m", "assistant", "parse", "--batch", "-", "--json"],
            stdin=zero,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "<stdin>:1:" in done.stderr


def test_shell_survives_an_endless_line() -> None:
    import io

    from assistant.home.loader import demo_home_path
    from assistant.runtime import build_runtime

    runtime = build_runtime(cfg.load(), home_file=str(demo_home_path()))
    out = io.StringIO()
    try:
        code = cli_shell.run_shell(runtime, io.StringIO("x" * 100_000 + "\ndevices\n"), out)
    finally:
        runtime.close()
    assert code == 0
    assert "line is too long" in out.getvalue() and "Kitchen" in out.getvalue()


@pytest.mark.parametrize(
    ("flag", "text"),
    [
        ("--home", "AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI/K7MDENG\nregion: eu-west-1\n"),
        ("--config", '[default]\naws_secret_access_key = "wJalrXUtnFEMI/K7MDENG"\n'),
        ("--config", 'AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI"\n'),
    ],
)
def test_someone_elses_file_is_refused_without_echoing_it(
    flag: str, text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "other"
    file.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "devices", flag, str(file))
    assert code == 2 and str(file) in one_line(err)
    assert "wJalr" not in err  # a name may be shown (a typo is found by it), a value never
    if flag == "--home":
        assert "not a Hearth home file" in err and "AWS" not in err
