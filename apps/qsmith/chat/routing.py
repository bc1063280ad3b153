"""Which service, auth and region a conversation talks to, from the model choice.

- ``custom:<region>:<model-id>``: qdeveloper-streaming (SigV4, signing name ``q``) in that
  region, sending the bare model id;
- ``AMAZON_Q_SIGV4`` set and non-empty: qdeveloper-streaming with SigV4 for every call;
- otherwise codewhisperer-streaming with a bearer login, in ``us-east-1`` unless a region
  is given (the Amazon Q Developer home region).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from qsmith.chat.errors import RouteError

__all__ = ["BEARER_DEFAULT_REGION", "SIGV4_ENV_VAR", "Route", "resolve_route"]

SIGV4_ENV_VAR = "AMAZON_Q_SIGV4"
BEARER_DEFAULT_REGION = "us-east-1"
CUSTOM_PREFIX = "custom:"
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


@dataclass(frozen=True, slots=True)
class Route:
    """Where requests go: ``service`` and ``auth``, the region and the model id to send.

    ``custom`` marks a ``custom:<region>:<model-id>`` choice, whose conversations record the
    caller's account id.
    """

    service: Literal["codewhisperer-streaming", "qdeveloper-streaming"]
    auth: Literal["bearer", "sigv4"]
    region: str | None
    model_id: str | None
    custom: bool = False

    @property
    def bearer(self) -> bool:
        return self.auth == "bearer"


def resolve_route(
    model: str | None, *, region: str | None = None, environ: Mapping[str, str] | None = None
) -> Route:
    environ = os.environ if environ is None else environ
    if model is not None and model.startswith(CUSTOM_PREFIX):
        custom_region, model_id = _parse_custom(model)
        if region is not None and region != custom_region:
            raise RouteError(
                f"model {model!r} names region {custom_region}, but region {region} was asked"
            )
        return Route("qdeveloper-streaming", "sigv4", custom_region, model_id, custom=True)
    if environ.get(SIGV4_ENV_VAR, ""):
        return Route("qdeveloper-streaming", "sigv4", region, model)
    return Route("codewhisperer-streaming", "bearer", region or BEARER_DEFAULT_REGION, model)


def _parse_custom(model: str) -> tuple[str, str]:
    _, _, rest = model.partition(":")
    custom_region, sep, model_id = rest.partition(":")
    if not sep or not model_id:
        raise RouteError(f"custom model {model!r}: expected custom:<region>:<model-id>")
    if not _REGION.match(custom_region):
        raise RouteError(f"custom model {model!r}: {custom_region!r} is not an AWS region name")
    return custom_region, model_id
