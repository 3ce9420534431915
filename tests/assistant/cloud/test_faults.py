"""Faults in the cloud service, each ending in one short line within the deadline.

Every fault is checked the same way: the reply is one short line, it comes within the configured
deadline (``cloud.timeout_s``, retries and pauses included; a generous margin is allowed for a
slow machine, but a server that trickles bytes forever would hold the old code indefinitely), no
device changed, and the egress log holds one row per attempt with the exact body sent and the
outcome. The handle call runs on a helper thread so a regression fails here instead of hanging.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest

from assistant.cloud import FAILED_INTENT, CloudFallback
from assistant.cloud_http import MAX_REPLY_BYTES, proxy_for
from assistant.conversation import TurnResult
from assistant.events import ErrorEvent
from tests.assistant.cloud.fake_openai import FakeOpenAI, Mode, Script
from tests.conftest import Clock

UNKNOWN = "please make it cosy in here"
DEADLINE_S = 1.5
MARGIN_S = 4.0  # generous: the point is "bounded", not "fast"


def _snapshot(backend) -> dict:
    return {d.id: (d.state, dict(d.attributes)) for d in backend.home().devices.values()}


def _handle_within(handle: Callable[[], TurnResult], limit_s: float) -> tuple[TurnResult, float]:
    """Run ``handle`` on a thread; fail (rather than hang) if it is not back within ``limit_s``."""
    box: dict[str, Any] = {}

    def run() -> None:
        box["result"] = handle()

    started = time.monotonic()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(limit_s)
    assert not worker.is_alive(), f"no reply after {limit_s:.0f} s: the deadline did not hold"
    return box["result"], time.monotonic() - started


def _wait_for(condition: Callable[[], bool], limit_s: float = 5.0) -> bool:
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@dataclass(frozen=True)
class Fault:
    scripts: tuple[Script, ...]
    reply: str
    code: str
    attempts: int  # at most; a retry is only started while the deadline leaves room for it
    stream: bool = True
    deadline_s: float = DEADLINE_S


KETTLE_ON = ("turn_on", '{"device": "d12"}')
FAULTS = {
    "silent-stream": Fault((Script(Mode.SILENT),) * 3, "took too long", "timeout", 1),
    "silent-whole": Fault((Script(Mode.SILENT),) * 3, "took too long", "timeout", 1, False),
    "trickle-stream": Fault(
        (Script(Mode.TRICKLE, delay_s=0.05),) * 3, "took too long", "timeout", 1
    ),
    "trickle-whole": Fault(
        (Script(Mode.TRICKLE, delay_s=0.05),) * 3, "took too long", "timeout", 1, False
    ),
    "trickle-headers": Fault(
        (Script(Mode.TRICKLE_HEAD, delay_s=0.05),) * 3, "took too long", "timeout", 1, False
    ),
    "huge-stream": Fault(  # the SDK parses a stream slowly: the cap, not the deadline, ends it
        (Script(Mode.HUGE, size=16 * MAX_REPLY_BYTES),), "far too long", "too-large", 1, True, 20
    ),
    "huge-whole": Fault(
        (Script(Mode.HUGE, size=16 * MAX_REPLY_BYTES),), "far too long", "too-large", 1, False
    ),
    "garbage-stream": Fault((Script(Mode.MALFORMED),), "couldn't read", "malformed", 1),
    "garbage-whole": Fault((Script(Mode.MALFORMED),), "couldn't read", "malformed", 1, False),
    "bad-tool-call": Fault(
        (Script.call(("turn_on", '{"device": "d1",')),), "can't do", "rejected", 1
    ),
    "cut-mid-reply": Fault(
        (Script(Mode.CUT, text="Sure, turning it on now", calls=(KETTLE_ON,)),) * 3,
        "was cut off",
        "cut-off",
        2,  # a third attempt would start after 0.5 + 1.0 s of pauses: past the deadline
    ),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_a_cloud_fault_gives_one_line_within_the_deadline(
    name, server, cloud_conversation, backend, egress_log, recorder
):
    fault = FAULTS[name]
    before = _snapshot(backend)
    server.push(*fault.scripts)
    conversation = cloud_conversation(timeout_s=fault.deadline_s, stream=fault.stream)
    limit = fault.deadline_s + MARGIN_S

    result, took = _handle_within(lambda: conversation.handle(UNKNOWN), limit)

    assert fault.reply in result.response
    assert "\n" not in result.response and len(result.response) < 120
    assert result.intent == FAILED_INTENT and result.actions == ()
    assert _snapshot(backend) == before
    records = list(reversed(egress_log.records()))
    assert 1 <= len(records) == len(server.requests) <= fault.attempts
    for record, received in zip(records, server.requests, strict=True):
        assert record.text == UNKNOWN
        assert record.payload.encode() == received.raw  # the exact bytes, logged before sending
        prefix = "rejected:" if fault.code == "rejected" else f"error: {fault.code}"
        assert record.result.startswith(prefix) and not record.in_flight
    assert [e.code for e in recorder.of(ErrorEvent)] == [fault.code]
    assert took < limit


@pytest.mark.parametrize("mode", [Mode.TRICKLE, Mode.TRICKLE_HEAD, Mode.SILENT])
def test_at_the_deadline_the_connection_is_closed_not_left_reading(
    mode, server, cloud_conversation
):
    """The server sees the client hang up: nothing keeps reading a trickle after the reply."""
    server.push(Script(mode, delay_s=0.05))
    conversation = cloud_conversation(timeout_s=0.8, max_retries=0, stream=False)
    result, _ = _handle_within(lambda: conversation.handle(UNKNOWN), 0.8 + MARGIN_S)
    assert "took too long" in result.response
    assert _wait_for(lambda: server.hung_up >= 1)


def test_a_huge_answer_is_not_read_past_the_cap(server, cloud_conversation, egress_log):
    size = 64 * MAX_REPLY_BYTES
    server.push(Script(Mode.HUGE, size=size))
    conversation = cloud_conversation(timeout_s=10.0, stream=False)
    result, _ = _handle_within(lambda: conversation.handle(UNKNOWN), 10.0 + MARGIN_S)
    assert result.response == "Sorry, the cloud service's answer was far too long"
    assert _wait_for(lambda: server.hung_up >= 1)
    assert server.sent < size // 4  # the client stopped reading; kernel buffers hold a few MB
    assert egress_log.records()[0].result.startswith("error: too-large")


def test_connection_refused_is_one_line_and_logged_as_not_answered(
    cloud_conversation, backend, egress_log, sleeps
):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    before = _snapshot(backend)
    conversation = cloud_conversation(base_url=f"http://127.0.0.1:{port}/v1", timeout_s=DEADLINE_S)
    result, _ = _handle_within(lambda: conversation.handle(UNKNOWN), DEADLINE_S + MARGIN_S)
    assert result.response == "Sorry, I couldn't reach the cloud service"
    assert _snapshot(backend) == before
    records = egress_log.records()
    assert 1 <= len(records) <= 2 and len(sleeps) == len(records) - 1
    for record in records:  # the sentence never left: no connection, so nothing in flight
        assert record.result.startswith("error: connect") and record.result.endswith("(not sent)")


def test_retries_and_their_pauses_stay_inside_the_deadline(
    server, cloud_config, egress_log, backend
):
    """A retry is not started when its pause would end past the deadline (a clock moved only
    by the pauses, so the count does not depend on how fast this machine is)."""
    clock = Clock(now=0.0)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds)

    server.push(*[Script.fail(503)] * 6)
    fallback = CloudFallback(
        config=replace(cloud_config, timeout_s=1.2, max_retries=5),
        log=egress_log,
        sleep=sleep,
        clock=clock,
    )
    answer = fallback.answer(UNKNOWN, backend.home())
    assert answer is not None and "had a problem" in answer.response
    assert slept == [0.5]  # then a 1.0 s pause would leave less than MIN_ATTEMPT_S
    assert len(server.requests) == 2 == len(egress_log.records())


def test_a_redirect_is_not_followed(server, cloud_conversation, egress_log):
    """The sentence goes to the configured server or nowhere: never on to where it points."""
    elsewhere = FakeOpenAI().start()
    try:
        server.push(Script.fail(307, ("location", f"{elsewhere.url}/chat/completions")))
        result = cloud_conversation().handle(UNKNOWN)
    finally:
        elsewhere.stop()
    assert result.response == "Sorry, the cloud service could not handle that request"
    assert len(server.requests) == 1 and elsewhere.requests == []
    assert [r.result for r in egress_log.records()] == ["error: bad-request: HTTP 307"]


def test_the_proxy_comes_from_the_environment(monkeypatch):
    for name in ("http_proxy", "https_proxy", "no_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "llm.lan")
    assert proxy_for("https://api.openai.com/v1") == "http://proxy.example:3128"
    assert proxy_for("https://llm.lan/v1") is None
    assert proxy_for("http://127.0.0.1:8080/v1") is None  # no HTTP_PROXY set


def test_a_name_lookup_that_hangs_costs_at_most_the_deadline(
    cloud_conversation, backend, egress_log, monkeypatch
):
    """httpx's timeouts do not cover DNS; the deadline does (simulated: no real query leaves)."""
    release = threading.Event()

    def slow_lookup(host, *args, **kwargs):
        release.wait(30)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", slow_lookup)
    before = _snapshot(backend)
    conversation = cloud_conversation(base_url="https://llm.example.invalid/v1", timeout_s=1.0)
    try:
        result, _ = _handle_within(lambda: conversation.handle(UNKNOWN), 1.0 + MARGIN_S)
    finally:
        release.set()
    assert result.response == "Sorry, the cloud service took too long to answer"
    assert _snapshot(backend) == before
    [record] = egress_log.records()
    assert record.result.startswith("error: timeout") and record.result.endswith("(not sent)")
