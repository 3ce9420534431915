"""The socket audit itself: outside addresses and DNS names are blocked, loopback is not."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from tests.socket_audit import Audit, OutsideNetworkBlocked


def test_a_connection_to_an_outside_address_is_blocked(socket_audit: Audit) -> None:
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(OutsideNetworkBlocked),
    ):
        sock.connect(("192.0.2.1", 443))  # TEST-NET-1: never routable anyway
    assert socket_audit.take() == ["192.0.2.1:443"]


def test_udp_and_ipv6_are_blocked_too(socket_audit: Audit) -> None:
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tcp6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    with udp, tcp6:
        with pytest.raises(OutsideNetworkBlocked):
            udp.sendto(b"x", ("198.51.100.7", 53))
        with pytest.raises(OutsideNetworkBlocked):
            tcp6.connect_ex(("2001:db8::1", 80, 0, 0))
    assert len(socket_audit.take()) == 2


def test_name_lookups_are_blocked_before_any_dns_query(socket_audit: Audit) -> None:
    with pytest.raises(OSError):  # urllib wraps it; the audit still saw it
        urllib.request.urlopen("http://example.com/", timeout=1)
    assert socket_audit.take() == ["the name 'example.com' (DNS)"]


def test_loopback_is_allowed(socket_audit: Audit) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        with socket.create_connection(("localhost", port), timeout=2):
            pass
    assert socket_audit.take() == []


@pytest.mark.xfail(strict=True, reason="the audit must fail a test that swallows the error")
def test_a_swallowed_attempt_still_fails_the_test() -> None:
    try:
        socket.create_connection(("203.0.113.5", 80), timeout=1)
    except OSError:
        pass
