"""Without a token, a bearer conversation uses the `qsmith login` session when there is one."""

from __future__ import annotations

import sys
import types

import pytest

from qsmith.chat.login_bridge import LOGIN_SESSION_MODULE, login_token_provider
from qsmith.runtime.auth.identity import BearerToken
from qsmith.runtime.errors import IdentityError
from qsmith.testing import LoopbackServer
from tests.chat import scripts as s


class _LoginProvider:
    source = "qsmith login (test)"

    def resolve_token(self) -> BearerToken:
        return BearerToken("login-token", source=self.source)


def _fake_login(monkeypatch: pytest.MonkeyPatch, *, logged_in: bool) -> None:
    module = types.ModuleType(LOGIN_SESSION_MODULE)

    def provider() -> _LoginProvider:
        if not logged_in:
            raise IdentityError("not logged in")
        return _LoginProvider()

    module.login_token_provider = provider  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, LOGIN_SESSION_MODULE, module)


def test_the_login_session_serves_the_token(
    loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_login(monkeypatch, logged_in=True)
    loopback.enqueue(s.answer(s.text("hi")))
    with s.conversation(loopback, token=None) as conv:
        conv.ask("hello")
        assert conv.record.identity["source"] == "qsmith login (test)"
    assert loopback.requests[0].header("Authorization") == "Bearer login-token"


def test_an_environment_token_wins_over_the_login(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_login(monkeypatch, logged_in=True)
    assert login_token_provider({"QSMITH_BEARER_TOKEN": "x"}) is None
    assert login_token_provider({"QSMITH_TOKEN_FILE": "/t"}) is None
    assert isinstance(login_token_provider({}), _LoginProvider)


def test_no_login_leaves_the_default_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_login(monkeypatch, logged_in=False)
    assert login_token_provider({}) is None
