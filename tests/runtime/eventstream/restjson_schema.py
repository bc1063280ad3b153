"""The restJson1 protocol tests' ``EventStream`` union, built by hand as runtime schema.

Transcribed from ``aws.protocoltests.restjson`` (event-stream.smithy) until the
generator emits such constants itself.
"""

from __future__ import annotations

from qsmith.runtime.schema import MemberSchema, Schema, ShapeType

NS = "aws.protocoltests.restjson"


def _scalar(name: str, kind: ShapeType) -> Schema:
    return Schema(id=f"smithy.api#{name}", type=kind)


STRING = _scalar("String", ShapeType.STRING)
BOOLEAN = _scalar("Boolean", ShapeType.BOOLEAN)
BYTE = _scalar("Byte", ShapeType.BYTE)
SHORT = _scalar("Short", ShapeType.SHORT)
INTEGER = _scalar("Integer", ShapeType.INTEGER)
LONG = _scalar("Long", ShapeType.LONG)
BLOB = _scalar("Blob", ShapeType.BLOB)
DATE_TIME = Schema(id="aws.protocoltests.shared#DateTime", type=ShapeType.TIMESTAMP)


def member(name: str, target: Schema, **traits: bool) -> MemberSchema:
    return MemberSchema(name=name, python_name=name, target_ref=target, **traits)


def structure(name: str, *members: MemberSchema, **traits: object) -> Schema:
    return Schema(
        id=f"{NS}#{name}",
        type=ShapeType.STRUCTURE,
        members={m.name: m for m in members},
        **traits,  # type: ignore[arg-type]
    )


HEADERS_EVENT = structure(
    "HeadersEvent",
    member("booleanHeader", BOOLEAN, event_header=True),
    member("byteHeader", BYTE, event_header=True),
    member("shortHeader", SHORT, event_header=True),
    member("intHeader", INTEGER, event_header=True),
    member("longHeader", LONG, event_header=True),
    member("blobHeader", BLOB, event_header=True),
    member("stringHeader", STRING, event_header=True),
    member("timestampHeader", DATE_TIME, event_header=True),
)
PAYLOAD_STRUCTURE = structure("PayloadStructure", member("structureMember", STRING))
PAYLOAD_UNION = Schema(
    id=f"{NS}#PayloadUnion",
    type=ShapeType.UNION,
    members={"unionMember": member("unionMember", STRING)},
)
ERROR_EVENT = structure("ErrorEvent", member("message", STRING), error="client")

EVENT_STREAM = Schema(
    id=f"{NS}#EventStream",
    type=ShapeType.UNION,
    streaming=True,
    members={
        m.name: m
        for m in (
            member("headers", HEADERS_EVENT),
            member(
                "blobPayload",
                structure("BlobPayloadEvent", member("payload", BLOB, event_payload=True)),
            ),
            member(
                "stringPayload",
                structure("StringPayloadEvent", member("payload", STRING, event_payload=True)),
            ),
            member(
                "structurePayload",
                structure(
                    "StructurePayloadEvent",
                    member("payload", PAYLOAD_STRUCTURE, event_payload=True),
                ),
            ),
            member(
                "unionPayload",
                structure(
                    "UnionPayloadEvent", member("payload", PAYLOAD_UNION, event_payload=True)
                ),
            ),
            member(
                "headersAndExplicitPayload",
                structure(
                    "HeadersAndExplicitPayloadEvent",
                    member("header", STRING, event_header=True),
                    member("payload", PAYLOAD_STRUCTURE, event_payload=True),
                ),
            ),
            member(
                "headersAndImplicitPayload",
                structure(
                    "HeadersAndImplicitPayloadEvent",
                    member("header", STRING, event_header=True),
                    member("payload", STRING),
                ),
            ),
            member("error", ERROR_EVENT),
        )
    },
)

# awsJson-style output: the stream plus a member sent in the initial-response event.
STREAM_OUTPUT = structure(
    "StreamOutput",
    member("initialResponseMember", STRING),
    member("stream", EVENT_STREAM),
)
