"""Spoken replies are on by default where a voice is installed (config default and first run),
and a computer without any voice still works, with written replies."""

from __future__ import annotations

from assistant import tts
from assistant.config import Config, TtsConfig
from tests.ui.test_first_run import FakeMeasurer
from ui import first_run
from ui.first_run import NO_VOICE, FirstRunChoices, FirstRunDialog


class Sink:
    def play(self, samples, rate):
        pass

    def stop(self):
        pass


def _dialog(qtbot, services, monkeypatch, has_voice: bool, config: Config | None = None):
    monkeypatch.setattr(first_run, "voice_installed", lambda: has_voice)
    dialog = FirstRunDialog(
        config or Config(),
        services.load_sounddevice,
        services.preferences,
        wake_factory=lambda _config: None,
        measure=FakeMeasurer(),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.go(3)
    return dialog


def test_the_config_speaks_replies_by_default():
    assert Config().tts.enabled is True


def test_no_voice_at_all_means_written_replies_not_a_failure(monkeypatch):
    def no_voice(_config):
        raise tts.TtsError("espeak-ng is not installed")

    monkeypatch.setattr(tts, "load_synthesizer", no_voice)
    speaker = tts.build_speaker(TtsConfig(), Sink())
    assert speaker is not None and not speaker.speaks  # earcons still play
    assert tts.build_speaker(TtsConfig(earcons=False), Sink()) is None


def test_first_run_keeps_spoken_replies_on_where_a_voice_is_installed(qtbot, services, monkeypatch):
    dialog = _dialog(qtbot, services, monkeypatch, has_voice=True)
    assert dialog.speak_replies.isChecked() and dialog.speak_replies.isEnabled()
    chosen: list[FirstRunChoices] = []
    dialog.choices_made.connect(chosen.append)
    dialog.speak_replies.setChecked(False)
    dialog.finish()
    assert chosen[-1].speak_replies is False
    assert chosen[-1].apply_to(Config()).tts.enabled is False


def test_first_run_turns_them_on_for_a_config_that_had_them_off(qtbot, services, monkeypatch):
    off = Config().with_value("tts.enabled", "false")
    dialog = _dialog(qtbot, services, monkeypatch, has_voice=True, config=off)
    assert not dialog.speak_replies.isChecked()
    dialog.speak_replies.setChecked(True)
    chosen: list[FirstRunChoices] = []
    dialog.choices_made.connect(chosen.append)
    dialog.finish()
    assert chosen[-1].apply_to(off).tts.enabled is True


def test_first_run_without_a_voice_says_how_to_get_one(qtbot, services, monkeypatch):
    dialog = _dialog(qtbot, services, monkeypatch, has_voice=False)
    assert not dialog.speak_replies.isChecked() and not dialog.speak_replies.isEnabled()
    texts = [label.text() for label in dialog.findChildren(first_run.QLabel)]
    assert NO_VOICE in texts
    chosen: list[FirstRunChoices] = []
    dialog.choices_made.connect(chosen.append)
    dialog.finish()
    assert all(c.speak_replies is None for c in chosen)
