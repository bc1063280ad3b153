"""GitHub Copilot as a pool login: a gateway ``Backend`` over Copilot's chat endpoint.

Copilot's terms of service govern its use; qsmith only speaks the wire. The facts used:
- a GitHub OAuth token (from GitHub's device flow, kept in a file) is exchanged at
  ``GET {github_api}/copilot_internal/v2/token`` (``Authorization: token <github token>``)
  for a short-lived Copilot token: ``{"token", "expires_at", "refresh_in", "endpoints":
  {"api"}}``; it is renewed ``REFRESH_MARGIN`` before it expires;
- chat is OpenAI-compatible: ``POST {api}/chat/completions`` (SSE when streamed), models at
  ``GET {api}/models``, with ``Authorization: Bearer <copilot token>`` and the editor
  headers Copilot expects.

Requests arrive normalized (``TurnRequest``), so both OpenAI- and Anthropic-format clients
reach Copilot through one translation to OpenAI's chat format (``copilot_wire``).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from qsmith.gateway.backend import (
    BackendEvent,
    HealthStatus,
    ModelInfo,
    TurnRequest,
)
from qsmith.gateway.errors import (
    ContextTooLongError,
    GatewayError,
    LoginRequiredError,
    OverloadedError,
    ThrottledError,
    UpstreamError,
)
from qsmith.gateway.tokens import estimate_request
from qsmith.pool.copilot_wire import chat_body, stream_events
from qsmith.runtime.errors import ConfigError

__all__ = [
    "GITHUB_API",
    "CopilotBackend",
    "CopilotTokens",
    "read_github_token",
    "upstream_error",
]

GITHUB_API = "https://api.github.com"
REFRESH_MARGIN = 60.0
EDITOR_HEADERS = {
    "editor-version": "qsmith/0.1",
    "editor-plugin-version": "qsmith/0.1",
    "copilot-integration-id": "vscode-chat",
    "user-agent": "qsmith",
}


def read_github_token(path: Path) -> str:
    """The GitHub OAuth token in ``path``: the file's text, or its ``github_token`` field."""
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as error:
        message = f"{path}: the GitHub token file cannot be read ({error.strerror})"
        raise ConfigError(message) from None
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            raise ConfigError(f"{path}: not valid JSON") from None
        text = str(data.get("github_token") or data.get("access_token") or "")
    if not text:
        raise ConfigError(f"{path}: no GitHub token in the file")
    return text


@dataclass(frozen=True, slots=True)
class _CopilotToken:
    token: str
    expires_at: float
    api: str

    def __repr__(self) -> str:
        return f"_CopilotToken(token='<redacted>', expires_at={self.expires_at}, api={self.api!r})"


class CopilotTokens:
    """The Copilot token of one GitHub token, exchanged once and renewed before expiry."""

    def __init__(
        self,
        github_token: Callable[[], str],
        http: httpx.AsyncClient,
        *,
        github_api: str = GITHUB_API,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._github_token = github_token
        self._http = http
        self._github_api = github_api.rstrip("/")
        self._clock = clock
        self._current: _CopilotToken | None = None
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"CopilotTokens({self._github_api!r})"

    async def current(self) -> _CopilotToken:
        if self._fresh(self._current):
            assert self._current is not None
            return self._current
        async with self._lock:  # one exchange however many requests wait
            current = self._current
            if current is None or not self._fresh(current):
                current = self._current = await self._exchange()
            return current

    def _fresh(self, token: _CopilotToken | None) -> bool:
        return token is not None and token.expires_at - REFRESH_MARGIN > self._clock()

    async def _exchange(self) -> _CopilotToken:
        url = f"{self._github_api}/copilot_internal/v2/token"
        headers = {"authorization": f"token {self._github_token()}", **EDITOR_HEADERS}
        try:
            response = await self._http.get(url, headers=headers)
        except httpx.HTTPError as error:
            raise UpstreamError(f"could not reach GitHub: {type(error).__name__}") from None
        if response.status_code in (401, 403, 404):
            raise LoginRequiredError(
                f"GitHub refused the Copilot token exchange (HTTP {response.status_code}); "
                "sign in to GitHub again and check the Copilot subscription"
            )
        if response.status_code != 200:
            raise UpstreamError(f"the Copilot token exchange answered {response.status_code}")
        data: Any = response.json()
        try:
            api = data.get("endpoints", {}).get("api") or "https://api.githubcopilot.com"
            return _CopilotToken(str(data["token"]), float(data["expires_at"]), api.rstrip("/"))
        except (KeyError, TypeError, ValueError):
            raise UpstreamError("the Copilot token exchange answered without a token") from None


class CopilotBackend:
    """``Backend`` on GitHub Copilot's OpenAI-compatible chat endpoint."""

    def __init__(
        self,
        github_token: Callable[[], str],
        *,
        github_api: str = GITHUB_API,
        models: tuple[str, ...] = (),
        timeout: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=10.0))
        self.tokens = CopilotTokens(github_token, self._http, github_api=github_api, clock=clock)
        self._models = models

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def http(self) -> httpx.AsyncClient:
        return self._http

    async def copilot_headers(self) -> tuple[str, dict[str, str]]:
        """Copilot's API root and the headers of a call (the current Copilot token)."""
        token = await self.tokens.current()
        return token.api, {"authorization": f"Bearer {token.token}", **EDITOR_HEADERS}

    async def list_models(self) -> list[ModelInfo]:
        if self._models:
            return [ModelInfo(name) for name in self._models]
        api, headers = await self.copilot_headers()
        response = await self._http.get(f"{api}/models", headers=headers)
        if response.status_code != 200:
            raise upstream_error(response.status_code, response.text, response.headers)
        return [ModelInfo(str(m["id"]), m.get("name")) for m in response.json().get("data", [])]

    async def stream_turn(self, request: TurnRequest) -> AsyncGenerator[BackendEvent, None]:
        api, headers = await self.copilot_headers()
        body = chat_body(request)
        async with self._http.stream(
            "POST", f"{api}/chat/completions", json=body, headers=headers
        ) as response:
            if response.status_code != 200:
                text = (await response.aread()).decode("utf-8", "replace")
                raise upstream_error(response.status_code, text, response.headers)
            try:
                async for event in stream_events(response.aiter_lines(), request):
                    yield event
            except httpx.HTTPError as error:
                raise UpstreamError(
                    f"the Copilot answer stream broke off: {type(error).__name__}"
                ) from None

    def count_tokens(self, request: TurnRequest) -> int:
        return estimate_request(request)

    async def health(self) -> HealthStatus:
        try:
            await self.tokens.current()
        except GatewayError as error:
            return HealthStatus(False, "copilot", error.message)
        return HealthStatus(True, "copilot", "Copilot token exchanged")


def upstream_error(status: int, text: str, headers: httpx.Headers) -> GatewayError:
    """The gateway error for a refused Copilot call, carrying its request id."""
    detail = text[:300]
    error: GatewayError
    if status == 429:
        error = ThrottledError(f"GitHub Copilot is throttling requests ({detail})")
    elif status in (401, 403):
        error = LoginRequiredError(f"GitHub Copilot refused the token (HTTP {status})")
    elif status == 400 and "context_length" in text:
        error = ContextTooLongError(f"prompt is too long: {detail}", param="messages")
    elif status in (502, 503):
        error = OverloadedError(f"GitHub Copilot is unavailable (HTTP {status})")
    else:
        error = UpstreamError(f"GitHub Copilot answered {status}: {detail}")
    # Gateway errors have no request id field; the pool's failure log looks for this one.
    request_id = headers.get("x-request-id") or headers.get("x-github-request-id")
    setattr(error, "request_id", request_id)  # noqa: B010
    return error
