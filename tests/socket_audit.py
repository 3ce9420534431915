"""Socket audit: any test that tries to reach a non-loopback address fails.

Hearth promises zero egress unless the user turns on cloud help or a remote backend, and the
test suite is where that promise is checked. This plugin (registered from tests/conftest.py, so
``make test`` always runs under it) wraps the socket calls that can send anything off this
machine: ``connect``/``connect_ex``/``sendto`` to an IPv4/IPv6 address that is not loopback,
and name lookups for anything but localhost (a DNS query already tells the network what we
are about to contact). The call raises ``OutsideNetworkBlocked`` (an OSError, so code under test
reacts as it would offline) and the test is failed afterwards even if that code swallowed the
error. Unix sockets and 127.0.0.0/8, ::1 are allowed: the fake cloud server lives there.

What it cannot see: connections made by subprocesses or by C libraries that bypass Python's
socket module.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

import pytest

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


class OutsideNetworkBlocked(OSError):
    """Raised instead of contacting a non-loopback address during the tests."""


@dataclass
class Audit:
    """Records blocked attempts; each test phase must end with none."""

    blocked: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _originals: dict[str, Any] = field(default_factory=dict)

    def take(self) -> list[str]:
        """Return and forget the attempts so far (for tests of the audit itself)."""
        with self._lock:
            found, self.blocked = self.blocked, []
        return found

    def block(self, what: str) -> OutsideNetworkBlocked:
        with self._lock:
            self.blocked.append(what)
        return OutsideNetworkBlocked(f"socket audit: the tests may not reach {what}")

    # -- the patched calls --------------------------------------------------------------------

    def install(self) -> None:
        own_host = socket.gethostname()
        originals = {
            "connect": socket.socket.connect,
            "connect_ex": socket.socket.connect_ex,
            "sendto": socket.socket.sendto,
            "getaddrinfo": socket.getaddrinfo,
            "gethostbyname": socket.gethostbyname,
            "gethostbyname_ex": socket.gethostbyname_ex,
        }
        self._originals = originals
        audit = self

        def checked_address(sock: socket.socket, address: Any) -> None:
            if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
                raise audit.block(f"{address[0]}:{address[1]}")

        def connect(sock: socket.socket, address: Any) -> None:
            checked_address(sock, address)
            originals["connect"](sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> int:
            checked_address(sock, address)
            return int(originals["connect_ex"](sock, address))

        def sendto(sock: socket.socket, data: Any, *args: Any) -> int:
            checked_address(sock, args[-1])
            return int(originals["sendto"](sock, data, *args))

        def resolving(name: str) -> Callable[..., Any]:
            original = originals[name]

            def lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
                text = host.decode() if isinstance(host, bytes) else host
                if text is not None and not _local_name(str(text), own_host):
                    raise audit.block(f"the name {text!r} (DNS)")
                return original(host, *args, **kwargs)

            return lookup

        socket.socket.connect = connect  # type: ignore[method-assign]
        socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
        socket.socket.sendto = sendto  # type: ignore[method-assign,assignment]
        socket.getaddrinfo = resolving("getaddrinfo")
        socket.gethostbyname = resolving("gethostbyname")
        socket.gethostbyname_ex = resolving("gethostbyname_ex")

    def uninstall(self) -> None:
        for name in ("connect", "connect_ex", "sendto"):
            setattr(socket.socket, name, self._originals[name])
        for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex"):
            setattr(socket, name, self._originals[name])


def _is_loopback(host: str) -> bool:
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _local_name(host: str, own_host: str) -> bool:
    """Loopback names and literals, any IP literal (connect() judges it), this machine's name."""
    if host in ("", own_host) or _is_loopback(host):
        return True
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


_AUDIT = Audit()


def pytest_configure(config: pytest.Config) -> None:
    _AUDIT.install()


def pytest_unconfigure(config: pytest.Config) -> None:
    _AUDIT.uninstall()


@pytest.fixture
def socket_audit() -> Audit:
    """The running audit, for tests that check it blocks what it should."""
    return _AUDIT


def _fail_if_blocked(when: str) -> Generator[None, object, object]:
    _AUDIT.take()
    try:
        result = yield
    finally:
        blocked = _AUDIT.take()
        if blocked:
            pytest.fail(
                f"socket audit: during {when}, the test tried to reach " + ", ".join(blocked),
                pytrace=False,
            )
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _fail_if_blocked("setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _fail_if_blocked("the test"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _fail_if_blocked("teardown"))
