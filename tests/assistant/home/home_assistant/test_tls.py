"""TLS: a self-signed certificate is refused in one line unless verify_tls is off; https to a
server without it is a different line."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.home.backend import BackendError
from assistant.home.home_assistant.backend import HomeAssistantBackend
from assistant.home.home_assistant.connection import Settings
from assistant.home.model import Home
from bench.fake_home_assistant import TOKEN, FakeHomeAssistant
from bench.fake_home_assistant_data import state_from_home

pytest.importorskip("cryptography")


def self_signed(folder: Path) -> ssl.SSLContext:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


@pytest.fixture
def tls_fake(demo_home: Home, tmp_path: Path) -> Iterator[FakeHomeAssistant]:
    server = FakeHomeAssistant(state_from_home(demo_home), tls=self_signed(tmp_path)).start()
    yield server
    server.close()


def test_a_self_signed_certificate_is_refused_in_one_line(tls_fake: FakeHomeAssistant) -> None:
    with pytest.raises(BackendError) as caught:
        HomeAssistantBackend(Settings(tls_fake.url, TOKEN, timeout_s=5.0)).start()
    assert str(caught.value) == (
        f"Home Assistant isn't reachable at {tls_fake.url}: its TLS certificate was not accepted "
        "(for a self-signed one: hearth config set home_assistant.verify_tls false)"
    )


def test_with_verification_off_it_connects(tls_fake: FakeHomeAssistant) -> None:
    backend = HomeAssistantBackend(
        Settings(tls_fake.url, TOKEN, verify_tls=False, timeout_s=5.0)
    ).start()
    try:
        assert backend.home().devices
    finally:
        backend.close()


def test_https_to_a_plain_server_is_its_own_line(fake: FakeHomeAssistant) -> None:
    url = fake.url.replace("http://", "https://")
    with pytest.raises(BackendError) as caught:
        HomeAssistantBackend(Settings(url, TOKEN, timeout_s=5.0)).start()
    assert str(caught.value) == (
        f"Home Assistant isn't reachable at {url}: the TLS handshake failed "
        "(if the server has no https, use an http:// address)"
    )
