"""``ui.app.main``: starts, loads in the background, runs commands and saves a screenshot."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QSystemTrayIcon

from assistant.home.loader import demo_home_path
from ui import app


def test_main_runs_commands_and_saves_a_screenshot(qtbot, qapp, hearth_env, tmp_path):
    target = tmp_path / "shot.png"
    QTimer.singleShot(20_000, qapp.quit)  # a safety net: never hang the test run
    status = app.main(
        [
            "--home",
            str(demo_home_path()),
            "--screenshot",
            str(target),
            "--command",
            "turn on the kettle",
            "--delay",
            "0",
            "--size",
            "900x600",
        ]
    )
    assert status == 0
    assert target.stat().st_size > 10_000
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_broken_config_falls_back_to_defaults_with_a_reason(tmp_path):
    broken = tmp_path / "config.toml"
    broken.write_text("[home]\nbackend = 'carrier-pigeon'\n", encoding="utf-8")
    config, problem = app.load_config(str(broken))
    assert config.home.backend == "simulated"
    assert problem is not None and "home.backend" in problem


def test_with_a_tray_closing_keeps_the_app_running_until_quit(qtbot, qapp, hearth_env, monkeypatch):
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    args = app.build_parser().parse_args(["--home", str(demo_home_path())])
    desktop = app.create(args)
    window, bridge = desktop.window, desktop.bridge
    seen: list[tuple[str, bool]] = []

    def close_then_quit(_home: object) -> None:
        window.close()  # hides to the tray: the event loop and the engine go on
        seen.append(("hidden", not window.isVisible()))
        QTimer.singleShot(100, check_then_quit)

    def check_then_quit() -> None:
        seen.append(("running", bridge.runtime is not None and not bridge.closed))
        assert window.tray is not None
        window.tray.quit_action.trigger()

    bridge.home_loaded.connect(close_then_quit, Qt.ConnectionType.SingleShotConnection)
    safety = QTimer(singleShot=True, interval=20_000)  # never hang the test run
    safety.timeout.connect(qapp.quit)
    safety.start()
    window.show()
    status = app.run(desktop)
    safety.stop()
    assert status == 0
    assert seen == [("hidden", True), ("running", True)]
    assert bridge.closed and bridge.runtime is None
