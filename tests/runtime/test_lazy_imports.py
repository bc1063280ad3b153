"""Importing a generated client and constructing it loads only what construction needs.

Each check runs in a fresh interpreter (``python -c``) and looks at ``sys.modules``; no
timing. A second group of tests makes a real call after such a lazy start, blocking and
asyncio, to show that what was deferred loads when the call needs it.
See docs/design/lazy-imports.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

import certifi
import pytest

from qsmith.runtime.schema import OperationSchema, ServiceSchema
from qsmith.runtime.serde.json import JsonCodec
from qsmith.testing import LoopbackServer, ScriptedResponse
from qsmith.testing.event_streams import event_stream_body
from tests.support.examples import example
from tests.support.shared import REPO_ROOT

# The import-time target of issue #6 (benchmarks/import_time.py: importing a generated
# client and constructing it in under half of boto3's time) holds only while constructing
# a client loads none of these. Each is needed by some calls only and loads with the
# first call that needs it.
DEFERRED_UNTIL_A_CALL = (
    "httpx",  # the transport (with httpcore, h11, idna, certifi): the first request
    "httpcore",
    "asyncio",  # AsyncClient calls and async identity resolution
    "ssl",  # TLS contexts; a configured CA bundle is read with the connection pool
    "urllib.request",  # loaded by httpx
    "http.client",  # loaded by httpx
    "email.utils",  # HTTP dates (brings socket, calendar, random)
    "uuid",  # invocation ids, idempotency tokens (brings platform)
    "platform",  # the User-Agent, built with the first request
    "gzip",  # request compression
    "hmac",  # SigV4, with the first signature
    "tempfile",  # saving a refreshed token
    "subprocess",  # credential_process
    "xml.etree.ElementTree",  # STS answers
    "xml.parsers.expat",  # the XML protocols' answers
    "qsmith.runtime.serde.xml",  # the XML and query protocols only
    "qsmith.runtime.serde.query",
    "qsmith.runtime.auth.sigv4",
    "qsmith.runtime.eventstream",  # the event stream codec: streaming calls only
    "qsmith.runtime.client.events",
)
# Credential and token sources load when a default chain builds them, and the sources a
# profile may name (STS, SSO, a process) only when it names them: a client given its
# identity loads none.
IDENTITY_SOURCES = (
    "qsmith.runtime.auth.credentials.chain",
    "qsmith.runtime.auth.credentials.profile",
    "qsmith.runtime.auth.credentials.container",
    "qsmith.runtime.auth.credentials.imds",
    "qsmith.runtime.auth.credentials.web_identity",
    "qsmith.runtime.auth.credentials.sts",
    "qsmith.runtime.auth.credentials.sso",
    "qsmith.runtime.auth.credentials.process",
    "qsmith.runtime.auth.tokens.chain",
    "qsmith.runtime.auth.tokens.oidc",
    "qsmith.runtime.auth.tokens.refreshing",
    "qsmith.runtime.auth.tokens.token_file",
)
WATCHED = frozenset(DEFERRED_UNTIL_A_CALL + IDENTITY_SOURCES)

BEARER_TOKEN = "ClientConfig(region='us-east-1', token='token-canary')"
STATIC_KEYS = (
    "ClientConfig(region='us-east-1', "
    "credentials=AwsCredentials('AKIDEXAMPLE', 'secret-canary'))"
)


@dataclass(frozen=True)
class Start:
    """A client constructed in a fresh interpreter, and what that may load of WATCHED."""

    package: str
    client_class: str
    config: str
    loads: frozenset[str] = frozenset()


STARTS = {
    "bearer client given a token": Start("codewhisperer_streaming", "Client", BEARER_TOKEN),
    "async bearer client given a token": Start(
        "codewhisperer_streaming", "AsyncClient", BEARER_TOKEN
    ),
    "SigV4 client given static keys": Start("toolkit_telemetry", "Client", STATIC_KEYS),
    "async SigV4 client given static keys": Start("toolkit_telemetry", "AsyncClient", STATIC_KEYS),
    # The default chains build their sources (and the token chain names its cache file
    # by a SHA-1), but still load no transport and no source a profile must name.
    "SigV4 client with the default credential chain": Start(
        "toolkit_telemetry",
        "Client",
        "ClientConfig(region='us-east-1')",
        frozenset(
            "qsmith.runtime.auth.credentials." + name
            for name in ("chain", "profile", "container", "imds", "web_identity")
        ),
    ),
    "bearer client with the default token chain": Start(
        "codewhisperer_streaming",
        "Client",
        "ClientConfig(region='us-east-1')",
        frozenset(
            "qsmith.runtime.auth.tokens." + name
            for name in ("chain", "oidc", "refreshing", "token_file")
        ),
    ),
}


def _construct(start: Start, endpoint_url: str | None = None) -> str:
    config = start.config
    if endpoint_url is not None:
        config = config.replace("ClientConfig(", f"ClientConfig(endpoint_url={endpoint_url!r}, ")
    return textwrap.dedent(f"""\
        import json, sys
        from qsmith.clients.{start.package} import {start.client_class}
        from qsmith.runtime.auth.identity import AwsCredentials
        from qsmith.runtime.client import ClientConfig
        client = {start.client_class}(config={config})
        constructed = sorted(sys.modules)
        """)


def _run(code: str, home: Path) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter with an empty AWS setup; its JSON report."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "QSMITH_"))}
    env.update(
        HOME=str(home),
        AWS_CONFIG_FILE=str(home / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "no-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CA_BUNDLE=certifi.where(),  # checked at construction, read by the pool only
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO_ROOT
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


@pytest.mark.parametrize("name", list(STARTS))
def test_constructing_a_client_loads_no_deferred_module(name: str, tmp_path: Path) -> None:
    start = STARTS[name]
    code = _construct(start) + "print(json.dumps({'constructed': constructed}))\n"
    report = _run(code, tmp_path)
    loaded = WATCHED.intersection(report["constructed"])
    assert loaded == start.loads
    assert f"qsmith.clients.{start.package}.client" in report["constructed"]


# -- a real call after a lazy start --------------------------------------------------------

CALL = """\
from tests.support.examples import example
service = sys.modules['qsmith.clients.{package}._schema'].SERVICE
operation = service.operations[{operation!r}]
value = example(operation.input)
kwargs = {{f: getattr(value, f) for f in value.__dataclass_fields__}}
method = getattr(client, {method!r})
stream = operation.streaming_member('output')
if stream is None:
    expected = example(operation.output, all_members=True)
else:
    expected = [example(stream.target), example(stream.target)]

def call_sync():
    result = method(**kwargs)
    if stream is None:
        return result
    with result as events:
        return list(events)

async def call_async():
    async with client:
        result = await method(**kwargs)
        if stream is None:
            return result
        async with result as events:
            return [event async for event in events]

if {is_async}:
    import asyncio
    result = asyncio.run(call_async())
else:
    with client:
        result = call_sync()
assert result == expected, (result, expected)
print(json.dumps({{'constructed': constructed, 'called': sorted(sys.modules)}}))
"""


def _answer(service: ServiceSchema, operation: OperationSchema) -> ScriptedResponse:
    """What the service answers (as in tests/integration): a body or an event stream."""
    protocol = service.protocols[0]
    stream = operation.streaming_member("output")
    if stream is None:
        codec = JsonCodec(use_json_name=protocol.endswith("restJson1"))
        output = example(operation.output, all_members=True)
        body = codec.encode(codec.structure_to_data(operation.output, output, top_level=True))
        return ScriptedResponse(
            status=200, headers=[("Content-Type", "application/json")], body=body
        )
    events = [example(stream.target), example(stream.target)]
    return ScriptedResponse(
        status=200,
        headers=[("Content-Type", "application/vnd.amazon.eventstream")],
        body=event_stream_body(operation, events, protocol=protocol),
    )


CALLS = [
    ("bearer client given a token", "GenerateAssistantResponse", "generate_assistant_response"),
    (
        "async bearer client given a token",
        "GenerateAssistantResponse",
        "generate_assistant_response",
    ),
    ("SigV4 client given static keys", "PostMetrics", "post_metrics"),
    ("async SigV4 client given static keys", "PostMetrics", "post_metrics"),
]


@pytest.mark.parametrize(("name", "operation_name", "method"), CALLS)
def test_a_call_after_a_lazy_start_loads_what_it_needs_and_works(
    name: str, operation_name: str, method: str, loopback: LoopbackServer, tmp_path: Path
) -> None:
    start = STARTS[name]
    service: ServiceSchema = import_module(f"qsmith.clients.{start.package}._schema").SERVICE
    operation = service.operations[operation_name]
    loopback.enqueue(_answer(service, operation))
    is_async = start.client_class == "AsyncClient"
    code = _construct(start, loopback.url) + CALL.format(
        package=start.package, operation=operation_name, method=method, is_async=is_async
    )
    report = _run(code, tmp_path)
    assert WATCHED.isdisjoint(report["constructed"])
    called = set(report["called"])
    assert {"httpx", "uuid", "platform"} <= called
    assert ("asyncio" in called) == is_async
    streaming = operation.streaming_member("output") is not None
    assert ("qsmith.runtime.eventstream" in called) == streaming
    (request,) = loopback.requests
    authorization = request.header("Authorization") or ""
    if service.sigv4_signing_name:
        assert "qsmith.runtime.auth.sigv4" in called
        assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    else:
        assert authorization == "Bearer token-canary"
