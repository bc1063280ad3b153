"""The event signer against shared/vectors/sigv4/event-stream-signing.json."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from qsmith.runtime.auth.event_signer import EventSigner, encode_date_header
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.auth.sigv4 import STREAMING_EVENTS_PAYLOAD, SigV4Config, SigV4Signer
from qsmith.runtime.http import HttpRequest
from tests.support.shared import shared_path


def _cases() -> dict[str, Any]:
    path = shared_path("vectors", "sigv4", "event-stream-signing.json")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return {case["name"]: case for case in data["cases"]}


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_aws_c_auth_chain_of_four_events() -> None:
    case = _cases()["aws-c-auth sigv4_event_signing_test"]
    creds = AwsCredentials(
        case["credentials"]["access_key_id"], case["credentials"]["secret_access_key"]
    )
    spec = case["request"]
    request = HttpRequest(
        method=spec["method"],
        host=spec["headers"]["host"],
        path=spec["path"],
        headers=list(spec["headers"].items()),
    )
    config = SigV4Config(
        region=case["region"],
        service=case["service"],
        double_uri_encode=spec["double_uri_encode"],
        normalize_path=spec["normalize_path"],
        payload_hash=spec["signed_body_value"],
        content_sha256_header=True,
    )
    assert spec["signed_body_value"] == STREAMING_EVENTS_PAYLOAD
    signer = SigV4Signer()
    initial = signer.sign(request, creds, config, now=_time(spec["timestamp"]))
    assert initial.signature == spec["expected_signature"]
    assert initial.request.header("authorization") == spec["expected_authorization"]

    events = EventSigner(creds, case["region"], case["service"], initial.signature, signer)
    for expected in case["events"]:
        signed = events.sign(bytes.fromhex(expected["payload_hex"]), _time(expected["timestamp"]))
        assert signed.signature.hex() == expected["expected_signature"]
        assert signed.headers == [(":date", signed.date), (":chunk-signature", signed.signature)]
    assert len(case["events"]) == 4 and case["events"][-1]["payload_hex"] == ""


def test_smithy_rs_payload_string_to_sign() -> None:
    case = _cases()["smithy-rs event_stream string_to_sign"]
    moment = datetime.fromtimestamp(case["timestamp_epoch_seconds"], UTC)
    signer = EventSigner(AwsCredentials("AKID", "SECRET"), case["region"], case["service"], "")
    text = signer.string_to_sign(
        bytes.fromhex(case["message_to_sign"]["encoded_hex"]),
        moment,
        case["previous_signature"],
    )
    assert text == case["expected_string_to_sign"]


def test_date_header_encoding() -> None:
    moment = datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)
    assert encode_date_header(moment) == b"\x05:date\x08" + (1000).to_bytes(8, "big")


def test_sub_second_time_is_truncated_for_date_and_signature() -> None:
    creds = AwsCredentials("AKID", "SECRET")
    signer = EventSigner(creds, "us-east-1", "svc", "00" * 32)
    other = EventSigner(creds, "us-east-1", "svc", "00" * 32)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    a = signer.sign(b"x", base.replace(microsecond=999_999))
    b = other.sign(b"x", base)
    assert a.signature == b.signature and a.date == base
