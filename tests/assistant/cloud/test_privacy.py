"""`hearth privacy`, the egress log and the API key store."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest

from assistant.api_key import ApiKeyStore, KeyLocation, Secret, mask
from assistant.cli import main
from assistant.config import data_dir
from assistant.egress import EgressLog, open_log
from tests.assistant.cloud.conftest import TEST_KEY


class FakeKeyring:
    def __init__(self, broken: bool = False) -> None:
        self.items: dict[tuple[str, str], str] = {}
        self.broken = broken

    def get_password(self, service: str, username: str) -> str | None:
        if self.broken:
            raise RuntimeError("no D-Bus session")
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.broken:
            raise RuntimeError("no D-Bus session")
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


def test_the_key_goes_to_the_keyring_when_there_is_one(tmp_path: Path):
    ring = FakeKeyring()
    store = ApiKeyStore(tmp_path, ring)
    assert store.set(f"  {TEST_KEY}\n") is KeyLocation.KEYRING
    assert ring.items == {("hearth", "cloud-api-key"): TEST_KEY}
    assert not store.file.exists()
    assert store.get().value == TEST_KEY and store.get().location is KeyLocation.KEYRING
    store.delete()
    assert store.get().location is KeyLocation.NONE


@pytest.mark.parametrize("ring", [None, FakeKeyring(broken=True)], ids=["none", "broken"])
def test_without_a_working_keyring_the_key_is_a_private_file(tmp_path: Path, ring, caplog):
    store = ApiKeyStore(tmp_path / "config", ring)
    assert store.set(TEST_KEY) is KeyLocation.FILE
    assert stat.S_IMODE(store.file.stat().st_mode) == 0o600
    assert store.get().value == TEST_KEY and store.get().location is KeyLocation.FILE
    assert TEST_KEY not in caplog.text
    store.delete()
    assert not store.file.exists()


def test_keys_are_only_ever_shown_masked():
    assert mask(TEST_KEY) == "sk-…cdef"
    assert mask("short-key") == "…(9 characters)"


def test_privacy_prints_the_log_and_clears_it(capsys):
    log = open_log(data_dir())
    log.record("127.0.0.1", "what is the capital of france", b'{"messages": []}', "ok: answer")
    log.close()

    assert main(["privacy"]) == 0
    out = capsys.readouterr().out
    assert "Cloud help: off: nothing is sent anywhere" in out
    assert "1 request" in out
    assert "127.0.0.1" in out and "what is the capital of france" in out and "ok: answer" in out

    assert main(["privacy", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["cloud_enabled"] is False and report["api_key"] == "(none)"
    [request] = report["requests"]
    assert request["payload"] == '{"messages": []}' and request["bytes"] == 16

    assert main(["privacy", "--clear"]) == 0
    assert "Cleared the egress log (1 request)" in capsys.readouterr().out
    assert main(["privacy"]) == 0
    assert "Nothing has been sent." in capsys.readouterr().out


def test_privacy_set_key_never_prints_it(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(TEST_KEY + "\n"))
    assert main(["privacy", "--set-key"]) == 0
    assert main(["privacy", "--json"]) == 0
    assert main(["privacy", "--forget-key"]) == 0
    out = capsys.readouterr().out
    assert TEST_KEY not in out
    assert "Stored the cloud API key sk-…cdef" in out and "readable only by you" in out
    assert '"api_key": "sk-…cdef"' in out and '"api_key_location": "file"' in out
    assert "Forgot the cloud API key." in out


def test_the_egress_log_survives_reopening_and_clear_really_deletes(tmp_path: Path):
    path = tmp_path / "egress.sqlite3"
    log = EgressLog(path, clock=lambda: 1_700_000_000.0)
    log.record("api.example.com", "secret sentence", b"{}", "ok: answer")
    log.close()
    log = EgressLog(path)
    assert [r.text for r in log.records()] == ["secret sentence"]
    assert log.clear() == 1 and log.count() == 0
    log.close()
    assert b"secret sentence" not in path.read_bytes()


def test_each_secret_has_its_own_keyring_entry_and_file(tmp_path):
    ring = FakeKeyring()
    cloud = ApiKeyStore(tmp_path, ring)
    token = ApiKeyStore(tmp_path, ring, Secret.HOME_ASSISTANT_TOKEN)
    cloud.set("sk-cloud-000000000000")
    token.set("ha-token-111111111111")
    assert cloud.get().value == "sk-cloud-000000000000"
    assert token.get().value == "ha-token-111111111111"
    token.delete()
    assert cloud.get().value == "sk-cloud-000000000000" and token.get().value is None
    files = ApiKeyStore(tmp_path, None, Secret.MQTT_PASSWORD)
    files.set("broker-pass")
    assert (tmp_path / "mqtt-password").stat().st_mode & 0o777 == 0o600
    with pytest.raises(ValueError, match="the MQTT password is empty"):
        files.set("  ")
