"""Sending the few HTTP calls credential sources make (STS, SSO portal, ECS, IMDS) with httpx."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qsmith.runtime.auth.errors import CredentialSourceError
from qsmith.runtime.http import HttpRequest

# httpx loads on the first credential call that goes over HTTP, not with the module
# (see docs/design/lazy-imports.md).
if TYPE_CHECKING:
    import httpx

__all__ = ["HttpAnswer", "send"]

DEFAULT_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    """A credential endpoint's answer; its body holds keys, so its repr shows only the size."""

    status: int
    body: bytes = field(repr=False)

    def __repr__(self) -> str:
        return f"HttpAnswer(status={self.status}, body=<{len(self.body)} bytes>)"


def send(
    request: HttpRequest,
    *,
    source: str,
    timeout: float = DEFAULT_TIMEOUT,
    client: httpx.Client | None = None,
    use_proxy: bool = True,
) -> HttpAnswer:
    """Send ``request``; a transport failure becomes ``CredentialSourceError`` naming ``source``.

    ``use_proxy=False`` ignores HTTP(S)_PROXY: the instance metadata service and the container
    agent are link-local and must never be reached through a proxy.
    """
    import httpx

    if not isinstance(request.body, bytes):
        raise CredentialSourceError(f"{source}: streaming bodies are not supported here")
    headers = [(k, v) for k, v in request.headers if k.lower() != "host"]
    try:
        if client is not None:
            response = client.request(
                request.method, request.url, headers=headers, content=request.body, timeout=timeout
            )
        else:
            with httpx.Client(timeout=timeout, trust_env=use_proxy) as own:
                response = own.request(
                    request.method, request.url, headers=headers, content=request.body
                )
    except httpx.HTTPError as exc:
        raise CredentialSourceError(
            f"{source}: request to {request.scheme}://{request.authority}{request.path} "
            f"failed ({type(exc).__name__})"
        ) from None
    return HttpAnswer(response.status_code, response.content)
