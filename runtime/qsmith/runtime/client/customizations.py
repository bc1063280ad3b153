"""Service behaviour a model asks for with qsmith's own traits (``qsmith.customizations#``).

Nothing here names a service: a model that carries a trait gets its behaviour, any other
model none (the traits are documented in models/README.md, which says which of our
models carry them and why).

- ``sendHeaderMembers``: under a protocol that ignores HTTP bindings, members bound
  with ``@httpHeader`` also travel as headers (some services read them there).
- ``contentOptOutHeader`` (``{"name": header}``): the client sends ``header: true``
  (do not use the content to improve the service) unless it was configured with
  ``share_content=True``.
- ``retryRules``: the service's own retry classification (see ``retry.modeled``).
- ``contentSha256Header``: every SigV4 request carries ``x-amz-content-sha256``, the
  payload hash it signed (S3 requires it).
- ``bodilessErrorCodeFromStatus``: an error answer with no body is named by its status'
  reason phrase without spaces (``404`` -> ``NotFound``), as the model names such errors.
- ``errorsIn200``: a 2xx answer whose XML document is an ``<Error>`` is that error, as a
  500 (``protocols/restxml.py``).
- ``apiVersionHeader`` (``{"name": header}``): every request names the service's API
  version (the model's ``version``) in that header.
- ``sha256TreeHashHeader`` (``{"name": header}``): an upload's body gets its SHA-256
  tree hash in that header unless the caller gave one (``protocols/checksums.py``).

The generator puts the last five on the AWS services whose SDKs behave so
(``codegen/qsmith/codegen/plan/aws_customizations.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qsmith.runtime.client.config import ClientConfig
from qsmith.runtime.errors import ConfigError
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.retry.classify import ServiceRetryRule
from qsmith.runtime.schema import ServiceSchema

__all__ = [
    "API_VERSION_HEADER_TRAIT",
    "BODILESS_ERROR_CODES_TRAIT",
    "CONTENT_SHA256_HEADER_TRAIT",
    "ERRORS_IN_200_TRAIT",
    "OPT_OUT_HEADER_TRAIT",
    "RETRY_RULES_TRAIT",
    "SEND_HEADER_MEMBERS_TRAIT",
    "TREE_HASH_HEADER_TRAIT",
    "ServiceCustomizations",
]

SEND_HEADER_MEMBERS_TRAIT = "qsmith.customizations#sendHeaderMembers"
OPT_OUT_HEADER_TRAIT = "qsmith.customizations#contentOptOutHeader"
RETRY_RULES_TRAIT = "qsmith.customizations#retryRules"
CONTENT_SHA256_HEADER_TRAIT = "qsmith.customizations#contentSha256Header"
BODILESS_ERROR_CODES_TRAIT = "qsmith.customizations#bodilessErrorCodeFromStatus"
API_VERSION_HEADER_TRAIT = "qsmith.customizations#apiVersionHeader"
ERRORS_IN_200_TRAIT = "qsmith.customizations#errorsIn200"
TREE_HASH_HEADER_TRAIT = "qsmith.customizations#sha256TreeHashHeader"


class ServiceCustomizations:
    """What one service's customization traits ask of its client, read once."""

    def __init__(self, service: ServiceSchema, config: ClientConfig) -> None:
        traits = service.traits
        self.send_header_members = SEND_HEADER_MEMBERS_TRAIT in traits
        self.opt_out_header = _header_name(service.name, traits, OPT_OUT_HEADER_TRAIT)
        self.opt_out_value = "false" if config.share_content else "true"
        self.content_sha256_header = CONTENT_SHA256_HEADER_TRAIT in traits
        self.bodiless_error_codes = BODILESS_ERROR_CODES_TRAIT in traits
        self.errors_in_200 = ERRORS_IN_200_TRAIT in traits
        self.api_version_header = _header_name(service.name, traits, API_VERSION_HEADER_TRAIT)
        self.api_version = service.version
        self.tree_hash_header = _header_name(service.name, traits, TREE_HASH_HEADER_TRAIT)
        self.retry_rules: tuple[ServiceRetryRule, ...] = ()
        if RETRY_RULES_TRAIT in traits:
            from qsmith.runtime.retry.modeled import rules_from_trait

            self.retry_rules = rules_from_trait(traits[RETRY_RULES_TRAIT], service.name)

    def protocol_options(self, config: ClientConfig) -> dict[str, Any]:
        """Options of the protocol object for this service."""
        options: dict[str, Any] = {"validate": config.validate}
        if config.idempotency_token is not None:
            options["idempotency_token"] = config.idempotency_token
        if self.send_header_members:
            options["send_header_members"] = True
        if self.bodiless_error_codes:
            options["bodiless_error_codes"] = True
        if self.tree_hash_header is not None:
            options["tree_hash_header"] = self.tree_hash_header
        if self.errors_in_200:
            options["errors_in_200"] = True
        return options

    def customize_request(self, request: HttpRequest) -> None:
        """Apply the service's customizations to a serialized request."""
        if self.opt_out_header is not None:
            request.set_header(self.opt_out_header, self.opt_out_value)
        if self.api_version_header is not None:
            request.set_header(self.api_version_header, self.api_version)


def _header_name(service: str, traits: Mapping[str, object], trait: str) -> str | None:
    """The ``name`` of a ``{"name": header}`` trait, None without the trait."""
    value = traits.get(trait)
    if value is None:
        return None
    name = value.get("name") if isinstance(value, dict) else None
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{service}: {trait} needs a header name, got {value!r}")
    return name
