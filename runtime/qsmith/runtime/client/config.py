"""What a client is configured with; every field has a working default.

Values given here win over the environment and the shared AWS config file, which win
over the model's defaults — the order the AWS SDKs use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from qsmith.runtime.auth.credentials.provider import CredentialProvider
    from qsmith.runtime.auth.identity import AwsCredentials, BearerToken
    from qsmith.runtime.auth.tokens.provider import TokenProvider
    from qsmith.runtime.retry.standard import StandardRetryStrategy
    from qsmith.runtime.transport.config import TransportConfig

__all__ = ["ClientConfig"]


@dataclass(kw_only=True)
class ClientConfig:
    """Configuration of one client.

    ``credentials`` (SigV4 services) and ``token`` (bearer services) take a value or a
    provider; left unset, the default credential chain / token sources are used.
    ``call_timeout`` bounds a whole call, retries included; ``transport`` holds the
    connect/read/idle timeouts, pool limits and CA bundle. ``validate`` turns on the
    model's length/range/pattern checks before sending (required members and types are
    always checked). ``share_content`` is the data-sharing choice, sent as the opt-out header
    of a service whose model declares one (``qsmith.customizations#contentOptOutHeader``;
    default: do not share).

    ``endpoint_params`` sets the service's endpoint rule set parameters by their names
    (S3: ``{"ForcePathStyle": True}``, ``{"Accelerate": True}``); a name the rule set
    does not declare is refused when the client is built.

    ``retry_strategy`` replaces the strategy built from ``retry_mode``/``max_attempts``
    (share one between clients to share its retry quota, or give one an injected clock
    and random source in tests). ``interceptors`` are objects with ``before_send`` and/or
    ``after_receive`` methods (``qsmith.runtime.hooks``), told about every attempt.
    """

    region: str | None = None
    endpoint_url: str | None = None
    protocol: str | None = None
    profile: str | None = None
    credentials: AwsCredentials | CredentialProvider | None = None
    token: BearerToken | str | TokenProvider | None = None
    retry_mode: str | None = None
    max_attempts: int | None = None
    retry_strategy: StandardRetryStrategy | None = None
    call_timeout: float | None = None
    transport: TransportConfig | None = None
    validate: bool = False
    share_content: bool = False
    user_agent_extra: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    endpoint_params: Mapping[str, Any] = field(default_factory=dict)
    interceptors: Sequence[object] = ()
    idempotency_token: Callable[[], str] | None = None
    http_client: httpx.Client | None = None
    async_http_client: httpx.AsyncClient | None = None

    def __repr__(self) -> str:
        """Every field, with the token, sensitive headers and URL secrets hidden.

        A token given as a string is the secret itself; identity objects and providers
        print their own redacted form; whatever else is printed goes through
        ``redact_text`` (registered secrets, header and query shapes).
        """
        from qsmith.runtime.http import REDACTED, redact_header_pairs
        from qsmith.runtime.redaction import redact_text, redact_url

        shown: list[str] = []
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "token" and isinstance(value, str):
                text = repr(REDACTED)
            elif item.name == "headers":
                text = repr(dict(redact_header_pairs(value)))
            elif item.name == "endpoint_url" and value is not None:
                text = repr(redact_url(value))
            else:
                text = redact_text(repr(value))
            shown.append(f"{item.name}={text}")
        return f"ClientConfig({', '.join(shown)})"

    __str__ = __repr__
