"""``ui.app.main``: starts, loads in the background, runs commands and saves a screenshot."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from assistant.home.loader import demo_home_path
from ui import app


def test_main_runs_commands_and_saves_a_screenshot(qtbot, qapp, hearth_env, tmp_path):
    target = tmp_path / "shot.png"
    QTimer.singleShot(20_000, qapp.quit)  # a safety net: never hang the test run
    status = app.main([
        "--home", str(demo_home_path()),
        "--screenshot", str(target),
        "--command", "turn on the kettle",
        "--delay", "0",
        "--size", "900x600",
    ])
    assert status == 0
    assert target.stat().st_size > 10_000
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_broken_config_falls_back_to_defaults_with_a_reason(tmp_path):
    broken = tmp_path / "config.toml"
    broken.write_text("[home]\nbackend = 'carrier-pigeon'\n", encoding="utf-8")
    config, problem = app.load_config(str(broken))
    assert config.home.backend == "simulated"
    assert problem is not None and "home.backend" in problem
