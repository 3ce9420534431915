"""Where secrets live (the cloud API key, a Home Assistant token, an MQTT password): the OS
keyring, or a private file when there is no keyring.

A key in the TOML config would end up in backups, screenshots of ``hearth config show`` and bug
reports, so it never goes there. The OS keyring (Keychain, Windows Credential Manager, Secret
Service) is the right home; a headless Linux box often has none, and only then is the key kept
in a file readable by the user alone (mode 0600) beside the config. The key is never logged and
never shown in full: ``mask`` is the only way it is ever displayed.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from models.files import FileRefused, read_regular_bytes

_LOGGER = logging.getLogger(__name__)
_MAX_KEY_BYTES = 64 * 1024

SERVICE = "hearth"


class Secret(StrEnum):
    """Each secret Hearth keeps; the value is its keyring user name and its fallback file name."""

    CLOUD_API_KEY = "cloud-api-key"
    HOME_ASSISTANT_TOKEN = "home-assistant-token"
    MQTT_PASSWORD = "mqtt-password"

    @property
    def label(self) -> str:
        return {
            Secret.CLOUD_API_KEY: "the API key",
            Secret.HOME_ASSISTANT_TOKEN: "the Home Assistant token",
            Secret.MQTT_PASSWORD: "the MQTT password",
        }[self]


KEY_FILE = Secret.CLOUD_API_KEY.value


class KeyLocation(StrEnum):
    KEYRING = "keyring"
    FILE = "file"
    NONE = "none"


class KeyringBackend(Protocol):
    """The three calls Hearth needs from the ``keyring`` package (tests pass a fake)."""

    def get_password(self, service: str, username: str) -> str | None: ...

    def set_password(self, service: str, username: str, password: str) -> None: ...

    def delete_password(self, service: str, username: str) -> None: ...


def system_keyring() -> KeyringBackend | None:
    """The OS keyring, or None when ``keyring`` is missing or has no working backend."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return None
    return backend


def _keyring_errors() -> tuple[type[Exception], ...]:
    try:
        from keyring.errors import KeyringError
    except ImportError:
        return (RuntimeError,)
    return (KeyringError, RuntimeError)


@dataclass(frozen=True)
class StoredKey:
    value: str | None
    location: KeyLocation

    @property
    def masked(self) -> str:
        return mask(self.value) if self.value else "(none)"


class ApiKeyStore:
    """Reads, writes and forgets one secret; the file is only used when the keyring cannot be."""

    def __init__(
        self,
        config_dir: Path,
        keyring_backend: KeyringBackend | None,
        secret: Secret = Secret.CLOUD_API_KEY,
    ) -> None:
        self.secret = secret
        self.file = config_dir / secret.value
        self._keyring = keyring_backend

    def get(self) -> StoredKey:
        if self._keyring is not None:
            try:
                value = self._keyring.get_password(SERVICE, self.secret.value)
            except _keyring_errors() as err:
                _LOGGER.warning("the OS keyring could not be read: %s", type(err).__name__)
            else:
                if value:
                    return StoredKey(value, KeyLocation.KEYRING)
        if self.file.exists():
            try:
                # Bounded, and never a FIFO or device: a planted one must not hang every start.
                raw = read_regular_bytes(self.file, f"{self.secret.label} file", _MAX_KEY_BYTES)
                value = raw.decode("utf-8", errors="replace").strip()
            except FileRefused as err:
                _LOGGER.warning("%s", err)
            else:
                if value:
                    return StoredKey(value, KeyLocation.FILE)
        return StoredKey(None, KeyLocation.NONE)

    def set(self, value: str) -> KeyLocation:
        """Store the key; in the keyring when it works (then any old key file is removed)."""
        value = value.strip()
        if not value:
            raise ValueError(f"{self.secret.label} is empty")
        if self._keyring is not None:
            try:
                self._keyring.set_password(SERVICE, self.secret.value, value)
            except _keyring_errors() as err:
                _LOGGER.warning(
                    "the OS keyring refused the key (%s); using a file", type(err).__name__
                )
            else:
                self.file.unlink(missing_ok=True)
                return KeyLocation.KEYRING
        self._write_private(value)
        return KeyLocation.FILE

    def delete(self) -> None:
        if self._keyring is not None:
            try:
                self._keyring.delete_password(SERVICE, self.secret.value)
            except _keyring_errors():
                pass  # nothing stored there (PasswordDeleteError) or no keyring: nothing to forget
        self.file.unlink(missing_ok=True)

    def _write_private(self, value: str) -> None:
        """Create the file as 0600 from the start, so the key is never readable by others."""
        self.file.parent.mkdir(parents=True, exist_ok=True)
        self.file.unlink(missing_ok=True)
        fd = os.open(self.file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(value + "\n")
        os.chmod(self.file, 0o600)


def mask(value: str) -> str:
    """ "sk-…a1b2": enough to tell two keys apart, never enough to use one."""
    if len(value) >= 16:
        return f"{value[:3]}…{value[-4:]}"
    return f"…({len(value)} characters)"


def default_store(config_file: Path, secret: Secret = Secret.CLOUD_API_KEY) -> ApiKeyStore:
    """The user's store for ``secret``: the OS keyring if any, else a file beside ``config_file``."""
    return ApiKeyStore(config_file.parent, system_keyring(), secret)
