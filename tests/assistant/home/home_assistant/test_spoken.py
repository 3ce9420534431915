"""A spoken command (a WAV file through `hearth listen --wav`) changes Home Assistant's state.

The CLI runs in its own process, as a person would start it, with ``home.backend`` set to
``home_assistant`` and the token in the (file) store; the fake server runs in this process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from assistant import config as config_module
from assistant.api_key import Secret, default_store
from assistant.config import Config, HomeAssistantConfig, HomeConfig
from bench.fake_home_assistant import TOKEN, FakeHomeAssistant
from tests.assistant.speech.synth import speak_to_file


def test_a_spoken_command_changes_the_server(fake: FakeHomeAssistant, tmp_path: Path) -> None:
    config = replace(
        Config(),
        home=HomeConfig(backend="home_assistant"),
        home_assistant=HomeAssistantConfig(url=fake.url, timeout_s=5.0),
    )
    config_module.save(config)
    default_store(config_module.config_path(), Secret.HOME_ASSISTANT_TOKEN).set(TOKEN)
    clip = speak_to_file("turn off the kitchen lights", "en-us", tmp_path / "cmd.wav")
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "listen", "--wav", str(clip), "--json"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {a["device"] for a in result["actions"]} == {
        "light.kitchen_ceiling",
        "light.kitchen_counter",
    }
    assert fake.state_of("light.kitchen_ceiling")["state"] == "off"
    assert ("light", "turn_off", {"entity_id": ["light.kitchen_ceiling"]}) in fake.calls
