"""Endpoints resolve per call, with the operation's context parameters bound from its input.

One small model, generated into a temporary package and called against a loopback server:
its rule set puts each context parameter in the URL path, so the path the server sees
shows what the rules engine was given. One operation per binding: ``@contextParam``,
``@staticContextParams`` and ``@operationContextParams``; a client whose calls bind
different values resolves each, and the same values hit the cache.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from qsmith.cli.main import cli
from qsmith.runtime.client import ClientConfig
from qsmith.runtime.errors import QsmithError
from qsmith.testing import LoopbackServer, ScriptedResponse

NS = "example.context"
PACKAGE = "ctxmodels.context_params"


def _endpoint(path: str) -> dict[str, Any]:
    return {"type": "endpoint", "conditions": [], "endpoint": {"url": "{Endpoint}" + path}}


def _when_set(param: str, path: str) -> dict[str, Any]:
    rule = _endpoint(path)
    rule["conditions"] = [{"fn": "isSet", "argv": [{"ref": param}]}]
    return rule


RULE_SET = {
    "version": "1.0",
    "parameters": {
        "Endpoint": {"type": "string", "builtIn": "SDK::Endpoint", "required": True},
        "Region": {"type": "string", "builtIn": "AWS::Region"},
        "Bucket": {"type": "string"},
        "Mode": {"type": "string"},
        "Keys": {"type": "stringArray"},
    },
    "rules": [
        {
            "type": "error",
            "conditions": [
                {"fn": "isSet", "argv": [{"ref": "Bucket"}]},
                {"fn": "stringEquals", "argv": [{"ref": "Bucket"}, "forbidden"]},
            ],
            "error": "bucket 'forbidden' has no endpoint",
        },
        _when_set("Bucket", "/bucket/{Bucket}"),
        _when_set("Mode", "/mode/{Mode}"),
        {
            "type": "tree",
            "conditions": [
                {"fn": "isSet", "argv": [{"ref": "Keys"}]},
                {"fn": "getAttr", "argv": [{"ref": "Keys"}, "[0]"], "assign": "first"},
            ],
            "rules": [_endpoint("/keys/{first}")],
        },
        _endpoint("/plain"),
    ],
}


def _model() -> dict[str, Any]:
    def structure(members: dict[str, Any]) -> dict[str, Any]:
        return {"type": "structure", "members": members}

    def operation(name: str, traits: dict[str, Any] | None = None) -> dict[str, Any]:
        return {
            "type": "operation",
            "input": {"target": f"{NS}#{name}Input"},
            "output": {"target": f"{NS}#Empty"},
            "traits": traits or {},
        }

    text = {"target": "smithy.api#String"}
    shapes: dict[str, Any] = {
        f"{NS}#Service": {
            "type": "service",
            "version": "2024-01-01",
            "operations": [
                {"target": f"{NS}#GetObject"},
                {"target": f"{NS}#Admin"},
                {"target": f"{NS}#Batch"},
                {"target": f"{NS}#Plain"},
            ],
            "traits": {
                "aws.protocols#awsJson1_0": {},
                "aws.api#service": {"sdkId": "Context Example"},
                "smithy.api#auth": [],
                "smithy.rules#endpointRuleSet": RULE_SET,
            },
        },
        f"{NS}#GetObject": operation("GetObject"),
        f"{NS}#GetObjectInput": structure(
            {"bucket": {**text, "traits": {"smithy.rules#contextParam": {"name": "Bucket"}}}}
        ),
        f"{NS}#Admin": operation(
            "Admin", {"smithy.rules#staticContextParams": {"Mode": {"value": "admin"}}}
        ),
        f"{NS}#AdminInput": structure({}),
        f"{NS}#Batch": operation(
            "Batch",
            {"smithy.rules#operationContextParams": {"Keys": {"path": "items[*].key"}}},
        ),
        f"{NS}#BatchInput": structure({"items": {"target": f"{NS}#Items"}}),
        f"{NS}#Items": {"type": "list", "member": {"target": f"{NS}#Item"}},
        f"{NS}#Item": structure({"key": text}),
        f"{NS}#Plain": operation("Plain"),
        f"{NS}#PlainInput": structure({}),
        f"{NS}#Empty": structure({}),
    }
    return {"smithy": "2.0", "shapes": shapes}


@pytest.fixture(scope="module")
def client_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    out = tmp_path_factory.mktemp("context-params")
    model = out / "model.json"
    model.write_text(json.dumps(_model()))
    args = ["codegen", str(model), "--package", PACKAGE, "--out", str(out)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(f"{PACKAGE}.client")
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE.split(".")[0]]:
            del sys.modules[name]


def _client(module: Any, loopback: LoopbackServer) -> Any:
    return module.Client(endpoint_url=loopback.url, config=ClientConfig(region="us-east-1"))


def _answer(loopback: LoopbackServer, count: int = 1) -> None:
    for _ in range(count):
        loopback.enqueue(
            ScriptedResponse(status=200, headers=[("Content-Type", "application/json")], body=b"{}")
        )


def test_context_param_member_picks_the_endpoint(
    client_module: Any, loopback: LoopbackServer
) -> None:
    _answer(loopback, 2)
    with _client(client_module, loopback) as client:
        client.get_object(bucket="red")
        client.get_object(bucket="blue")
    assert [r.path for r in loopback.requests] == ["/bucket/red/", "/bucket/blue/"]


def test_static_context_params_pick_the_endpoint(
    client_module: Any, loopback: LoopbackServer
) -> None:
    _answer(loopback)
    with _client(client_module, loopback) as client:
        client.admin()
    assert [r.path for r in loopback.requests] == ["/mode/admin/"]


def test_operation_context_params_pick_the_endpoint(
    client_module: Any, loopback: LoopbackServer
) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    _answer(loopback)
    with _client(client_module, loopback) as client:
        client.batch(items=[models.Item(key="k1"), models.Item(key="k2")])
    assert [r.path for r in loopback.requests] == ["/keys/k1/"]


def test_an_operation_binding_nothing_uses_the_plain_endpoint(
    client_module: Any, loopback: LoopbackServer
) -> None:
    _answer(loopback)
    with _client(client_module, loopback) as client:
        assert client.endpoint_url == loopback.url + "/plain"
        client.plain()
    assert [r.path for r in loopback.requests] == ["/plain/"]


def test_resolutions_are_cached_by_their_parameters(
    client_module: Any, loopback: LoopbackServer
) -> None:
    _answer(loopback, 3)
    with _client(client_module, loopback) as client:
        endpoints = client._core.endpoints
        client.get_object(bucket="red")
        first = endpoints.resolve({"Bucket": "red"})
        client.get_object(bucket="red")
        client.get_object(bucket="green")
        assert endpoints.resolve({"Bucket": "red"}) is first
        assert endpoints.resolve({"Bucket": "green"}) is not first


def test_a_rule_set_error_for_the_bound_value_fails_the_call_before_sending(
    client_module: Any, loopback: LoopbackServer
) -> None:
    with (
        _client(client_module, loopback) as client,
        pytest.raises(QsmithError, match="bucket 'forbidden' has no endpoint"),
    ):
        client.get_object(bucket="forbidden")
    assert loopback.requests == []
