"""File → VAD → end-pointer → engine, including the bad files a user may hand to `listen`."""

from __future__ import annotations

import shutil
import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from assistant.audio import AudioError, AudioErrorCode
from assistant.audio.endpoint import EndReason
from assistant.audio.vad import SileroVad
from assistant.config import VadConfig
from assistant.speech.base import TranscriptResult, VocabularyHint
from assistant.speech.transcribe import (
    POST_ROLL_S,
    PRE_ROLL_S,
    UtteranceResult,
    transcribe_audio,
    transcribe_file,
)
from tests.assistant.speech.synth import (
    Command,
    add_noise,
    has_keywords,
    pad,
    speak,
    trim_silence,
)


@dataclass
class RecordingEngine:
    """Stands in for a real engine where only what it is given matters."""

    name: str = "recording"
    calls: list[np.ndarray] = field(default_factory=list)

    def load(self) -> None:
        return None

    def transcribe(self, audio: np.ndarray, hint: VocabularyHint | None = None):
        self.calls.append(audio)
        return TranscriptResult("heard", 0.9, 1000 * len(audio) / 16000, 1.0, self.name)


def write_wav16(path: Path, audio: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16000)
        writer.writeframes(audio.astype("<i2").tobytes())
    return path


def sox(source: Path, target: Path, *options: str) -> Path:
    binary = shutil.which("sox")
    if binary is None:
        pytest.fail("sox is required: apt-get install sox (make test installs it)")
    subprocess.run([binary, str(source), *options, str(target)], check=True)
    return target


@pytest.fixture(scope="module")
def vad() -> SileroVad:
    return SileroVad()


@pytest.fixture(scope="module")
def kitchen(speech_dir: Path) -> np.ndarray:
    return trim_silence(speak("turn off the kitchen light", "en-us", speech_dir))


def test_file_to_transcript_with_timings(whisper, vad, home_hint, kitchen, tmp_path) -> None:
    path = write_wav16(tmp_path / "cmd.wav", pad(kitchen, 1.0, 1.5))
    result = transcribe_file(path, whisper, VadConfig(), home_hint, vad=vad)
    assert isinstance(result, UtteranceResult)
    assert has_keywords(result.text, Command("turn off the kitchen light", ("kitchen", "light")))
    assert "off" in result.text.lower()
    true_end = 1.0 + len(kitchen) / 16000
    assert result.ended_by is EndReason.SILENCE
    assert result.speech_start_s == pytest.approx(1.0, abs=0.15)
    assert result.speech_end_s == pytest.approx(true_end, abs=0.15)
    assert result.endpoint_s == pytest.approx(result.speech_end_s + 0.7, abs=0.04)
    assert result.timings_ms["asr"] > 0 and result.timings_ms["vad"] > 0
    assert result.to_dict()["ended_by"] == "silence"


def test_silence_timeout_comes_from_the_vad_config(vad, kitchen, tmp_path) -> None:
    path = write_wav16(tmp_path / "cmd.wav", pad(kitchen, 0.5, 2.0))
    fast = transcribe_file(path, RecordingEngine(), VadConfig(silence_s=0.3), vad=vad)
    slow = transcribe_file(path, RecordingEngine(), VadConfig(silence_s=1.0), vad=vad)
    assert slow.endpoint_s - fast.endpoint_s == pytest.approx(0.7, abs=0.04)


@pytest.mark.parametrize("layout", ["48k-stereo", "8bit-8k", "flac-44k"])
def test_other_layouts_through_the_whole_path(whisper, vad, home_hint, kitchen, tmp_path, layout):
    source = write_wav16(tmp_path / "src.wav", pad(kitchen, 0.5, 1.0))
    options = {
        "48k-stereo": ("x.wav", "-r", "48000", "-c", "2"),
        "8bit-8k": ("x.wav", "-r", "8000", "-b", "8"),
        "flac-44k": ("x.flac", "-r", "44100"),
    }[layout]
    path = sox(source, tmp_path / options[0], *options[1:])
    result = transcribe_file(path, whisper, None, home_hint, vad=vad)
    assert "kitchen" in result.text.lower(), result


def test_engine_gets_the_utterance_with_pre_roll_only(vad, kitchen) -> None:
    engine = RecordingEngine()
    result = transcribe_audio(pad(kitchen, 2.0, 3.0), engine, VadConfig(), vad=vad)
    (given,) = engine.calls
    expected_s = result.speech_end_s + POST_ROLL_S - (result.speech_start_s - PRE_ROLL_S)
    assert len(given) / 16000 == pytest.approx(expected_s, abs=0.03)
    assert result.audio_s == pytest.approx(result.endpoint_s, abs=0.03)  # stopped reading


def test_only_the_first_of_two_commands(whisper, vad, home_hint, speech_dir) -> None:
    first = trim_silence(speak("open the garage door", "en-us", speech_dir))
    second = trim_silence(speak("lock the front door", "en-us", speech_dir))
    audio = np.concatenate([pad(first, 0.5, 1.5), pad(second, 0.0, 1.0)])
    result = transcribe_audio(audio, whisper, VadConfig(), home_hint, vad=vad)
    assert "garage" in result.text.lower()
    assert "lock" not in result.text.lower()


def test_noisy_file_at_10_db(whisper, vad, home_hint, speech_dir) -> None:
    speech = trim_silence(speak("open the garage door", "en-us", speech_dir))
    audio = add_noise(pad(speech, 1.0, 1.5), 10.0, seed=3)
    result = transcribe_audio(audio, whisper, VadConfig(), home_hint, vad=vad)
    assert "garage" in result.text.lower(), result
    assert result.speech_end_s is not None


def test_array_at_another_rate_is_resampled(vad, kitchen) -> None:
    floats = kitchen.astype(np.float32) / 32768
    at_44k = np.interp(
        np.arange(int(len(floats) * 44100 / 16000)) * 16000 / 44100,
        np.arange(len(floats)),
        floats,
    ).astype(np.float32)
    silence = np.zeros(44100, np.float32)
    engine = RecordingEngine()
    audio = np.concatenate([silence, at_44k, silence])
    result = transcribe_audio(audio, engine, vad=vad, sample_rate=44100)
    assert result.speech_start_s == pytest.approx(1.0, abs=0.15)
    assert result.speech_end_s == pytest.approx(1.0 + len(kitchen) / 16000, abs=0.15)


def test_silence_only_file_is_an_empty_result(vad, tmp_path) -> None:
    engine = RecordingEngine()
    path = write_wav16(tmp_path / "quiet.wav", np.zeros(16000 * 3, np.int16))
    result = transcribe_file(path, engine, vad=vad)
    assert (result.text, result.ended_by, result.has_speech) == ("", EndReason.NO_SPEECH, False)
    assert result.timings_ms["asr"] == 0.0
    assert engine.calls == []


def test_noise_only_file_gives_no_text(whisper, vad, tmp_path) -> None:
    rng = np.random.default_rng(5)
    noise = (rng.standard_normal(16000 * 3) * 800).astype(np.int16)
    result = transcribe_file(write_wav16(tmp_path / "hiss.wav", noise), whisper, vad=vad)
    assert result.text == ""


def test_ten_minute_file_is_refused_at_once(vad, tmp_path) -> None:
    path = tmp_path / "long.wav"
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(1)
        writer.setframerate(8000)
        writer.writeframes(bytes([128]) * 8000 * 600)
    with pytest.raises(AudioError) as info:
        transcribe_file(path, RecordingEngine(), vad=vad)
    assert info.value.code is AudioErrorCode.TOO_LONG
    assert "600.0 s" in str(info.value)


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"", AudioErrorCode.EMPTY), (b"not audio at all", AudioErrorCode.UNREADABLE)],
)
def test_unusable_files_are_one_line_errors(vad, tmp_path, content, code) -> None:
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with pytest.raises(AudioError) as info:
        transcribe_file(path, RecordingEngine(), vad=vad)
    assert info.value.code is code
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_header_only_wav_is_empty(vad, tmp_path) -> None:
    path = write_wav16(tmp_path / "none.wav", np.zeros(0, np.int16))
    with pytest.raises(AudioError) as info:
        transcribe_file(path, RecordingEngine(), vad=vad)
    assert info.value.code is AudioErrorCode.EMPTY
