"""`hearth home set-token` / `hearth home test` and the Settings one-liner, against the fake."""

from __future__ import annotations

import argparse
import io
import os
import stat
from dataclasses import replace

import pytest

from assistant import config as config_module
from assistant.api_key import Secret, default_store
from assistant.config import Config, HomeAssistantConfig
from assistant.home.home_assistant import commands
from bench.fake_home_assistant import TOKEN, FakeHomeAssistant, free_port


def run(argv: list[str], stdin: str = "") -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="hearth home")
    commands.add_arguments(parser)
    out = io.StringIO()
    code = commands.run(parser.parse_args(argv), stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue()


def configure(url: str) -> Config:
    config = replace(Config(), home_assistant=HomeAssistantConfig(url=url, timeout_s=5.0))
    config_module.save(config)
    return config


def test_set_token_stores_it_privately_and_shows_it_masked() -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.long-lived-token"
    code, out = run(["set-token"], stdin=token + "\n")
    assert code == 0
    assert token not in out and "eyJ…oken" in out
    store = default_store(config_module.config_path(), Secret.HOME_ASSISTANT_TOKEN)
    assert store.get().value == token
    assert stat.S_IMODE(os.stat(store.file).st_mode) == 0o600


def test_an_empty_token_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run(["set-token"], stdin="\n")
    assert code == 2
    assert capsys.readouterr().err == "hearth: no token given; nothing stored\n"


def test_test_connects_and_says_what_it_found(fake: FakeHomeAssistant) -> None:
    configure(fake.url)
    run(["set-token"], stdin=TOKEN)
    code, out = run(["test"])
    assert code == 0
    assert out.startswith(f"Connected to Home Assistant 2025.1.0 at {fake.url}: ")
    assert (
        f"{len(fake.data.states)} devices exposed to Assist in {len(fake.data.areas)} areas" in out
    )


def test_a_wrong_token_is_one_line_and_exit_2(
    fake: FakeHomeAssistant, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(fake.url)
    run(["set-token"], stdin="not-the-token")
    code, out = run(["test"])
    err = capsys.readouterr().err
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "refused the token" in err


def test_a_refused_connection_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    configure(url)
    run(["set-token"], stdin=TOKEN)
    code, _ = run(["test"])
    assert code == 2
    assert capsys.readouterr().err == (
        f"hearth: Home Assistant isn't reachable at {url}: connection refused\n"
    )


def test_missing_settings_say_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["test"])[0] == 2
    assert "hearth config set home_assistant.url" in capsys.readouterr().err
    configure("http://127.0.0.1:8123")
    assert run(["test"])[0] == 2
    assert "hearth home set-token" in capsys.readouterr().err


def test_the_settings_line(fake: FakeHomeAssistant) -> None:
    config = configure(fake.url)
    assert "no Home Assistant token" in commands.test_connection(config)
    run(["set-token"], stdin=TOKEN)
    assert commands.test_connection(config).startswith("Connected to Home Assistant")


def test_it_mounts_as_hearth_home(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="hearth")
    commands.add_subcommand(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["home", "set-token"])
    assert (args.command, args.home_command) == ("home", "set-token")
    with pytest.raises(SystemExit):
        parser.parse_args(["home"])  # a subcommand is required
    assert "set-token" in capsys.readouterr().err
