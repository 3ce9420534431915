"""openai-whisper: torch + the openai-whisper package, on the checkpoint rebuilt from CTranslate2."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import numpy as np
import pytest

from assistant.config import SpeechConfig
from assistant.speech import SpeechError, SpeechErrorCode, get_engine
from assistant.speech.base import VocabularyHint
from assistant.speech.faster_whisper import FasterWhisperEngine
from assistant.speech.openai_whisper import OpenAIWhisperEngine
from models.store import ModelStore
from tests.assistant.speech.synth import Command, has_keywords

Clip = tuple[Command, str, np.ndarray]


@pytest.fixture(scope="module")
def torch_whisper(whisper_builds: ModelStore) -> Iterator[OpenAIWhisperEngine]:
    engine = get_engine("openai-whisper", cache_dir=str(whisper_builds.cache_dir))
    assert isinstance(engine, OpenAIWhisperEngine)
    engine.load()
    yield engine


def words(text: str) -> list[str]:
    return re.sub(r"[^\w' ]", " ", text.lower()).split()


def test_torch_is_imported_only_by_load() -> None:
    code = (
        "import sys; from assistant.speech import get_engine; "
        "engine = get_engine('openai-whisper'); assert not engine.loaded; "
        "print(sorted({'torch', 'whisper'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_transcribes_like_faster_whisper_on_the_same_weights(
    torch_whisper: OpenAIWhisperEngine,
    whisper: FasterWhisperEngine,
    spoken: list[Clip],
    home_hint: VocabularyHint,
) -> None:
    """Same model, same window, prompt and greedy decoding: the same words (int8 vs float32 may
    differ on a rare clip, hence one allowed difference)."""
    differ = []
    for command, voice, audio in spoken[3::10][:6]:
        ours = torch_whisper.transcribe(audio, home_hint).text
        reference = whisper.transcribe(audio, home_hint).text
        assert has_keywords(ours, command) or not has_keywords(reference, command), ours
        if words(ours) != words(reference):
            differ.append(f"{command.text} [{voice}]: {ours!r} vs {reference!r}")
    assert len(differ) <= 1, differ


def test_silence_gives_empty_text(
    torch_whisper: OpenAIWhisperEngine, home_hint: VocabularyHint
) -> None:
    assert torch_whisper.transcribe(np.zeros(16000 * 2, np.int16), home_hint).text == ""
    assert torch_whisper.transcribe(np.zeros(400, np.int16)).text == ""


def test_missing_checkpoint_is_one_line_with_the_convert_command() -> None:
    engine = get_engine("openai-whisper")  # the test's own, empty, user cache
    with pytest.raises(SpeechError) as info:
        engine.load()
    message = str(info.value)
    assert info.value.code is SpeechErrorCode.MODEL_NOT_FOUND
    assert "\n" not in message
    assert "whisper-tiny.en-openai is not installed" in message
    assert "hearth models convert" in message


def test_a_broken_checkpoint_is_a_load_error(tmp_path) -> None:
    (tmp_path / "tiny.en.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(SpeechError) as info:
        get_engine("openai-whisper", SpeechConfig(model=str(tmp_path))).load()
    assert info.value.code is SpeechErrorCode.LOAD_FAILED


@pytest.mark.parametrize(
    "content",
    [b"root:$6$SECRETHASH:19000:0:99999:7:::\n", b"password=SECRETHASH\n" * 3],
)
def test_a_foreign_file_is_a_load_error_that_never_quotes_it(tmp_path, content: bytes) -> None:
    """Before: some foreign files escaped as IndexError tracebacks; messages quoted bytes."""
    (tmp_path / "tiny.en.pt").write_bytes(content)
    with pytest.raises(SpeechError) as info:
        get_engine("openai-whisper", SpeechConfig(model=str(tmp_path))).load()
    assert info.value.code is SpeechErrorCode.LOAD_FAILED
    assert "SECRET" not in str(info.value) and "\n" not in str(info.value)
