"""Right after the first-run speed check, Settings and `hearth models list` show what it
measured (they said "not measured here yet")."""

from __future__ import annotations

from assistant import cli
from assistant import config as config_module
from assistant.config import Config, SpeechConfig
from assistant.speech.speed_check import CommandResult, EngineResult, SpeedReport
from assistant.speech.speed_record import SOURCE, record_report
from models import measurements
from models.catalog import VOSK_EN, WHISPER_TINY_EN_CT2
from tests.ui.test_first_run import FakeMeasurer, engine
from tests.ui.test_settings import _dialog as settings_dialog
from ui.first_run import FirstRunDialog


def _run_first_run_speed_check(qtbot, services) -> FirstRunDialog:
    dialog = FirstRunDialog(
        Config(),
        services.load_sounddevice,
        services.preferences,
        wake_factory=lambda _config: None,
        measure=FakeMeasurer(),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.go(dialog.SPEED_STEP)
    qtbot.waitUntil(lambda: dialog.speed.report is not None, timeout=5000)
    return dialog


def test_settings_and_models_list_show_the_measurement_at_once(qtbot, services, capsys):
    data = config_module.data_dir()
    assert measurements.measured(WHISPER_TINY_EN_CT2, data_dir=data) is None
    dialog = _run_first_run_speed_check(qtbot, services)

    found = measurements.measured(WHISPER_TINY_EN_CT2, data_dir=data)
    assert found is not None and found.source == SOURCE
    assert found.p50_ms == 2400 and found.success_clean == 1.0
    dialog.go(3)
    dialog.monitor.wait()

    settings = settings_dialog(qtbot, services)
    settings.speech_engine.setCurrentIndex(settings.speech_engine.findData("faster-whisper"))
    info = settings.speech_info.text()
    assert "Measured here (int8): 2400 ms p50" in info
    assert measurements.NOT_MEASURED not in info

    capsys.readouterr()
    assert cli.main(["models", "list"]) == 0
    (row,) = [line for line in capsys.readouterr().out.splitlines() if WHISPER_TINY_EN_CT2 in line]
    assert "2400 ms p50" in row


def test_only_engines_that_ran_are_kept_under_the_model_they_loaded(tmp_path):
    report = SpeedReport(
        (
            engine("vosk", 300, 2),
            EngineResult("onnx-whisper", error="no model"),
            engine("grammar", 100, 3),
            EngineResult(
                "faster-whisper",
                (
                    CommandResult("a", "a", 100, True, 1000),
                    CommandResult("b", "b", 300, True, 1000),
                ),
            ),
        ),
        voice="espeak-ng",
    )
    kept = record_report(report, SpeechConfig(engine="faster-whisper", model="/my/model"), tmp_path)
    assert [m.model_id for m in kept] == [VOSK_EN]  # a folder is no catalog model; grammar none
    (vosk,) = kept
    assert round(vosk.success_clean, 3) == round(2 / 3, 3)
    assert measurements.measured(VOSK_EN, data_dir=tmp_path) == vosk
    whisper = record_report(report, SpeechConfig(), tmp_path)
    ct2 = next(m for m in whisper if m.model_id == WHISPER_TINY_EN_CT2)
    assert ct2.p50_ms == 200 and ct2.rtf == 0.2
