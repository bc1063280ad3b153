"""The gateway served for real on 127.0.0.1, in front of a scripted fake Amazon Q.

``FakeQ`` is a ``FakeService`` answering both codewhisperer (ListAvailableModels) and
codewhisperer-streaming (GenerateAssistantResponse) over awsJson1_0, with answers built
from typed events by ``event_stream_body``. ``ServedGateway`` runs uvicorn in a thread on
an ephemeral port.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

pytest.importorskip(
    "starlette", reason="the gateway extra is not installed: pip install 'qsmith[gateway]'"
)
pytest.importorskip(
    "uvicorn", reason="the gateway extra is not installed: pip install 'qsmith[gateway]'"
)

import uvicorn

from qsmith.clients.codewhisperer import _schema as cw_models_schema
from qsmith.clients.codewhisperer import models as cwm
from qsmith.clients.codewhisperer_streaming import _schema as cws_schema
from qsmith.clients.codewhisperer_streaming import models as cw
from qsmith.gateway.app import GatewayConfig, create_app
from qsmith.gateway.backend import Backend
from qsmith.runtime.serde.json import JsonCodec
from qsmith.testing import FakeService, ScriptedResponse, event_stream_response
from qsmith.testing.event_streams import event_stream_body
from qsmith.testing.fake_service import Step
from qsmith.testing.loopback import RecordedRequest

GENERATE = "GenerateAssistantResponse"
LIST_MODELS = "ListAvailableModels"
MODEL_IDS = ("claude-sonnet-4", "claude-3.7-sonnet", "claude-sonnet-4.5", "qwen3-coder")
# What the fake's model list says of each model: (maxInputTokens, maxOutputTokens) and the
# most cache checkpoints per request (None: no prompt caching). qwen3-coder is no Claude
# model, so the gateway does not ask it for reasoning.
MODEL_LIMITS: dict[str, tuple[int, int, int | None]] = {
    "claude-sonnet-4": (200_000, 64_000, 4),
    "claude-3.7-sonnet": (200_000, 64_000, None),
    "claude-sonnet-4.5": (200_000, 64_000, 2),
    "qwen3-coder": (128_000, 8_192, None),
}
EVENT_STREAM = "application/vnd.amazon.eventstream"


def stream_body(events: Sequence[object]) -> list[bytes]:
    operation = cws_schema.SERVICE.operations[GENERATE]
    return event_stream_body(operation, events, initial={"conversationId": "conv-1"})


def answer(*events: object, chunk_delay: float = 0.0) -> Step:
    return event_stream_response(stream_body(events), chunk_delay=chunk_delay)


def text(content: str) -> cw.ChatResponseStreamAssistantResponseEvent:
    return cw.ChatResponseStreamAssistantResponseEvent(cw.AssistantResponseEvent(content=content))


def tool_use(tool_use_id: str, name: str, fragment: str, stop: bool = False) -> object:
    event = cw.ToolUseEvent(tool_use_id=tool_use_id, name=name, input=fragment, stop=stop or None)
    return cw.ChatResponseStreamToolUseEvent(event)


def reasoning(piece: str, signature: str | None = None) -> object:
    event = cw.ReasoningContentEvent(text=piece, signature=signature)
    return cw.ChatResponseStreamReasoningContentEvent(event)


def usage(
    input_tokens: int, output_tokens: int, cache_read: int = 0, cache_write: int = 0
) -> object:
    token_usage = cw.TokenUsage(
        uncached_input_tokens=input_tokens,
        output_tokens=output_tokens,
        total_tokens=input_tokens + output_tokens + cache_read + cache_write,
        cache_read_input_tokens=cache_read,
        cache_write_input_tokens=cache_write or None,
    )
    return cw.ChatResponseStreamMetadataEvent(cw.MetadataEvent(token_usage=token_usage))


def context_usage(percentage: float) -> object:
    event = cw.ContextUsageEvent(context_usage_percentage=percentage)
    return cw.ChatResponseStreamContextUsageEvent(event)


def model_entry(model_id: str) -> cwm.Model:
    limits = MODEL_LIMITS.get(model_id)
    if limits is None:
        return cwm.Model(model_id=model_id, description=f"model {model_id}")
    max_input, max_output, checkpoints = limits
    return cwm.Model(
        model_id=model_id,
        description=f"model {model_id}",
        token_limits=cwm.TokenLimits(max_input_tokens=max_input, max_output_tokens=max_output),
        prompt_caching=cwm.PromptCaching(
            supports_prompt_caching=checkpoints is not None,
            maximum_cache_checkpoints_per_request=checkpoints,
        ),
    )


def models_response(ids: Sequence[str] = MODEL_IDS) -> ScriptedResponse:
    operation = cw_models_schema.SERVICE.operations[LIST_MODELS]
    output = cwm.ListAvailableModelsResponse(
        models=[model_entry(i) for i in ids], default_model=model_entry(ids[0])
    )
    codec = JsonCodec(use_json_name=False)
    body = codec.encode(codec.structure_to_data(operation.output, output, top_level=True))
    return ScriptedResponse(
        status=200, headers=[("Content-Type", "application/x-amz-json-1.0")], body=body
    )


def sent_state(request: RecordedRequest) -> dict[str, Any]:
    """The conversationState the gateway sent upstream."""
    state = json.loads(request.body)["conversationState"]
    assert isinstance(state, dict)
    return state


def model_fields(request: RecordedRequest) -> object:
    """The ``additionalModelRequestFields`` the gateway sent upstream (None when absent)."""
    return json.loads(request.body).get("additionalModelRequestFields")


def current_message(request: RecordedRequest) -> dict[str, Any]:
    message = sent_state(request)["currentMessage"]["userInputMessage"]
    assert isinstance(message, dict)
    return message


def png_bytes() -> bytes:
    return base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )


class FakeQ(FakeService):
    def __init__(self) -> None:
        super().__init__("awsJson1_0")
        self.script_defaults()

    def script_defaults(self) -> None:
        self.set_default(LIST_MODELS, models_response())


class ServedGateway:
    """uvicorn serving the gateway app on 127.0.0.1:<ephemeral> in a daemon thread."""

    def __init__(self, backend: Backend, config: GatewayConfig | None = None) -> None:
        self.app = create_app(backend, config)
        server_config = uvicorn.Config(
            self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(server_config)
        self.thread = threading.Thread(target=self.server.run, name="gateway", daemon=True)

    def __enter__(self) -> ServedGateway:
        self.thread.start()
        deadline = time.monotonic() + 60  # generous: loaded machines
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the gateway did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    @property
    def url(self) -> str:
        (server,) = self.server.servers
        port = server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"


def serve(backend: Backend, config: GatewayConfig | None = None) -> Iterator[ServedGateway]:
    with ServedGateway(backend, config) as served:
        yield served
