"""The ASGI application: routes, API keys, and errors in each API's own format.

``create_app(backend, config)`` builds a Starlette app over any ``Backend``. Streaming
routes wait for the first upstream event before answering, so failures that happen
before any output (throttling, an expired login, a context overflow) get their real HTTP
status; a failure later in the stream is sent as the API's in-stream error event.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hmac
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
import anyio.abc
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Scope

from qsmith.gateway.access import CLIENT_GONE, AccessLog, record_failure
from qsmith.gateway.aggregate import CompletedTurn, added, collect, replayed
from qsmith.gateway.anthropic_api import message_body, message_events, parse_messages_request
from qsmith.gateway.backend import (
    Backend,
    BackendEvent,
    Message,
    ModelInfo,
    TextPart,
    TurnRequest,
)
from qsmith.gateway.capabilities import fit_turn
from qsmith.gateway.catalog import ModelCatalog
from qsmith.gateway.errors import (
    ApiKeyError,
    GatewayError,
    InternalError,
    MethodNotAllowedError,
    PayloadTooLargeError,
    RouteNotFoundError,
    UpstreamError,
    anthropic_error,
    openai_error,
)
from qsmith.gateway.fields import parse_body
from qsmith.gateway.openai_api import completion_body, completion_chunks, parse_chat_request
from qsmith.gateway.response_store import ResponseStore
from qsmith.gateway.responses_api import (
    ResponsesRequest,
    answer_message,
    parse_responses_request,
    previous_response_id,
    response_body,
    response_events,
)
from qsmith.gateway.sse import ABANDON_GRACE, Keepalive, with_keepalive
from qsmith.gateway.streaming import EventStreamResponse
from qsmith.gateway.structured import JsonFormat, repair_prompt, violation
from qsmith.gateway.upstream_calls import UpstreamCalls

__all__ = ["GatewayConfig", "create_app"]

T = TypeVar("T")
log = logging.getLogger("qsmith.gateway")
Handler = Callable[[Request], Awaitable[Response]]
DEFAULT_MAX_BODY = 32 * 1024 * 1024
# Names the service model that answered, when a client's name resolved to another one.
MODEL_HEADER = "x-qsmith-model"
# Names the hosted tools of a Responses request that were not sent upstream.
OMITTED_TOOLS_HEADER = "x-qsmith-omitted-tools"
ErrorFormat = Callable[[GatewayError], tuple[int, dict[str, object]]]


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    """``api_keys``: when not empty, every request must carry one of them."""

    api_keys: frozenset[str] = frozenset()
    keepalive_interval: float = 15.0
    models_ttl: float = 300.0
    # Client model names -> service model ids (``--model-alias``, the config file).
    model_aliases: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # Request bodies over this many bytes are refused with 413 before they are read whole.
    max_body: int = DEFAULT_MAX_BODY
    # Service model id -> whether it is asked for reasoning (``--reasoning-model``).
    reasoning_models: Mapping[str, bool] = dataclasses.field(default_factory=dict)


class Gateway:
    def __init__(self, backend: Backend, config: GatewayConfig) -> None:
        self.backend = backend
        self.config = config
        self.responses_kept = ResponseStore()
        self.catalog = ModelCatalog(
            backend,
            ttl=config.models_ttl,
            aliases=config.model_aliases,
            reasoning=config.reasoning_models,
        )

    def guarded(self, handler: Handler, errors: ErrorFormat | None = None) -> Handler:
        """``handler`` behind the API-key check, its GatewayErrors rendered as ``errors``."""

        async def endpoint(request: Request) -> Response:
            render = errors or _format_for(request)
            try:
                self.check_key(request)
                return await handler(request)
            except GatewayError as error:
                status, body = render(error)
                # A refused body may still be on its way: the connection cannot be reused.
                close = {"connection": "close"} if isinstance(error, PayloadTooLargeError) else {}
                return JSONResponse(body, status_code=status, headers=close)

        return endpoint

    def check_key(self, request: Request) -> None:
        if not self.config.api_keys:
            return
        given = request.headers.get("x-api-key")
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if given is None and scheme.lower() == "bearer":
            given = token.strip()
        if given is None:
            raise ApiKeyError("an API key is required (Authorization: Bearer or x-api-key)")
        if not any(hmac.compare_digest(given.encode(), k.encode()) for k in self.config.api_keys):
            raise ApiKeyError("the API key is not valid")

    async def body(self, request: Request) -> dict[str, Any]:
        return parse_body(await read_body(request, self.config.max_body))

    async def resolved(self, turn: TurnRequest) -> TurnRequest:
        """``turn`` for the service model its name resolves to, fitted to what that model
        takes (``qsmith.gateway.capabilities``: thinking, cache checkpoints)."""
        model = await self.catalog.info(turn.model)
        return fit_turn(dataclasses.replace(turn, model=model.id), model)

    async def started(
        self, request: Request, turn: TurnRequest
    ) -> AsyncIterator[BackendEvent | Keepalive]:
        """The turn's events with keep-alives, its first item already received; a failure
        after that is recorded for the access log (the client gets an in-stream error)."""
        calls = UpstreamCalls()
        interval = self.config.keepalive_interval
        ticks = with_keepalive(self.backend.stream_turn(turn), interval, calls.abort)
        try:
            with calls.bind():  # the reading task starts here and inherits the binding
                first = await anext(ticks)
        except StopAsyncIteration:
            return _empty()
        except BaseException:
            await ticks.aclose()
            raise
        return _prepend(first, ticks, request.scope)

    async def _collect(self, request: Request, turn: TurnRequest) -> CompletedTurn | None:
        """The whole turn, or None when the client hung up first (then the upstream call
        is cut off: see ``qsmith.gateway.upstream_calls``)."""
        calls = UpstreamCalls()

        async def run() -> CompletedTurn:
            with calls.bind():
                async with contextlib.aclosing(self.backend.stream_turn(turn)) as stream:
                    return await collect(stream)

        return await _unless_disconnected(request, run(), calls.abort)

    # Routes ----------------------------------------------------------------------
    async def chat_completions(self, request: Request) -> Response:
        parsed = parse_chat_request(await self.body(request))
        turn = await self.resolved(parsed.turn)
        name = parsed.turn.model
        headers = {MODEL_HEADER: turn.model}
        if parsed.stream and parsed.json_format is None:
            events = await self.started(request, turn)
            return EventStreamResponse(completion_chunks(parsed, name, events), headers)
        if parsed.json_format is not None:
            completed = await self._structured(request, turn, parsed.json_format)
        else:
            completed = await self._collect(request, turn)
        if completed is None:
            return Response(status_code=CLIENT_GONE)
        if parsed.stream:  # a checked JSON answer, sent as one stream
            replay = completion_chunks(parsed, name, replayed(completed))
            return EventStreamResponse(replay, headers)
        return JSONResponse(completion_body(parsed, name, completed), headers=headers)

    async def _structured(
        self, request: Request, turn: TurnRequest, fmt: JsonFormat
    ) -> CompletedTurn | None:
        """A whole answer in ``fmt`` (``qsmith.gateway.structured``): instructed, checked,
        and repaired once; None when the client left."""
        system = "\n\n".join(p for p in (turn.system, fmt.instruction()) if p)
        turn = dataclasses.replace(turn, system=system)
        first = await self._collect(request, turn)
        if first is None or first.tool_calls:
            return first
        fault = violation(first.text, fmt)
        if fault is None:
            return first
        retry = (
            Message("assistant", (TextPart(first.text),)),
            Message("user", (TextPart(repair_prompt(fault)),)),
        )
        second = await self._collect(
            request, dataclasses.replace(turn, messages=turn.messages + retry)
        )
        if second is None:
            return None
        fault = violation(second.text, fmt) if not second.tool_calls else None
        if fault is not None:
            raise UpstreamError(
                f"the model did not answer with the requested JSON after one repair: {fault}"
            )
        second.usage = added(first.usage, second.usage)
        return second

    async def messages(self, request: Request) -> Response:
        parsed = parse_messages_request(await self.body(request))
        turn = await self.resolved(parsed.turn)
        name = parsed.turn.model
        headers = {MODEL_HEADER: turn.model}
        if parsed.stream:
            estimate = self.backend.count_tokens(turn)
            events = await self.started(request, turn)
            return EventStreamResponse(message_events(parsed, name, estimate, events), headers)
        completed = await self._collect(request, turn)
        if completed is None:
            return Response(status_code=CLIENT_GONE)
        return JSONResponse(message_body(parsed, name, completed), headers=headers)

    async def responses(self, request: Request) -> Response:
        body = await self.body(request)
        previous = previous_response_id(body)
        earlier = self.responses_kept.conversation(previous) if previous else ()
        parsed = parse_responses_request(body, earlier)
        turn = await self.resolved(parsed.turn)
        name = parsed.turn.model
        headers = {MODEL_HEADER: turn.model}
        if parsed.omitted_tools:
            omitted = ", ".join(parsed.omitted_tools)
            headers[OMITTED_TOOLS_HEADER] = omitted
            log.info("hosted tools not sent upstream (they run on OpenAI's servers): %s", omitted)
        if parsed.stream:
            events = await self.started(request, turn)
            keep = functools.partial(self._keep_response, parsed)
            return EventStreamResponse(response_events(parsed, name, events, keep), headers)
        completed = await self._collect(request, turn)
        if completed is None:
            return Response(status_code=CLIENT_GONE)
        self._keep_response(parsed, completed)
        return JSONResponse(response_body(parsed, name, completed), headers=headers)

    def _keep_response(self, parsed: ResponsesRequest, answer: CompletedTurn) -> None:
        if parsed.store:
            conversation = (*parsed.conversation, answer_message(answer))
            self.responses_kept.keep(parsed.id, conversation)

    async def count_tokens(self, request: Request) -> Response:
        parsed = parse_messages_request(await self.body(request), counting=True)
        turn = await self.resolved(parsed.turn)
        return JSONResponse({"input_tokens": self.backend.count_tokens(turn)})

    async def list_models(self, request: Request) -> Response:
        models = await self.catalog.models()
        data = [_model_entry(m) for m in models]
        return JSONResponse(
            {
                "object": "list",
                "data": data,
                "has_more": False,
                "first_id": data[0]["id"] if data else None,
                "last_id": data[-1]["id"] if data else None,
            }
        )

    async def retrieve_model(self, request: Request) -> Response:
        """One model, by any name a request may use (it resolves as a request's would)."""
        name = request.path_params["model_id"]
        info = await self.catalog.info(name)
        entry = _model_entry(info)
        entry["id"] = name
        return JSONResponse(entry, headers={MODEL_HEADER: info.id})

    async def health(self, request: Request) -> Response:
        status = await self.backend.health()
        body = {"status": "ok" if status.ok else "unavailable", "auth": status.auth}
        body["detail"] = status.detail
        return JSONResponse(body, status_code=200 if status.ok else 503)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused (413) as soon as it is known to be over ``limit`` bytes: from its
    declared length before reading anything, else while it streams in."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(int(declared), limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(size, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: int, limit: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(
        f"the request body has {'at least ' if size <= limit else ''}{size} bytes; the "
        f"gateway's limit is {limit} (qsmith serve --max-body)"
    )


async def _unless_disconnected(
    request: Request, work: Awaitable[T], on_abandon: Callable[[], None]
) -> T | None:
    """``work``'s result, or None when the client hung up first (``on_abandon`` runs, then
    ``work`` is cancelled)."""
    results: list[T] = []
    failures: list[Exception] = []

    async def run(group: anyio.abc.TaskGroup) -> None:
        try:
            results.append(await work)
        except Exception as error:  # raised below, not as a task group's ExceptionGroup
            failures.append(error)
        group.cancel_scope.cancel()

    async def watch(group: anyio.abc.TaskGroup) -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass
        on_abandon()
        with anyio.move_on_after(ABANDON_GRACE):
            while not (results or failures):
                await anyio.sleep(0.01)
        group.cancel_scope.cancel()

    async with anyio.create_task_group() as group:
        group.start_soon(run, group)
        group.start_soon(watch, group)
    if failures:
        raise failures[0]
    return results[0] if results else None


def _model_entry(model: ModelInfo) -> dict[str, object]:
    """One entry readable by both SDKs' model list types."""
    return {
        "id": model.id,
        "object": "model",
        "created": 0,
        "owned_by": "amazon-q",
        "type": "model",
        "display_name": model.description or model.id,
        "created_at": "1970-01-01T00:00:00Z",
    }


def _format_for(request: Request) -> ErrorFormat:
    """Shared and unknown routes answer errors in Anthropic's format when the client is an
    Anthropic one (its headers, or a path under ``/v1/messages``)."""
    anthropic = (
        "anthropic-version" in request.headers
        or "x-api-key" in request.headers
        or request.url.path.startswith("/v1/messages")
    )
    return anthropic_error if anthropic else openai_error


def _http_error(request: Request, exc: Exception) -> Response:
    """404 and 405 from routing, in the calling API's JSON error format."""
    status = getattr(exc, "status_code", 404)
    method, path = request.method, request.url.path
    error: GatewayError = (
        MethodNotAllowedError(f"{method} is not allowed on {path}")
        if status == 405
        else RouteNotFoundError(f"no endpoint {method} {path}; see GET /v1/models and /health")
    )
    code, body = _format_for(request)(error)
    given = getattr(exc, "headers", None)
    allow = given.get("allow") if isinstance(given, Mapping) else None
    return JSONResponse(body, status_code=code, headers={"allow": allow} if allow else None)


def _internal_error(request: Request, exc: Exception) -> Response:
    log.error("unexpected failure on %s %s", request.method, request.url.path, exc_info=exc)
    code, body = _format_for(request)(InternalError("the gateway failed; see its log"))
    return JSONResponse(body, status_code=code)


async def _prepend(
    first: BackendEvent | Keepalive,
    rest: AsyncGenerator[BackendEvent | Keepalive, None],
    scope: Scope,
) -> AsyncIterator[BackendEvent | Keepalive]:
    try:
        yield first
        async for item in rest:
            yield item
    except GatewayError as error:
        record_failure(scope, error)
        raise
    finally:
        await rest.aclose()


async def _empty() -> AsyncIterator[BackendEvent | Keepalive]:
    return
    yield


def _closing(backend: Backend) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """A lifespan that closes the backend's connections when the server stops."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        aclose = getattr(backend, "aclose", None)
        if aclose is not None:
            await aclose()

    return lifespan


def create_app(backend: Backend, config: GatewayConfig | None = None) -> Starlette:
    gateway = Gateway(backend, config or GatewayConfig())
    routes = [
        Route(
            "/v1/chat/completions",
            gateway.guarded(gateway.chat_completions, openai_error),
            methods=["POST"],
        ),
        Route("/v1/responses", gateway.guarded(gateway.responses, openai_error), methods=["POST"]),
        Route("/v1/messages", gateway.guarded(gateway.messages, anthropic_error), methods=["POST"]),
        Route(
            "/v1/messages/count_tokens",
            gateway.guarded(gateway.count_tokens, anthropic_error),
            methods=["POST"],
        ),
        Route("/v1/models", gateway.guarded(gateway.list_models), methods=["GET"]),
        Route(
            "/v1/models/{model_id:path}", gateway.guarded(gateway.retrieve_model), methods=["GET"]
        ),
        Route("/health", gateway.guarded(gateway.health), methods=["GET"]),
    ]
    handlers: dict[Any, Any] = {404: _http_error, 405: _http_error, Exception: _internal_error}
    app = Starlette(
        routes=routes,
        lifespan=_closing(backend),
        exception_handlers=handlers,
        middleware=[Middleware(AccessLog)],
    )
    app.state.gateway = gateway
    return app
