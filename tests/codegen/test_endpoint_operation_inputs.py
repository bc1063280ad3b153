"""The Smithy rules-engine suites' ``operationInputs`` cases, through generated clients.

Each suite model is generated into a temporary package; a case's ``operationParams`` become
the generated input dataclass, and the endpoint is resolved the way a client resolves it
per call: ``ClientEndpoints``' bindings (``@contextParam`` members, ``@staticContextParams``,
``@operationContextParams`` paths, read from the generated schema) over the client's
settings (the case's built-ins and client parameters). The same cases also run through the
bare rules engine in ``tests/protocols`` (conformance ``endpoints``); their known failures,
each argued as an upstream defect, are the same list.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qsmith.cli.main import cli
from qsmith.codegen.conformance.endpoints import SMITHY_SUITES, endpoints_root
from qsmith.codegen.conformance.known_failures import KNOWN_FAILURES
from qsmith.runtime.client.endpoint import EndpointBindings
from qsmith.runtime.endpoints import EndpointResolutionError
from qsmith.runtime.endpoints.config import EndpointResolver
from qsmith.runtime.schema import ServiceSchema
from qsmith.runtime.serde.json import JsonCodec
from tests.support.shared import shared_path

TOP = "endpointinputs"


def _suite_models() -> list[tuple[str, Path]]:
    root = endpoints_root(shared_path())
    found = []
    for suite in SMITHY_SUITES:
        for path in sorted((root / suite / "json-ast").glob("*.json")):
            if '"operationInputs"' in path.read_text():
                found.append((suite, path))
    return found


def _cases() -> list[Any]:
    params = []
    for suite, path in _suite_models():
        shapes = json.loads(path.read_text())["shapes"]
        for shape in shapes.values():
            tests = shape.get("traits", {}).get("smithy.rules#endpointTests")
            if shape.get("type") != "service" or tests is None:
                continue
            for index, test in enumerate(tests.get("testCases", [])):
                for number, _ in enumerate(test.get("operationInputs", [])):
                    case_id = f"{suite}/{path.stem}[{index}]/operationInputs[{number}]"
                    reason = KNOWN_FAILURES["endpoints"].get(case_id)
                    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                    params.append(pytest.param(path, index, number, id=case_id, marks=marks))
    return params


def _package(path: Path) -> str:
    return f"{TOP}.{path.parent.parent.name.replace('-', '_')}_{path.stem.replace('-', '_')}"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("endpoint-inputs")
    runner = CliRunner()
    for _, path in _suite_models():
        # The suites' services speak no protocol; the generator needs one, and endpoint
        # resolution does not depend on it.
        model = json.loads(path.read_text())
        for shape in model["shapes"].values():
            if shape.get("type") == "service":
                shape.setdefault("traits", {})["aws.protocols#awsJson1_0"] = {}
        copy = out / f"{_package(path)}.json"
        copy.write_text(json.dumps(model))
        args = ["codegen", str(copy), "--package", _package(path), "--out", str(out)]
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, (path.name, result.output)
    sys.path.insert(0, str(out))
    try:
        yield out
    finally:
        sys.path.remove(str(out))
        for module in [m for m in sys.modules if m.split(".")[0] == TOP]:
            del sys.modules[module]


def test_every_suite_with_operation_inputs_is_tried() -> None:
    assert len(_suite_models()) >= 7
    assert len(_cases()) >= 27


@pytest.mark.parametrize(("path", "index", "number"), _cases())
def test_operation_inputs_through_a_generated_client(
    generated: Path, path: Path, index: int, number: int
) -> None:
    service: ServiceSchema = importlib.import_module(f"{_package(path)}._schema").SERVICE
    (test,) = [
        shape["traits"]["smithy.rules#endpointTests"]["testCases"][index]
        for shape in json.loads(path.read_text())["shapes"].values()
        if "smithy.rules#endpointTests" in shape.get("traits", {})
    ]
    spec = test["operationInputs"][number]
    operation = service.operations[spec["operationName"]]
    value = JsonCodec(use_json_name=False).from_data(
        operation.input, spec.get("operationParams", {})
    )
    built_ins = spec.get("builtInParams", {})
    assert service.endpoint_rule_set is not None
    resolver = EndpointResolver(
        dict(service.endpoint_rule_set),
        service_id=service.sdk_id or service.name,
        region=built_ins.get("AWS::Region"),
        use_fips=bool(built_ins.get("AWS::UseFIPS", False)),
        use_dual_stack=bool(built_ins.get("AWS::UseDualStack", False)),
        endpoint_url=built_ins.get("SDK::Endpoint"),
        environ={},
        profile={},
        client_params=spec.get("clientParams", {}),
        built_ins=built_ins,
    )
    bound = EndpointBindings.of(operation).bind(operation, value)
    expect = test["expect"]
    if "error" in expect:
        with pytest.raises(EndpointResolutionError) as raised:
            resolver.resolve(context_members=bound)
        assert raised.value.message == expect["error"]
        return
    endpoint = resolver.resolve(context_members=bound)
    wanted = expect["endpoint"]
    assert endpoint.url == wanted["url"]
    assert dict(endpoint.properties) == wanted.get("properties", {})
    assert dict(endpoint.headers) == wanted.get("headers", {})
