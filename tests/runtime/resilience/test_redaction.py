"""Secrets never reach log records, whoever logs them."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

import pytest

from qsmith.runtime.redaction import (
    REDACTED,
    RedactingFilter,
    SecretRegistry,
    get_logger,
    redact_headers,
    redact_members,
    redact_text,
    redact_url,
)
from qsmith.runtime.schema import MemberSchema, Schema, ShapeType

SIG = "3f1a9c0e5b7d2f4a6c8e0b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a"


def test_presigned_url_parameters_are_hidden_and_others_kept() -> None:
    url = (
        "https://q.example/p?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fus-east-1&X-Amz-Signature={SIG}"
        "&X-Amz-Security-Token=tok%2Fen&keep=1"
    )
    redacted = redact_url(url)
    for secret in (SIG, "AKIDEXAMPLE", "tok"):
        assert secret not in redacted
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in redacted and "keep=1" in redacted


@pytest.mark.parametrize(
    "text",
    [
        f"HTTP Request: GET https://h/p?x-amz-signature={SIG} 200",
        f"Authorization: AWS4-HMAC-SHA256 Credential=AKID/x, Signature={SIG}",
        f"[(b'Host', b'h'), (b'Authorization', b'AWS4-HMAC-SHA256 Signature={SIG}')]",
        f"{{'authorization': 'Bearer {SIG}'}}",
        f"headers x-amz-security-token={SIG}",
        f"signed with Signature={SIG}, done",
        f"url-encoded X-Amz-Signature%3D{SIG}",
    ],
)
def test_text_redaction_covers_the_shapes_secrets_are_printed_in(text: str) -> None:
    assert SIG not in redact_text(text)
    assert REDACTED in redact_text(text)


def test_registered_secrets_are_scrubbed_anywhere() -> None:
    registry = SecretRegistry()
    registry.add("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    registry.add("short")  # too short to scrub safely: ignored
    text = "key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY and a short word"
    assert redact_text(text, registry) == f"key={REDACTED} and a short word"


def test_headers_helper() -> None:
    headers = [("Authorization", "x"), ("X-Amz-Security-Token", "t"), ("Host", "h")]
    assert redact_headers(headers) == [
        ("Authorization", REDACTED),
        ("X-Amz-Security-Token", REDACTED),
        ("Host", "h"),
    ]


def test_the_filter_formats_args_then_redacts(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.redaction.probe")
    log_filter = RedactingFilter()
    logger.addFilter(log_filter)
    try:
        with caplog.at_level(logging.DEBUG, logger="tests.redaction.probe"):
            logger.debug("GET %s -> %d", f"https://h/?X-Amz-Signature={SIG}", 200)
    finally:
        logger.removeFilter(log_filter)
    (record,) = caplog.records
    assert SIG not in record.getMessage()
    assert record.getMessage().endswith("-> 200")


def test_get_logger_installs_the_filter_on_child_loggers(caplog: pytest.LogCaptureFixture) -> None:
    logger = get_logger("qsmith.runtime.tests_probe")
    with caplog.at_level(logging.DEBUG):
        logger.info("token is in %s", f"x-amz-security-token: {SIG}")
    assert SIG not in caplog.text


class Kind(enum.Enum):
    A = "a"


@dataclass
class Login:
    user: str
    password: str
    tags: list[str]


STRING = Schema(id="smithy.api#String", type=ShapeType.STRING)
SECRET = Schema(id="ex#Secret", type=ShapeType.STRING, sensitive=True)
TAGS = Schema(
    id="ex#Tags",
    type=ShapeType.LIST,
    members={"member": MemberSchema(name="member", python_name="member", target_ref=SECRET)},
)
LOGIN = Schema(
    id="ex#Login",
    type=ShapeType.STRUCTURE,
    members={
        "user": MemberSchema(name="user", python_name="user", target_ref=STRING),
        "password": MemberSchema(
            name="password", python_name="password", target_ref=STRING, sensitive=True
        ),
        "tags": MemberSchema(name="tags", python_name="tags", target_ref=TAGS),
    },
)


def test_sensitive_members_are_hidden_by_schema() -> None:
    shown = redact_members(Login(user="ann", password="hunter2", tags=["t1"]), LOGIN)
    assert shown == {"user": "ann", "password": REDACTED, "tags": [REDACTED]}
