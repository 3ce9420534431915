"""Home Assistant's short discovery keys (``stat_t`` → ``state_topic``) and the ``~`` base topic.

Devices with little memory (Tasmota, ESPHome) send abbreviated keys; both forms are accepted.
Only the keys Hearth reads are listed; an unknown short key is kept as it is and ignored later.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ABBREVIATIONS: dict[str, str] = {
    "avty": "availability",
    "avty_t": "availability_topic",
    "avty_tpl": "availability_template",
    "bri_cmd_t": "brightness_command_topic",
    "bri_scl": "brightness_scale",
    "bri_stat_t": "brightness_state_topic",
    "bri_val_tpl": "brightness_value_template",
    "clrm": "color_mode",
    "cmd_t": "command_topic",
    "cmd_tpl": "command_template",
    "cmps": "components",
    "curr_temp_t": "current_temperature_topic",
    "curr_temp_tpl": "current_temperature_template",
    "dev": "device",
    "dev_cla": "device_class",
    "json_attr_t": "json_attributes_topic",
    "max_temp": "max_temp",
    "min_temp": "min_temp",
    "mode_cmd_t": "mode_command_topic",
    "mode_stat_t": "mode_state_topic",
    "mode_stat_tpl": "mode_state_template",
    "o": "origin",
    "obj_id": "object_id",
    "def_ent_id": "default_entity_id",
    "opt": "optimistic",
    "p": "platform",
    "pl_avail": "payload_available",
    "pl_not_avail": "payload_not_available",
    "pl_cls": "payload_close",
    "pl_lock": "payload_lock",
    "pl_off": "payload_off",
    "pl_on": "payload_on",
    "pl_open": "payload_open",
    "pl_paus": "payload_pause",
    "pl_prs": "payload_press",
    "pl_ret": "payload_return_to_base",
    "pl_strt": "payload_start",
    "pl_stop": "payload_stop",
    "pl_unlk": "payload_unlock",
    "pos_clsd": "position_closed",
    "pos_open": "position_open",
    "pos_t": "position_topic",
    "pos_tpl": "position_template",
    "pow_cmd_t": "power_command_topic",
    "ret": "retain",
    "rgb_cmd_t": "rgb_command_topic",
    "rgb_stat_t": "rgb_state_topic",
    "rgb_val_tpl": "rgb_value_template",
    "set_pos_t": "set_position_topic",
    "set_pos_tpl": "set_position_template",
    "stat_clsd": "state_closed",
    "stat_closing": "state_closing",
    "stat_jam": "state_jammed",
    "stat_locked": "state_locked",
    "stat_locking": "state_locking",
    "stat_off": "state_off",
    "stat_on": "state_on",
    "stat_open": "state_open",
    "stat_opening": "state_opening",
    "stat_t": "state_topic",
    "stat_tpl": "state_template",
    "stat_unlocked": "state_unlocked",
    "stat_unlocking": "state_unlocking",
    "stat_val_tpl": "state_value_template",
    "sup_clrm": "supported_color_modes",
    "temp_cmd_t": "temperature_command_topic",
    "temp_stat_t": "temperature_state_topic",
    "temp_stat_tpl": "temperature_state_template",
    "temp_unit": "temperature_unit",
    "uniq_id": "unique_id",
    "unit_of_meas": "unit_of_measurement",
    "val_tpl": "value_template",
}

DEVICE_ABBREVIATIONS: dict[str, str] = {
    "cns": "connections",
    "ids": "identifiers",
    "mf": "manufacturer",
    "mdl": "model",
    "sa": "suggested_area",
    "sw": "sw_version",
    "hw": "hw_version",
}

BASE = "~"


def expand(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Long keys for short ones, the device block's too, and ``~`` replaced in every topic.

    Home Assistant replaces ``~`` only at the start or the end of a ``*_topic`` value; so does
    this (a ``~`` in the middle of a topic is part of the name).
    """
    config = {ABBREVIATIONS.get(key, key): value for key, value in raw.items()}
    device = config.get("device")
    if isinstance(device, Mapping):
        config["device"] = {DEVICE_ABBREVIATIONS.get(k, k): v for k, v in device.items()}
    base = config.get(BASE)
    if isinstance(base, str):
        for key, value in list(config.items()):
            if key.endswith("_topic") and isinstance(value, str):
                if value.startswith(BASE):
                    value = base + value[len(BASE) :]
                elif value.endswith(BASE):
                    value = value[: -len(BASE)] + base
                config[key] = value
    return config
