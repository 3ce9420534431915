"""Value templates: how an entity reads the part of a state payload it cares about.

Discovery configs say ``"value_template": "{{ value_json.state }}"`` and the like. The common
simple forms (``value``, ``value_json.a.b``, ``value_json['a']``) are read directly, without
Jinja; anything else is rendered with Jinja's sandbox (as intents/responses.py does), where
``value`` and ``value_json`` are the only names. A template that fails gives None: the message
is ignored, never an exception on the network thread.
"""

from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from typing import Any

from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

_LOGGER = logging.getLogger(__name__)

_SIMPLE = re.compile(
    r"^\{\{\s*(value_json(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\s*'[^']*'\s*\]|\[\s*\"[^\"]*\"\s*\])*"
    r"|value)\s*\}\}$"
)
_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*['\"]([^'\"]*)['\"]\s*\]")
_MISSING = object()
_ENV = SandboxedEnvironment(autoescape=False)


def parse_json(payload: str) -> Any:
    """The payload as JSON, or None when it is not JSON (plain ``ON``/``21.5`` payloads)."""
    try:
        return json.loads(payload)
    except ValueError:
        return None


@lru_cache(maxsize=512)
def _compiled(template: str) -> Any:
    return _ENV.from_string(template)


def render(template: str | None, payload: str) -> str | None:
    """The template's text for ``payload`` (the payload itself without a template); None if
    the template cannot be applied to this payload."""
    if not template:
        return payload
    simple = _SIMPLE.match(template.strip())
    if simple is not None:
        return _simple(simple.group(1), payload)
    try:
        text = _compiled(template).render(value=payload, value_json=parse_json(payload))
    except (TemplateError, TypeError, ValueError, ArithmeticError) as err:
        _LOGGER.debug("value template %r failed: %s", template, err)
        return None
    return text.strip()


def _simple(path: str, payload: str) -> str | None:
    if path == "value":
        return payload
    value: Any = parse_json(payload)
    for match in _STEP.finditer(path[len("value_json") :]):
        key = match.group(1) if match.group(1) is not None else match.group(2)
        value = value.get(key, _MISSING) if isinstance(value, dict) else _MISSING
        if value is _MISSING:
            return None
    if value is None:
        return None
    if isinstance(value, bool):
        return "True" if value else "False"  # what Jinja would print
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)
