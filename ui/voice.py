"""The live voice pipeline in the app: loaded on the bridge's worker, driven from the window.

Loading the speech engine and VAD takes a second or more, so it runs on the bridge's worker
right after the runtime is built, in order with everything else there (a settings reload that
closes the runtime runs after it, never during it). The microphone is opened first, so a
machine without PortAudio or a microphone learns why in milliseconds, not after the models
load. The pipeline then runs its own threads (the loop, and a reader that feeds it from the
microphone); the window only calls push-to-talk, cancel and mute, and sees bus events through
the bridge like everything else.

Mute drops the microphone's frames before the pipeline sees them: the device stays open (no
click, no re-open delay), but nothing it hears can wake Hearth or reach the speech engine.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QObject, Signal

from assistant.audio.base import SAMPLE_RATE, AudioError
from assistant.audio.microphone import MicrophoneSource
from assistant.history import History
from assistant.runtime import Runtime, build_voice
from assistant.tts import SoundDeviceSink
from assistant.voice.runner import Pipeline
from ui.bridge import EngineBridge

_LOGGER = logging.getLogger(__name__)


class FrameSource(Protocol):
    """An opened audio source: frames on iteration, ``close`` ends the iteration soon."""

    def __iter__(self) -> Iterator[np.ndarray]: ...

    def close(self) -> None: ...


@dataclass
class VoiceParts:
    """What the worker hands back: the built pipeline, its opened source and a description."""

    pipeline: Pipeline
    source: FrameSource
    device: str  # what is listened to, for the voice status ("Built-in Microphone")
    wake_phrase: str  # "" without a wake word: push-to-talk only


#: Opens the audio input for a runtime (on the worker); raises AudioError with a one-line reason.
OpenSource = Callable[[Runtime], tuple[FrameSource, str, Any]]
#: Builds the pipeline for a runtime (on the worker); the third value of OpenSource is its sink.
BuildPipeline = Callable[[Runtime, Any], Pipeline]


def microphone_opener(load_sounddevice: Callable[[], Any]) -> OpenSource:
    """The real microphone from the configured device, and sounddevice for spoken replies."""

    def open_microphone(runtime: Runtime) -> tuple[FrameSource, str, Any]:
        sd = load_sounddevice()
        source = MicrophoneSource(sd, runtime.config.audio.input_device or None)
        source.start()
        return source, source.device.name, SoundDeviceSink(sd)

    return open_microphone


def pipeline_builder(history: History | None) -> BuildPipeline:
    """The same pipeline as ``hearth listen`` (speech engine, VAD, wake word, replies)."""

    def build(runtime: Runtime, sink: Any) -> Pipeline:
        return build_voice(runtime, None, sink, history)

    return build


class PacedSource:
    """Frames from memory (a WAV file) at real-time pace, then silence until closed.

    The app's ``--voice-wav`` uses it in place of a microphone (screenshots, demos, tests): the
    pipeline cannot tell it from a person speaking into a microphone.
    """

    def __init__(self, frames: Iterable[np.ndarray], speed: float = 1.0) -> None:
        self._frames = frames
        self._speed = speed
        self._closed = threading.Event()

    def __iter__(self) -> Iterator[np.ndarray]:
        start = time.monotonic()
        played = 0.0
        frame = np.zeros(0, np.int16)
        for frame in self._frames:
            played += len(frame) / SAMPLE_RATE
            if self._wait(start + played / self._speed - time.monotonic()):
                return
            yield frame
        quiet = np.zeros(max(len(frame), 320), np.int16)
        while True:
            played += len(quiet) / SAMPLE_RATE
            if self._wait(start + played / self._speed - time.monotonic()):
                return
            yield quiet

    def _wait(self, seconds: float) -> bool:
        """Sleep until the frame is due; True when closed meanwhile."""
        if seconds > 0:
            return self._closed.wait(seconds)
        return self._closed.is_set()

    def close(self) -> None:
        self._closed.set()


class MutableSource:
    """Passes frames on, or drops them while muted; closing closes the source below."""

    def __init__(self, source: FrameSource, muted: threading.Event) -> None:
        self.source = source
        self._muted = muted

    def __iter__(self) -> Iterator[np.ndarray]:
        for frame in self.source:
            if not self._muted.is_set():
                yield frame

    def close(self) -> None:
        self.source.close()


class VoiceController(QObject):
    """Starts, drives and stops the pipeline for the bridge's current runtime."""

    loading = Signal()
    ready = Signal(object)  # VoiceParts
    failed = Signal(str)  # one line: why voice is not available
    stopped = Signal()

    def __init__(
        self,
        bridge: EngineBridge,
        open_source: OpenSource,
        build: BuildPipeline,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._open_source = open_source
        self._build = build
        self._muted = threading.Event()
        self._generation = 0
        self._closed = False
        self.parts: VoiceParts | None = None
        self.problem = ""
        bridge.runtime_ready.connect(self.start)
        bridge.runtime_reloading.connect(self.stop)
        bridge.closing.connect(self.close)

    @property
    def pipeline(self) -> Pipeline | None:
        return self.parts.pipeline if self.parts is not None else None

    @property
    def muted(self) -> bool:
        return self._muted.is_set()

    def start(self, runtime: Runtime) -> None:
        """Open the microphone and load the models on the worker, then run the pipeline."""
        self.stop()
        if self._closed:
            return
        generation = self._generation
        self.problem = ""
        open_source, build = self._open_source, self._build

        def work() -> VoiceParts:
            source, device, sink = open_source(runtime)
            try:
                pipeline = build(runtime, sink)
            except BaseException:
                source.close()
                raise
            wake = pipeline.wake.spec.phrase if pipeline.wake is not None else ""
            return VoiceParts(pipeline, source, device, wake)

        if self.bridge.submit_background(
            work, lambda parts: self._loaded(generation, parts), self._failed_for(generation)
        ):
            self.loading.emit()

    def _failed_for(self, generation: int) -> Callable[[str], None]:
        def failed(message: str) -> None:
            if generation == self._generation and not self._closed:
                self.problem = message
                self.failed.emit(message)

        return failed

    def _loaded(self, generation: int, parts: VoiceParts) -> None:
        if generation != self._generation or self._closed:
            parts.pipeline.close()  # the runtime it was built for is gone (reload or closing)
            parts.source.close()
            return
        try:
            parts.pipeline.start(MutableSource(parts.source, self._muted))
        except (AudioError, OSError, RuntimeError) as err:
            parts.source.close()
            parts.pipeline.close()
            self.problem = str(err)
            self.failed.emit(self.problem)
            return
        self.parts = parts
        self.ready.emit(parts)

    def push_to_talk(self, pressed: bool) -> None:
        pipeline = self.pipeline
        if pipeline is None:
            return
        if pressed:
            pipeline.push_to_talk_start()
        else:
            pipeline.push_to_talk_stop()

    def cancel(self) -> None:
        if self.pipeline is not None:
            self.pipeline.cancel()

    def set_muted(self, muted: bool) -> None:
        if muted:
            self._muted.set()
            self.cancel()  # a command half-heard before muting must not run
        else:
            self._muted.clear()

    def stop(self) -> None:
        """Stop the pipeline, its threads and the microphone (safe to call twice)."""
        self._generation += 1
        parts, self.parts = self.parts, None
        if parts is None:
            return
        parts.pipeline.close()  # closes the source, joins the reader and loop threads
        parts.source.close()
        self.stopped.emit()

    def close(self) -> None:
        """For good: also a load still running on the worker is dropped when it ends."""
        self._closed = True
        self.stop()
