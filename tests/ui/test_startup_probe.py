"""`hearth gui --startup-probe`: the app times its own start-up (what packaging/screenshots.py
and the bundle's smoke test read) and quits by itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ui.startup_probe import PAINT_MARK, READY_MARK, seconds_since_process_start

ROOT = Path(__file__).resolve().parents[2]


def test_probe_prints_first_paint_then_ready_and_quits(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEARTH_", "XDG_"))}
    env |= {"HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "gui", "--startup-probe"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    marks = {}
    for line in done.stdout.splitlines():
        name, _, value = line.partition(" ")
        if name in (PAINT_MARK, READY_MARK):
            marks[name] = int(value)
    assert list(marks) == [PAINT_MARK, READY_MARK]  # in this order: the window paints first
    assert 0 < marks[PAINT_MARK] <= marks[READY_MARK]


def test_process_start_is_in_the_past():
    seconds = seconds_since_process_start()
    assert seconds is None or seconds > 0
