"""Home Assistant's response templates, rendered from Hearth's state views."""

from __future__ import annotations

from intents.responses import StateView, render_response


def view(name: str, state: str, **attributes: object) -> StateView:
    return StateView(f"light.{name.lower()}", name, "light", state, attributes)


def test_slots_and_state() -> None:
    text = render_response(
        "Turned on {{ slots.name }} ({{ state.state }})",
        {"name": "Desk Lamp"},
        states=[view("Desk", "on")],
    )
    assert text == "Turned on Desk Lamp (on)"


def test_matched_and_unmatched() -> None:
    template = (
        "{% if query.matched %}Yes, {{ query.matched | map(attribute='name') | join(', ') }}"
        "{% else %}No{% endif %}"
    )
    assert render_response(template, {}, matched=[view("A", "on"), view("B", "on")]) == "Yes, A, B"
    assert render_response(template, {}, unmatched=[view("A", "off")]) == "No"


def test_state_with_unit_and_state_attr() -> None:
    sensor = StateView("sensor.t", "Temp", "sensor", "20.5", {"unit_of_measurement": "°C"})
    assert sensor.state_with_unit == "20.5 °C"
    text = render_response(
        "{{ state.state_with_unit }} / {{ state_attr('sensor.t', 'unit_of_measurement') }}",
        {},
        states=[sensor],
    )
    assert text == "20.5 °C / °C"


def test_whitespace_is_collapsed() -> None:
    assert render_response("  Hello \n\n   there  ", {}) == "Hello there"


def test_broken_template_gives_the_fallback() -> None:
    assert render_response("{{ slots.name | nosuchfilter }}", {}, fallback="Done") == "Done"
    assert render_response("{% if %}", {}, fallback="Okay") == "Okay"
    assert render_response("{{ state.attributes.x.y.z() }}", {}, fallback="Fine") == "Fine"


def test_empty_render_gives_the_fallback() -> None:
    assert render_response("{% if false %}x{% endif %}", {}, fallback="Done") == "Done"


def test_sandbox_blocks_unsafe_access() -> None:
    text = render_response("{{ ''.__class__.__mro__ }}", {}, fallback="blocked")
    assert "object" not in text


def test_real_ha_templates(engine) -> None:  # type: ignore[no-untyped-def]
    one_yesno = engine.responses["HassGetState"]["one_yesno"]
    assert render_response(one_yesno, {}, matched=[view("Lamp", "on")]) == "Yes"
    assert render_response(one_yesno, {}, unmatched=[view("Lamp", "off")]) == "No, off"
    default = engine.responses["HassTurnOn"]["default"]
    assert render_response(default, {}, states=[view("Lamp", "on")]) == "Turned on the light"
