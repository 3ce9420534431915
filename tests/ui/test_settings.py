"""The settings dialog: round-trip through the TOML, cloud toggle, invalid values, mic test."""

from __future__ import annotations

import tomllib
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QScrollBar,
)

from assistant import config as config_module
from assistant.config import Config, ConfigError
from tests.ui.helpers import LOAD_TIMEOUT_MS
from ui.settings_dialog import CLOUD_SENTENCE, NON_COMMERCIAL, SettingsContext, SettingsDialog


def _ready(qtbot, dialog: SettingsDialog) -> SettingsDialog:
    """Wait for the background reads (microphones, installed models)."""
    qtbot.waitUntil(lambda: dialog.installed is not None, timeout=5000)
    qtbot.waitUntil(lambda: dialog.microphone.count() > 1, timeout=5000)
    return dialog


def _dialog(qtbot, services, config: Config | None = None) -> SettingsDialog:
    context = SettingsContext(
        config=config or Config(),
        config_path=services.factory.config_path,
        load_sounddevice=services.load_sounddevice,
        preferences=services.preferences,
    )
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    return _ready(qtbot, dialog)


def test_round_trip_writes_the_toml_reloads_and_rebuilds_the_engine(qtbot, window):
    dialog = _ready(qtbot, window.show_settings())
    assert [dialog.room.itemText(i) for i in range(3)] == ["Not set", "Kitchen", "Living Room"]
    assert dialog.microphone.itemText(0) == "System default (Built-in Microphone)"

    dialog.room.setCurrentIndex(dialog.room.findData("kitchen"))
    dialog.microphone.setCurrentIndex(dialog.microphone.findData("USB Headset Mic"))
    dialog.wake_word.setCurrentIndex(dialog.wake_word.findData("microwakeword-hey-jarvis"))
    dialog.wake_auto.setChecked(False)
    dialog.wake_threshold.setValue(80)
    assert dialog.wake_verify.isChecked()  # on by default
    dialog.wake_verify.setChecked(False)
    dialog.tts_enabled.setChecked(True)
    dialog.tts_engine.setCurrentIndex(dialog.tts_engine.findData("espeak-ng"))
    dialog.tts_voice.setText("en-gb")
    dialog.retention.setValue(7)
    dialog.start_minimized.setChecked(True)
    dialog.close_to_tray.setChecked(False)
    old_runtime = window.bridge.runtime
    with qtbot.waitSignal(window.bridge.runtime_ready, timeout=LOAD_TIMEOUT_MS):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    path = window.services.factory.config_path
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    assert raw["home"]["this_room"] == "kitchen"
    saved = config_module.load(path)
    assert saved.audio.input_device == "USB Headset Mic"
    assert (saved.wake.engine, saved.wake.word, saved.wake.threshold) == (
        "microwakeword",
        "hey_jarvis",
        0.8,
    )
    assert saved.wake.verify is False
    assert (saved.tts.enabled, saved.tts.engine, saved.tts.voice) == (True, "espeak-ng", "en-gb")
    assert saved.history.retention_days == 7
    assert saved.cloud.enabled is False
    assert window.preferences.start_minimized is True
    assert window.preferences.close_to_tray is False
    # "this room" is part of the engine: it was rebuilt on the worker, without a restart.
    runtime = window.bridge.runtime
    assert runtime is not old_runtime and runtime.config == saved
    assert runtime.conversation.speaker_area == "kitchen"
    qtbot.waitUntil(lambda: window.command.isEnabled(), timeout=LOAD_TIMEOUT_MS)

    again = _ready(qtbot, window.show_settings())
    assert again is not dialog
    assert again.room.currentData() == "kitchen"
    assert again.microphone.currentData() == "USB Headset Mic"
    assert again.wake_word.currentData() == "microwakeword-hey-jarvis"
    assert not again.wake_auto.isChecked() and again.wake_threshold.value() == 80
    assert not again.wake_verify.isChecked()
    assert again.tts_engine.currentData() == "espeak-ng" and again.tts_voice.text() == "en-gb"
    assert again.retention.value() == 7 and again.start_minimized.isChecked()


def test_cloud_help_is_off_by_default_says_what_it_sends_and_persists(qtbot, services):
    dialog = _dialog(qtbot, services)
    assert not dialog.cloud_enabled.isChecked()
    assert not dialog.cloud_url.isEnabled()
    assert dialog.cloud_sentence.text() == CLOUD_SENTENCE
    assert "never audio" in CLOUD_SENTENCE and "did not understand" in CLOUD_SENTENCE

    dialog.cloud_enabled.setChecked(True)
    dialog.cloud_url.setText("http://127.0.0.1:11434/v1")
    dialog.cloud_model.setText("llama3.2")
    with qtbot.waitSignal(dialog.saved) as blocker:
        assert dialog.save()
    saved = config_module.load(services.factory.config_path)
    assert blocker.args[0] == saved
    assert (saved.cloud.enabled, saved.cloud.base_url, saved.cloud.model) == (
        True,
        "http://127.0.0.1:11434/v1",
        "llama3.2",
    )
    reopened = _dialog(qtbot, services, saved)
    assert reopened.cloud_enabled.isChecked() and reopened.cloud_url.isEnabled()

    reopened.cloud_enabled.setChecked(False)
    assert reopened.save()
    assert config_module.load(services.factory.config_path).cloud.enabled is False


def test_invalid_values_show_a_message_and_are_not_saved(qtbot, services):
    path = services.factory.config_path
    dialog = _dialog(qtbot, services)
    dialog.cloud_url.setText("ftp://llm.example.com")
    assert not dialog.save()
    assert dialog.isVisible() and not dialog.message.isHidden()
    assert dialog.message.text().startswith("The cloud base URL must start with http://")
    assert dialog.tabs.currentIndex() == 2  # taken to the Cloud tab, at the field
    assert not path.exists()

    dialog.cloud_url.setText("https://api.openai.com/v1")
    dialog.home_file.setText(str(path.parent / "no-such-home.yaml"))
    assert not dialog.save()
    assert "does not exist" in dialog.message.text()
    assert dialog.tabs.currentIndex() == 0
    assert not path.exists()

    dialog.home_file.clear()
    dialog.speech_engine.setCurrentIndex(dialog.speech_engine.findData("vosk"))
    vosk = dialog.speech_model.currentData()
    assert vosk.model_id == "vosk-en-us-small" and not vosk.installed
    assert "not installed" in dialog.speech_model.currentText()
    assert not dialog.save()
    assert "hearth models fetch vosk-en-us-small" in dialog.message.text()
    assert not path.exists()

    dialog.speech_engine.setCurrentIndex(dialog.speech_engine.findData("faster-whisper"))
    assert dialog.save()
    assert config_module.load(path) == Config()


def test_a_broken_file_is_never_partially_written(qtbot, services):
    """Validation runs on the whole Config before the atomic write: the old file stays."""
    path = services.factory.config_path
    config_module.save(Config().with_value("history.retention_days", "3"), path)
    before = path.read_bytes()
    dialog = _dialog(qtbot, services, config_module.load(path))
    dialog.cloud_enabled.setChecked(True)
    dialog.cloud_model.setText("")
    assert not dialog.save()
    assert "needs a model name" in dialog.message.text()
    assert path.read_bytes() == before
    try:
        Config().with_value("cloud.base_url", "nope")
    except ConfigError as err:
        assert "cloud.base_url" in str(err)


def test_wake_words_and_models_show_licences_and_install_state(qtbot, services):
    dialog = _dialog(qtbot, services)
    labels = [dialog.wake_word.itemText(i) for i in range(dialog.wake_word.count())]
    micro = [label for label in labels if "microWakeWord" in label]
    openww = [label for label in labels if "openWakeWord" in label]
    assert {label.split(" — ")[0] for label in micro} == {
        "Okay Nabu",
        "Hey Jarvis",
        "Alexa",
        "Hey Mycroft",
    }
    assert openww and all(NON_COMMERCIAL in label for label in openww)
    assert dialog.wake_word.currentData() == "microwakeword-okay-nabu"
    # The tuned sensitivity is in use, and the (disabled) slider shows what it is.
    assert dialog.wake_auto.isChecked() and not dialog.wake_threshold.isEnabled()
    assert dialog.wake_threshold.value() == 70
    whisper = dialog.speech_model.currentData()
    assert whisper.model_id == "whisper-tiny.en-ct2" and whisper.value == ""
    assert "MB" in dialog.speech_model.currentText()
    assert "Licence: MIT" in dialog.speech_info.text()


def test_microphone_test_shows_a_live_level(qtbot, services, sounddevice):
    dialog = _dialog(qtbot, services)
    dialog.microphone.setCurrentIndex(dialog.microphone.findData("USB Headset Mic"))
    qtbot.mouseClick(dialog.mic_test, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.meter.value() > 50, timeout=3000)  # a -10 dBFS tone
    assert dialog.mic_status.text() == "Listening on USB Headset Mic"
    assert sounddevice.opened == [2]
    qtbot.mouseClick(dialog.mic_test, Qt.MouseButton.LeftButton)
    assert dialog.meter.value() == 0 and dialog.mic_test.text() == "Test"
    dialog.monitor.wait()


def test_a_microphone_that_fails_to_open_says_why(qtbot, services, sounddevice):
    sounddevice.fail = True
    dialog = _dialog(qtbot, services)
    dialog.mic_test.setChecked(True)
    qtbot.waitUntil(lambda: not dialog.mic_test.isChecked(), timeout=3000)
    assert "did not open" in dialog.mic_status.text()
    assert "Device unavailable" in dialog.mic_status.text()


def test_every_settings_control_is_named_and_reachable_by_keyboard(qtbot, services):
    dialog = _dialog(qtbot, services)
    controls = [
        w
        for kind in (QAbstractButton, QAbstractSlider, QLineEdit, QAbstractSpinBox, QComboBox)
        for w in dialog.findChildren(kind)
        if not isinstance(w, QScrollBar)
        and not isinstance(w.parent(), (QAbstractSpinBox, QComboBox, QLineEdit))
        and w.parent() is not dialog.tabs.tabBar()
    ]
    unnamed = [w for w in controls if not w.accessibleName() and not w.text()]
    assert len(controls) > 20
    assert unnamed == []
    assert all(w.focusPolicy() & Qt.FocusPolicy.TabFocus for w in controls)


def test_the_model_line_shows_what_it_measured_on_this_machine(qtbot, services):
    measurements = pytest.importorskip("models.measurements")
    dialog = _dialog(qtbot, services)
    assert f"Speed here: {measurements.NOT_MEASURED}." in dialog.speech_info.text()

    measurements.record(
        [
            measurements.Measurement(
                model_id="whisper-tiny.en-ct2",
                runtime="faster-whisper (CTranslate2)",
                precision="int8",
                p50_ms=183.0,
                p95_ms=260.0,
                rtf=0.12,
                utterances=41,
                machine=measurements.this_machine(),
                measured_at=measurements.now(),
                wer_clean=0.088,
                success_clean=0.92,
            )
        ]
    )
    again = _dialog(qtbot, services)
    assert again.speech_model.currentData().model_id == "whisper-tiny.en-ct2"
    assert "Measured here (int8): 183 ms p50, WER 8.8%, 92% of spoken commands right." in (
        again.speech_info.text()
    )


def test_every_engine_the_speed_check_can_choose_is_kept_by_settings(qtbot, services):
    from assistant.speech.speed_check import PREFERENCE

    for engine in PREFERENCE:
        config = replace(Config(), speech=replace(Config().speech, engine=engine))
        dialog = _dialog(qtbot, services, config)
        assert dialog.speech_engine.currentData() == engine
        dialog.close()
