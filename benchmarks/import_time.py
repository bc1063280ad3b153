"""Import and construct a generated client in a fresh interpreter, beside boto3 and httpx.

Each contender runs in a new ``python`` process, best of ``ROUNDS`` (rounds interleave
the contenders so that load on the machine hits them alike):

- floor: ``import httpx`` (all a generated client needs beyond the standard library),
  and ``httpx.Client()`` after it (its transport and TLS context load on construction);
- qsmith: ``from qsmith.clients.codewhisperer_streaming import Client`` and
  ``Client(region="us-east-1", config=ClientConfig(token="x"))``;
- baseline: ``import boto3; boto3.client("sts", region_name="us-east-1")``.

Two figures per contender: the time of the statement measured inside the child (what
the import and construction cost) and the child's whole wall time (interpreter start-up
included, shown by ``python -c pass``). Target: qsmith under 0.5x boto3 (inside figure).

Fairness: the environment may set PYTHONDONTWRITEBYTECODE, which would make qsmith's own
modules (an editable install, never byte-compiled) compile on every run while boto3's
came compiled from pip. The children run without it and with PYTHONPYCACHEPREFIX set to a
fresh temporary folder, filled by one warm-up run of each contender, so every module
(standard library included) loads from bytecode for all contenders alike and nothing is
written into the repository or the virtualenv. The children share one AWS environment:
static keys, no config files, no instance metadata lookups.

Run: ``.venv/bin/python benchmarks/import_time.py [rounds]``; with ``--phases``, the
qsmith figure split into its phases instead, with the time spent in ``@dataclass``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

ROUNDS = 20
TARGET_RATIO = 0.5
CONTENDERS = {
    "python -c pass (start-up)": "pass",
    "import httpx (floor)": "import httpx",
    "import httpx; httpx.Client()": "import httpx\nhttpx.Client()",
    "qsmith codewhisperer_streaming": (
        "from qsmith.clients.codewhisperer_streaming import Client\n"
        "from qsmith.runtime.client import ClientConfig\n"
        "Client(region='us-east-1', config=ClientConfig(token='x'))"
    ),
    "boto3 sts client (baseline)": ("import boto3\nboto3.client('sts', region_name='us-east-1')"),
}
CHILD = (
    "import time\n"
    "_start = time.perf_counter()\n"
    "exec(compile({code!r}, '<bench>', 'exec'))\n"
    "print(time.perf_counter() - _start)\n"
)


# ``--phases``: where the qsmith figure goes, one fresh interpreter per round. The
# dataclass decorator is timed by wrapping ``dataclasses._process_class`` (CPython's
# worker behind ``@dataclass``), so its share of every phase is known.
PHASES = """
import time
_clock = time.perf_counter
import dataclasses
_spent = [0.0, 0]
_process = dataclasses._process_class
def _timed(*args, **kwargs):
    start = _clock()
    try:
        return _process(*args, **kwargs)
    finally:
        _spent[0] += _clock() - start
        _spent[1] += 1
dataclasses._process_class = _timed
def _phase(label, code):
    before, count, start = _spent[0], _spent[1], _clock()
    exec(code, {})
    print(label, _clock() - start, _spent[0] - before, _spent[1] - count, sep="|")
_phase("import qsmith.runtime.client", "import qsmith.runtime.client")
_phase("import the _schema module", "import qsmith.clients.codewhisperer_streaming._schema")
_phase("import the client module", "import qsmith.clients.codewhisperer_streaming.client")
_phase("construct Client(token=...)", (
    "from qsmith.clients.codewhisperer_streaming import Client\\n"
    "from qsmith.runtime.client import ClientConfig\\n"
    "Client(region='us-east-1', config=ClientConfig(token='x'))"
))
_phase("then the models module", "import qsmith.clients.codewhisperer_streaming.models")
_phase("then import httpx", "import httpx")
_phase("then import asyncio", "import asyncio")
"""


def phases(env: dict[str, str], rounds: int) -> None:
    """Best time of each phase of the qsmith contender, and the @dataclass part of it."""
    best: dict[str, tuple[float, float, int]] = {}
    for _ in range(rounds):
        done = subprocess.run(
            [sys.executable, "-c", PHASES], env=env, check=True, capture_output=True, text=True
        )
        for line in done.stdout.splitlines():
            label, total, decorating, count = line.split("|")
            figures = (float(total), float(decorating), int(count))
            best[label] = min(best.get(label, figures), figures)
    print(f"phases of the qsmith contender, in order (best of {rounds}; ms):")
    print(f"  {'':34} {'phase':>8} {'in @dataclass':>14} {'classes':>8}")
    for name, (seconds, in_dataclass, classes) in best.items():
        print(f"  {name:34} {seconds * 1000:8.1f} {in_dataclass * 1000:14.1f} {classes:8d}")
    print("  (the models module, httpx and asyncio load with a client's first call, not with")
    print("  the client: their phases, after construction, show what that call adds; near 0")
    print("  would mean construction already loaded them)")


def child_env(pycache: str, scratch: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache
    env.update(
        AWS_ACCESS_KEY_ID="AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY="bench-secret",
        AWS_CONFIG_FILE=os.path.join(scratch, "config"),
        AWS_SHARED_CREDENTIALS_FILE=os.path.join(scratch, "credentials"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def run_once(code: str, env: dict[str, str]) -> tuple[float, float]:
    """(inside, whole) seconds of one fresh interpreter running ``code``."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(code=code)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    whole = time.perf_counter() - start
    return float(done.stdout.strip().splitlines()[-1]), whole


def main(argv: list[str]) -> int:
    show_phases = "--phases" in argv
    argv = [a for a in argv if a != "--phases"]
    rounds = int(argv[0]) if argv else ROUNDS
    with tempfile.TemporaryDirectory(prefix="qsmith-bench-") as scratch:
        env = child_env(os.path.join(scratch, "pycache"), scratch)
        for code in CONTENDERS.values():
            run_once(code, env)  # warm-up: writes the bytecode cache
        if show_phases:
            phases(env, rounds)
            return 0
        best = {name: (float("inf"), float("inf")) for name in CONTENDERS}
        for _ in range(rounds):
            for name, code in CONTENDERS.items():
                inside, whole = run_once(code, env)
                best[name] = (min(best[name][0], inside), min(best[name][1], whole))
    load_avg = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"fresh interpreters, best of {rounds}; load average {load_avg}; milliseconds")
    print(f"  {'':34} {'import+construct':>16} {'whole process':>14}")
    for name, (inside, whole) in best.items():
        print(f"  {name:34} {inside * 1000:16.1f} {whole * 1000:14.1f}")
    qsmith = best["qsmith codewhisperer_streaming"][0]
    boto3 = best["boto3 sts client (baseline)"][0]
    floor = best["import httpx (floor)"][0]
    ratio = qsmith / boto3
    verdict = "meets" if ratio < TARGET_RATIO else "MISSES"
    print(f"  qsmith / boto3: {ratio:.2f}x ({verdict} the {TARGET_RATIO}x target)")
    print(f"  qsmith / import httpx: {qsmith / floor:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
