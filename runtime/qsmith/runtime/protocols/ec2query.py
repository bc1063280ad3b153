"""ec2Query: awsQuery's requests with EC2's names, and unwrapped XML answers.

Members are named by ``@ec2QueryName``, else their ``@xmlName`` or name with the first
letter upper-cased; every list is flattened (``Name.1``) and an empty one is not sent.
Output members sit directly under ``<OpResponse>``; an error is
``<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qsmith.runtime.protocols.awsquery import AwsQuery
from qsmith.runtime.protocols.xmlerrors import XmlErrorFacts
from qsmith.runtime.schema import OperationSchema

if TYPE_CHECKING:
    from qsmith.runtime.serde.query import QueryNaming
    from qsmith.runtime.serde.xml import XmlNode

__all__ = ["Ec2Query"]


class Ec2Query(AwsQuery):
    id = "aws.protocols#ec2Query"

    def naming(self) -> QueryNaming:
        from qsmith.runtime.serde.query import EC2_QUERY_NAMING

        return EC2_QUERY_NAMING

    def output_node(self, operation: OperationSchema, root: XmlNode) -> XmlNode | None:
        return root

    def error_facts(self, root: XmlNode | None) -> XmlErrorFacts:
        if root is None:
            return XmlErrorFacts(None, None)
        errors = root.child("Errors")
        request_id = root.child("RequestID")
        return XmlErrorFacts(
            None if errors is None else errors.child("Error"),
            None if request_id is None else request_id.text,
        )
