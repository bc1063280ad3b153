"""Token refresh through the state store's lock: once for every replica, whatever waits."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from qsmith.pool.shared_refresh import SharedRefreshingTokenProvider
from qsmith.pool.state import StateStore
from qsmith.runtime.auth.errors import LoginRequiredError
from qsmith.runtime.auth.identity import BearerToken, utc_now
from qsmith.runtime.auth.timestamps import format_timestamp
from qsmith.runtime.auth.tokens.oidc import OidcRefresher
from qsmith.runtime.auth.tokens.token_file import JsonTokenFile
from qsmith.testing import LoopbackServer
from tests.login.fake_oidc import CANARY, FakeOidc


@pytest.fixture
def oidc() -> Iterator[tuple[FakeOidc, str]]:
    fake = FakeOidc()
    with LoopbackServer(fake.handle) as server:
        yield fake, server.url


def expired_token_file(path: Path) -> JsonTokenFile:
    data = {
        "accessToken": f"old-{CANARY}",
        "expiresAt": format_timestamp(utc_now() - timedelta(minutes=1)),
        "refreshToken": f"refresh-0-{CANARY}",
        "clientId": "client-1",
        "clientSecret": f"secret-{CANARY}",
        "region": "us-east-1",
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return JsonTokenFile(path)


def provider(store: StateStore, path: Path, url: str) -> SharedRefreshingTokenProvider:
    return SharedRefreshingTokenProvider(
        "alice",
        expired_token_file(path),
        OidcRefresher(endpoint=url),
        store,
        login_hint="log in again",
    )


def test_eight_waiters_on_two_hosts_make_one_refresh(
    store: StateStore, oidc: tuple[FakeOidc, str], tmp_path: Path
) -> None:
    fake, url = oidc
    fake.refresh_delay = 0.3  # long enough that every waiter arrives during the refresh
    hosts = [provider(store, tmp_path / f"host{i}.json", url) for i in range(2)]
    tokens: list[BearerToken] = []
    barrier = threading.Barrier(8)

    def resolve(host: SharedRefreshingTokenProvider) -> None:
        barrier.wait()
        tokens.append(host.resolve_token())

    threads = [threading.Thread(target=resolve, args=(hosts[i % 2],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fake.calls["/token"] == 1
    assert {t.token for t in tokens} == {f"access-1-{CANARY}"}
    # The refreshing host saved it to its file; the other host reads it from shared state.
    saved = [JsonTokenFile(tmp_path / f"host{i}.json").load().token for i in range(2)]
    assert f"access-1-{CANARY}" in saved


def test_a_refused_refresh_token_means_login_required(
    store: StateStore, oidc: tuple[FakeOidc, str], tmp_path: Path
) -> None:
    fake, url = oidc
    fake.refresh_script = ["invalid_grant"]
    with pytest.raises(LoginRequiredError) as caught:
        provider(store, tmp_path / "host.json", url).resolve_token()
    assert CANARY not in str(caught.value) and CANARY not in repr(caught.value)
