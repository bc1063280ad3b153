"""µs per call of a generated client beside bare httpx sending the same bytes.

The call: ``qsmith.clients.codewhisperer.Client.generate_completions`` (awsJson1_0, a
static bearer token), answered with a small JSON body of two completions. The baseline:
a plain ``httpx.Client`` sending the request the generated client sent (same method,
URL, headers and body, captured by the server) and reading the answer's bytes. Both
talk HTTP/1.1 keep-alive to the same minimal server, which runs in its own process
(so it does not compete for this process's GIL) and times its own handling of each
request, from its first bytes received to the last byte of the answer
written; that time is printed beside the figures: it is in both sides' time.

Rounds interleave the two contenders; each round times ``calls`` calls; the figures
are medians over rounds: wall time per call (the target's measure) and this process's
CPU time per call (the server runs elsewhere, so this is the client's own work, and it
moves less than wall time when other programs load the machine). Target: generated client under 1.5x bare httpx.

Run: ``.venv/bin/python benchmarks/client_overhead.py [rounds] [calls]``.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

TARGET_RATIO = 1.5
ANSWER = json.dumps(
    {
        "completions": [
            {"content": "print('hello')\n", "references": []},
            {"content": "for item in items:\n    print(item)\n"},
        ],
        "modelId": "model-1",
    }
).encode()
ANSWER_HEAD = (
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/x-amz-json-1.0\r\n"
    "x-amzn-RequestId: 5b1f-request\r\n"
    f"Content-Length: {len(ANSWER)}\r\n\r\n"
).encode()


# -- the server (its own process) ---------------------------------------------------------------


class _Stats:
    def __init__(self) -> None:
        self.handled: list[float] = []
        self.last: dict[str, Any] = {}


def serve() -> None:
    """Answer every request with ANSWER; ``GET /__stats`` and ``/__last`` report to the bench."""
    listener = socket.create_server(("127.0.0.1", 0))
    print(listener.getsockname()[1], flush=True)
    stats = _Stats()
    while True:
        connection, _ = listener.accept()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # A thread per connection: each contender keeps its keep-alive connection open.
        threading.Thread(target=_serve_connection, args=(connection, stats), daemon=True).start()


def _serve_connection(connection: socket.socket, stats: _Stats) -> None:
    with connection:
        _serve_requests(connection, stats)


def _serve_requests(connection: socket.socket, stats: _Stats) -> None:
    buffer = b""
    while True:
        if not buffer:
            buffer = connection.recv(65536)  # blocks until the next request's first bytes
            if not buffer:
                return
        start = time.perf_counter()
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
        if target.startswith("/__"):
            _report(connection, target, stats)
            continue
        stats.last = {"method": method, "target": target, "headers": headers, "body": body}
        connection.sendall(ANSWER_HEAD + ANSWER)
        stats.handled.append(time.perf_counter() - start)


def _report(connection: socket.socket, target: str, stats: _Stats) -> None:
    if target == "/__stats":
        payload: Any = stats.handled
        stats.handled = []
    else:
        payload = {**stats.last, "body": base64.b64encode(stats.last["body"]).decode()}
    data = json.dumps(payload).encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(data)}\r\n\r\n".encode()
    connection.sendall(head + data)


# -- the contenders -------------------------------------------------------------------------------


def generated_call(url: str) -> tuple[Callable[[], object], Callable[[], None]]:
    from qsmith.clients.codewhisperer import Client
    from qsmith.clients.codewhisperer.models import FileContext, ProgrammingLanguage
    from qsmith.runtime.client import ClientConfig

    client = Client(region="us-east-1", endpoint_url=url, config=ClientConfig(token="bench-token"))
    context = FileContext(
        left_file_content="def greet():\n    ",
        right_file_content="\n",
        filename="greet.py",
        programming_language=ProgrammingLanguage(language_name="python"),
    )

    def call() -> object:
        answer = client.generate_completions(file_context=context, max_results=2)
        assert answer.completions is not None and len(answer.completions) == 2
        return answer

    return call, client.close


def bare_call(url: str, sent: dict[str, Any]) -> tuple[Callable[[], object], Callable[[], None]]:
    """httpx sending the captured request; Host and Content-Length are httpx's own (equal)."""
    http = httpx.Client()
    skip = {"host", "content-length"}
    headers = [(k, v) for k, v in sent["headers"] if k.lower() not in skip]
    body = base64.b64decode(sent["body"])
    full_url = url + sent["target"]

    def call() -> object:
        response = http.request(sent["method"], full_url, headers=headers, content=body)
        return response.content

    return call, http.close


# -- measuring ----------------------------------------------------------------------------------


def _fetch(url: str, what: str) -> Any:
    return httpx.get(f"{url}/__{what}").json()


def _round(call: Callable[[], object], calls: int) -> tuple[float, float]:
    """Wall and CPU (this process only: not the server's) µs per call."""
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        call()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return wall / calls * 1e6, cpu / calls * 1e6


def _same_request(first: dict[str, Any], second: dict[str, Any]) -> bool:
    """Equal but for the per-call invocation id."""

    def norm(sent: dict[str, Any]) -> tuple[Any, ...]:
        headers = sorted(
            (k.lower(), v) for k, v in sent["headers"] if k.lower() != "amz-sdk-invocation-id"
        )
        return sent["method"], sent["target"], headers, sent["body"]

    return norm(first) == norm(second)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--serve"]:
        serve()
        return 0
    rounds = int(argv[0]) if argv else 31
    calls = int(argv[1]) if len(argv) > 1 else 200
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{int(server.stdout.readline())}"
        return _measure(url, rounds, calls)
    finally:
        server.kill()
        server.wait()


def _measure(url: str, rounds: int, calls: int) -> int:
    generated, close_generated = generated_call(url)
    generated()
    sent = _fetch(url, "last")
    bare, close_bare = bare_call(url, sent)
    bare()
    if not _same_request(sent, _fetch(url, "last")):
        print("the bare request differs from the generated client's: nothing to compare")
        return 1
    timings: dict[str, list[tuple[float, float]]] = {"generated": [], "bare": []}
    server_us: list[float] = []
    for index in range(rounds):
        # Interleaved, and the order alternates, so drift on a busy machine hits both.
        order = [("generated", generated), ("bare", bare)]
        for name, call in order if index % 2 == 0 else order[::-1]:
            _fetch(url, "stats")  # reset the server's tally
            timings[name].append(_round(call, calls))
            server_us.append(statistics.median(_fetch(url, "stats")) * 1e6)
    close_generated()
    close_bare()
    _print(timings, server_us, rounds, calls, len(sent["body"]))
    return 0


def _print(
    timings: dict[str, list[tuple[float, float]]],
    server_us: list[float],
    rounds: int,
    calls: int,
    size: int,
) -> None:
    generated = [statistics.median(x) for x in zip(*timings["generated"], strict=True)]
    bare = [statistics.median(x) for x in zip(*timings["bare"], strict=True)]
    load_avg = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{rounds} interleaved rounds x {calls} calls, medians; load average {load_avg}")
    print(f"call: codewhisperer generate_completions, awsJson1_0, bearer; {size}-byte body")
    print(f"  server handling (its own clock)     {statistics.median(server_us):8.1f} µs/request")
    print(f"  {'µs per call':34} {'wall':>8} {'client CPU':>11}")
    print(f"  {'bare httpx, same bytes (baseline)':34} {bare[0]:8.1f} {bare[1]:11.1f}")
    print(f"  {'generated client':34} {generated[0]:8.1f} {generated[1]:11.1f}")
    print(
        f"  {'generated client overhead':34} {generated[0] - bare[0]:8.1f} "
        f"{generated[1] - bare[1]:11.1f}"
    )
    ratios = [g / b for g, b in zip(generated, bare, strict=True)]
    verdict = "meets" if ratios[0] < TARGET_RATIO else "MISSES"
    print(f"  {'ratio generated / bare':34} {ratios[0]:7.2f}x {ratios[1]:10.2f}x", end="")
    print(f"  ({verdict} the {TARGET_RATIO}x target on wall time)")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
