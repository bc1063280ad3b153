"""``qsmith chat`` in a subprocess against the loopback server: one-shot and interactive (pty)."""

from __future__ import annotations

import dataclasses
import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qsmith.testing import LoopbackServer, ScriptedResponse
from tests.chat import scripts as s
from tests.support.held_back import HeldBack

COMMAND = [sys.executable, "-m", "qsmith.cli.main", "chat"]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "QSMITH_"))}
    env.update(
        QSMITH_BEARER_TOKEN=s.TOKEN,
        QSMITH_CONVERSATIONS_DIR=str(tmp_path / "conversations"),
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
        AWS_MAX_ATTEMPTS="1",
    )
    return env


def test_non_interactive_prints_the_streamed_answer(
    loopback: LoopbackServer, tmp_path: Path
) -> None:
    loopback.enqueue(s.answer([s.metadata(), *s.text("Hello", ", world!")]))
    result = subprocess.run(
        [*COMMAND, "--non-interactive", "hi", "--endpoint-url", loopback.url],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Hello, world!\n"
    state = s.request_state(loopback.requests[0])
    assert state["currentMessage"]["userInputMessage"]["content"] == "hi"
    (saved,) = (tmp_path / "conversations").iterdir()
    listing = subprocess.run(
        [*COMMAND, "--list"], env=_env(tmp_path), capture_output=True, text=True, timeout=60
    )
    assert listing.stdout.startswith(saved.stem) and "hi" in listing.stdout


def test_json_mode_prints_one_event_per_line(loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.enqueue(s.answer(s.text("A", "B")))
    result = subprocess.run(
        [*COMMAND, "--non-interactive", "--json", "--no-save", "--endpoint-url", loopback.url],
        input="question from stdin",
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["type"] for line in lines] == ["TextDelta", "TextDelta", "TurnComplete"]
    assert lines[-1]["message"]["content"] == "AB"
    assert not (tmp_path / "conversations").exists()
    state = s.request_state(loopback.requests[0])
    assert state["currentMessage"]["userInputMessage"]["content"] == "question from stdin"


def test_service_error_exits_1_with_advice(loopback: LoopbackServer, tmp_path: Path) -> None:
    loopback.enqueue(
        s.error_response(429, "ThrottlingException", "x", reason="INSUFFICIENT_MODEL_CAPACITY")
    )
    result = subprocess.run(
        [*COMMAND, "--non-interactive", "hi", "--endpoint-url", loopback.url],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "at capacity" in result.stderr and "--model" in result.stderr


class _Terminal:
    """A child process on a pseudo-terminal; ``expect`` reads until a text appears."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: becomes the command, on the pty
            # As a shell gives a job in a terminal: Ctrl-C interrupts. A test run started in
            # the background (CI, `make test &`) would otherwise pass on SIGINT ignored.
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
            os.execve(argv[0], argv, env)
        self.output = ""
        self._seen = 0  # output before this offset was matched already

    def expect(self, text: str, timeout: float = 60.0) -> None:
        """Wait for ``text`` in the output not yet matched, and move past it."""
        deadline = time.monotonic() + timeout
        while text not in self.output[self._seen :]:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{text!r} never appeared; output so far:\n{self.output}")
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"{text!r} never appeared; output:\n{self.output}")
                self.output += chunk.decode("utf-8", "replace")
        self._seen = self.output.index(text, self._seen) + len(text)

    def send(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def interrupt(self) -> None:
        """Ctrl-C, once the chat is blocked waiting (for a line, or for the network).

        A SIGINT that lands after the chat wrote its output but before its next blocking
        read starts is only acted on when that read returns, which, with nothing more to
        come, is never; so the key is pressed once the chat sleeps (Linux ``/proc``; a
        bounded poll, elsewhere at once).
        """
        stat = Path(f"/proc/{self.pid}/stat")
        deadline = time.monotonic() + 60
        while stat.exists() and time.monotonic() < deadline:
            if stat.read_text().rpartition(")")[2].split()[0] == "S":
                break
            time.sleep(0.01)
        self.send("\x03")

    def interrupt_until(self, text: str, timeout: float = 60.0) -> None:
        """Ctrl-C until ``text`` appears. Even pressed while the chat sleeps, a SIGINT can
        go unseen on a loaded machine (the prompt's read was not yet entered), so the key is
        pressed again every 20 s within the deadline; a chat that ignores it still fails."""
        deadline = time.monotonic() + timeout
        while True:
            self.interrupt()
            try:
                self.expect(text, timeout=min(20.0, max(0.1, deadline - time.monotonic())))
                return
            except AssertionError:
                if time.monotonic() >= deadline:
                    raise

    def wait(self, timeout: float = 60.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            try:
                self.output += os.read(self.fd, 4096).decode("utf-8", "replace")
            except OSError:
                time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError(f"the chat did not exit; output:\n{self.output}")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_interactive_session_streams_and_ctrl_c_cancels_only_the_answer(
    loopback: LoopbackServer, tmp_path: Path
) -> None:
    story = ["Once upon", " a time", *[" and then"] * 6, " the end"]
    first = s.answer(s.text(*story))
    assert not isinstance(first.body, bytes)  # one chunk per event
    # The initial response and "Once upon" go out; the rest waits until Ctrl-C has been seen.
    held = HeldBack(first.body, held_from=2)
    story_answer = dataclasses.replace(first, body=held)
    loopback.enqueue(s.answer(s.text("Hi", " there")), story_answer, s.answer(s.text("Still here")))
    terminal = _Terminal([*COMMAND, "--endpoint-url", loopback.url], _env(tmp_path))
    try:
        terminal.expect("> ")
        terminal.send("hello\r")
        terminal.expect("Hi there")
        terminal.expect("> ")
        terminal.interrupt_until("> ")  # Ctrl-C at the prompt: a fresh prompt, the session goes on
        terminal.send("tell a story\r")
        terminal.expect("Once upon")
        terminal.interrupt_until("[answer cancelled]")  # the terminal sends SIGINT to the chat
        held.release.set()  # the rest of the story may come now: it must not be shown
        terminal.expect("> ")
        terminal.send("are you there?\r")
        terminal.expect("Still here")
        terminal.send("/quit\r")
    finally:
        held.release.set()
    assert terminal.wait() == 0
    assert "the end" not in terminal.output
    third = s.request_state(loopback.requests[2])
    contents = [next(iter(m.values()))["content"] for m in third["history"]]
    assert contents[:3] == ["hello", "Hi there", "tell a story"]
    assert contents[3].startswith("Once upon") and "the end" not in contents[3]


def test_list_models(loopback: LoopbackServer, tmp_path: Path) -> None:
    page = {
        "models": [{"modelId": "m-a", "modelName": "Model A"}],
        "defaultModel": {"modelId": "m-a"},
    }
    loopback.enqueue(ScriptedResponse.json(200, json.dumps(page)))
    result = subprocess.run(
        [*COMMAND, "--list-models", "--endpoint-url", loopback.url],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "m-a (default)\tModel A\n"
