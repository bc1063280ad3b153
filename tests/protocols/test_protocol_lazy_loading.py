"""The query, XML and CBOR protocols load when a client of theirs is built, codecs on a call.

Each check runs in a fresh interpreter and looks at ``sys.modules`` (no timing).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import cbor2
import pytest

from tests.support.shared import REPO_ROOT

XML_CODECS = ("qsmith.runtime.serde.xml", "qsmith.runtime.serde.query", "xml.parsers.expat")
CBOR_CODECS = ("qsmith.runtime.serde.cbor", "cbor2")

SCRIPT = """\
import json, sys
from qsmith.runtime.protocols import protocol_for
from qsmith.runtime.schema import OperationSchema, Schema, ServiceSchema, ShapeType, MemberSchema
import qsmith.runtime.protocols
imported = sorted(sys.modules)
protocol = protocol_for({trait!r})
constructed = sorted(sys.modules)
shape = Schema(id="t#In", type=ShapeType.STRUCTURE, members={{
    "Name": MemberSchema(name="Name", python_name="name", target_ref=Schema(id="smithy.api#String", type=ShapeType.STRING)),
}})
op = OperationSchema(id="t#Get", input=shape, output=shape)
service = ServiceSchema(id="t#Svc", version="2020-01-01", operations={{"Get": op}})
request = protocol.serialize_request(service, op, {{"name": "a b"}}, "https://example.com")
value = protocol.deserialize_response(service, op, 200, [], {answer!r})
called = sorted(sys.modules)
print(json.dumps({{"imported": imported, "constructed": constructed, "called": called,
                   "body": request.body.hex(), "value": value}}))
"""

FORM_BODY = b"Action=Get&Version=2020-01-01&Name=a%20b"
# protocol -> (trait, answer, codecs the call loads, the request body)
CASES = {
    "awsQuery": (
        "aws.protocols#awsQuery",
        b"<GetResponse><GetResult><Name>x</Name></GetResult></GetResponse>",
        XML_CODECS,
        FORM_BODY,
    ),
    "ec2Query": (
        "aws.protocols#ec2Query",
        b"<GetResponse><Name>x</Name></GetResponse>",
        XML_CODECS,
        FORM_BODY,
    ),
    "rpcv2Cbor": (
        "smithy.protocols#rpcv2Cbor",
        cbor2.dumps({"Name": "x"}),
        CBOR_CODECS,
        cbor2.dumps({"Name": "a b"}),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_codecs_load_with_the_first_call_not_with_the_protocol(name: str) -> None:
    trait, answer, codecs, body = CASES[name]
    code = textwrap.dedent(SCRIPT).format(trait=trait, answer=answer)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    protocol_module = f"qsmith.runtime.protocols.{name.lower()}"
    assert protocol_module not in report["imported"]
    assert protocol_module in report["constructed"]
    assert set(XML_CODECS + CBOR_CODECS).isdisjoint(report["constructed"])
    assert set(codecs) <= set(report["called"])
    assert bytes.fromhex(report["body"]) == body
    assert report["value"] == {"name": "x"}


def test_a_cbor_call_without_cbor2_is_a_config_error_naming_the_extra() -> None:
    code = textwrap.dedent("""\
        import sys
        sys.modules["cbor2"] = None  # as if the [cbor] extra were not installed
        from qsmith.runtime.errors import ConfigError
        from qsmith.runtime.protocols import protocol_for
        protocol = protocol_for("smithy.protocols#rpcv2Cbor")  # building still works
        try:
            import qsmith.runtime.serde.cbor
        except ConfigError as exc:
            print(exc)
        """)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "pip install 'qsmith[cbor]'" in done.stdout
