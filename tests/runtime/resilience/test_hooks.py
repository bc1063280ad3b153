"""Interceptors see every attempt, in order, with the outcome of each."""

from __future__ import annotations

import httpx
import pytest

from qsmith.runtime.errors import ConfigError, ServiceError
from qsmith.runtime.hooks import AttemptContext, AttemptOutcome, InterceptorChain
from qsmith.runtime.retry import StandardRetryStrategy
from qsmith.runtime.transport import TransportConfig, build_sync_client
from qsmith.testing import FakeService, json_response, throttle
from tests.runtime.resilience.loop import Call, call_sync


class Recorder:
    def __init__(self, name: str, log: list[str]) -> None:
        self.name = name
        self.log = log
        self.outcomes: list[AttemptOutcome] = []

    def before_send(self, context: AttemptContext) -> None:
        context.attributes[self.name] = context.attempt
        self.log.append(f"{self.name}.before#{context.attempt}")

    def after_receive(self, context: AttemptContext, outcome: AttemptOutcome) -> None:
        assert context.attributes[self.name] == context.attempt
        self.outcomes.append(outcome)
        self.log.append(f"{self.name}.after#{context.attempt}:{outcome.http_status}")


class MetricsOnly:
    def __init__(self) -> None:
        self.statuses: list[int | None] = []

    def after_receive(self, context: AttemptContext, outcome: AttemptOutcome) -> None:
        self.statuses.append(outcome.http_status)


def test_interceptors_wrap_each_attempt_in_order() -> None:
    log: list[str] = []
    outer, inner, metrics = Recorder("outer", log), Recorder("inner", log), MetricsOnly()
    with FakeService("awsJson1_0") as fake:
        fake.inject("Op", throttle(), times=1)
        fake.set_default("Op", json_response({}))
        call = Call(
            url=fake.url,
            operation="Op",
            strategy=StandardRetryStrategy(random=lambda: 0.0),
            config=TransportConfig(trust_env=False),
            interceptors=InterceptorChain([outer, inner, metrics]),
        )
        with build_sync_client(call.config) as client:
            call_sync(client, call)
    assert log == [
        "outer.before#1",
        "inner.before#1",
        "inner.after#1:429",
        "outer.after#1:429",
        "outer.before#2",
        "inner.before#2",
        "inner.after#2:200",
        "outer.after#2:200",
    ]
    assert metrics.statuses == [429, 200]
    assert isinstance(outer.outcomes[0].error, ServiceError)
    assert outer.outcomes[1].error is None and outer.outcomes[1].elapsed > 0


def test_an_object_with_no_hook_is_rejected() -> None:
    with pytest.raises(ConfigError, match="neither before_send nor after_receive"):
        InterceptorChain([object()])


def test_an_interceptor_error_fails_the_call() -> None:
    class Broken:
        def before_send(self, context: AttemptContext) -> None:
            raise RuntimeError("metrics backend down")

    chain = InterceptorChain([Broken()])
    request = httpx.Request("GET", "http://127.0.0.1/")
    from qsmith.runtime.http import HttpRequest

    context = AttemptContext(
        service="s",
        operation="o",
        attempt=1,
        max_attempts=3,
        request=HttpRequest.from_url("GET", str(request.url)),
    )
    with pytest.raises(RuntimeError, match="metrics backend down"):
        chain.before_send(context)
