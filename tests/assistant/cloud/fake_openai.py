"""A small real OpenAI chat-completions server on 127.0.0.1, scripted to answer or fail.

Tests push ``Script``s; each request takes the next one (or answers "Hello" when none is left).
It speaks what the SDK expects: a whole JSON completion, or server-sent events over chunked
transfer encoding when the request asks for ``stream``, with text and tool-call deltas. It can
fail in every way cloud help must survive: an HTTP error status, a malformed body, a slow
answer, a dropped connection, a stream cut off mid-way or one that never says it finished, a
server that never answers, one that trickles keep-alive bytes forever, and one whose answer is
far too big.
"""

from __future__ import annotations

import json
import select
import socket
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Mode(StrEnum):
    ANSWER = "answer"  # text and/or tool calls
    STATUS = "status"  # an HTTP error with an OpenAI-style error body
    MALFORMED = "malformed"  # 200 with a body that is not JSON
    SLOW = "slow"  # answers after ``delay_s`` (longer than the client's timeout)
    DROP = "drop"  # closes the connection without answering
    CUT = "cut"  # stream: some chunks, then the connection closes mid-body
    NO_FINISH = "no-finish"  # stream: a complete body that never gives a finish reason
    SILENT = "silent"  # reads the request and never answers (until the server stops)
    TRICKLE = "trickle"  # 200 and headers, then a keep-alive byte every ``delay_s``, forever
    TRICKLE_HEAD = "trickle-head"  # the status line and headers themselves, a byte at a time
    HUGE = "huge"  # a well-formed answer of ``size`` bytes, written as fast as the client reads


@dataclass(frozen=True)
class Script:
    mode: Mode = Mode.ANSWER
    text: str = ""
    calls: tuple[tuple[str, Any], ...] = ()
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    delay_s: float = 0.0
    size: int = 0

    @staticmethod
    def say(text: str) -> Script:
        return Script(text=text)

    @staticmethod
    def call(*calls: tuple[str, Any]) -> Script:
        """Tool calls as (function name, arguments); a str argument is sent as it is."""
        return Script(calls=calls)

    @staticmethod
    def fail(status: int, *headers: tuple[str, str]) -> Script:
        return Script(Mode.STATUS, status=status, headers=headers)


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    raw: bytes

    @property
    def body(self) -> dict[str, Any]:
        return json.loads(self.raw)


@dataclass
class FakeOpenAI:
    """Start with ``start()``; ``url`` is the base URL to configure; ``requests`` what came in."""

    requests: list[Received] = field(default_factory=list)
    scripts: list[Script] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    #: Bytes of answer body the server managed to write (the rest the client refused to read).
    sent: int = 0
    #: Connections the server saw end while it was still writing or waiting.
    hung_up: int = 0
    _server: _Server | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def push(self, *scripts: Script) -> None:
        self.scripts.extend(scripts)

    def next_script(self) -> Script:
        return self.scripts.pop(0) if self.scripts else Script.say("Hello")

    def start(self) -> FakeOpenAI:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (as Hearth does at a deadline) is expected, not an error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_fake: FakeOpenAI

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests assert on what was received instead."""

    def do_POST(self) -> None:
        fake = self.server_fake
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        fake.requests.append(
            Received(self.path, {k.lower(): v for k, v in self.headers.items()}, raw)
        )
        script = fake.next_script()
        if self.path != "/v1/chat/completions":
            self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
            return
        request = json.loads(raw)
        stream = bool(request.get("stream"))
        match script.mode:
            case Mode.STATUS:
                error = {"error": {"message": f"status {script.status}", "type": "error"}}
                self._json(script.status, error, script.headers)
            case Mode.MALFORMED:
                if stream:
                    self._chunked([b"data: {this is not json\n\n"])
                else:
                    self._send(200, b"{this is not json", "application/json")
            case Mode.SLOW:
                if not fake.stopping.wait(script.delay_s):
                    self._answer(script, request, stream)
            case Mode.DROP:
                self.close_connection = True
            case Mode.CUT:
                self._chunked(list(_events(script, request))[:2], finish=False)
            case Mode.NO_FINISH:
                events = [e for e in _events(script, request) if b'finish_reason":"' not in e]
                self._chunked([e for e in events if e != b"data: [DONE]\n\n"])
            case Mode.ANSWER:
                self._answer(script, request, stream)
            case Mode.SILENT:
                while not fake.stopping.wait(0.02):
                    if self._peer_gone():
                        fake.hung_up += 1
                        break
            case Mode.TRICKLE:
                self._trickle(script, stream)
            case Mode.TRICKLE_HEAD:
                self._trickle_head(script)
            case Mode.HUGE:
                self._huge(script, request, stream)

    def _peer_gone(self) -> bool:
        """The client closed its end (readable, and a peek finds no bytes)."""
        ready, _, _ = select.select([self.connection], [], [], 0)
        if not ready:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _trickle(self, script: Script, stream: bool) -> None:
        """Keep the client waiting with bytes that each reset a per-read timeout."""
        fake = self.server_fake
        self.send_response(200)
        if stream:
            self.send_header("content-type", "text/event-stream")
            self.send_header("transfer-encoding", "chunked")
        else:  # JSON allows any amount of leading whitespace
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(1 << 30))
        self.end_headers()
        beat = b": keep-alive\n\n" if stream else b" "
        frame = f"{len(beat):x}\r\n".encode() + beat + b"\r\n" if stream else beat
        try:
            while not fake.stopping.wait(script.delay_s):
                self.wfile.write(frame)
                self.wfile.flush()
        except OSError:
            fake.hung_up += 1
        self.close_connection = True

    def _trickle_head(self, script: Script) -> None:
        """Never finish the status line and headers: one byte every ``delay_s``."""
        fake = self.server_fake
        head = b"HTTP/1.1 200 OK\r\n" + b"x-padding: " + b"a" * 100_000
        try:
            for byte in head:
                if fake.stopping.wait(script.delay_s):
                    break
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
        except OSError:
            fake.hung_up += 1
        self.close_connection = True

    def _huge(self, script: Script, request: dict[str, Any], stream: bool) -> None:
        """An answer of about ``size`` bytes, made as it is written (the server holds little)."""
        fake = self.server_fake
        self.send_response(200)
        if stream:
            self.send_header("content-type", "text/event-stream")
            self.send_header("transfer-encoding", "chunked")
            event = list(_events(Script.say("la"), request))[1]
            batch = (f"{len(event):x}\r\n".encode() + event + b"\r\n") * (65536 // len(event))
            head, tail = b"", b"0\r\n\r\n"
            count = max(1, script.size // len(batch))
        else:  # one message whose content is "la la la …"
            marker = "@@FILL@@"
            text = json.dumps(_completion(Script.say(marker), request))
            before, after = (part.encode() for part in text.split(marker))
            batch = b"la " * (65536 // 3)
            count = max(1, script.size // len(batch))
            length = len(before) + count * len(batch) + len(after)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(length))
            head, tail = before, after
        self.end_headers()
        try:
            self.wfile.write(head)
            for _ in range(count):
                if fake.stopping.is_set():
                    break
                self.wfile.write(batch)
                fake.sent += len(batch)
            self.wfile.write(tail)
        except OSError:
            fake.hung_up += 1
        self.close_connection = True

    def _answer(self, script: Script, request: dict[str, Any], stream: bool) -> None:
        if stream:
            self._chunked(list(_events(script, request)))
        else:
            self._json(200, _completion(script, request))

    def _json(
        self, status: int, data: dict[str, Any], headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        self._send(status, json.dumps(data).encode(), "application/json", headers)

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _chunked(self, events: list[bytes], finish: bool = True) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        for event in events:
            self.wfile.write(f"{len(event):x}\r\n".encode() + event + b"\r\n")
            self.wfile.flush()
        if finish:
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.close_connection = True  # mid-body: the client sees an incomplete chunked body


def _arguments(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _completion(script: Script, request: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": script.text or None}
    if script.calls:
        message["tool_calls"] = [
            {
                "id": f"call_{i}",
                "type": "function",
                "function": {"name": name, "arguments": _arguments(args)},
            }
            for i, (name, args) in enumerate(script.calls)
        ]
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": request.get("model", "test"),
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if script.calls else "stop",
            }
        ],
    }


def _events(script: Script, request: dict[str, Any]) -> Iterator[bytes]:
    """The answer as SSE events: text word by word, each tool call in three pieces."""

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        data = {
            "id": "chatcmpl-test",
            "object": "chat.completion.chunk",
            "created": 1_700_000_000,
            "model": request.get("model", "test"),
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(data, separators=(',', ':'))}\n\n".encode()

    yield chunk({"role": "assistant", "content": ""})
    for word in script.text.split(" ") if script.text else ():
        yield chunk({"content": word + " "})
    for i, (name, args) in enumerate(script.calls):
        text = _arguments(args)
        half = len(text) // 2
        start = {"index": i, "id": f"call_{i}", "type": "function"}
        yield chunk({"tool_calls": [{**start, "function": {"name": name, "arguments": ""}}]})
        yield chunk({"tool_calls": [{"index": i, "function": {"arguments": text[:half]}}]})
        yield chunk({"tool_calls": [{"index": i, "function": {"arguments": text[half:]}}]})
    yield chunk({}, "tool_calls" if script.calls else "stop")
    yield b"data: [DONE]\n\n"
