"""The gateway's cost: added latency per streamed chunk, and 50 concurrent streams.

Fake service: a loopback Amazon Q (``FakeService``) answering every turn with one event
stream of ``CHUNKS`` text events. Baseline: the generated async codewhisperer-streaming
client calling that fake service directly. Measured: the same turns through
``qsmith serve`` (started as a subprocess, as users run it) with an httpx client reading
the OpenAI-format SSE stream. Figures are wall-clock medians of ``ROUNDS`` runs; both
sides read every chunk. Run: ``.venv/bin/python benchmarks/gateway.py``.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qsmith.clients import codewhisperer_streaming  # noqa: E402
from qsmith.clients.codewhisperer_streaming import models as cw  # noqa: E402
from qsmith.runtime.client import ClientConfig  # noqa: E402
from qsmith.runtime.transport import TransportConfig  # noqa: E402
from tests.gateway.harness import GENERATE, FakeQ, answer, text  # noqa: E402

CHUNKS = 200
CONCURRENT = 50
ROUNDS = 5
MODEL = "claude-sonnet-4"
# QSMITH_BENCH_PROFILE=<file> runs the gateway under cProfile, writing its stats there.
PROFILE = (
    ["-m", "cProfile", "-o", os.environ["QSMITH_BENCH_PROFILE"]]
    if os.environ.get("QSMITH_BENCH_PROFILE")
    else []
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gateway(fake_url: str, port: int) -> subprocess.Popen[bytes]:
    environ = {**os.environ, "QSMITH_BEARER_TOKEN": "bench-token"}
    command = [
        sys.executable, *PROFILE, "-m", "qsmith.cli.main", "serve", "--port", str(port),
        "--endpoint-url", fake_url, "--model", MODEL, "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=environ)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the gateway did not start")


def direct_call(client: codewhisperer_streaming.AsyncClient) -> Callable[[], Awaitable[int]]:
    state = cw.ConversationState(
        chat_trigger_type="MANUAL",
        current_message=cw.ChatMessageUserInputMessage(
            cw.UserInputMessage(content="go", model_id=MODEL)
        ),
    )

    async def call() -> int:
        count = 0
        async with await client.generate_assistant_response(conversation_state=state) as stream:
            async for _ in stream:
                count += 1
        return count

    return call


def gateway_call(client: httpx.AsyncClient, url: str) -> Callable[[], Awaitable[int]]:
    body = {"model": MODEL, "messages": [{"role": "user", "content": "go"}], "stream": True}

    async def call() -> int:
        count = 0
        async with client.stream("POST", f"{url}/v1/chat/completions", json=body) as response:
            async for line in response.aiter_lines():
                count += line.startswith("data: {")
        return count

    return call


async def timed(call: Callable[[], Awaitable[int]], parallel: int) -> tuple[float, int]:
    start = time.perf_counter()
    counts = await asyncio.gather(*[call() for _ in range(parallel)])
    return time.perf_counter() - start, sum(counts)


async def measure(fake_url: str, gateway_url: str) -> None:
    transport = TransportConfig(max_connections=2 * CONCURRENT)
    config = ClientConfig(region="us-east-1", token="bench-token", transport=transport)
    limits = httpx.Limits(max_connections=2 * CONCURRENT)
    async with (
        codewhisperer_streaming.AsyncClient(endpoint_url=fake_url, config=config) as q,
        httpx.AsyncClient(limits=limits, timeout=60) as http,
    ):
        contenders = {"direct": direct_call(q), "gateway": gateway_call(http, gateway_url)}
        for parallel in (1, CONCURRENT):
            results: dict[str, list[float]] = {name: [] for name in contenders}
            chunks: dict[str, int] = {}
            for _ in range(ROUNDS):
                for name, call in contenders.items():  # interleaved: fair on a busy machine
                    seconds, chunks[name] = await timed(call, parallel)
                    results[name].append(seconds)
            report(parallel, {n: statistics.median(r) for n, r in results.items()}, chunks)


def report(parallel: int, seconds: dict[str, float], chunks: dict[str, int]) -> None:
    direct, gateway = seconds["direct"], seconds["gateway"]
    if parallel == 1:
        added = (gateway - direct) / CHUNKS * 1e6
        print(f"1 stream of {CHUNKS} chunks: direct {direct * 1e3:.1f} ms, gateway "
              f"{gateway * 1e3:.1f} ms; added latency per chunk {added:.0f} us "
              f"(gateway/direct time {gateway / direct:.2f}x)")  # fmt: skip
        return
    rate_direct, rate_gateway = chunks["direct"] / direct, chunks["gateway"] / gateway
    print(f"{parallel} concurrent streams: direct {rate_direct:,.0f} chunks/s, gateway "
          f"{rate_gateway:,.0f} chunks/s (gateway/direct throughput "
          f"{rate_gateway / rate_direct:.2f}x)")  # fmt: skip


def main() -> int:
    with FakeQ() as fake:
        events = [text(f"token {i} ") for i in range(CHUNKS - 1)]
        fake.set_default(GENERATE, answer(*events))
        port = free_port()
        gateway = start_gateway(fake.url, port)
        try:
            asyncio.run(measure(fake.url, f"http://127.0.0.1:{port}"))
        finally:
            gateway.terminate()
            gateway.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
