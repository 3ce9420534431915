"""The Home Assistant backend: a server's registries and states as a Hearth ``Home``, commands
as service calls, over Home Assistant's WebSocket API (the ``hass-client`` library)."""
