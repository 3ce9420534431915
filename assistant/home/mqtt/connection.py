"""One paho-mqtt client with its network loop on its own thread, and bounded waits around it.

paho (2.x, ``CallbackAPIVersion.VERSION2``) reconnects by itself with exponential backoff; this
wrapper re-subscribes after every reconnect, turns connection failures into one-line
``BackendError``s, and gives the backend the two waits it needs:

- ``publish``: wait (bounded) for the broker, send with QoS 1 and wait for the broker's PUBACK.
  If the broker does not come back in time the message is dropped from paho's queue, so a
  command answered "the MQTT broker isn't reachable" is never delivered later by surprise;
- ``barrier``: a message to ourselves; once it comes back, every retained message of the
  subscriptions made before it has been delivered (the broker keeps order on one connection).
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from assistant.home.backend import BackendError

_LOGGER = logging.getLogger(__name__)

UNREACHABLE = "the MQTT broker isn't reachable"
#: Reconnect backoff (seconds): short, because a waiting command is bounded by seconds too.
RECONNECT_MIN_S = 0.25
RECONNECT_MAX_S = 2.0
KEEPALIVE_S = 30

Handler = Callable[[str, bytes], None]


@dataclass(frozen=True)
class Broker:
    """Where the broker is and how to log in (the password comes from the secret store)."""

    host: str = "localhost"
    port: int = 1883
    username: str = ""
    password: str | None = None
    tls: bool = False

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def _reason(err: BaseException) -> str:
    """One line for a failed connection."""
    if isinstance(err, ConnectionRefusedError):
        return "connection refused"
    if isinstance(err, socket.gaierror):
        return "unknown host"
    if isinstance(err, TimeoutError | socket.timeout):
        return "no answer (timed out)"
    if isinstance(err, ssl.SSLError):
        return f"TLS failed ({err.reason or err.__class__.__name__})"
    if isinstance(err, OSError):
        return (err.strerror or str(err)).lower()
    return str(err) or err.__class__.__name__


def _no_delay(client: mqtt.Client) -> None:
    """Small messages go out at once: without this, Nagle's algorithm and delayed ACKs add
    ~40 ms to a command's round trip (paho leaves the option alone)."""
    sock = client.socket()
    if isinstance(sock, socket.socket):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass


class Connection:
    """A connected client; ``handler(topic, payload)`` runs on the network thread."""

    def __init__(
        self,
        broker: Broker,
        handler: Handler,
        *,
        name: str = "hearth",
        on_connect: Callable[[], None] | None = None,
        will: tuple[str, str] | None = None,
    ) -> None:
        self.broker = broker
        self._handler = handler
        self._on_connect_hook = on_connect
        self._condition = threading.Condition()
        self._connected = False
        self._refused: str | None = None
        self._acked: set[int] = set()
        self._filters: dict[str, int] = {}
        self._probe_topic = f"hearth/probe/{uuid.uuid4().hex}"
        self._probes: set[str] = set()
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"{name}-{uuid.uuid4().hex[:12]}"
        )
        client.reconnect_delay_set(RECONNECT_MIN_S, RECONNECT_MAX_S)  # type: ignore[arg-type]
        if broker.username:
            client.username_pw_set(broker.username, broker.password)
        if broker.tls:
            client.tls_set()
        if will is not None:
            client.will_set(will[0], will[1], qos=1, retain=True)
        client.on_connect = self._connected_cb
        client.on_disconnect = self._disconnected_cb
        client.on_message = self._message_cb
        client.on_publish = self._published_cb
        self._client = client

    # -- lifecycle ------------------------------------------------------------------------------

    def open(self, timeout_s: float = 5.0) -> None:
        """Connect now; BackendError (one line) if the broker can't be reached or refuses us."""
        self._client.connect_timeout = timeout_s
        try:
            self._client.connect(self.broker.host, self.broker.port, KEEPALIVE_S)
        except (OSError, ValueError) as err:
            reason = _reason(err)
            plain = ConnectionRefusedError | socket.gaierror | ssl.SSLError
            if self.broker.tls and not isinstance(err, plain):
                reason = f"TLS failed ({reason}); does the broker speak TLS on this port?"
            raise BackendError(f"{UNREACHABLE} at {self.broker.where}: {reason}") from None
        self._client.loop_start()
        deadline = time.monotonic() + timeout_s
        with self._condition:
            while not self._connected and self._refused is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._condition.wait(left)
            refused, connected = self._refused, self._connected
        if not connected:
            self.close()
            reason = refused or "no answer (is it a TLS port? see mqtt.tls)"
            raise BackendError(
                f"the MQTT broker at {self.broker.where} refused us: {reason}"
                if refused
                else f"{UNREACHABLE} at {self.broker.where}: {reason}"
            )

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    @property
    def connected(self) -> bool:
        with self._condition:
            return self._connected

    def wait_connected(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        with self._condition:
            while not self._connected:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._condition.wait(left)
            return True

    # -- subscribing and sending ------------------------------------------------------------------

    def subscribe(self, filters: Iterable[str], qos: int = 1) -> None:
        """Subscribe now and after every reconnect."""
        with self._condition:  # the network thread reads the filters on every reconnect
            new = [(f, qos) for f in dict.fromkeys(filters) if f not in self._filters]
            self._filters.update(new)
            connected = self._connected
        if new and connected:
            self._client.subscribe(new)

    def publish(self, topic: str, payload: str, *, timeout_s: float, retain: bool = False) -> bool:
        """Send with QoS 1 and wait for the broker's PUBACK; False (and nothing queued) if the
        broker was not back within ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        if not self.wait_connected(timeout_s):
            return False
        info = self._client.publish(topic, payload, qos=1, retain=retain)
        with self._condition:
            while info.mid not in self._acked:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._condition.wait(left)
            acked = info.mid in self._acked
            self._acked.discard(info.mid)
        if not acked:
            dropped = self._client.drop_out_messages()
            _LOGGER.info("dropped %d unsent MQTT message(s): the broker was away", len(dropped))
        return acked

    def send(self, topic: str, payload: str, *, retain: bool = False) -> None:
        """Fire and forget (QoS 1, queued by paho while away): for devices' own state reports."""
        self._client.publish(topic, payload, qos=1, retain=retain)

    def barrier(self, timeout_s: float) -> bool:
        """Wait until every message the broker had for us so far has been handled."""
        token = uuid.uuid4().hex
        self.subscribe([self._probe_topic], qos=1)
        self._client.publish(self._probe_topic, token, qos=1)
        deadline = time.monotonic() + timeout_s
        with self._condition:
            while token not in self._probes:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._condition.wait(left)
            self._probes.discard(token)
            return True

    # -- paho callbacks (network thread) ------------------------------------------------------------

    def _connected_cb(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason_code: Any, properties: Any
    ) -> None:
        if reason_code.is_failure:
            with self._condition:
                self._refused = str(reason_code).lower()
                self._condition.notify_all()
            return
        _no_delay(client)
        with self._condition:
            filters = dict(self._filters)
        if filters:
            client.subscribe(list(filters.items()))
        with self._condition:
            # Filters added meanwhile saw "not connected" and left the subscribing to us.
            late = [(f, q) for f, q in self._filters.items() if f not in filters]
            self._connected = True
            self._refused = None
            self._condition.notify_all()
        if late:
            client.subscribe(late)
        if self._on_connect_hook is not None:
            try:
                self._on_connect_hook()
            except Exception:
                _LOGGER.exception("MQTT on-connect step failed")

    def _disconnected_cb(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason_code: Any, properties: Any
    ) -> None:
        with self._condition:
            self._connected = False
            self._condition.notify_all()

    def _published_cb(
        self, client: mqtt.Client, userdata: Any, mid: int, reason_code: Any, properties: Any
    ) -> None:
        with self._condition:
            self._acked.add(mid)
            self._condition.notify_all()

    def _message_cb(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        if message.topic == self._probe_topic:
            with self._condition:
                self._probes.add(message.payload.decode("utf-8", "replace"))
                self._condition.notify_all()
            return
        try:
            self._handler(message.topic, message.payload)
        except Exception:
            _LOGGER.exception("MQTT message on %s could not be handled", message.topic)
