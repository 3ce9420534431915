"""HTTP for cloud help: one deadline per sentence that holds, a cap on the answer, nothing sent late.

Why the SDK's own timeouts cannot bound a request: httpx's timeouts are per operation (connect,
each read, each write, waiting for the pool), so a server that sends one keep-alive byte every few
seconds resets the read timeout forever, and name resolution is not bounded by them at all. The
SDK's retries are off; Hearth's own retries each began with the full timeout, so three silent
attempts cost three timeouts and the pauses between them.

So every attempt here runs on its own daemon thread with its own client and its own connection:

* the caller waits at most until the deadline, then *abandons* the attempt: the connection is shut
  down (a read blocked in the kernel returns at once, whoever holds the socket) and nothing more
  may be sent: a connection that completes later is shut before the request can go out;
* the transport counts the answer's bytes and stops reading past ``MAX_REPLY_BYTES`` (a chat
  answer of a few hundred tokens is a few kilobytes; streamed, some tens), and asks for an
  uncompressed answer so the count is what the client will hold;
* the transport sees the connection made and the request about to go (httpcore's trace hook),
  so that is where the caller learns what is being sent (``Attempt.sending``): the egress log's
  row is written there, before a byte of the request leaves, never for a server that could not
  be reached, and never for an attempt already given up.

This module knows nothing of OpenAI or of the egress log; ``assistant.cloud`` wires it up.
"""

from __future__ import annotations

import socket
import threading
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

try:  # the SDK's HTTP library: httpx2 in current releases, httpx before
    import httpx2 as http_lib
except ImportError:  # pragma: no cover - depends on the installed SDK generation
    import httpx as http_lib  # type: ignore[no-redef]

MAX_REPLY_BYTES = 1_000_000

T = TypeVar("T")


class ReplyRefused(Exception):
    """The answer was stopped while being read; the message is short and safe to log."""


class ReplyTooLarge(ReplyRefused):
    """The answer went past the size cap; reading stopped there."""


class Abandoned(Exception):
    """The attempt was given up at the deadline; it may not connect or send any more."""


class DeadlinePassed(Exception):
    """No complete answer before the deadline (raised in the caller's thread)."""


@dataclass(frozen=True)
class Sent:
    """What an attempt put on the wire: the host, the exact body and what ``on_send`` returned."""

    host: str
    body: bytes
    token: Any


class Attempt:
    """One HTTP attempt, shared between the caller (who may abandon it) and its worker thread.

    ``on_send(host, body)`` runs in the worker just before the request leaves, under this
    attempt's lock, so it either happens before the attempt is abandoned (and the caller sees
    its result in ``sent``) or not at all. If it raises, nothing is sent.
    """

    def __init__(self, on_send: Callable[[str, bytes], Any]) -> None:
        self._on_send = on_send
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._abandoned = False
        self._sent: Sent | None = None

    @property
    def sent(self) -> Sent | None:
        with self._lock:
            return self._sent

    def sending(self, host: str, body: bytes) -> None:
        """The worker is connected and about to send ``body`` to ``host``.

        Raises Abandoned if that is too late. Called again (a proxy's CONNECT comes first), it
        changes nothing: the first call was already before anything of the body left.
        """
        with self._lock:
            if self._abandoned:
                raise Abandoned("the deadline passed before the request was sent")
            if self._sent is None:
                self._sent = Sent(host, body, self._on_send(host, body))

    def connected(self, sock: socket.socket) -> None:
        """A connection was opened for this attempt; keep a handle that can shut it down.

        A duplicate of the descriptor is kept because TLS wraps (and detaches) the original
        socket object; shutting down any descriptor of a connection ends it for all of them.
        """
        handle = sock.dup()
        with self._lock:
            if not self._abandoned:
                self._sockets.append(handle)
                return
        _shut(handle)
        raise Abandoned("the deadline passed while connecting")

    def abandon(self) -> Sent | None:
        """Give up: shut every connection of this attempt; what was sent, if anything."""
        with self._lock:
            self._abandoned = True
            sockets, self._sockets = self._sockets, []
            sent = self._sent
        for sock in sockets:
            _shut(sock)
        return sent

    def release(self) -> None:
        """The attempt is over (the worker closed its client): drop the duplicate handles."""
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed by the peer or by the worker
    sock.close()


class _CappedStream(http_lib.SyncByteStream):
    """The answer's bytes, counted; past ``limit`` reading stops with ReplyTooLarge."""

    def __init__(self, inner: Any, limit: int) -> None:
        self._inner = inner
        self._limit = limit

    def __iter__(self) -> Iterator[bytes]:
        seen = 0
        for part in self._inner:
            seen += len(part)
            if seen > self._limit:
                raise ReplyTooLarge(f"the answer was larger than {self._limit // 1000} kB")
            yield part

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


class GuardedTransport(http_lib.BaseTransport):
    """The default transport with the attempt's bookkeeping around it (see the module doc)."""

    def __init__(self, attempt: Attempt, inner: Any, max_bytes: int = MAX_REPLY_BYTES) -> None:
        self.attempt = attempt
        self.inner = inner
        self.max_bytes = max_bytes

    def handle_request(self, request: Any) -> Any:
        # The SDK's platform headers say nothing the service needs; they are not sent.
        for name in [n for n in request.headers if n.lower().startswith("x-stainless")]:
            del request.headers[name]
        request.headers["accept-encoding"] = "identity"
        request.headers["connection"] = "close"  # one connection per attempt, closed after it
        host, body = str(request.url.host), bytes(request.read())

        def trace(event: str, info: dict[str, Any]) -> None:
            """httpcore's trace hook: new connections, and the moment before the request goes."""
            if event.endswith(("connect_tcp.complete", "connect_unix_socket.complete")):
                stream = info.get("return_value")
                sock = stream.get_extra_info("socket") if stream is not None else None
                if isinstance(sock, socket.socket):
                    self.attempt.connected(sock)
            elif event.endswith("send_request_headers.started"):
                self.attempt.sending(host, body)

        request.extensions = {**request.extensions, "trace": trace}
        response = self.inner.handle_request(request)
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            response.close()
            raise ReplyRefused(f"a {encoding[:20]}-compressed answer, though none was asked for")
        return http_lib.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_CappedStream(response.stream, self.max_bytes),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self.inner.close()


def proxy_for(url: str) -> str | None:
    """The proxy the environment asks for (HTTPS_PROXY, NO_PROXY, …), or None.

    Read once here because the client is built with ``trust_env=False``: a proxy mounted by the
    client from the environment would bypass this module's transport.
    """
    parts = urlsplit(url)
    proxy = urllib.request.getproxies().get(parts.scheme)
    if not proxy or urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return proxy


def run_until(work: Callable[[], T], attempt: Attempt, timeout_s: float) -> T:
    """``work()`` on a daemon thread; after ``timeout_s`` the attempt is abandoned.

    Raises DeadlinePassed then, without waiting for the worker: its connection is shut, so it
    ends on its own moments later (a name lookup ends when the resolver gives up, and finds the
    attempt abandoned before it can connect).
    """
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["value"] = work()
        except Exception as err:  # noqa: BLE001 - handed to the caller's thread as it is
            box["error"] = err
        finally:
            done.set()

    threading.Thread(target=run, name="hearth-cloud-request", daemon=True).start()
    try:
        finished = done.wait(max(0.0, timeout_s))
    except BaseException:  # Ctrl+C while waiting: the request must not outlive it
        attempt.abandon()
        raise
    if not finished:
        attempt.abandon()
        raise DeadlinePassed(f"no complete answer within {timeout_s:.1f} s")
    if "error" in box:
        raise box["error"]
    if "value" not in box:  # the worker thread was ended by something that is not an error
        raise Abandoned("the request ended without an answer")
    return box["value"]
