"""Push-to-talk from anywhere: a local socket in the app, and ``python -m ui.ptt`` to poke it.

Global hotkeys are not portable (Wayland forbids grabbing keys; each desktop has its own API),
but every desktop lets a user bind a key to a command. So the running app listens on a local
socket named per user (a Unix socket, or a named pipe on Windows), and
``python -m ui.ptt press|release|toggle`` sends one line and prints the app's one-line answer.

Protocol: the client writes ``press``, ``release`` or ``toggle`` and a newline; the app answers
one line, ``ok <state>`` or ``unavailable <why>`` or ``error <why>``; the client then closes.

The same socket keeps Hearth to one instance per user: a second launch sends ``raise``, the
running app shows and raises its window and answers ``ok raised``, and the second launch ends
(see :func:`raise_running`).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

_LOGGER = logging.getLogger(__name__)

COMMANDS = ("press", "release", "toggle")
#: Sent by a second launch: the running app brings its window to the front.
RAISE = "raise"
#: How long the client waits for the app (ms); a running app answers in milliseconds.
CLIENT_TIMEOUT_MS = 2000

EXIT_OK = 0
EXIT_NOT_RUNNING = 2
EXIT_UNAVAILABLE = 3
EXIT_ERROR = 4


def server_name(user: str | None = None) -> str:
    """One socket per user, so two people logged in at once each reach their own Hearth."""
    name = user or getpass.getuser()
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)
    return f"hearth-ptt-{safe}"


Handler = Callable[[str], str]


class PushToTalkServer(QObject):
    """Accepts one-line commands and answers with what ``handler`` returns (on the UI thread)."""

    #: A command arrived (press/release/toggle), before the handler ran.
    command_received = Signal(str)

    def __init__(
        self, handler: Handler, name: str | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self._handler = handler
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self.problem = ""

    def listen(self) -> bool:
        """Start listening; False (with ``problem`` set) when another Hearth already does."""
        if self._server.isListening():
            return True
        if _app_answers(self.name):
            self.problem = "another Hearth window already has push-to-talk"
            return False
        QLocalServer.removeServer(self.name)  # a socket file left by a crashed run
        if not self._server.listen(self.name):
            self.problem = self._server.errorString()
            _LOGGER.warning("push-to-talk socket %s: %s", self.name, self.problem)
            return False
        return True

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.setParent(self)
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.canReadLine():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        command = bytes(socket.readLine().data()).decode("utf-8", "replace").strip().lower()
        if command in (*COMMANDS, RAISE):
            self.command_received.emit(command)
            answer = self._handler(command)
        else:
            answer = f"error unknown command {command!r}; use {', '.join(COMMANDS)}"
        socket.write((answer + "\n").encode("utf-8"))
        socket.flush()
        # The client closes once it has read the line; closing here could drop the answer.
        QTimer.singleShot(CLIENT_TIMEOUT_MS, socket, socket.abort)


def _app_answers(name: str) -> bool:
    probe = QLocalSocket()
    probe.connectToServer(name)
    alive = probe.waitForConnected(200)
    probe.abort()
    return alive


def send(command: str, name: str | None = None, timeout_ms: int = CLIENT_TIMEOUT_MS) -> str:
    """Send one command to the running app; its answer, or ``""`` when no app is listening."""
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    if not socket.waitForConnected(timeout_ms):
        return ""
    socket.write((command + "\n").encode("utf-8"))
    socket.flush()
    answer = b""
    deadline = time.monotonic() + timeout_ms / 1000
    # Short waits in a loop: outside a Qt event loop (a plain thread) a wait may return early.
    while not answer.endswith(b"\n") and time.monotonic() < deadline:
        socket.waitForReadyRead(50)
        answer += bytes(socket.readAll().data())
        if socket.state() is QLocalSocket.LocalSocketState.UnconnectedState:
            answer += bytes(socket.readAll().data())
            break
    socket.disconnectFromServer()
    return answer.decode("utf-8", "replace").strip()


def raise_running(name: str | None = None, timeout_ms: int = CLIENT_TIMEOUT_MS) -> bool:
    """Ask a running Hearth to show its window; True when one did (this launch should end)."""
    return send(RAISE, name, timeout_ms).startswith("ok")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ui.ptt toggle``: for a key binding in the desktop's own shortcut settings."""
    parser = argparse.ArgumentParser(
        prog="python -m ui.ptt",
        description="Push-to-talk for the running Hearth app (bind it to a key in your desktop).",
    )
    parser.add_argument("command", choices=COMMANDS, help="press, release or toggle listening")
    parser.add_argument("--name", help="socket name (default: one per user)")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    answer = send(args.command, args.name)
    if not answer:
        print("hearth-ptt: Hearth is not running (start it with: hearth)", file=sys.stderr)
        return EXIT_NOT_RUNNING
    status, _, detail = answer.partition(" ")
    if status == "ok":
        print(detail)
        return EXIT_OK
    print(f"hearth-ptt: {detail}", file=sys.stderr)
    return EXIT_UNAVAILABLE if status == "unavailable" else EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
