"""The privacy gate: exactly what it allows goes out, and nothing at all when cloud help is off."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cloud import SYSTEM_PROMPT, PrivacyGate
from assistant.cloud_tools import build_toolset
from assistant.config import CloudConfig, Config, ConfigError
from assistant.events import CloudRequest, Stage, StageEnd, StageStart
from assistant.home.loader import demo_home_path
from assistant.runtime import build_runtime
from tests.assistant.cloud.conftest import TEST_KEY
from tests.assistant.cloud.fake_openai import FakeOpenAI, Script

ROOT = Path(__file__).resolve().parents[3]
UNKNOWN = "what is the capital of france"


def _system(body: dict) -> str:
    return body["messages"][0]["content"]


def _devices(body: dict) -> list[dict]:
    return json.loads(_system(body).split("Device list (JSON data):\n", 1)[1])


def test_the_request_is_exactly_what_the_gate_allows(server, cloud_conversation, backend):
    server.push(Script.say("Paris is the capital of France."))
    conversation = cloud_conversation()

    result = conversation.handle(UNKNOWN)

    assert result.response == "Paris is the capital of France."
    assert result.to_dict()["source"] == "cloud"
    assert result.intent == "HearthCloud"
    [request] = server.requests
    assert request.path == "/v1/chat/completions"
    body = request.body
    gate = PrivacyGate(conversation.fallback.config)
    assert body == gate.body(UNKNOWN, build_toolset(backend.home(), share_states=False))
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert body["messages"][1] == {"role": "user", "content": UNKNOWN}
    assert _system(body).startswith(SYSTEM_PROMPT)
    assert body["model"] == "test-model"
    assert body["stream"] is True
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"
    assert not [h for h in request.headers if h.startswith("x-stainless")]


def test_no_device_states_and_no_device_ids_unless_shared(server, cloud_conversation, backend):
    cloud_conversation().handle(UNKNOWN)
    devices = _devices(server.requests[0].body)
    raw = server.requests[0].raw.decode()
    assert devices and all(
        set(d) <= {"device", "name", "area", "domain", "actions", "aliases"} for d in devices
    )
    assert "light.kitchen_ceiling" not in raw  # ids never leave, only opaque handles
    assert '"state"' not in raw and "Morning Jazz" not in raw
    assert not any(d["domain"] == "sensor" for d in devices)  # nothing to do, nothing to share

    cloud_conversation(share_device_states=True).handle(UNKNOWN)
    shared = {d["name"]: d for d in _devices(server.requests[1].body)}
    assert shared["Front Door"]["state"] == "locked"
    assert shared["Outside Temperature"]["attributes"] == {"unit_of_measurement": "°C"}
    assert shared["Outside Temperature"]["state"] == "7.5"


def test_ask_the_cloud_sends_only_the_question(server, cloud_conversation):
    cloud_conversation().handle("Ask the cloud, what is a good name for a cat")
    assert server.requests[0].body["messages"][1]["content"] == "what is a good name for a cat"


def test_no_history_goes_out_each_request_stands_alone(server, cloud_conversation):
    conversation = cloud_conversation()
    conversation.handle("turn off the kitchen lights")  # local: never sent
    conversation.handle("who wrote hamlet")
    conversation.handle("how tall is mount everest")
    assert len(server.requests) == 2
    second = server.requests[1]
    assert [m["content"] for m in second.body["messages"][1:]] == ["how tall is mount everest"]
    assert b"hamlet" not in second.raw and b"kitchen lights" not in second.raw


def test_understood_commands_never_reach_the_cloud(server, cloud_conversation):
    result = cloud_conversation().handle("turn on the kettle")
    assert result.source == "local"
    assert server.requests == []


def test_each_request_is_logged_with_its_exact_bytes(
    server, cloud_conversation, egress_log, recorder
):
    cloud_conversation().handle(UNKNOWN)
    [record] = egress_log.records()
    assert record.host == "127.0.0.1"
    assert record.text == UNKNOWN
    assert record.payload.encode() == server.requests[0].raw
    assert record.bytes == len(server.requests[0].raw)
    assert record.result == "ok: answer"
    assert TEST_KEY not in record.payload
    [event] = recorder.of(CloudRequest)
    assert (event.host, event.bytes_sent, event.result) == ("127.0.0.1", record.bytes, "ok: answer")
    stages = [e.stage for e in recorder.of(StageStart)] + [e.stage for e in recorder.of(StageEnd)]
    assert stages.count(Stage.CLOUD) == 2


def test_cloud_off_means_zero_requests_through_the_runtime(server: FakeOpenAI):
    config = Config(cloud=CloudConfig(enabled=False, base_url=server.url))
    runtime = build_runtime(config, home_file=demo_home_path())
    try:
        assert runtime.conversation.fallback is None
        for text in (UNKNOWN, "ask the cloud what time it is in tokyo", "sing me a song"):
            assert runtime.conversation.handle(text).source != "cloud"
    finally:
        runtime.close()
    assert server.requests == []


def test_cloud_on_through_the_runtime_executes_a_validated_tool_call(server, handles):
    config = Config(cloud=CloudConfig(enabled=True, base_url=server.url, timeout_s=2.0))
    server.push(Script.call(("turn_on", {"device": handles["switch.printer"]})))
    runtime = build_runtime(config, home_file=demo_home_path())
    try:
        result = runtime.conversation.handle("could you get the printer going")
        assert result.to_dict()["source"] == "cloud"
        assert result.response == "Okay, I turned on the Printer"
        assert runtime.backend.home().devices["switch.printer"].state == "on"
    finally:
        runtime.close()
    assert len(server.requests) == 1


def test_with_cloud_off_the_cloud_code_is_never_imported():
    code = (
        "import sys\n"
        "from assistant.config import Config\n"
        "from assistant.runtime import build_runtime\n"
        "from assistant.home.loader import demo_home_path\n"
        "rt = build_runtime(Config(), home_file=demo_home_path())\n"
        "rt.conversation.handle('what is the capital of france')\n"
        "rt.close()\n"
        "names = ('assistant.cloud', 'assistant.cloud_tools', 'assistant.api_key', 'openai',"
        " 'httpx', 'httpx2', 'keyring')\n"
        "print(','.join(n for n in names if n in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_cloud_settings_are_checked_and_off_by_default():
    assert Config().cloud.enabled is False and Config().cloud.share_device_states is False
    on = Config().with_value("cloud.enabled", "true").with_value("cloud.max_retries", "1")
    assert on.cloud.enabled and on.cloud.max_retries == 1
    bad = [("cloud.max_retries", "9"), ("cloud.base_url", "ftp://x")]
    bad += [("cloud.timeout_s", value) for value in ("0", "-1", "nan", "inf", "301")]
    for key, value in bad:
        with pytest.raises(ConfigError):
            Config().with_value(key, value)
