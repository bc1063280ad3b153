"""The gateway's cost: added latency per streamed chunk, and 50 concurrent streams per API.

Fake service: a loopback Amazon Q (``FakeService``) in its own process, answering every
turn with one event stream of ``CHUNKS`` events. Baseline: the generated async
codewhisperer-streaming client calling that fake service directly. Measured: the same
turns through ``qsmith serve`` (a third process, as users run it) with an httpx client
reading each API's SSE stream (chat completions, messages, responses), one client per
concurrent stream. A stream is lost when it fails or ends without all its text deltas
and its final event. Figures are
wall-clock medians of ``ROUNDS`` runs (``SINGLE_ROUNDS`` for the cheap single streams),
direct and gateway interleaved, after one unmeasured call of each to warm both up; every
side reads every chunk. CPU per chunk of each process is printed beside the wall clock.
Run: ``.venv/bin/python benchmarks/gateway.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
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
from qsmith.testing import loopback  # noqa: E402
from tests.gateway.harness import GENERATE, FakeQ, answer, text  # noqa: E402

CHUNKS = 200
CONCURRENT = 50
ROUNDS = 5
SINGLE_ROUNDS = 15
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


def serve_upstream() -> int:
    """``--upstream``: the fake service in this process; prints its URL, stops at stdin EOF."""
    # Each event goes out as its own write. With Nagle's algorithm on (http.server's
    # default) a write waits for the ACK of the one before, which the reader's kernel may
    # delay by 40 ms: stalls that fell on either side at random and swamped the figures.
    # (The loopback server keeps Nagle on for tests: its dropped-connection answers rely
    # on the client having read what came before the reset.)
    loopback._RequestHandler.disable_nagle_algorithm = True
    with FakeQ() as fake:
        fake.set_default(GENERATE, answer(*[text(f"token {i} ") for i in range(CHUNKS - 1)]))
        print(fake.url, flush=True)
        sys.stdin.read()
    return 0


def start_upstream() -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, __file__, "--upstream"]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


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


# Per API: path, body, the marker of one text delta, the marker of the stream's end.
APIS: dict[str, tuple[str, dict[str, object], str, str]] = {
    "chat": (
        "/v1/chat/completions",
        {"model": MODEL, "messages": [{"role": "user", "content": "go"}], "stream": True},
        '"content":"token',
        "data: [DONE]",
    ),
    "messages": (
        "/v1/messages",
        {
            "model": MODEL,
            "max_tokens": 1000,
            "messages": [{"role": "user", "content": "go"}],
            "stream": True,
        },
        '"text_delta"',
        "event: message_stop",
    ),
    "responses": (
        "/v1/responses",
        {"model": MODEL, "input": "go", "stream": True},
        "event: response.output_text.delta",
        "event: response.completed",
    ),
}


def gateway_call(
    clients: list[httpx.AsyncClient], url: str, api: str
) -> Callable[[], Awaitable[int]]:
    """Each concurrent call borrows its own client from ``clients`` (one kept-alive
    connection each): httpcore's shared pool scans all its connections, several times a
    request, and at 50 connections that cost the reader more than the gateway's own work.
    The direct client keeps the runtime's shared pool: it is the baseline as users run it."""
    path, body, delta, end = APIS[api]
    marker, last_line = delta.encode(), f"\n{end}\n".encode()

    async def call() -> int:
        """The text deltas read, or -1 when the stream was lost.

        Reads SSE by whole lines as they arrive: each delta's marker is counted in the
        lines complete so far (a line cut by a read waits for its end), and the end
        event's line must come. Counting in bytes keeps the reader's cost per chunk far
        below the direct client's decoding, so the figures measure the gateway.
        """
        count, ended, partial = 0, False, b""
        client = clients.pop()
        try:
            async with client.stream("POST", f"{url}{path}", json=body) as response:
                async for piece in response.aiter_raw():
                    lines, _, partial = (partial + piece).rpartition(b"\n")
                    count += lines.count(marker)
                    ended = ended or last_line in b"\n" + lines + b"\n"
        except httpx.HTTPError:
            return -1
        finally:
            clients.append(client)
        return count if ended and count == CHUNKS - 1 else -1

    return call


async def timed(call: Callable[[], Awaitable[int]], parallel: int) -> tuple[float, list[int]]:
    start = time.perf_counter()
    counts = await asyncio.gather(*[call() for _ in range(parallel)])
    return time.perf_counter() - start, list(counts)


def process_cpu(pid: int) -> float:
    """CPU seconds a child process used so far (Linux ``/proc``; 0 elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(fake_url: str, gateway_url: str, gateway_pid: int) -> None:
    transport = TransportConfig(max_connections=2 * CONCURRENT)
    config = ClientConfig(region="us-east-1", token="bench-token", transport=transport)
    async with (
        codewhisperer_streaming.AsyncClient(endpoint_url=fake_url, config=config) as q,
        contextlib.AsyncExitStack() as stack,
    ):
        readers = [
            await stack.enter_async_context(httpx.AsyncClient(timeout=60))
            for _ in range(CONCURRENT)
        ]
        for api in APIS:
            contenders = {
                "direct": direct_call(q),
                "gateway": gateway_call(readers, gateway_url, api),
            }
            for call in contenders.values():  # first calls load code and open connections
                await call()
            for parallel in (1, CONCURRENT):
                results: dict[str, list[float]] = {name: [] for name in contenders}
                chunks: dict[str, int] = {name: 0 for name in contenders}
                # CPU seconds: this process (the direct client, or the SSE reader) and the
                # gateway's; beside the wall clock, they show how much of a figure is queueing.
                cpu = {"direct": 0.0, "reader": 0.0, "gateway": 0.0}
                lost = 0
                for _ in range(SINGLE_ROUNDS if parallel == 1 else ROUNDS):
                    for name, call in contenders.items():  # interleaved: fair on a busy machine
                        mine, theirs = time.process_time(), process_cpu(gateway_pid)
                        seconds, counts = await timed(call, parallel)
                        cpu["reader" if name == "gateway" else name] += time.process_time() - mine
                        cpu["gateway"] += process_cpu(gateway_pid) - theirs
                        results[name].append(seconds)
                        chunks[name] = sum(max(c, 0) for c in counts)
                        if name == "gateway":
                            lost += sum(c < 0 for c in counts)
                medians = {n: statistics.median(r) for n, r in results.items()}
                report(api, parallel, medians, chunks, lost)
                each = 1e6 / (len(results["direct"]) * parallel * CHUNKS)
                print(f"  CPU per chunk: direct client {cpu['direct'] * each:.0f} us; gateway "
                      f"process {cpu['gateway'] * each:.0f} us + SSE reader "
                      f"{cpu['reader'] * each:.0f} us")  # fmt: skip


def report(
    api: str, parallel: int, seconds: dict[str, float], chunks: dict[str, int], lost: int
) -> None:
    direct, gateway = seconds["direct"], seconds["gateway"]
    rounds = SINGLE_ROUNDS if parallel == 1 else ROUNDS
    streams = f"{lost} of {parallel * rounds} gateway streams lost"
    if parallel == 1:
        added = (gateway - direct) / CHUNKS * 1e6
        print(f"{api}: 1 stream of {CHUNKS} chunks: direct {direct * 1e3:.1f} ms, gateway "
              f"{gateway * 1e3:.1f} ms; added latency per chunk {added:.0f} us "
              f"(gateway/direct time {gateway / direct:.2f}x); {streams}")  # fmt: skip
        return
    rate_direct, rate_gateway = chunks["direct"] / direct, chunks["gateway"] / gateway
    print(f"{api}: {parallel} concurrent streams: direct {rate_direct:,.0f} chunks/s, gateway "
          f"{rate_gateway:,.0f} chunks/s (gateway/direct throughput "
          f"{rate_gateway / rate_direct:.2f}x); {streams}")  # fmt: skip


def main() -> int:
    if "--upstream" in sys.argv:
        return serve_upstream()
    upstream, fake_url = start_upstream()
    port = free_port()
    gateway = start_gateway(fake_url, port)
    try:
        print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores shared by other work)")
        asyncio.run(measure(fake_url, f"http://127.0.0.1:{port}", gateway.pid))
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        # SIGINT, not SIGTERM: uvicorn re-raises the signal it caught once it has shut
        # down, and only SIGINT's KeyboardInterrupt lets cProfile write its stats first.
        gateway.send_signal(signal.SIGINT)
        gateway.wait(timeout=10)
        assert upstream.stdin is not None
        upstream.stdin.close()
        upstream.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
