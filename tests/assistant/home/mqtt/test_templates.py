"""Value templates: the simple forms read directly, the rest through Jinja's sandbox."""

from __future__ import annotations

import pytest

from assistant.home.mqtt.templates import render


@pytest.mark.parametrize(
    ("template", "payload", "expected"),
    [
        (None, "ON", "ON"),
        ("{{ value }}", "21.5", "21.5"),
        ("{{ value_json.state }}", '{"state": "ON"}', "ON"),
        ("{{value_json.env.temp}}", '{"env": {"temp": 20.25}}', "20.25"),
        ("{{ value_json['power state'] }}", '{"power state": "OFF"}', "OFF"),
        ("{{ value_json.temp | float | round(1) }}", '{"temp": "20.25"}', "20.2"),
        ("{{ 'ON' if value_json.power else 'OFF' }}", '{"power": true}', "ON"),
        ("{{ value_json.missing }}", '{"state": "ON"}', None),
        ("{{ value_json.state }}", "not json", None),
    ],
)
def test_templates(template: str | None, payload: str, expected: str | None) -> None:
    assert render(template, payload) == expected


def test_a_template_cannot_reach_python_internals() -> None:
    assert render("{{ value.__class__.__mro__ }}", "x") is None
