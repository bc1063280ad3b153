"""The httpx clients the sync and async shells send through, built from one config.

Proxies come from the environment (``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY``,
``NO_PROXY``) through httpx's ``trust_env``; that only works when httpx builds its own
transports, so we pass pool limits and TLS settings to the client, never a transport.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from qsmith.runtime.errors import ConfigError

# A client resolves its TransportConfig when constructed but builds its httpx client on
# the first request: httpx and ssl load there, in the methods below, not with the module
# (see docs/design/lazy-imports.md).
if TYPE_CHECKING:
    import ssl

    import httpx

__all__ = ["TransportConfig", "build_async_client", "build_sync_client"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TransportConfig:
    """Timeouts (seconds), pool limits and TLS trust for one client.

    ``call_timeout`` bounds a whole call, retries and backoff included (None: no bound);
    ``idle_timeout`` bounds the silence between two chunks of a streamed response and
    is also the read timeout of streaming requests. ``ca_bundle`` is a PEM file of
    trusted CAs replacing the default store; ``ca_bundle_source`` names where it came
    from, for error messages.
    """

    connect_timeout: float = 60.0
    read_timeout: float = 60.0
    write_timeout: float = 60.0
    pool_timeout: float = 60.0
    call_timeout: float | None = None
    idle_timeout: float = 60.0
    max_connections: int = 10
    max_keepalive_connections: int = 10
    keepalive_expiry: float = 5.0
    ca_bundle: str | None = None
    ca_bundle_source: str = "the ca_bundle argument"
    trust_env: bool = True

    @classmethod
    def resolve(
        cls,
        *,
        environ: Mapping[str, str] | None = None,
        config: Mapping[str, str] | None = None,
        **overrides: object,
    ) -> TransportConfig:
        """Defaults, then the config file's ``ca_bundle``, then ``AWS_CA_BUNDLE``, then overrides."""
        env = os.environ if environ is None else environ
        base = cls()
        if config and config.get("ca_bundle"):
            base = replace(
                base, ca_bundle=config["ca_bundle"], ca_bundle_source="ca_bundle in the config file"
            )
        if env.get("AWS_CA_BUNDLE"):
            base = replace(base, ca_bundle=env["AWS_CA_BUNDLE"], ca_bundle_source="AWS_CA_BUNDLE")
        try:
            return replace(base, **overrides)  # type: ignore[arg-type]
        except TypeError as error:
            raise ConfigError(f"unknown transport setting: {error}") from None

    def timeout(self, *, streaming: bool = False, remaining: float | None = None) -> httpx.Timeout:
        """The httpx timeout for one attempt; a stream reads with the idle timeout."""
        if remaining is None:  # the common case, the same every call: built once
            known = _TIMEOUTS.get((id(self), streaming))
            if known is not None and known[0] is self:
                return known[1]
            built = self._timeout(streaming, None)
            if len(_TIMEOUTS) >= 64:  # a program building many clients keeps none alive
                _TIMEOUTS.clear()
            _TIMEOUTS[(id(self), streaming)] = (self, built)
            return built
        return self._timeout(streaming, remaining)

    def _timeout(self, streaming: bool, remaining: float | None) -> httpx.Timeout:
        import httpx

        read = self.idle_timeout if streaming else self.read_timeout
        if remaining is not None:
            read = max(0.0, min(read, remaining))
        return httpx.Timeout(
            connect=_capped(self.connect_timeout, remaining),
            read=read,
            write=_capped(self.write_timeout, remaining),
            pool=_capped(self.pool_timeout, remaining),
        )

    def limits(self) -> httpx.Limits:
        import httpx

        return httpx.Limits(
            max_connections=self.max_connections,
            max_keepalive_connections=self.max_keepalive_connections,
            keepalive_expiry=self.keepalive_expiry,
        )

    def check_ca_bundle(self) -> None:
        """Raise ConfigError when ``ca_bundle`` names no file (cheap: its PEM is not read).

        Clients call this when constructed, so a mistyped path fails at once; the
        certificates are loaded with the connection pool, by ``ssl_context``.
        """
        if self.ca_bundle is not None and not os.path.isfile(self.ca_bundle):
            raise ConfigError(
                f"{self.ca_bundle_source} names {self.ca_bundle!r}, which is not a readable file"
            )

    def ssl_context(self) -> ssl.SSLContext | bool:
        """A context trusting only ``ca_bundle``; True (httpx's default store) without one."""
        if self.ca_bundle is None:
            return True
        self.check_ca_bundle()
        import ssl

        try:
            return ssl.create_default_context(cafile=self.ca_bundle)
        except (ssl.SSLError, OSError) as error:
            raise ConfigError(
                f"{self.ca_bundle_source} names {self.ca_bundle!r}, which holds no usable "
                f"PEM certificates: {error}"
            ) from None


# Timeouts without a deadline, per config (held, so its id stays its own) and kind.
_TIMEOUTS: dict[tuple[int, bool], tuple[TransportConfig, httpx.Timeout]] = {}


def _capped(value: float, remaining: float | None) -> float:
    return value if remaining is None else max(0.0, min(value, remaining))


def build_sync_client(config: TransportConfig) -> httpx.Client:
    """An httpx.Client with keep-alive pooling; share one per qsmith client."""
    import httpx

    return httpx.Client(
        timeout=config.timeout(),
        limits=config.limits(),
        verify=config.ssl_context(),
        trust_env=config.trust_env,
        follow_redirects=False,
    )


def build_async_client(config: TransportConfig) -> httpx.AsyncClient:
    import httpx

    return httpx.AsyncClient(
        timeout=config.timeout(),
        limits=config.limits(),
        verify=config.ssl_context(),
        trust_env=config.trust_env,
        follow_redirects=False,
    )
