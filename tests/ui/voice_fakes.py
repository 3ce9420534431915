"""A stand-in voice pipeline and input for window tests that need voice "running" without models."""

from __future__ import annotations

import threading
from typing import Any

from assistant.events import PipelineState
from assistant.runtime import Runtime
from ui.voice import PacedSource


class FakePipeline:
    """Records what the window asks of the pipeline; has no wake word and no threads."""

    wake = None

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.state = PipelineState.IDLE
        self.source: Any = None

    def start(self, source: Any = None) -> None:
        self.calls.append("start")
        self.source = source

    def push_to_talk_start(self) -> None:
        self.calls.append("ptt-start")

    def push_to_talk_stop(self) -> None:
        self.calls.append("ptt-stop")

    def cancel(self) -> None:
        self.calls.append("cancel")

    def close(self) -> None:
        self.calls.append("close")


def silent_input(_runtime: Runtime) -> tuple[PacedSource, str, None]:
    """The microphone's stand-in: silence at real-time pace until closed."""
    return PacedSource(iter(()), speed=1.0), "test input", None


class BlockedBuild:
    """A pipeline build that waits on ``release`` (speech models still loading)."""

    def __init__(self, pipeline: FakePipeline) -> None:
        self.pipeline = pipeline
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, _runtime: Runtime, _sink: Any) -> FakePipeline:
        self.started.set()
        self.release.wait(30)
        return self.pipeline
