"""The query and XML protocols load when a client of theirs is built, their codecs on a call.

Each check runs in a fresh interpreter and looks at ``sys.modules`` (no timing).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tests.support.shared import REPO_ROOT

CODECS = ("qsmith.runtime.serde.xml", "qsmith.runtime.serde.query", "xml.parsers.expat")

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
                   "body": request.body.decode(), "value": value}}))
"""

CASES = {
    "awsQuery": (
        "aws.protocols#awsQuery",
        b"<GetResponse><GetResult><Name>x</Name></GetResult></GetResponse>",
    ),
    "ec2Query": ("aws.protocols#ec2Query", b"<GetResponse><Name>x</Name></GetResponse>"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_codecs_load_with_the_first_call_not_with_the_protocol(name: str) -> None:
    trait, answer = CASES[name]
    code = textwrap.dedent(SCRIPT).format(trait=trait, answer=answer)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    protocol_module = f"qsmith.runtime.protocols.{name.lower()}"
    assert protocol_module not in report["imported"]
    assert protocol_module in report["constructed"]
    assert set(CODECS).isdisjoint(report["constructed"])
    assert set(CODECS) <= set(report["called"])
    assert report["body"].startswith("Action=Get&Version=2020-01-01&Name=a%20b")
    assert report["value"] == {"name": "x"}
