"""The microphone source, driven by a fake sounddevice module (no hardware, no PortAudio)."""

from __future__ import annotations

import sys
import threading
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.audio import AudioError, AudioErrorCode
from assistant.audio.microphone import (
    MicrophoneSource,
    find_input_device,
    list_input_devices,
    load_sounddevice,
)


class FakePortAudioError(Exception):
    pass


class FakeStream:
    def __init__(self, sd: FakeSoundDevice, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.callback = kwargs["callback"]
        self.started = False
        self.closed = False
        sd.streams.append(self)

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.started = False

    def close(self) -> None:
        self.closed = True

    def push(self, block: np.ndarray, overflow: bool = False) -> None:
        """What PortAudio's thread would do: call back with an (n, 1) int16 block."""
        status = types.SimpleNamespace(input_overflow=overflow)
        self.callback(block.reshape(-1, 1), len(block), None, status)


class FakeSoundDevice:
    PortAudioError = FakePortAudioError

    def __init__(self, devices: list[dict[str, Any]], default: int = 1, fail: bool = False):
        self._devices = devices
        self.default = types.SimpleNamespace(device=[default, 0])
        self.streams: list[FakeStream] = []
        self.fail = fail

    def query_devices(self) -> list[dict[str, Any]]:
        return self._devices

    def InputStream(self, **kwargs: Any) -> FakeStream:
        if self.fail:
            raise FakePortAudioError("Device unavailable [PaErrorCode -9985]")
        return FakeStream(self, **kwargs)


DEVICES = [
    {"name": "HDMI Output", "max_input_channels": 0, "default_samplerate": 48000.0},
    {"name": "Built-in Microphone", "max_input_channels": 2, "default_samplerate": 48000.0},
    {"name": "USB Headset Mic", "max_input_channels": 1, "default_samplerate": 44100.0},
    {"name": "USB Conference Mic", "max_input_channels": 4, "default_samplerate": 16000.0},
]


@pytest.fixture
def sd() -> FakeSoundDevice:
    return FakeSoundDevice(DEVICES)


def test_lists_only_input_devices(sd: FakeSoundDevice) -> None:
    devices = list_input_devices(sd)
    assert [device.index for device in devices] == [1, 2, 3]
    assert [device.is_default for device in devices] == [True, False, False]
    assert devices[2].channels == 4


def test_picks_device_by_index_name_fragment_or_default(sd: FakeSoundDevice) -> None:
    assert find_input_device(sd, None).name == "Built-in Microphone"
    assert find_input_device(sd, "").index == 1
    assert find_input_device(sd, 2).name == "USB Headset Mic"
    assert find_input_device(sd, "3").name == "USB Conference Mic"
    assert find_input_device(sd, "headset").index == 2


def test_bad_device_choices_explain_themselves(sd: FakeSoundDevice) -> None:
    with pytest.raises(AudioError, match="several input devices") as info:
        find_input_device(sd, "usb")
    assert info.value.code is AudioErrorCode.NO_DEVICE
    with pytest.raises(AudioError, match="no input device named 'Studio'.*Built-in"):
        find_input_device(sd, "Studio")
    with pytest.raises(AudioError, match="index 0"):
        find_input_device(sd, 0)  # an output-only device
    with pytest.raises(AudioError, match="no microphone"):
        find_input_device(FakeSoundDevice(DEVICES[:1]), None)


def test_callback_copies_into_the_queue_and_iteration_ends_on_close(sd: FakeSoundDevice) -> None:
    mic = MicrophoneSource(sd, device="headset", frame_ms=20)
    with mic:
        stream = sd.streams[0]
        assert stream.kwargs["samplerate"] == 16000
        assert stream.kwargs["blocksize"] == 320
        assert stream.kwargs["device"] == 2
        assert stream.kwargs["dtype"] == "int16"
        block = np.arange(320, dtype=np.int16)
        stream.push(block)
        block[:] = 0  # PortAudio reuses its buffer: the source must have copied
        stream.push(np.full(320, 7, dtype=np.int16))
    frames = list(mic)
    assert len(frames) == 2
    assert np.array_equal(frames[0], np.arange(320, dtype=np.int16))
    assert frames[1][0] == 7
    assert stream.closed
    assert mic.overflows == 0


def test_full_queue_drops_and_counts_instead_of_blocking(sd: FakeSoundDevice) -> None:
    mic = MicrophoneSource(sd, queue_frames=3).start()
    stream = sd.streams[0]
    for _ in range(5):
        stream.push(np.zeros(320, dtype=np.int16))
    stream.push(np.zeros(320, dtype=np.int16), overflow=True)
    assert mic.overflows == 4  # two dropped + PortAudio's own overflow flag + one more drop
    mic.close()
    assert len(list(mic)) == 3


def test_reader_blocked_on_a_silent_mic_wakes_up_on_close(sd: FakeSoundDevice) -> None:
    mic = MicrophoneSource(sd).start()
    received: list[np.ndarray] = []
    reader = threading.Thread(target=lambda: received.extend(mic))
    reader.start()
    mic.close()
    reader.join(timeout=2.0)
    assert not reader.is_alive()
    assert received == []


def test_device_that_fails_to_open_is_a_clear_error() -> None:
    mic = MicrophoneSource(FakeSoundDevice(DEVICES, fail=True))
    with pytest.raises(AudioError, match="cannot open microphone 'Built-in Microphone'") as info:
        mic.start()
    assert info.value.code is AudioErrorCode.DEVICE_FAILED


def test_missing_sounddevice_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", None)
    with pytest.raises(AudioError, match="pip install") as info:
        load_sounddevice()
    assert info.value.code is AudioErrorCode.NO_BACKEND


def test_missing_portaudio_library(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # sounddevice raises OSError at import time when libportaudio cannot be found.
    (tmp_path / "sounddevice.py").write_text("raise OSError('PortAudio library not found')\n")
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(AudioError, match="PortAudio library is missing.*libportaudio2"):
        load_sounddevice()
