"""`hearth listen` (microphone, or a long WAV through the live pipeline) and `hearth history`.

The command logic lives here so ``cli.py`` only parses; the pipeline comes from
``runtime.build_voice``, as the GUI's does, so what the CLI shows is what the app does.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO

from assistant import config as config_module
from assistant.audio.file import FileSource
from assistant.events import (
    ActionsExecuted,
    AudioLevel,
    Cancelled,
    ConfirmationRequested,
    ErrorEvent,
    Event,
    PipelineState,
    Reply,
    Transcript,
    UtteranceTimings,
    WakeDetected,
    WakeRejected,
)
from assistant.history import History, open_history
from assistant.runtime import Runtime, VoiceModels, build_voice, load_voice_models

MAX_STREAM_FILE_S = 4 * 3600.0
"""A streamed file may be a whole recorded evening; one-shot files stay short."""


class EventPrinter:
    """Events as lines for people (or JSON lines for programs), with a live level line."""

    def __init__(
        self, out: TextIO, as_json: bool, clock: Callable[[], float], progress: bool
    ) -> None:
        self.out = out
        self.as_json = as_json
        self.clock = clock
        self.progress = progress and not as_json
        self._lock = threading.Lock()
        self._line_open = False

    def __call__(self, event: Event) -> None:
        with self._lock:
            if isinstance(event, AudioLevel):
                self._level(event)
                return
            if self.as_json:
                line = self._json(event)
            else:
                line = self._text(event)
            if line is None:
                return
            if self._line_open:
                self.out.write("\r\033[K")
                self._line_open = False
            self.out.write(line + "\n")
            self.out.flush()

    def _json(self, event: Event) -> str | None:
        if not isinstance(
            event,
            WakeDetected
            | WakeRejected
            | Transcript
            | ActionsExecuted
            | Reply
            | UtteranceTimings
            | ErrorEvent
            | Cancelled
            | ConfirmationRequested,
        ):
            return None
        if isinstance(event, Transcript) and not event.final:
            return None
        record = event.to_event()
        record["at_s"] = round(self.clock(), 3)
        return json.dumps(record, ensure_ascii=False)

    def _text(self, event: Event) -> str | None:
        at = f"[{self.clock():7.2f}s]"
        match event:
            case WakeDetected():
                return f"{at} wake word {event.word} ({event.probability:.2f})"
            case WakeRejected():
                return f"{at} not the wake word (heard: {event.heard or '…'})"
            case Transcript(final=False):
                return f"{at}   … {event.text}" if self.progress else None
            case Transcript():
                return f"{at} heard: {event.text}"
            case ActionsExecuted(pending=True):
                return None
            case ActionsExecuted():
                done = ", ".join(f"{a['device']} {a['action']}" for a in event.actions)
                return f"{at} did: {done or 'nothing'}"
            case Reply():
                return f"{at} » {event.text}"
            case UtteranceTimings():
                how = "early" if event.early else event.ended_by
                return f"{at}   latency {event.latency_ms:.0f} ms ({how})"
            case ErrorEvent():
                return f"{at} error {event.code}: {event.message}"
            case Cancelled(reason="no-speech"):
                return f"{at} (no command heard)"
            case Cancelled():
                return f"{at} cancelled ({event.reason})"
        return None

    def _level(self, event: AudioLevel) -> None:
        if not self.progress:
            return
        bar = "█" * int(event.level * 20)
        label = {PipelineState.IDLE: "waiting for wake word"}.get(event.state, event.state.value)
        self.out.write(f"\r\033[K{label:<22} {bar:<20}{' speech' if event.speech else ''}")
        self.out.flush()
        self._line_open = True


def run_listen(args: argparse.Namespace, runtime: Runtime, out: TextIO | None = None) -> int:
    """`hearth listen` on the microphone, or `--wav FILE --stream` through the same pipeline."""
    out = out or sys.stdout  # looked up now: tests and callers may swap sys.stdout
    parts = load_voice_models(runtime)
    history = open_history(config_module.data_dir(), runtime.config.history)
    history.attach(runtime.bus)
    try:
        if args.wav:
            return _stream_file(args, runtime, parts, history, out)
        return _microphone(args, runtime, parts, history, out)
    finally:
        history.close()


def _stream_file(
    args: argparse.Namespace,
    runtime: Runtime,
    parts: VoiceModels,
    history: History,
    out: TextIO,
) -> int:
    source = FileSource(args.wav, max_duration_s=MAX_STREAM_FILE_S)
    pipeline = build_voice(runtime, parts, None, history)
    sim = pipeline.simulate(speed=float(args.speed))
    printer = EventPrinter(out, args.json, lambda: sim.now, progress=False)
    runtime.bus.subscribe(printer)
    summary = {"wakes": 0, "rejected": 0, "commands": 0, "actions": 0, "errors": 0}

    def count(event: Event) -> None:
        if isinstance(event, WakeDetected):
            summary["wakes"] += 1
        elif isinstance(event, WakeRejected):
            summary["rejected"] += 1
        elif isinstance(event, UtteranceTimings):
            summary["commands"] += 1
        elif isinstance(event, ActionsExecuted) and not event.pending:
            summary["actions"] += len(event.actions)
        elif isinstance(event, ErrorEvent):
            summary["errors"] += 1

    runtime.bus.subscribe(count)
    for frame in source:
        sim.feed_frame(frame)
    sim.finish()
    pipeline.close()
    if args.json:
        print(json.dumps({"type": "summary", "data": summary, "audio_s": sim.audio_s}), file=out)
    else:
        print(
            f"{sim.audio_s:.1f} s of audio: {summary['wakes']} wake words "
            f"({summary['rejected']} rejected), "
            f"{summary['commands']} commands, {summary['actions']} actions, "
            f"{summary['errors']} errors",
            file=out,
        )
    return 0


def _microphone(
    args: argparse.Namespace,
    runtime: Runtime,
    parts: VoiceModels,
    history: History,
    out: TextIO,
) -> int:
    from assistant.audio.microphone import MicrophoneSource, load_sounddevice
    from assistant.tts import SoundDeviceSink

    sd = load_sounddevice()
    device = args.device if getattr(args, "device", None) else runtime.config.audio.input_device
    source = MicrophoneSource(sd, device or None)
    pipeline = build_voice(runtime, parts, SoundDeviceSink(sd), history)
    start = time.monotonic()
    printer = EventPrinter(out, args.json, lambda: time.monotonic() - start, progress=out.isatty())
    runtime.bus.subscribe(printer)
    spec = pipeline.wake.spec if pipeline.wake is not None else None
    if spec is not None and not args.json:
        print(
            f"Listening on {source.device.name}. Say “{spec.phrase}”, then a command. "
            "Ctrl+C stops.",
            file=out,
        )
    with source:
        pipeline.start(source)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            pipeline.close()
    if not args.json:
        print(file=out)
    return 0


def run_history(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """`hearth history`: the latest turns, newest first; `--clear` forgets them all."""
    out = out or sys.stdout  # looked up now: tests and callers may swap sys.stdout
    config = config_module.load(getattr(args, "config", None))
    history = open_history(config_module.data_dir(), config.history)
    try:
        if args.clear:
            removed = history.clear()
            print(f"Cleared {removed} entries from the history.", file=out)
            return 0
        entries = history.latest(args.n)
        if args.json:
            for entry in entries:
                print(json.dumps(entry.to_dict(), ensure_ascii=False), file=out)
            return 0
        if not entries:
            print("The history is empty.", file=out)
            return 0
        for entry in entries:  # newest first, as --help and the window show it
            print(_history_line(entry.to_dict()), file=out)
        return 0
    finally:
        history.close()


def _history_line(entry: dict[str, Any]) -> str:
    actions = ", ".join(f"{a['device']} {a['action']}" for a in entry["actions"]) or "-"
    latency = f" {entry['latency_ms']:.0f} ms" if entry["latency_ms"] is not None else ""
    return (
        f"{entry['at']}  {entry['channel']:<5} “{entry['text']}” → {entry['intent'] or '?'}"
        f" [{actions}] » {entry['response']} ({entry['source'] or '-'}{latency})"
    )
