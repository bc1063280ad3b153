"""The device-code login against the fake SSO OIDC server: every step and every error."""

from __future__ import annotations

import json
import logging
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from qsmith.clients.sso_oidc import Client as OidcClient
from qsmith.login.device_flow import SCOPES, DeviceCodeLogin
from qsmith.login.errors import AuthorizationDeniedError, DeviceCodeExpiredError, OidcApiError
from qsmith.login.oidc import DEVICE_CODE_GRANT, DeviceAuthorization
from qsmith.login.oidc_client_adapter import OidcClientAdapter
from qsmith.login.registration import RegistrationCache
from qsmith.testing import LoopbackServer, ScriptedResponse
from tests.login.fake_oidc import CANARY, FakeOidc

START_URL = "https://view.awsapps.com/start"


class FakeClock:
    """A clock that only moves when the flow sleeps."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)
        self.sleeps: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)


class Recorder:
    def __init__(self) -> None:
        self.shown: list[DeviceAuthorization] = []
        self.opened: list[str] = []

    def show(self, authorization: DeviceAuthorization) -> None:
        self.shown.append(authorization)

    def open(self, url: str) -> bool:
        self.opened.append(url)
        return False  # no browser here: the flow must carry on


def oidc_api(region: str, endpoint: str) -> OidcClientAdapter:
    """The login's OIDC calls through the generated sso-oidc client, against ``endpoint``."""
    return OidcClientAdapter(OidcClient(region=region, endpoint_url=endpoint), region)


def make_flow(
    server: LoopbackServer, cache_dir: Path, clock: FakeClock, recorder: Recorder
) -> DeviceCodeLogin:
    return DeviceCodeLogin(
        oidc_api("eu-west-1", server.url),
        RegistrationCache(cache_dir),
        show=recorder.show,
        open_browser=recorder.open,
        clock=clock,
        sleep=clock.sleep,
    )


def test_login_registers_starts_shows_polls_and_returns_the_token(
    fake_oidc: tuple[FakeOidc, LoopbackServer], tmp_path: Path
) -> None:
    fake, server = fake_oidc
    fake.poll_script = ["authorization_pending", "authorization_pending", "ok"]
    clock, recorder = FakeClock(), Recorder()
    token = make_flow(server, tmp_path, clock, recorder).run(START_URL)

    paths = [path for path, _ in fake.bodies]
    assert paths == ["/client/register", "/device_authorization", "/token", "/token", "/token"]
    register = fake.bodies[0][1]
    assert register == {"clientName": "qsmith", "clientType": "public", "scopes": list(SCOPES)}
    assert fake.bodies[1][1]["startUrl"] == START_URL
    poll = fake.bodies[2][1]
    assert poll["grantType"] == DEVICE_CODE_GRANT and poll["deviceCode"] == f"device-{CANARY}"
    assert clock.sleeps == [1, 1, 1]  # the server's interval, before each poll
    assert [a.user_code for a in recorder.shown] == ["ABCD-EFGH"]
    assert recorder.opened == ["https://device.sso.example/?user_code=ABCD-EFGH"]
    assert token.token == f"access-1-{CANARY}" and token.refresh_token == f"refresh-1-{CANARY}"
    assert token.expiration == clock.now + timedelta(seconds=3600)
    assert (token.region, token.client_id, token.start_url) == ("eu-west-1", "client-1", START_URL)


def test_slow_down_adds_five_seconds_each_time(
    fake_oidc: tuple[FakeOidc, LoopbackServer], tmp_path: Path
) -> None:
    fake, server = fake_oidc
    fake.poll_script = ["slow_down", "authorization_pending", "slow_down", "ok"]
    clock = FakeClock()
    make_flow(server, tmp_path, clock, Recorder()).run(START_URL)
    assert clock.sleeps == [1, 6, 6, 11]


@pytest.mark.parametrize(
    ("code", "error", "words"),
    [
        ("expired_token", DeviceCodeExpiredError, "expired before it was approved"),
        ("access_denied", AuthorizationDeniedError, "denied"),
    ],
)
def test_expired_and_denied_end_the_login(
    fake_oidc: tuple[FakeOidc, LoopbackServer],
    tmp_path: Path,
    code: str,
    error: type[Exception],
    words: str,
) -> None:
    fake, server = fake_oidc
    fake.poll_script = ["authorization_pending", code]
    with pytest.raises(error, match=words) as info:
        make_flow(server, tmp_path, FakeClock(), Recorder()).run(START_URL)
    assert "qsmith login" in str(info.value)
    assert fake.calls["/token"] == 2  # no poll after the final answer


def test_the_device_code_expiry_stops_polling(
    fake_oidc: tuple[FakeOidc, LoopbackServer], tmp_path: Path
) -> None:
    fake, server = fake_oidc
    fake.poll_script = ["authorization_pending"]
    fake.device_expires_in, fake.interval = 10, 3
    clock = FakeClock()
    with pytest.raises(DeviceCodeExpiredError):
        make_flow(server, tmp_path, clock, Recorder()).run(START_URL)
    assert fake.calls["/token"] == 3  # at 3, 6 and 9 s; at 12 s the code has expired
    assert clock.sleeps == [3, 3, 3, 3]


def test_another_error_is_raised_with_its_oauth_code(
    fake_oidc: tuple[FakeOidc, LoopbackServer], tmp_path: Path
) -> None:
    fake, server = fake_oidc
    fake.poll_script = ["invalid_client"]
    with pytest.raises(OidcApiError) as info:
        make_flow(server, tmp_path, FakeClock(), Recorder()).run(START_URL)
    assert info.value.code == "invalid_client" and info.value.http_status == 400


def test_error_code_read_from_a_type_only_body(loopback: LoopbackServer) -> None:
    loopback.enqueue(ScriptedResponse.json(400, json.dumps({"__type": "com.x#SlowDownException"})))
    api = oidc_api("us-east-1", loopback.url)
    with pytest.raises(OidcApiError) as info:
        api.start_device_authorization(client_id="c", client_secret="s", start_url=START_URL)
    assert info.value.code == "slow_down"


def test_a_transport_failure_is_a_transport_error() -> None:
    from qsmith.runtime.errors import TransportError

    with LoopbackServer() as server:
        url = server.url
    with pytest.raises(TransportError, match="ConnectError"):
        oidc_api("us-east-1", url).register_client(
            client_name="qsmith", client_type="public", scopes=SCOPES
        )


def test_the_registration_is_cached_0600_until_it_expires(
    fake_oidc: tuple[FakeOidc, LoopbackServer], tmp_path: Path
) -> None:
    fake, server = fake_oidc
    clock = FakeClock()
    clock.now = datetime.now(UTC)
    make_flow(server, tmp_path, clock, Recorder()).run(START_URL)
    make_flow(server, tmp_path, clock, Recorder()).run(START_URL)
    assert fake.calls["/client/register"] == 1
    [cached] = list(tmp_path.glob("*.json"))
    assert stat.S_IMODE(cached.stat().st_mode) == 0o600
    data = json.loads(cached.read_text())
    assert data["clientId"] == "client-1" and data["scopes"] == list(SCOPES)
    # Another region or start URL is another registration.
    other = RegistrationCache(tmp_path).path_for("https://x.awsapps.com/start", "eu-west-1", SCOPES)
    assert other != cached
    # Near its expiry it is replaced.
    clock.now += timedelta(days=89, hours=12)
    make_flow(server, tmp_path, clock, Recorder()).run(START_URL)
    assert fake.calls["/client/register"] == 2


def test_no_secret_in_reprs_messages_or_logs(
    fake_oidc: tuple[FakeOidc, LoopbackServer], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake, server = fake_oidc
    fake.poll_script = ["slow_down", "ok"]
    caplog.set_level(logging.DEBUG)
    recorder = Recorder()
    token = make_flow(server, tmp_path, FakeClock(), recorder).run(START_URL)
    registration = RegistrationCache(tmp_path)
    texts = [repr(token), str(token), repr(recorder.shown[0]), repr(registration), caplog.text]
    fake.poll_script = ["access_denied"]
    with pytest.raises(AuthorizationDeniedError) as info:
        make_flow(server, tmp_path, FakeClock(), recorder).run(START_URL)
    texts.append(str(info.value))
    assert all(CANARY not in text for text in texts)
