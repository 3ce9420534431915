"""The MQTT home: devices found through Home Assistant's MQTT discovery, driven over paho-mqtt.

- ``discovery``: discovery topics and payloads (abbreviations, ``~``, device-based ``cmps``) →
  ``Entity`` descriptions;
- ``templates``: the value templates entities use to read their state payloads;
- ``codec``: per component, state payload → Hearth ``Device`` and wanted state → command payloads;
- ``connection``: the paho client on its own thread (QoS 1, reconnect with backoff, bounded waits);
- ``backend``: the ``Backend`` the engine uses; ``demo``: ``hearth mqtt demo``; ``probe``: Settings'
  "Test connection".
"""
