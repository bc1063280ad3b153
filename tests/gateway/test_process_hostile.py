"""The real ``qsmith serve`` process against hostile and broken requests: each gets the
right status in the calling API's JSON error format, and the server keeps serving with
bounded memory."""

from __future__ import annotations

import json
import select
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

GATEWAY_EXTRA_HINT = "the gateway extra is not installed: pip install 'qsmith[gateway]'"
pytest.importorskip("starlette", reason=GATEWAY_EXTRA_HINT)
pytest.importorskip("uvicorn", reason=GATEWAY_EXTRA_HINT)

from tests.gateway.harness import GENERATE, FakeQ, answer, text  # noqa: E402
from tests.gateway.process import ServeProcess  # noqa: E402

MIB = 1024 * 1024
OPENAI = "/v1/chat/completions"
ANTHROPIC = "/v1/messages"
RSS_LIMIT = 150 * MIB


@pytest.fixture(scope="module")
def serve(fake_q_server: FakeQ) -> Iterator[ServeProcess]:
    with ServeProcess(fake_q_server.url, "--log-level", "warning") as process:
        yield process


def assert_api_error(response: httpx.Response, path: str, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    if path.startswith(ANTHROPIC):
        assert body["type"] == "error" and isinstance(body["error"]["message"], str)
        assert isinstance(body["error"]["type"], str)
    else:
        assert set(body["error"]) == {"message", "type", "param", "code"}
    error = body["error"]
    assert isinstance(error, dict)
    return error


def nested(depth: int) -> bytes:
    inner = "[" * depth + "]" * depth
    return f'{{"model":"claude-sonnet-4","max_tokens":5,"messages":{inner}}}'.encode()


BAD_BODIES = {
    "malformed": b'{"model": "claude-sonnet-4", "messages": [',
    "invalid-utf8": b'{"model": "claude-sonnet-4", "messages": "\xff\xfe"}',
    "not-an-object": b"[1, 2, 3]",
    "deep-5000": nested(5000),
    "deep-200": nested(200),
}


@pytest.mark.parametrize("path", [OPENAI, ANTHROPIC])
@pytest.mark.parametrize("kind", list(BAD_BODIES))
def test_broken_bodies_are_400_in_the_api_format(serve: ServeProcess, path: str, kind: str) -> None:
    headers = {"content-type": "application/json"}
    response = httpx.post(serve.url + path, content=BAD_BODIES[kind], headers=headers)
    error = assert_api_error(response, path, 400)
    assert "request body" in error["message"]
    assert serve.alive()


@pytest.mark.parametrize(
    ("path", "method", "status"),
    [
        ("/v1/nothing", "GET", 404),
        ("/v1/messages/nothing", "POST", 404),
        (OPENAI, "GET", 405),
        (ANTHROPIC, "DELETE", 405),
    ],
)
def test_unknown_routes_and_methods_answer_in_the_api_format(
    serve: ServeProcess, path: str, method: str, status: int
) -> None:
    response = httpx.request(method, serve.url + path)
    assert_api_error(response, path, status)


@pytest.mark.parametrize(
    ("field", "value"),
    [("temperature", "hot"), ("max_tokens", "ten"), ("stream", "yes"), ("messages", {})],
)
@pytest.mark.parametrize("path", [OPENAI, ANTHROPIC])
def test_wrong_field_types_are_400(serve: ServeProcess, path: str, field: str, value: Any) -> None:
    body = {"model": "claude-sonnet-4", "max_tokens": 5, "messages": [{"role": "user"}]}
    body["messages"] = [{"role": "user", "content": "hi"}]
    body[field] = value
    error = assert_api_error(httpx.post(serve.url + path, json=body), path, 400)
    assert field in error["message"]


def raw_exchange(port: int, head: bytes, chunks: Iterator[bytes]) -> tuple[int, bytes]:
    """Send ``head`` then ``chunks`` until the server answers; its status and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        received = b""
        for chunk in chunks:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        sock.settimeout(30)
        while b"\r\n\r\n" not in received or not _complete(received):
            piece = sock.recv(65536)
            if not piece:
                break
            received += piece
    head_text, _, body = received.partition(b"\r\n\r\n")
    return int(head_text.split()[1]), body


def _complete(received: bytes) -> bool:
    head, _, body = received.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def request_head(path: str, length: int | None) -> bytes:
    framing = f"content-length: {length}" if length is not None else "transfer-encoding: chunked"
    return (
        f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
        f"{framing}\r\n\r\n"
    ).encode()


def filler(total: int, *, chunked: bool) -> Iterator[bytes]:
    block = b'{"pad": "' + b"x" * (MIB - 20) + b'"},'
    for _ in range(total // MIB):
        yield (f"{len(block):x}\r\n".encode() + block + b"\r\n") if chunked else block


@pytest.mark.parametrize("path", [OPENAI, ANTHROPIC])
def test_a_200_mb_declared_body_is_refused_before_it_is_read(
    serve: ServeProcess, path: str
) -> None:
    status, body = raw_exchange(
        serve.port, request_head(path, 200 * MIB), filler(200 * MIB, chunked=False)
    )
    assert status == 413
    assert "--max-body" in json.dumps(json.loads(body))
    assert serve.alive() and serve.peak_rss_bytes() < RSS_LIMIT


@pytest.mark.parametrize("path", [OPENAI, ANTHROPIC])
def test_a_200_mb_chunked_body_is_refused_while_it_streams_in(
    serve: ServeProcess, path: str
) -> None:
    status, _ = raw_exchange(serve.port, request_head(path, None), filler(200 * MIB, chunked=True))
    assert status == 413
    assert serve.alive() and serve.peak_rss_bytes() < RSS_LIMIT


@pytest.mark.parametrize("path", [OPENAI, ANTHROPIC])
def test_a_20_mb_prompt_is_the_apis_context_length_error(serve: ServeProcess, path: str) -> None:
    body = {
        "model": "claude-sonnet-4",
        "max_tokens": 5,
        "messages": [{"role": "user", "content": "word " * (4 * MIB)}],
    }
    error = assert_api_error(httpx.post(serve.url + path, json=body, timeout=60), path, 400)
    if path == OPENAI:
        assert error["code"] == "context_length_exceeded"
    else:
        assert error["message"].startswith("prompt is too long")
    assert serve.alive() and serve.peak_rss_bytes() < RSS_LIMIT


def test_a_thousand_bad_requests_in_a_row_then_a_good_one(
    serve: ServeProcess, fake_q_server: FakeQ
) -> None:
    kinds = list(BAD_BODIES.values())
    headers = {"content-type": "application/json"}
    with httpx.Client(base_url=serve.url, timeout=30) as http:
        for index in range(1000):
            path = OPENAI if index % 2 else ANTHROPIC
            response = http.post(path, content=kinds[index % len(kinds)], headers=headers)
            assert_api_error(response, path, 400)
        fake_q_server.respond(GENERATE, answer(text("still here")))
        good = {"model": "claude-sonnet-4", "messages": [{"role": "user", "content": "hi"}]}
        answered = http.post(OPENAI, json=good)
    assert answered.status_code == 200
    assert answered.json()["choices"][0]["message"]["content"] == "still here"
    assert serve.peak_rss_bytes() < RSS_LIMIT
