"""Token files under faults: writers killed mid-write, and an OIDC endpoint that keeps failing.

Killed writers are real child processes (``token_writer_worker``) stopped with SIGKILL after
their temporary is written and before it replaces the token file: each leaves a temporary
holding the token, which the next write removes (a live writer's temporary is never touched).

The OIDC endpoint is a loopback server answering 500. An expired token is not refreshed on
every resolve: the provider waits a growing, bounded delay between calls (driven here by
an injected clock) and raises ``TokenRefreshBackoffError`` meanwhile.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from qsmith.runtime.auth.errors import TokenExpiredError, TokenRefreshBackoffError
from qsmith.runtime.auth.files import remove_abandoned_temporaries
from qsmith.runtime.auth.identity import BearerToken, utc_now
from qsmith.runtime.auth.tokens.oidc import OidcRefresher
from qsmith.runtime.auth.tokens.refreshing import (
    REFRESH_BACKOFF_FIRST,
    REFRESH_BACKOFF_MAX,
    RefreshingTokenProvider,
)
from qsmith.runtime.auth.tokens.token_file import JsonTokenFile
from qsmith.testing import LoopbackServer, RecordedRequest, ScriptedResponse
from tests.support.shared import REPO_ROOT

CANARY = "CANARY-killed-writer-token-5e1f"
KILLS = 12


def temporaries(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f".{path.name}.*"))


@contextmanager
def writers_stopped_mid_write(path: Path, count: int) -> Iterator[list[subprocess.Popen[str]]]:
    """``count`` child writers of ``path``, each stopped between writing and renaming.

    They start one after another: a writer's clean-up may otherwise meet another writer in
    the instant between creating its temporary and locking it, and take it (that writer
    would write again, but the count of temporaries here would come out one short).
    """
    command = [sys.executable, "-m", "tests.runtime.auth.token_writer_worker", str(path), CANARY]
    children: list[subprocess.Popen[str]] = []
    try:
        for _ in range(count):
            child = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
            children.append(child)
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "mid-write"
        yield children
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
            child.wait(timeout=60)
            if child.stdout is not None:
                child.stdout.close()


def kill_mid_write(path: Path, count: int) -> None:
    with writers_stopped_mid_write(path, count) as children:
        for child in children:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=60)
            assert child.returncode == -signal.SIGKILL


def test_next_write_removes_the_temporaries_of_killed_writers(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "token.json"
    kill_mid_write(path, KILLS)
    left = temporaries(path)
    assert len(left) == KILLS  # every kill left one, each holding the token
    assert all(CANARY in p.read_text() for p in left)
    assert not path.exists()

    JsonTokenFile(path).save(BearerToken("next", expiration=datetime(2099, 1, 1, tzinfo=UTC)))

    assert temporaries(path) == []
    assert json.loads(path.read_text())["accessToken"] == "next"


def test_a_live_writers_temporary_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    with writers_stopped_mid_write(path, 1) as (live,):
        (theirs,) = temporaries(path)
        assert remove_abandoned_temporaries(path) == 0
        JsonTokenFile(path).save(BearerToken("ours"))
        assert temporaries(path) == [theirs]  # still writing: not ours to remove
        live.kill()
        live.wait(timeout=60)
    assert remove_abandoned_temporaries(path) == 1
    assert temporaries(path) == []
    assert json.loads(path.read_text())["accessToken"] == "ours"


def test_other_files_in_the_folder_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    neighbours = [tmp_path / ".other.json.abc", tmp_path / "token.json.lock", tmp_path / "x"]
    for neighbour in neighbours:
        neighbour.write_text("{}")
    kill_mid_write(path, 2)
    JsonTokenFile(path).save(BearerToken("next"))
    assert temporaries(path) == [] and all(n.exists() for n in neighbours)


# -- an OIDC endpoint answering 500 for an expired token -----------------------------------------


class Clock:
    """Stands still until advanced; starts now, so the token is expired on any clock."""

    def __init__(self) -> None:
        self.now = utc_now()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _expired_token_file(path: Path, clock: Clock) -> JsonTokenFile:
    store = JsonTokenFile(path)
    store.save(
        BearerToken(
            "expired-access",
            expiration=clock.now - timedelta(minutes=1),
            refresh_token="refresh-1",
            client_id="client",
            client_secret="client-secret",
            region="us-east-1",
        )
    )
    return store


def _server_error(request: RecordedRequest) -> ScriptedResponse:
    return ScriptedResponse.json(500, '{"error": "InternalServerException"}')


def _resolve_failing(provider: RefreshingTokenProvider) -> TokenExpiredError:
    with pytest.raises(TokenExpiredError) as caught:
        provider.resolve_token()
    return caught.value


def test_a_failing_oidc_endpoint_is_called_with_growing_bounded_gaps(tmp_path: Path) -> None:
    clock = Clock()
    with LoopbackServer(_server_error) as server:
        store = _expired_token_file(tmp_path / "token.json", clock)
        provider = RefreshingTokenProvider(store, OidcRefresher(endpoint=server.url), clock=clock)
        # Many resolves at one instant: one call, then the same typed error without a call.
        errors = [_resolve_failing(provider) for _ in range(201)]
        assert len(server.requests) == 1
        for error in errors:
            assert isinstance(error, TokenRefreshBackoffError)
            assert error.retry_in == REFRESH_BACKOFF_FIRST.total_seconds()
        assert "has expired" in str(error) and "HTTP 500" in str(error)
        assert "log in again" in str(error)

        # Each wait is the one announced; the waits double up to the bound, then stay there.
        gaps = []
        for _ in range(12):
            gap = provider_retry_in(provider)
            clock.advance(gap - 0.001)
            _resolve_failing(provider)  # just before the end of the wait: still no call
            calls = len(server.requests)
            clock.advance(0.001)
            _resolve_failing(provider)
            assert len(server.requests) == calls + 1
            gaps.append(gap)
        assert gaps[:4] == [1.0, 2.0, 4.0, 8.0]
        assert max(gaps) == REFRESH_BACKOFF_MAX.total_seconds() == gaps[-1]
        assert len(server.requests) == 13


def provider_retry_in(provider: RefreshingTokenProvider) -> float:
    error = _resolve_failing(provider)
    assert isinstance(error, TokenRefreshBackoffError)
    return error.retry_in


def test_a_success_after_failures_resets_the_backoff(tmp_path: Path) -> None:
    clock = Clock()
    answers = iter([500, 200, 500])

    def handle(request: RecordedRequest) -> ScriptedResponse:
        status = next(answers)
        if status == 200:
            return ScriptedResponse.json(200, '{"accessToken": "new", "expiresIn": 1}')
        return _server_error(request)

    with LoopbackServer(handle) as server:
        store = _expired_token_file(tmp_path / "token.json", clock)
        provider = RefreshingTokenProvider(store, OidcRefresher(endpoint=server.url), clock=clock)
        _resolve_failing(provider)
        clock.advance(REFRESH_BACKOFF_FIRST.total_seconds())
        assert provider.resolve_token().token == "new"
        clock.advance(3600)  # the new token expired too; the next failure waits the first delay
        assert provider_retry_in(provider) == REFRESH_BACKOFF_FIRST.total_seconds()
        assert len(server.requests) == 3
