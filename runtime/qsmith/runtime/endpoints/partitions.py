"""The AWS partitions: which regions each has and the DNS facts ``aws.partition`` returns.

Written as Python data (no file is read at run time). The facts follow the public Smithy
partitions data, version 1.1; ``tests/runtime/endpoints/test_partitions.py`` checks this
module against that data field by field. A partition is chosen for a region by, in order:
the region listed by name, the region matching the partition's pattern, else ``aws``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PARTITIONS_VERSION = "1.1"


@dataclass(frozen=True, slots=True)
class Partition:
    """One partition: its regions, its region pattern, and its outputs."""

    id: str
    region_regex: str
    name: str
    dns_suffix: str
    dual_stack_dns_suffix: str
    supports_fips: bool
    supports_dual_stack: bool
    implicit_global_region: str
    # region -> per-region entry (a description and/or outputs that differ from the partition's)
    regions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def outputs(self) -> dict[str, Any]:
        """The partition's outputs under the names the rules engine uses."""
        return {
            "name": self.name,
            "dnsSuffix": self.dns_suffix,
            "dualStackDnsSuffix": self.dual_stack_dns_suffix,
            "supportsFIPS": self.supports_fips,
            "supportsDualStack": self.supports_dual_stack,
            "implicitGlobalRegion": self.implicit_global_region,
        }


def _plain(*names: str) -> dict[str, Mapping[str, Any]]:
    return {name: {} for name in names}


PARTITIONS: tuple[Partition, ...] = (
    Partition(
        id="aws",
        region_regex=r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$",
        name="aws",
        dns_suffix="amazonaws.com",
        dual_stack_dns_suffix="api.aws",
        supports_fips=True,
        supports_dual_stack=True,
        implicit_global_region="us-east-1",
        regions=_plain(
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "mx-central-1",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
            "aws-global",
        ),
    ),
    Partition(
        id="aws-us-gov",
        region_regex=r"^us\-gov\-\w+\-\d+$",
        name="aws-us-gov",
        dns_suffix="amazonaws.com",
        dual_stack_dns_suffix="api.aws",
        supports_fips=True,
        supports_dual_stack=True,
        implicit_global_region="us-gov-west-1",
        regions=_plain("us-gov-west-1", "us-gov-east-1", "aws-us-gov-global"),
    ),
    Partition(
        id="aws-cn",
        region_regex=r"^cn\-\w+\-\d+$",
        name="aws-cn",
        dns_suffix="amazonaws.com.cn",
        dual_stack_dns_suffix="api.amazonwebservices.com.cn",
        supports_fips=True,
        supports_dual_stack=True,
        implicit_global_region="cn-northwest-1",
        regions=_plain("cn-north-1", "cn-northwest-1", "aws-cn-global"),
    ),
    Partition(
        id="aws-iso",
        region_regex=r"^us\-iso\-\w+\-\d+$",
        name="aws-iso",
        dns_suffix="c2s.ic.gov",
        dual_stack_dns_suffix="api.aws.ic.gov",
        supports_fips=True,
        supports_dual_stack=True,
        implicit_global_region="us-iso-east-1",
        regions=_plain("us-iso-east-1", "us-iso-west-1", "aws-iso-global"),
    ),
    Partition(
        id="aws-iso-b",
        region_regex=r"^us\-isob\-\w+\-\d+$",
        name="aws-iso-b",
        dns_suffix="sc2s.sgov.gov",
        dual_stack_dns_suffix="api.aws.scloud",
        supports_fips=True,
        supports_dual_stack=True,
        implicit_global_region="us-isob-east-1",
        regions=_plain("us-isob-east-1", "aws-iso-b-global"),
    ),
    Partition(
        id="aws-iso-e",
        region_regex=r"^eu\-isoe\-\w+\-\d+$",
        name="aws-iso-e",
        dns_suffix="cloud.adc-e.uk",
        dual_stack_dns_suffix="api.cloud-aws.adc-e.uk",
        supports_fips=True,
        supports_dual_stack=True,
        implicit_global_region="eu-isoe-west-1",
        regions=_plain(),
    ),
    Partition(
        id="aws-iso-f",
        region_regex=r"^us\-isof\-\w+\-\d+$",
        name="aws-iso-f",
        dns_suffix="csp.hci.ic.gov",
        dual_stack_dns_suffix="api.aws.hci.ic.gov",
        supports_fips=True,
        supports_dual_stack=True,
        implicit_global_region="us-isof-south-1",
        regions=_plain("aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"),
    ),
    Partition(
        id="aws-eusc",
        region_regex=r"^eusc\-(de)\-\w+\-\d+$",
        name="aws-eusc",
        dns_suffix="amazonaws.eu",
        dual_stack_dns_suffix="api.amazonwebservices.eu",
        supports_fips=True,
        supports_dual_stack=True,
        implicit_global_region="eusc-de-east-1",
        regions={"eusc-de-east-1": {"description": "EU (Germany)"}},
    ),
)
