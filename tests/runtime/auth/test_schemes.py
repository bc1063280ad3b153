"""Auth scheme resolution from the runtime schema: order, optionalAuth, signing name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qsmith.runtime.auth.credentials.provider import (
    CredentialsNotFound,
    StaticCredentialsProvider,
)
from qsmith.runtime.auth.errors import NoTokenError, TokenExpiredError
from qsmith.runtime.auth.identity import AwsCredentials, BearerToken
from qsmith.runtime.auth.schemes import (
    BEARER,
    NO_AUTH,
    SIGV4,
    AuthResolver,
    NoIdentityError,
    auth_options,
)
from qsmith.runtime.auth.sigv4 import SigV4Config, SigV4Signer
from qsmith.runtime.auth.tokens.provider import StaticTokenProvider
from qsmith.runtime.errors import ConfigError
from qsmith.runtime.http import HttpRequest
from qsmith.runtime.schema import OperationSchema, Schema, ServiceSchema, ShapeType

EMPTY = Schema(id="smithy.api#Unit", type=ShapeType.STRUCTURE)
CREDS = AwsCredentials("AKIDEXAMPLE", "CANARY-SECRET-1", "CANARY-TOKEN-1")


def _operation(auth: tuple[str, ...] | None = None, optional: bool = False) -> OperationSchema:
    return OperationSchema(
        id="com.example#Op", input=EMPTY, output=EMPTY, auth=auth, optional_auth=optional
    )


def _service(*auth: str, signing_name: str | None = "consolas") -> ServiceSchema:
    return ServiceSchema(
        id="com.example#Svc", version="1", auth=auth, sigv4_signing_name=signing_name
    )


class _NoCredentials:
    name = "nothing"

    def resolve_credentials(self) -> AwsCredentials:
        raise CredentialsNotFound("none here")


class _ExpiredTokens:
    source = "token file x"

    def resolve_token(self) -> BearerToken:
        raise TokenExpiredError("token file x", "log in again with `qsmith login`")


def test_options_order_operation_override_empty_and_optional() -> None:
    service = _service(SIGV4, BEARER)
    assert auth_options(service, _operation()) == (SIGV4, BEARER)
    assert auth_options(service, _operation(auth=(BEARER,))) == (BEARER,)
    assert auth_options(service, _operation(auth=())) == (NO_AUTH,)
    assert auth_options(service, _operation(optional=True)) == (SIGV4, BEARER, NO_AUTH)
    assert auth_options(_service(), _operation()) == (NO_AUTH,)


def test_first_scheme_with_identity_wins() -> None:
    service = _service(SIGV4, BEARER)
    both = AuthResolver(
        region="us-east-1",
        credentials=StaticCredentialsProvider(CREDS),
        tokens=StaticTokenProvider("tok"),
    )
    assert both.resolve(service, _operation()).scheme == SIGV4
    tokens_only = AuthResolver(region="us-east-1", tokens=StaticTokenProvider("tok"))
    assert tokens_only.resolve(service, _operation()).scheme == BEARER
    unavailable = AuthResolver(
        region="us-east-1", credentials=_NoCredentials(), tokens=StaticTokenProvider("tok")
    )
    assert unavailable.resolve(service, _operation()).scheme == BEARER


def test_optional_auth_falls_back_to_unsigned() -> None:
    resolved = AuthResolver(region="us-east-1").resolve(_service(SIGV4), _operation(optional=True))
    assert resolved.scheme == NO_AUTH
    request = HttpRequest("POST", "h", headers=[("A", "1")])
    assert resolved.sign(request).headers == [("A", "1")]


def test_no_identity_lists_every_scheme_and_reason() -> None:
    resolver = AuthResolver(
        region="us-east-1", credentials=_NoCredentials(), tokens=_ExpiredTokens()
    )
    with pytest.raises(NoIdentityError) as info:
        resolver.resolve(_service(SIGV4, BEARER, "aws.auth#sigv4a"), _operation())
    schemes = [scheme for scheme, _ in info.value.reasons]
    assert schemes == [SIGV4, BEARER, "aws.auth#sigv4a"]
    assert "none here" in str(info.value) and "qsmith login" in str(info.value)
    assert "not supported" in str(info.value)


def test_sigv4_needs_region() -> None:
    resolver = AuthResolver(credentials=StaticCredentialsProvider(CREDS))
    with pytest.raises(NoIdentityError, match="no region"):
        resolver.resolve(_service(SIGV4), _operation())


def test_sigv4_signs_with_the_model_signing_name() -> None:
    resolver = AuthResolver(region="eu-central-1", credentials=StaticCredentialsProvider(CREDS))
    resolved = resolver.resolve(_service(SIGV4, signing_name="consolas"), _operation())
    request = HttpRequest("POST", "q.eu-central-1.amazonaws.com", body=b"{}")
    when = datetime(2024, 5, 1, tzinfo=UTC)
    signed = resolved.sign(request, now=when)
    expected = SigV4Signer().sign(
        request, CREDS, SigV4Config(region="eu-central-1", service="consolas"), now=when
    )
    assert signed.header("authorization") == expected.request.header("authorization")
    assert "/eu-central-1/consolas/aws4_request" in (signed.header("authorization") or "")
    assert request.header("authorization") is None  # the input request is not modified
    fallback = resolver.resolve(_service(SIGV4, signing_name=None), _operation())
    assert fallback.signing_name == "svc"


def test_bearer_sets_authorization_and_hides_the_token() -> None:
    resolver = AuthResolver(tokens=StaticTokenProvider("CANARY-BEARER-9"))
    resolved = resolver.resolve(_service(BEARER), _operation())
    signed = resolved.sign(HttpRequest("POST", "h", headers=[("Authorization", "old")]))
    assert signed.headers == [("Authorization", "Bearer CANARY-BEARER-9")]
    assert "CANARY" not in repr(resolved) + repr(signed) + repr(resolver)


def test_missing_token_is_a_reason_but_a_config_error_propagates() -> None:
    class Broken:
        source = "broken"

        def resolve_token(self) -> BearerToken:
            raise NoTokenError("file missing")

    with pytest.raises(NoIdentityError, match="file missing"):
        AuthResolver(tokens=Broken()).resolve(_service(BEARER), _operation())

    class BadConfig:
        source = "bad"

        def resolve_token(self) -> BearerToken:
            raise ConfigError("token.json, line 3: not valid JSON")

    with pytest.raises(ConfigError, match="line 3"):
        AuthResolver(tokens=BadConfig()).resolve(_service(BEARER), _operation())


async def test_async_resolution_gives_the_same_choice() -> None:
    resolver = AuthResolver(region="us-east-1", tokens=StaticTokenProvider("tok"))
    resolved = await resolver.resolve_async(_service(SIGV4, BEARER), _operation())
    assert resolved.scheme == BEARER
    with pytest.raises(NoIdentityError):
        await resolver.resolve_async(_service(SIGV4), _operation())


async def test_async_resolution_uses_a_worker_thread_only_for_sources_that_may_block() -> None:
    import threading

    threads: list[threading.Thread] = []

    class Recording(StaticTokenProvider):
        def resolve_token(self) -> BearerToken:
            threads.append(threading.current_thread())
            return super().resolve_token()

    class MayBlock(Recording):
        resolves_without_io = False  # a file or a refresh: off the event loop

    await AuthResolver(tokens=Recording("tok")).resolve_async(_service(BEARER), _operation())
    await AuthResolver(tokens=MayBlock("tok")).resolve_async(_service(BEARER), _operation())
    assert threads[0] is threading.current_thread()
    assert threads[1] is not threading.current_thread()
