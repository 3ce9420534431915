"""Settings' "Test connection": one line saying whether the broker can be used and what it has."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.home.backend import BackendError
from assistant.home.mqtt.backend import MqttBackend, MqttOptions
from assistant.home.mqtt.setup import broker, settings_of

if TYPE_CHECKING:
    from assistant.config import Config


def test_connection(config: Config, timeout_s: float = 5.0) -> str:
    """ "Connected to the MQTT broker at host:1883: 39 devices in 10 areas" or the reason it
    can't be used; never raises for a broker problem (it is shown as it is)."""
    settings = settings_of(config)
    options = MqttOptions(
        discovery_prefix=settings.discovery_prefix, connect_timeout_s=timeout_s, settle_s=timeout_s
    )
    try:
        backend = MqttBackend(broker(settings), options)
    except BackendError as err:
        return f"Cannot use it: {err}"
    try:
        home = backend.home()
    finally:
        backend.close()
    where = f"{settings.host}:{settings.port}"
    if not home.devices:
        return (
            f"Connected to the MQTT broker at {where}, but no devices were announced under "
            f"{settings.discovery_prefix}/ (try hearth mqtt demo)"
        )
    return (
        f"Connected to the MQTT broker at {where}: {len(home.devices)} devices "
        f"in {len(home.areas)} areas"
    )


test_connection.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
