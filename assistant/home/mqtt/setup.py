"""From Hearth's settings to an open MQTT backend: the ``[mqtt]`` section, the stored password."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.home.backend import BackendError
from assistant.home.mqtt.backend import MqttBackend, MqttOptions
from assistant.home.mqtt.connection import Broker

if TYPE_CHECKING:
    from assistant.config import Config, MqttConfig
    from assistant.home.registry import BackendPlace


def broker(settings: MqttConfig) -> Broker:
    """The broker to use; the password (only looked up when there is a user name) comes from
    the keyring or the private file beside the config, never from the config itself."""
    password = None
    if settings.username:
        from assistant import api_key
        from assistant.config import config_path

        store = api_key.default_store(config_path(), api_key.Secret.MQTT_PASSWORD)
        password = store.get().value
    return Broker(settings.host, settings.port, settings.username, password, settings.tls)


def settings_of(config: Config | None) -> MqttConfig:
    from assistant.config import MqttConfig

    return config.mqtt if config is not None else MqttConfig()


def open_backend(place: BackendPlace) -> MqttBackend:
    """The registry's opener: BackendError (one line) when the broker can't be used."""
    settings = settings_of(place.config)
    options = MqttOptions(discovery_prefix=settings.discovery_prefix)
    try:
        return MqttBackend(broker(settings), options, place.home, place.bus)
    except BackendError:
        raise
    except (OSError, ValueError) as err:
        raise BackendError(
            f"cannot use the MQTT broker at {settings.host}:{settings.port}: {err}"
        ) from None
