"""A throwaway mosquitto on a free 127.0.0.1 port (no persistence), for the bench and the tests.

``set_tcp_nodelay`` is on: mosquitto's default leaves Nagle's algorithm on, which adds ~40 ms
to every small message it forwards; a broker set up for a home should turn it on too.
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from assistant.home.mqtt.connection import Broker

MOSQUITTO = shutil.which("mosquitto") or next(
    (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if os.access(p, os.X_OK)),
    None,
)


class MosquittoMissing(RuntimeError):
    """mosquitto (or mosquitto_passwd) is not installed."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Mosquitto:
    """One broker process; ``stop``/``start`` keep the port (a restart mid-session)."""

    def __init__(self, folder: Path, users: dict[str, str] | None = None) -> None:
        if MOSQUITTO is None:
            raise MosquittoMissing("mosquitto is not installed (apt install mosquitto)")
        self.port = free_port()
        self.config = folder / "mosquitto.conf"
        access = "allow_anonymous true\n"
        if users:
            access = f"allow_anonymous false\npassword_file {_password_file(folder, users)}\n"
        self.config.write_text(
            f"listener {self.port} 127.0.0.1\n{access}persistence false\n"
            "log_dest none\nset_tcp_nodelay true\n"
            # As root mosquitto would switch to the "mosquitto" user, who can't read the folder.
            f"user {getpass.getuser()}\n"
        )
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def broker(self) -> Broker:
        return Broker("127.0.0.1", self.port)

    def start(self) -> None:
        assert MOSQUITTO is not None
        self._process = subprocess.Popen(
            [MOSQUITTO, "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self._process.poll() is not None:
                    raise RuntimeError("mosquitto exited at start") from None
                time.sleep(0.02)
        raise RuntimeError("mosquitto did not start listening")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None


def _password_file(folder: Path, users: dict[str, str]) -> Path:
    tool = shutil.which("mosquitto_passwd")
    if tool is None:
        raise MosquittoMissing("mosquitto_passwd is not installed")
    file = folder / "passwords"
    file.touch(mode=0o600)
    for user, password in users.items():
        subprocess.run([tool, "-b", str(file), user, password], check=True, capture_output=True)
    return file
