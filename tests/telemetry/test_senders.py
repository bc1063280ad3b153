"""PostMetrics senders: over httpx against a loopback server, and over a generated client."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

from qsmith.runtime.auth.credentials.provider import StaticCredentialsProvider
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.errors import ServiceError
from qsmith.telemetry import TelemetryClientInfo, TelemetryPublisher
from qsmith.telemetry.client_sender import GeneratedClientSender
from qsmith.telemetry.http_sender import HttpMetricSender, TelemetrySendError
from qsmith.testing import LoopbackServer, ScriptedResponse
from tests.telemetry.fakes import datum

CLIENT_ID = "0f0e0d0c-0b0a-4909-8807-060504030201"
INFO = TelemetryClientInfo(
    product="AWS Toolkit For VS Code",
    product_version="1.2.3",
    client_id=CLIENT_ID,
    os="Linux",
    os_version="6.1",
)
CREDENTIALS = StaticCredentialsProvider(
    AwsCredentials("AKIDEXAMPLE1234", "secret-key-value", session_token="session-token-value")
)


def test_publisher_posts_45_metrics_as_three_signed_post_metrics_calls(
    loopback: LoopbackServer,
) -> None:
    loopback.set_handler(lambda _request: ScriptedResponse(status=200))
    sender = HttpMetricSender(INFO, CREDENTIALS, endpoint=loopback.url)
    publisher = TelemetryPublisher(sender, enabled=True, flush_at_exit=False)
    for i in range(45):
        publisher.record(datum(i))
    assert publisher.flush(timeout=10)
    publisher.close()
    requests = loopback.requests
    assert [r.method + " " + r.path for r in requests] == ["POST /metrics"] * 3
    bodies = [json.loads(r.body) for r in requests]
    assert [len(b["MetricData"]) for b in bodies] == [20, 20, 5]
    first = bodies[0]
    assert {k: first[k] for k in ("AWSProduct", "AWSProductVersion", "ClientID", "OS")} == {
        "AWSProduct": "AWS Toolkit For VS Code",
        "AWSProductVersion": "1.2.3",
        "ClientID": CLIENT_ID,
        "OS": "Linux",
    }
    assert first["MetricData"][1] == {
        "MetricName": "qsmith_test",
        "EpochTimestamp": 1_700_000_000_001,
        "Unit": "Count",
        "Value": 1.0,
        "Metadata": [{"Key": "index", "Value": "1"}],
        "Passive": False,
    }
    authorization = requests[0].header("authorization") or ""
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE1234/")
    assert "/us-east-1/execute-api/aws4_request" in authorization
    assert requests[0].header("x-amz-security-token") == "session-token-value"
    assert requests[0].header("content-type") == "application/json"
    assert publisher.stats.sent == 45


def test_an_error_answer_becomes_a_typed_error_without_secrets(loopback: LoopbackServer) -> None:
    loopback.enqueue(
        ScriptedResponse.json(
            400,
            '{"__type": "ValidationException", "message": "bad metric"}',
            headers=[("x-amzn-RequestId", "req-1")],
        )
    )
    sender = HttpMetricSender(INFO, CREDENTIALS, endpoint=loopback.url)
    with pytest.raises(TelemetrySendError) as caught:
        sender.send([datum(0)])
    error = caught.value
    assert isinstance(error, ServiceError)
    assert (error.code, error.http_status, error.request_id) == (
        "ValidationException",
        400,
        "req-1",
    )
    assert "secret-key-value" not in str(error) and "session-token-value" not in str(error)


def test_publisher_counts_failed_calls_against_the_service(loopback: LoopbackServer) -> None:
    loopback.set_handler(lambda _request: ScriptedResponse.json(503, "{}"))
    publisher = TelemetryPublisher(
        HttpMetricSender(INFO, CREDENTIALS, endpoint=loopback.url),
        enabled=True,
        flush_at_exit=False,
    )
    for i in range(21):
        publisher.record(datum(i))
    assert publisher.flush(timeout=10)
    publisher.close()
    stats = publisher.stats
    assert (stats.failed, stats.failed_batches, stats.sent) == (21, 2, 0)


@dataclass
class FakeMetricDatum:
    metric_name: str
    epoch_timestamp: int
    unit: str
    value: float
    metadata: list[object] = field(default_factory=list)
    passive: bool = False


@dataclass
class FakeMetadataEntry:
    key: str
    value: str


class FakeClient:
    def __init__(self) -> None:
        self.calls: list[dict[str, object]] = []

    def post_metrics(self, **kwargs: object) -> None:
        self.calls.append(kwargs)


def test_generated_client_sender_maps_a_batch_to_post_metrics_keywords() -> None:
    client = FakeClient()
    models = SimpleNamespace(MetricDatum=FakeMetricDatum, MetadataEntry=FakeMetadataEntry)
    sender = GeneratedClientSender(client, INFO, models=models)
    sender.send([datum(0), datum(1)])
    (call,) = client.calls
    assert call == {
        "aws_product": "AWS Toolkit For VS Code",
        "aws_product_version": "1.2.3",
        "client_id": CLIENT_ID,
        "credential_start_url": "",
        "os": "Linux",
        "os_version": "6.1",
        "metric_data": [
            FakeMetricDatum(
                "qsmith_test",
                1_700_000_000_000 + i,
                "Count",
                float(i),
                [FakeMetadataEntry("index", str(i))],
                False,
            )
            for i in range(2)
        ],
    }
