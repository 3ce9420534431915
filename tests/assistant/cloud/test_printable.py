"""Nothing the cloud model says can drive the terminal: escapes and controls never get printed.

A hostile or broken server can put ANSI/OSC escape sequences, bell and backspace characters,
bidirectional overrides or lone surrogates into its answer (or into a function name that gets
quoted back in a refusal). The reply Hearth speaks, shows and prints holds none of them, in text
mode and in the GUI alike (both show ``TurnResult.response``), and ``--json`` stays valid JSON.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.config import CONFIG_ENV
from assistant.egress import EgressRecord
from assistant.printable import printable
from assistant.privacy import describe
from tests.assistant.cloud.fake_openai import FakeOpenAI, Script

UNKNOWN = "please make it cosy in here"
HOSTILE = (
    "\x1b[2J\x1b[HAll \x1b[31mdone\x1b[0m\x07 \x1b]0;pwned\x07\x1b]8;;https://evil.example\x1b\\"
    "here\x1b]8;;\x1b\\ \x9b6n\u202eexe.txt\u202c back\bspace \ud800 café 😀"
)
FORBIDDEN = ("\x1b", "\x9b", "\x07", "\b", "\u202e", "\u202c", "\ud800")


def _clean(text: str) -> bool:
    return not any(ch in text for ch in FORBIDDEN)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[1;31mred\x1b[0m", "red"),
        ("title\x1b]0;owned\x07!", "title!"),
        ("link \x1b]8;;http://x\x1b\\text\x1b]8;;\x1b\\", "link text"),
        ("eight-bit \x9b2J csi", "eight-bit  csi"),
        ("nul\x00 del\x7f bell\x07", "nul del bell"),
        ("\u202eevil\u2066 \u200fmark", "evil mark"),
        ("lone \udc80 surrogate", "lone  surrogate"),
        ("lines\nand\ttabs\u2028too", "lines and tabs too"),
        ("a lone escape \x1b", "a lone escape "),
        ("ünïcödé, 中文, emoji 👩\u200d👩\u200d👧", "ünïcödé, 中文, emoji 👩\u200d👩\u200d👧"),
    ],
)
def test_printable(raw, shown):
    assert printable(raw) == shown


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
def test_escapes_in_the_answer_never_reach_the_reply(server, cloud_conversation, stream):
    server.push(Script.say(HOSTILE))
    result = cloud_conversation(stream=stream).handle(UNKNOWN)
    assert _clean(result.response)
    assert "All done" in result.response and "café 😀" in result.response
    assert _clean(json.dumps(result.to_dict(), ensure_ascii=False))


def test_escapes_in_a_function_name_are_not_quoted_back(server, cloud_conversation, egress_log):
    server.push(Script.call(("\x1b[2J\x1b]0;x\x07turn_on", {"device": "d1"})))
    result = cloud_conversation().handle(UNKNOWN)
    assert "can't do" in result.response and _clean(result.response)
    assert _clean(egress_log.records()[0].result)


def _cloud_on(server: FakeOpenAI) -> None:
    path = Path(os.environ[CONFIG_ENV])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[cloud]\nenabled = true\nbase_url = "{server.url}"\n', encoding="utf-8")


def test_the_cli_prints_no_escapes_and_its_json_stays_valid(server: FakeOpenAI, capsys):
    _cloud_on(server)
    server.push(Script.say(HOSTILE), Script.say(HOSTILE))

    assert main(["parse", UNKNOWN]) == 0
    text = capsys.readouterr().out
    assert _clean(text) and "All done" in text
    text.encode("utf-8")  # a lone surrogate would make printing fail outright

    assert main(["parse", UNKNOWN, "--json"]) == 0
    out = capsys.readouterr().out
    assert _clean(out)
    assert _clean(json.loads(out)["response"]) and "All done" in json.loads(out)["response"]


def test_the_privacy_table_prints_no_escapes():
    record = EgressRecord(0.0, "127.0.0.1", "a \x1b[2Jsentence\n", "{}", 2, "error: \x1b[31mx")
    table = describe([record])
    assert _clean(table) and "a sentence" in table
