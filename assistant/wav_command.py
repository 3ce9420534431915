"""`hearth listen --wav FILE`: one spoken command from a file, through VAD, ASR and the text path.

No wake word is needed: the file is the command. The JSON is the text path's contract plus the
audio stages' timings, so scripts treat typed and spoken commands alike.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from typing import Any, TextIO

from assistant.audio import AudioError
from assistant.events import Transcript, new_turn_id
from assistant.runtime import Runtime
from assistant.speech import SpeechError, get_engine
from assistant.speech.hint import home_hint
from assistant.speech.transcribe import transcribe_file

NO_SPEECH_REPLY = "I didn't hear a command in that recording"


class WavCommandError(ValueError):
    """An unreadable recording or an engine that cannot load; one line for the user."""


def listen_wav_once(args: argparse.Namespace, runtime: Runtime, out: TextIO | None = None) -> int:
    out = out or sys.stdout  # looked up now: tests and callers may swap sys.stdout
    result = run_wav(runtime, args.wav, getattr(args, "engine", None))
    if args.json:
        print(json.dumps(result, ensure_ascii=False), file=out, flush=True)
    else:
        heard = f"“{result['text']}”" if result["text"] else "(no speech)"
        print(f"heard {heard}\n» {result['response']}", file=out, flush=True)
    return 0


def run_wav(runtime: Runtime, path: str, engine_name: str | None = None) -> dict[str, Any]:
    """Transcribe one recorded command and carry it out; returns the JSON contract's object."""
    speech = runtime.config.speech
    if engine_name and engine_name != speech.engine:
        speech = replace(speech, engine=engine_name, model="")
    try:
        engine = get_engine(speech.engine, speech)
        engine.load()
    except SpeechError as err:
        raise WavCommandError(str(err)) from None
    # Pay the intent engine's one-time start-up cost first, so timings show a warm assistant.
    runtime.conversation.warm_up()
    try:
        # The hint is English command shapes; other languages decode unbiased.
        hint = home_hint(runtime.backend.home()) if speech.language == "en" else None
        utterance = transcribe_file(path, engine, runtime.config.vad, hint)
    except AudioError as err:
        raise WavCommandError(str(err)) from None
    except SpeechError as err:
        raise WavCommandError(str(err)) from None
    vad_ms = round(float(utterance.timings_ms.get("vad", 0.0)), 2)
    asr_ms = round(float(utterance.timings_ms.get("asr", 0.0)), 2)
    if not utterance.has_speech or not utterance.text.strip():
        return {
            "text": "",
            "intent": None,
            "slots": {},
            "actions": [],
            "response": NO_SPEECH_REPLY,
            "source": None,
            "timings_ms": {
                "vad": vad_ms,
                "asr": asr_ms,
                "intent": 0.0,
                "action": 0.0,
                "total": round(vad_ms + asr_ms, 2),
            },
            "engine": utterance.engine,
        }
    # The words as heard, as the live pipeline reports them: the history logs a voice turn.
    with runtime.bus.turn(new_turn_id("u")):  # one turn id from the words to the history row
        runtime.bus.publish(Transcript(utterance.text, final=True))
        data = runtime.conversation.handle(utterance.text, asr_ms=asr_ms).to_dict()
    timings = data["timings_ms"]
    timings["total"] = round(timings["total"] + vad_ms, 2)
    data["timings_ms"] = {"vad": vad_ms, **timings}
    data["engine"] = utterance.engine
    data["asr_confidence"] = round(float(utterance.confidence), 3)
    return data
