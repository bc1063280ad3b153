"""Generated clients reading an event stream, and one async unary call, beside hand-written
httpx code doing the same work, all in one run.

Server: a minimal HTTP/1.1 server in its own process (so it does not compete for this
process's GIL), keep-alive. A stream request is answered with ``EVENTS`` events of
codewhisperer-streaming's ``generateAssistantResponse`` (awsJson1_0: an initial-response,
then assistantResponseEvent messages of about 120 bytes each), one HTTP chunk per message,
as a service flushes them; then again as one Content-Length body, which httpx reads in
64 KiB chunks (the decoders' own speed, with httpx's cost per chunk out of the way). A
request naming ``GenerateCompletions`` gets a small JSON answer.

Contenders (rounds interleave them; figures are medians of wall time):

  stream, async  qsmith: ``codewhisperer_streaming.AsyncClient.generate_assistant_response``,
                 iterating typed events (default idle timeout, no call timeout)
                 baseline: ``httpx.AsyncClient.stream`` + botocore's ``EventStreamBuffer``,
                 ``json.loads`` of each event's payload
  stream, sync   the same with ``Client`` and ``httpx.Client``
  unary, async   qsmith: ``codewhisperer.AsyncClient.generate_completions``
                 baseline: ``httpx.AsyncClient`` sending the bytes the client sent
                 (``rounds`` x 200 calls each, timed call by call, the two alternating
                 call by call: on a machine shared with other work, whole rounds of 200
                 calls met different load and a ratio of round medians swung by ±0.3;
                 the median of single calls, paired this way, holds within a few %)

Printed: events/s (or µs per call) of each, and the ratio against the issue's target
(stream: qsmith events/s / baseline events/s; unary: median µs per call, qsmith /
baseline, with the median CPU time per call of this process beside it).

Run: ``.venv/bin/python benchmarks/stream_client.py [rounds] [events]``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

TARGETS = {"stream, async": 1.0, "stream, sync": 1.5}
CHUNKINGS = {
    "per-message": "one HTTP chunk per message (as a service flushes events)",
    "whole": "one Content-Length body (httpx reads it in 64 KiB chunks)",
}
UNARY_TARGET = 1.2
UNARY_ANSWER = json.dumps(
    {"completions": [{"content": "print('hello')\n"}], "modelId": "model-1"}
).encode()


# -- the server (its own process) ---------------------------------------------------------------


def stream_frames(count: int) -> list[bytes]:
    from qsmith.clients.codewhisperer_streaming import _schema
    from qsmith.clients.codewhisperer_streaming import models as cw
    from qsmith.testing.event_streams import event_stream_body

    text = "Here is the next piece of the answer, about forty bytes."
    events = [
        cw.ChatResponseStreamAssistantResponseEvent(cw.AssistantResponseEvent(content=text))
        for _ in range(count)
    ]
    operation = _schema.SERVICE.operations["GenerateAssistantResponse"]
    return event_stream_body(operation, events, initial={"conversationId": "conv-1"})


def serve(count: int) -> None:
    frames = stream_frames(count)
    # One HTTP chunk per message, sent in writes of 64 KiB: a message is never split, and
    # the server's own pace (a syscall per message) does not set the figures.
    chunked = [b"%x\r\n%s\r\n" % (len(frame), frame) for frame in frames] + [b"0\r\n\r\n"]
    writes, pending = [], b""
    for piece in chunked:
        pending += piece
        if len(pending) >= 65536:
            writes.append(pending)
            pending = b""
    writes.append(pending)
    stream_head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.amazon.eventstream\r\n"
        b"x-amzn-RequestId: bench\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    body = b"".join(frames)
    whole = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.amazon.eventstream\r\n"
        b"x-amzn-RequestId: bench\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    unary = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(UNARY_ANSWER), UNARY_ANSWER)
    )
    listener = socket.create_server(("127.0.0.1", 0))
    print(listener.getsockname()[1], flush=True)
    last: dict[str, Any] = {"mode": "per-message", "whole": whole}
    while True:
        connection, _ = listener.accept()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        answers = (stream_head, writes, unary, last)
        threading.Thread(target=_serve, args=(connection, answers), daemon=True).start()


def _serve(connection: socket.socket, answers: tuple[Any, ...]) -> None:
    stream_head, writes, unary, last = answers
    buffer = b""
    with connection:
        while True:
            while b"\r\n\r\n" not in buffer:
                more = connection.recv(65536)
                if not more:
                    return
                buffer += more
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = [tuple(line.split(": ", 1)) for line in lines[1:]]
            length = next((int(v) for k, v in headers if k.lower() == "content-length"), 0)
            while len(buffer) < length:
                buffer += connection.recv(65536)
            body, buffer = buffer[:length], buffer[length:]
            method, target, _ = lines[0].split(" ", 2)
            if target.startswith("/__mode/"):
                last["mode"] = target.removeprefix("/__mode/")
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            elif target == "/__last":
                data = json.dumps({k: v for k, v in last.items() if k != "whole"}).encode()
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(data))
                connection.sendall(data)
            elif b"GenerateCompletions" in head:
                last.update(method=method, target=target, headers=headers)
                last["body"] = base64.b64encode(body).decode()
                connection.sendall(unary)
            elif last["mode"] == "whole":
                connection.sendall(last["whole"])
            else:
                connection.sendall(stream_head)
                for write in writes:
                    connection.sendall(write)


# -- the contenders -------------------------------------------------------------------------------


def _state() -> Any:
    from qsmith.clients.codewhisperer_streaming import models as cw

    return cw.ConversationState(
        chat_trigger_type="MANUAL",
        current_message=cw.ChatMessageUserInputMessage(cw.UserInputMessage(content="go")),
    )


def _config() -> Any:
    from qsmith.runtime.client import ClientConfig

    return ClientConfig(region="us-east-1", token="bench-token")


def _baseline_events(buffer: Any) -> int:
    count = 0
    for message in buffer:
        if message.headers.get(":event-type") == "assistantResponseEvent":
            json.loads(message.payload)["content"]
            count += 1
    return count


async def stream_async(url: str, rounds: int) -> tuple[list[float], list[float], int]:
    from botocore.eventstream import EventStreamBuffer  # type: ignore[import-untyped]

    from qsmith.clients.codewhisperer_streaming import AsyncClient

    state = _state()

    async def ours(client: AsyncClient) -> int:
        count = 0
        async with await client.generate_assistant_response(conversation_state=state) as stream:
            async for _event in stream:
                count += 1
        return count

    async def theirs(http: httpx.AsyncClient) -> int:
        buffer, count = EventStreamBuffer(), 0
        async with http.stream("POST", f"{url}/", content=b"{}") as response:
            async for chunk in response.aiter_bytes():
                buffer.add_data(chunk)
                count += _baseline_events(buffer)
        return count

    async with (
        AsyncClient(endpoint_url=url, config=_config()) as client,
        httpx.AsyncClient() as http,
    ):
        return await _rounds(lambda: ours(client), lambda: theirs(http), rounds)


async def _rounds(
    ours: Callable[[], Awaitable[int]], theirs: Callable[[], Awaitable[int]], rounds: int
) -> tuple[list[float], list[float], int]:
    mine: list[float] = []
    base: list[float] = []
    counts = set()
    for index in range(rounds + 1):  # the first round warms both up and is not counted
        for call, times in ((ours, mine), (theirs, base))[:: 1 if index % 2 else -1]:
            start = time.perf_counter()
            counts.add(await call())
            if index:
                times.append(time.perf_counter() - start)
    if len(counts) != 1:
        raise RuntimeError(f"the contenders read different event counts: {counts}")
    return mine, base, counts.pop()


def stream_sync(url: str, rounds: int) -> tuple[list[float], list[float], int]:
    from botocore.eventstream import EventStreamBuffer

    from qsmith.clients.codewhisperer_streaming import Client

    state = _state()

    async def ours() -> int:
        with client.generate_assistant_response(conversation_state=state) as stream:
            return sum(1 for _event in stream)

    async def theirs() -> int:
        buffer, count = EventStreamBuffer(), 0
        with http.stream("POST", f"{url}/", content=b"{}") as response:
            for chunk in response.iter_bytes():
                buffer.add_data(chunk)
                count += _baseline_events(buffer)
        return count

    with Client(endpoint_url=url, config=_config()) as client, httpx.Client() as http:
        # Plain calls inside: the coroutines never await, so asyncio only sequences them.
        return asyncio.run(_rounds(ours, theirs, rounds))


async def unary_async(
    url: str, rounds: int, calls: int
) -> tuple[list[float], list[float], list[float], list[float]]:
    from qsmith.clients.codewhisperer import AsyncClient
    from qsmith.clients.codewhisperer.models import FileContext, ProgrammingLanguage

    context = FileContext(
        left_file_content="def greet():\n    ",
        right_file_content="\n",
        filename="greet.py",
        programming_language=ProgrammingLanguage(language_name="python"),
    )
    async with (
        AsyncClient(endpoint_url=url, config=_config()) as client,
        httpx.AsyncClient() as http,
    ):
        await client.generate_completions(file_context=context, max_results=1)
        sent = (await http.get(f"{url}/__last")).json()
        skip = {"host", "content-length"}
        headers = [(k, v) for k, v in sent["headers"] if k.lower() not in skip]
        body = base64.b64decode(sent["body"])

        async def ours() -> None:
            await client.generate_completions(file_context=context, max_results=1)

        async def theirs() -> None:
            answer = await http.request("POST", url + sent["target"], headers=headers, content=body)
            assert answer.content

        return await _paired_calls(ours, theirs, rounds * calls)


async def _paired_calls(
    ours: Callable[[], Awaitable[None]], theirs: Callable[[], Awaitable[None]], pairs: int
) -> tuple[list[float], list[float], list[float], list[float]]:
    """Each call timed alone, the contenders alternating call by call (who goes first
    alternates too), after a warm-up: on a shared machine both sides then sample the
    same moments of load, and the medians leave out calls a busy scheduler stalled.
    Wall time per call, then this process's CPU time per call, for each."""
    times: tuple[list[float], list[float], list[float], list[float]] = ([], [], [], [])
    for index in range(pairs + 20):  # the first 20 pairs warm both up and are not counted
        for call, wall, cpu in ((ours, 0, 2), (theirs, 1, 3))[:: 1 if index % 2 else -1]:
            start, start_cpu = time.perf_counter(), time.process_time()
            await call()
            if index >= 20:
                times[wall].append(time.perf_counter() - start)
                times[cpu].append(time.process_time() - start_cpu)
    return times


# -- running --------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    if argv[:1] == ["--serve"]:
        serve(int(argv[1]))
        return 0
    rounds = int(argv[0]) if argv else 7
    events = int(argv[1]) if len(argv) > 1 else 10_000
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(events)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        print(f"{rounds} interleaved rounds, medians; load average {os.getloadavg()[0]:.2f}")
        size = len(stream_frames(1)[1])
        print(f"{events:,} events of {size} bytes (frame), server in its own process")
        verdicts = []
        for mode in ("per-message", "whole"):
            httpx.get(f"{url}/__mode/{mode}")
            print(f" body as {CHUNKINGS[mode]}:")
            verdicts += [
                _report_stream("stream, async", asyncio.run(stream_async(url, rounds))),
                _report_stream("stream, sync", stream_sync(url, rounds)),
            ]
        verdicts.append(_report_unary(asyncio.run(unary_async(url, rounds, 200))))
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0 if all(verdicts) else 1


def _report_stream(name: str, result: tuple[list[float], list[float], int]) -> bool:
    mine, base, count = result
    ours, theirs = count / statistics.median(mine), count / statistics.median(base)
    ratio, target = ours / theirs, TARGETS[name]
    verdict = "meets" if ratio >= target else "MISSES"
    print(f"  {name:14} qsmith {ours:9,.0f} events/s  httpx+botocore {theirs:9,.0f} events/s"
          f"  ratio {ratio:.2f}x ({verdict} >= {target}x)")  # fmt: skip
    return ratio >= target


def _report_unary(result: tuple[list[float], list[float], list[float], list[float]]) -> bool:
    mine, base, mine_cpu, base_cpu = (statistics.median(times) * 1e6 for times in result)
    ratio = mine / base
    verdict = "meets" if ratio <= UNARY_TARGET else "MISSES"
    print(f"  {'unary, async':14} qsmith {mine:7.1f} µs/call    bare httpx {base:7.1f} µs/call"
          f"        ratio {ratio:.2f}x ({verdict} <= {UNARY_TARGET}x)")  # fmt: skip
    print(f"  {'':14} CPU    {mine_cpu:7.1f} µs/call               {base_cpu:7.1f} µs/call"
          f"        ratio {mine_cpu / base_cpu:.2f}x")  # fmt: skip
    return ratio <= UNARY_TARGET


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
