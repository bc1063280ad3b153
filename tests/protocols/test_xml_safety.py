"""XML bodies are parsed without ever expanding an entity or reading a DTD.

Entity expansion ("billion laughs") and external entities (reading local files or
URLs) both need a document type declaration; qsmith refuses any, with a typed error,
before an entity could be defined.
"""

from __future__ import annotations

import pytest

from qsmith.runtime.errors import QsmithError
from qsmith.runtime.serde import SerdeError
from qsmith.runtime.serde.xml import MAX_XML_DEPTH, XmlDeclarationError, parse_xml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<GetCallerIdentityResponse><Arn>&lol9;</Arn></GetCallerIdentityResponse>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<r><Message>&secret;</Message></r>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE r SYSTEM "http://127.0.0.1:1/evil.dtd">
<r/>"""


@pytest.mark.parametrize(
    "body", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD], ids=["laughs", "entity", "dtd"]
)
def test_document_type_declarations_are_refused_with_a_typed_error(body: bytes) -> None:
    with pytest.raises(XmlDeclarationError, match=r"GetThing: .*document type or entity"):
        parse_xml(body, "GetThing")


def test_the_refusal_is_a_qsmith_error() -> None:
    assert issubclass(XmlDeclarationError, QsmithError)


def test_an_undeclared_entity_is_a_parse_error_not_an_expansion() -> None:
    with pytest.raises(SerdeError, match="not well-formed"):
        parse_xml(b"<r>&lol;</r>", "GetThing")


def test_predefined_and_character_entities_are_still_read() -> None:
    root = parse_xml(b"<r a='&quot;x&quot;'><m>&lt;&amp;&#x41;&#10;</m></r>", "GetThing")
    assert root.attributes == {"a": '"x"'}
    message = root.child("m")
    assert message is not None and message.text == "<&A\n"


def test_malformed_xml_names_where() -> None:
    with pytest.raises(SerdeError, match="ListThings: the body is not well-formed XML"):
        parse_xml(b"<r><unclosed></r>", "ListThings")


def test_a_body_nested_deeper_than_the_limit_is_refused() -> None:
    deep = b"<a>" * (MAX_XML_DEPTH + 1) + b"</a>" * (MAX_XML_DEPTH + 1)
    with pytest.raises(SerdeError, match=f"GetThing: .*deeper than {MAX_XML_DEPTH}"):
        parse_xml(deep, "GetThing")
    fits = b"<a>" * MAX_XML_DEPTH + b"</a>" * MAX_XML_DEPTH
    assert parse_xml(fits, "GetThing").name == "a"
