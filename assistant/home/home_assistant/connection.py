"""One WebSocket link to Home Assistant, kept alive on one private thread.

Hearth's engine runs on threads; ``hass-client`` is asyncio. The client and its event loop live
on a single daemon thread (``hearth-home-assistant``) and the engine reaches them only through
``Connection.call``, which hands a coroutine to that loop and waits with a deadline — so no call
can hang a voice turn, and no engine thread ever touches the client.

The link supervises itself: when it drops it is re-opened with exponential backoff (1 s, 2 s,
4 s, … at most 30 s), and every change is reported as a ``ConnectionState`` (connected,
reconnecting, failed) with one line saying why. A refused token is not retried (it will not
get better by itself) until ``retry_now``. While not connected, ``call`` answers at once with
"Home Assistant isn't reachable".
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from assistant.events import ConnectionState
from assistant.home.backend import BackendError

_LOGGER = logging.getLogger(__name__)
T = TypeVar("T")

Client = Any  # hass_client.HomeAssistantClient: imported lazily (the optional "home" extra)
OnConnected = Callable[[Client], Awaitable[None]]
OnState = Callable[[ConnectionState, str], None]

NOT_REACHABLE = "Home Assistant isn't reachable"


class ConnectionRefused(BackendError):
    """The server said no for good (a wrong or revoked token): retrying will not help."""


@dataclass(frozen=True)
class Settings:
    """Where the server is and how long anything may take."""

    url: str
    token: str
    verify_tls: bool = True
    timeout_s: float = 10.0
    backoff_initial_s: float = 1.0
    backoff_max_s: float = 30.0


def websocket_url(url: str) -> str:
    """``http://host:8123`` → ``ws://host:8123/api/websocket`` (https → wss).

    hass-client's own helper replaces every "http" in the text (a host called "myhttp" too),
    so the scheme is swapped here, alone.
    """
    parts = urlsplit(url.strip())
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    if scheme not in ("ws", "wss") or not parts.netloc:
        raise BackendError(
            f"home_assistant.url must be like http://homeassistant.local:8123, not {url!r}"
        )
    path = parts.path.rstrip("/")
    if not path.endswith("/api/websocket"):
        path = (path if path.endswith("/api") else path + "/api") + "/websocket"
    return urlunsplit((scheme, parts.netloc, path, "", ""))


def describe(error: BaseException, timeout_s: float) -> str:
    """One line for why a connection attempt or a call failed, without the library's noise."""
    import aiohttp
    from hass_client import exceptions as hass

    inner = getattr(error, "error", None) or error.__cause__ or error
    if isinstance(error, hass.AuthenticationFailed):
        return f"refused the token ({error}); store a new one: hearth home set-token"
    if isinstance(error, TimeoutError | asyncio.TimeoutError):
        return f"no answer within {timeout_s:g} s"
    if isinstance(inner, aiohttp.ClientConnectorCertificateError):
        return (
            "its TLS certificate was not accepted (for a self-signed one: "
            "hearth config set home_assistant.verify_tls false)"
        )
    if isinstance(inner, aiohttp.ClientSSLError):
        return "the TLS handshake failed (if the server has no https, use an http:// address)"
    if isinstance(inner, aiohttp.WSServerHandshakeError):
        return f"no Home Assistant WebSocket API there (HTTP {inner.status})"
    if isinstance(inner, aiohttp.ClientConnectorError):
        number = inner.os_error.errno
        reason = os.strerror(number) if number else inner.os_error.strerror or "cannot connect"
        return reason[:1].lower() + reason[1:] if reason else "cannot connect"
    if isinstance(error, hass.FailedCommand):
        admin = " (the token must be an administrator's)" if "nauthorized" in str(error) else ""
        return f"refused a request: {error}{admin}"
    if isinstance(error, hass.ConnectionFailed | hass.NotConnected | ConnectionError):
        return "the connection dropped"
    if isinstance(error, hass.InvalidMessage | KeyError | TypeError | ValueError):
        return "it did not answer like Home Assistant"
    return str(error).splitlines()[0] if str(error) else type(error).__name__


class Connection:
    """The supervised link: ``start`` it, ``call`` through it, ``close`` it."""

    def __init__(self, settings: Settings, on_connected: OnConnected, on_state: OnState) -> None:
        self.settings = settings
        self._ws_url = websocket_url(settings.url)
        self._on_connected = on_connected
        self._on_state = on_state
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="hearth-home-assistant", daemon=True
        )
        self._client: Client | None = None
        self.version = ""  # the server's, once connected
        self._state = ConnectionState.RECONNECTING
        self._message = "connecting"
        self._first = threading.Event()
        self._first_error: BackendError | None = None
        self._closing = False
        self._wake: asyncio.Event | None = None  # retry now (or stop)
        self._stop: asyncio.Event | None = None  # close: leave a working link too
        self._supervisor: concurrent.futures.Future[None] | None = None

    # -- engine side (any thread) ----------------------------------------------------------------

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def message(self) -> str:
        return self._message

    @property
    def client(self) -> Client | None:
        """The connected client (use it only on the link's thread), or None."""
        return self._client

    def start(self) -> None:
        """Connect; BackendError (one line) unless the first attempt succeeds in time."""
        self._thread.start()
        self._supervisor = asyncio.run_coroutine_threadsafe(self._supervise(), self._loop)
        # The first attempt: connecting, authenticating and the caller's sync each have a deadline.
        if not self._first.wait(self.settings.timeout_s * 3 + 1):
            self.close()
            raise BackendError(f"{self._where()}: no answer within {self.settings.timeout_s:g} s")
        if self._first_error is not None:
            self.close()
            raise self._first_error

    def call(self, work: Callable[[Client], Awaitable[T]], timeout_s: float | None = None) -> T:
        """Run ``work(client)`` on the connection's loop; its result, or BackendError in time."""
        if threading.current_thread() is self._thread:
            raise BackendError("a Home Assistant call was made from its own thread")
        client = self._client
        if client is None or self._state is not ConnectionState.CONNECTED:
            raise BackendError(f"{NOT_REACHABLE} ({self._message})")
        limit = self.settings.timeout_s if timeout_s is None else timeout_s

        async def bounded() -> T:
            return await asyncio.wait_for(work(client), limit)

        future = asyncio.run_coroutine_threadsafe(bounded(), self._loop)
        try:
            return future.result(limit + 1.0)
        except (TimeoutError, concurrent.futures.TimeoutError):
            future.cancel()
            raise BackendError(
                f"Home Assistant didn't answer within {limit:g} s; it may still carry it out"
            ) from None
        except concurrent.futures.CancelledError:
            raise BackendError(
                "the connection to Home Assistant dropped before an answer"
            ) from None
        except BackendError:
            raise
        except Exception as err:  # noqa: BLE001 - any library error becomes one line
            raise BackendError(f"Home Assistant: {describe(err, limit)}") from None

    def retry_now(self) -> None:
        """Skip the rest of the backoff (or retry after a refused token): try to connect now."""
        if self._state is not ConnectionState.CONNECTED and not self._closing:
            self._loop.call_soon_threadsafe(self._poke)

    def close(self) -> None:
        """Disconnect and stop the thread (waits a bounded time)."""
        if self._closing:
            return
        self._closing = True
        if not self._thread.is_alive():
            self._loop.close()
            return
        self._loop.call_soon_threadsafe(self._poke)
        if self._supervisor is not None:
            try:
                self._supervisor.result(self.settings.timeout_s + 2)
            except Exception:
                _LOGGER.debug("Home Assistant supervisor ended badly", exc_info=True)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self._loop.close()

    # -- loop side --------------------------------------------------------------------------------

    def _where(self) -> str:
        return f"{NOT_REACHABLE} at {self.settings.url}"

    def _failure(self, reason: str) -> str:
        """ "Home Assistant at URL refused …" when it answered no, else "… isn't reachable at"."""
        if reason.startswith("refused"):
            return f"Home Assistant at {self.settings.url} {reason}"
        return f"{self._where()}: {reason}"

    def _poke(self) -> None:
        if self._wake is not None:
            self._wake.set()
        if self._closing and self._stop is not None:
            self._stop.set()

    def _set_state(self, state: ConnectionState, message: str) -> None:
        changed = (state, message) != (self._state, self._message)
        self._state, self._message = state, message
        if changed:
            self._on_state(state, message)

    async def _supervise(self) -> None:
        from hass_client.exceptions import AuthenticationFailed

        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        if self._closing:
            self._stop.set()
        delay = self.settings.backoff_initial_s
        while not self._closing:
            reason = "the connection closed"
            refused = False
            try:
                await self._connect_once()
            except AuthenticationFailed as err:
                reason, refused = describe(err, self.settings.timeout_s), True
            except Exception as err:  # noqa: BLE001 - any failure means: try again later
                reason = describe(err, self.settings.timeout_s)
            if self._state is ConnectionState.CONNECTED:
                delay = self.settings.backoff_initial_s  # it worked for a while: start over
            if not self._first.is_set():
                error = ConnectionRefused if refused else BackendError
                self._first_error = error(self._failure(reason))
                self._first.set()
                return
            if self._closing:
                break
            if refused:
                self._set_state(ConnectionState.FAILED, reason)
                await self._wake.wait()
            else:
                self._set_state(ConnectionState.RECONNECTING, f"{reason}; retrying in {delay:g} s")
                try:
                    await asyncio.wait_for(self._wake.wait(), delay)
                except TimeoutError:
                    pass
                delay = min(delay * 2, self.settings.backoff_max_s)
            self._wake.clear()
        self._state, self._message = ConnectionState.FAILED, "closed"  # nobody to tell: closing

    async def _connect_once(self) -> None:
        """Open, authenticate, let the owner subscribe and sync, then serve until the link drops."""
        from hass_client import HomeAssistantClient

        client = HomeAssistantClient(self._ws_url, self.settings.token)
        listener: asyncio.Task[None] | None = None
        try:
            await asyncio.wait_for(
                client.connect(ssl=self.settings.verify_tls),
                self.settings.timeout_s,
            )
            listener = asyncio.create_task(client.start_listening())
            await asyncio.wait_for(self._on_connected(client), self.settings.timeout_s * 2)
            self._client = client
            self.version = str(client.version or "")
            self._set_state(
                ConnectionState.CONNECTED, f"connected to Home Assistant {client.version}"
            )
            self._first.set()
            assert self._stop is not None
            closing = asyncio.create_task(self._stop.wait())
            await asyncio.wait([listener, closing], return_when=asyncio.FIRST_COMPLETED)
            closing.cancel()
            if listener.done() and (error := listener.exception()) is not None:
                raise error
        finally:
            self._client = None
            try:
                await asyncio.wait_for(client.disconnect(), self.settings.timeout_s)
            except Exception:
                _LOGGER.debug("Home Assistant disconnect failed", exc_info=True)
            if listener is not None:
                listener.cancel()
                await asyncio.gather(listener, return_exceptions=True)
