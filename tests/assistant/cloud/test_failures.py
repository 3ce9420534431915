"""Every way the cloud can fail ends in a short reply, a log row, bounded retries, no change."""

from __future__ import annotations

import socket
import time

import pytest

from assistant.cloud import BACKOFF_CAP_S, FAILED_INTENT
from assistant.events import ErrorEvent
from tests.assistant.cloud.fake_openai import Mode, Script

UNKNOWN = "please make it cosy in here"


def _snapshot(backend) -> dict:
    return {d.id: (d.state, dict(d.attributes)) for d in backend.home().devices.values()}


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
@pytest.mark.parametrize(
    ("scripts", "reply", "attempts", "code"),
    [
        ([Script.fail(401)], "did not accept the API key", 1, "auth"),
        ([Script.fail(403)], "did not accept the API key", 1, "auth"),
        ([Script.fail(400)], "could not handle that request", 1, "bad-request"),
        ([Script.fail(429)] * 3, "is busy", 3, "rate-limit"),
        ([Script.fail(500)] * 3, "had a problem", 3, "server"),
        ([Script.fail(503)] * 3, "had a problem", 3, "server"),
        ([Script(Mode.MALFORMED)], "answer I couldn't read", 1, "malformed"),
        ([Script(Mode.DROP)] * 3, "couldn't reach the cloud service", 3, "connect"),
        (
            [Script.call(("launch_rockets", {"device": "d1"}))],
            "can't do: there is no function",
            1,
            "rejected",
        ),
        ([Script.call(("turn_on", "{not json"))], "can't do: the arguments", 1, "rejected"),
    ],
    ids=[
        "401",
        "403",
        "400",
        "429",
        "500",
        "503",
        "malformed",
        "dropped",
        "bad-function",
        "bad-arguments",
    ],
)
def test_failure_gives_a_short_reply_and_leaves_the_home_alone(
    server,
    cloud_conversation,
    backend,
    egress_log,
    recorder,
    sleeps,
    stream,
    scripts,
    reply,
    attempts,
    code,
):
    before = _snapshot(backend)
    server.push(*scripts)

    result = cloud_conversation(stream=stream).handle(UNKNOWN)

    assert reply in result.response
    assert len(result.response) < 120
    assert result.intent == FAILED_INTENT and result.source == "cloud"
    assert result.actions == ()
    assert _snapshot(backend) == before
    assert len(server.requests) == attempts
    assert len(egress_log.records()) == attempts
    assert len(sleeps) == attempts - 1
    assert [e.code for e in recorder.of(ErrorEvent)] == [code]


@pytest.mark.parametrize("mode", [Mode.CUT, Mode.NO_FINISH], ids=["broken-off", "no-finish"])
def test_a_stream_cut_off_is_reported_and_changes_nothing(
    server, cloud_conversation, backend, handles, egress_log, mode
):
    before = _snapshot(backend)
    kettle = ("turn_on", {"device": handles["switch.kettle"]})
    server.push(*[Script(mode, text="Sure, turning it on", calls=(kettle,))] * 2)

    result = cloud_conversation(max_retries=1).handle(UNKNOWN)

    assert result.response == "Sorry, the cloud service's answer was cut off"
    assert _snapshot(backend) == before
    assert [r.result.split(":")[1].strip() for r in egress_log.records()] == ["cut-off"] * 2


def test_a_timeout_is_reported(server, cloud_conversation, backend, egress_log):
    server.push(Script(Mode.SLOW, text="too late", delay_s=5))
    started = time.perf_counter()
    result = cloud_conversation(timeout_s=0.3, max_retries=0).handle(UNKNOWN)
    assert time.perf_counter() - started < 2
    assert result.response == "Sorry, the cloud service took too long to answer"
    assert egress_log.records()[0].result.startswith("error: timeout")


def test_no_network_connection_refused(cloud_conversation, egress_log, sleeps):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = cloud_conversation(base_url=f"http://127.0.0.1:{port}/v1").handle(UNKNOWN)
    assert result.response == "Sorry, I couldn't reach the cloud service"
    assert len(egress_log.records()) == 3 and sleeps == [0.5, 1.0]


def test_dns_failure(cloud_conversation, egress_log, monkeypatch):
    """The name does not resolve; simulated, so no DNS query leaves during the tests."""
    looked_up: list[str] = []

    def no_such_host(host, *args, **kwargs):
        looked_up.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    result = cloud_conversation(base_url="https://llm.example.invalid/v1", max_retries=1).handle(
        UNKNOWN
    )
    assert result.response == "Sorry, I couldn't reach the cloud service"
    assert set(looked_up) == {"llm.example.invalid"}
    record = egress_log.records()[0]
    assert record.host == "llm.example.invalid" and "connect" in record.result


def test_a_retry_that_succeeds_runs_the_action_once(
    server, cloud_conversation, backend, handles, egress_log, sleeps
):
    kettle = ("turn_on", {"device": handles["switch.kettle"]})
    server.push(Script.fail(500), Script.fail(429, ("retry-after", "30")), Script.call(kettle))

    result = cloud_conversation(timeout_s=10.0).handle(UNKNOWN)  # the pauses fit the deadline

    assert result.response == "Okay, I turned on the Kettle"
    assert backend.home().devices["switch.kettle"].state == "on"
    assert sleeps == [0.5, BACKOFF_CAP_S]  # Retry-After is honoured, but never beyond the cap
    results = [r.result for r in reversed(egress_log.records())]
    assert results == ["error: server: HTTP 500", "error: rate-limit: HTTP 429", "ok: 1 action(s)"]


def test_retries_are_bounded_by_config(server, cloud_conversation, sleeps):
    server.push(*[Script.fail(500)] * 10)
    cloud_conversation(max_retries=0).handle(UNKNOWN)
    assert len(server.requests) == 1 and sleeps == []


def test_no_key_for_a_remote_service_sends_nothing(cloud_conversation, egress_log, monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", pytest.fail)  # not even a DNS lookup
    result = cloud_conversation(api_key=None, base_url="https://api.openai.com/v1").handle(UNKNOWN)
    assert "needs an API key" in result.response
    assert egress_log.records() == []


def test_a_local_server_needs_no_key(server, cloud_conversation):
    result = cloud_conversation(api_key=None).handle(UNKNOWN)
    assert result.response == "Hello"
    assert server.requests[0].headers["authorization"] == "Bearer no-key"
