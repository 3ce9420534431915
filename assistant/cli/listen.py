"""`hearth listen`: the flags, and the hand-over to the voice code (assistant/listen.py).

``--wav FILE`` alone is one recorded command (assistant/wav_command.py); the microphone and
``--wav FILE --stream`` run the live pipeline.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from assistant.cli.common import InputError, Subparsers, add_common, logged, runtime_for


def add_parser(sub: Subparsers) -> None:
    listen = sub.add_parser(
        "listen", help="voice commands: the microphone with the wake word, or a recording"
    )
    add_common(listen)
    listen.add_argument("--wav", metavar="FILE", help="a recorded command (WAV/FLAC, any format)")
    listen.add_argument(
        "--stream",
        action="store_true",
        help="with --wav: play a long recording through the live pipeline (wake word needed)",
    )
    listen.add_argument(
        "--speed",
        type=float,
        default=0.0,
        help="with --stream: times real time (0: as fast as possible)",
    )
    listen.add_argument("--json", action="store_true", help="JSON output")
    listen.add_argument("--engine", help="speech engine (default: from the config)")
    listen.add_argument("--device", help="microphone name or index (default: the system's)")
    listen.add_argument("--area", help="the room you are in ('this room')")


def run(args: argparse.Namespace) -> int:
    if args.stream and not args.wav:
        raise InputError("--stream plays a recording: give it with --wav FILE")
    # Imported here: the speech stack (onnxruntime, CTranslate2) is only loaded when listening.
    from assistant import wav_command
    from assistant.audio import AudioError
    from assistant.speech import SpeechError

    runtime = runtime_for(args)
    try:
        if args.wav and not args.stream:
            with logged(runtime):  # the streaming listener logs its own turns
                return wav_command.listen_wav_once(args, runtime)
        from assistant import listen

        if args.engine:
            runtime.config = replace(
                runtime.config, speech=replace(runtime.config.speech, engine=args.engine, model="")
            )
        return listen.run_listen(args, runtime)
    except (wav_command.WavCommandError, AudioError, SpeechError) as err:
        raise InputError(str(err)) from None
    finally:
        runtime.close()
