"""The confirmation flow as the CLI shows it: `hearth parse --json` and `hearth shell`.

A client of the JSON reads ``actions`` as done: a question lists nothing there and names the
waiting actions under ``pending_actions``. A "stop" (or any sentence but a clear yes) drops
them, across invocations too, since the question is kept in the session store.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from assistant import config as cfg
from assistant.cli import shell as cli
from assistant.runtime import build_runtime

UNLOCK = {"device": "lock.front_door", "action": "unlock", "params": {}}
REFUSED = "Okay, I won't unlock the Front Door."


def parse(*args: str, stdin: str | None = None) -> list[dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "parse", "--json", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_parse_json_across_invocations_stop_then_yes_unlocks_nothing(
    isolated_dirs: Path,
) -> None:
    (question,) = parse("unlock the front door")
    assert question["confirmation_required"] is True
    assert question["actions"] == []
    assert question["pending_actions"] == [UNLOCK]

    (stopped,) = parse("stop")
    assert stopped["response"] == REFUSED
    assert stopped["actions"] == [] and "pending_actions" not in stopped

    (late,) = parse("yes")
    assert late["response"] == "There is nothing to confirm" and late["actions"] == []
    (state,) = parse("is the front door locked")
    assert state["response"].startswith("Yes")


def test_parse_json_batch_a_new_command_runs_and_the_unlock_does_not(
    isolated_dirs: Path,
) -> None:
    question, kettle, late, state = parse(
        "--batch",
        "-",
        stdin="unlock the front door\nturn on the kettle\nyes\nis the front door locked\n",
    )
    assert question["actions"] == [] and question["pending_actions"] == [UNLOCK]
    assert kettle["response"].startswith(REFUSED + " ")
    assert kettle["actions"] == [{"device": "switch.kettle", "action": "turn_on", "params": {}}]
    assert late["response"] == "There is nothing to confirm" and late["actions"] == []
    assert state["response"].startswith("Yes")


def _shell(lines: str) -> str:
    runtime = build_runtime(cfg.load())
    out = io.StringIO()
    try:
        assert cli.run_shell(runtime, io.StringIO(lines), out) == 0
        locked = runtime.backend.home().devices["lock.front_door"].state
    finally:
        runtime.close()
    return out.getvalue() + f"\n[door: {locked}]"


def test_shell_stop_then_yes_keeps_the_door_locked() -> None:
    out = _shell("unlock the front door\nstop\nyes\nquit\n")
    assert "Are you sure you want me to unlock the Front Door?" in out
    assert "(say or type 'yes' to confirm; anything else cancels it)" in out
    assert f"» {REFUSED}" in out
    assert "» There is nothing to confirm" in out
    assert out.endswith("[door: locked]")


def test_shell_a_sentence_not_understood_then_yes_keeps_the_door_locked() -> None:
    out = _shell("unlock the front door\nwhat\nyes\nquit\n")
    assert f"» {REFUSED} Sorry, I couldn't understand that" in out
    assert out.endswith("[door: locked]")


def test_shell_undo_question_then_no_keeps_the_door_locked() -> None:
    out = _shell("unlock the front door\nyes\nlock the front door\nundo\nno\nyes\nquit\n")
    assert out.count("Are you sure you want me to unlock the Front Door?") == 2
    assert f"» {REFUSED}" in out
    assert out.endswith("[door: locked]")


def test_shell_a_clear_yes_unlocks() -> None:
    out = _shell("unlock the front door\nyes\nquit\n")
    assert "» Unlocked the Front Door" in out
    assert out.endswith("[door: unlocked]")
