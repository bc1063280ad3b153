"""AWS credential providers and the default chain; HTTP sources run against 127.0.0.1."""

from __future__ import annotations

import json
import logging
import sys
import threading
import urllib.parse
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from qsmith.runtime.auth.credentials.caching import CachingCredentialsProvider
from qsmith.runtime.auth.credentials.chain import CredentialChain, default_credential_chain
from qsmith.runtime.auth.credentials.config_file import load_shared_config, parse_ini
from qsmith.runtime.auth.credentials.container import ContainerCredentialsProvider
from qsmith.runtime.auth.credentials.imds import InstanceMetadataCredentialsProvider
from qsmith.runtime.auth.credentials.profile import ProfileCredentialsProvider
from qsmith.runtime.auth.credentials.provider import (
    CredentialsNotFound,
    EnvironmentCredentialsProvider,
)
from qsmith.runtime.auth.credentials.web_identity import WebIdentityCredentialsProvider
from qsmith.runtime.auth.errors import ConfigFileError, CredentialSourceError, NoCredentialsError
from qsmith.runtime.auth.identity import AwsCredentials, utc_now
from qsmith.runtime.auth.timestamps import format_timestamp
from qsmith.runtime.auth.tokens.token_file import sso_cache_path
from qsmith.runtime.errors import ConfigError
from qsmith.testing import LoopbackServer, RecordedRequest, ScriptedResponse
from tests.runtime.auth.fake_aws import (
    container_handler,
    imds_handler,
    sso_portal_handler,
    sts_handler,
)

CANARY_SECRET = "CANARY-SECRET-KEY-4242"
CANARY_TOKEN = "CANARY-SESSION-TOKEN-4343"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _config(home: Path, text: str) -> Path:
    return _write(home / ".aws" / "config", text)


def _credentials(home: Path, text: str) -> Path:
    return _write(home / ".aws" / "credentials", text)


@pytest.fixture
def no_imds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


# --- environment ---------------------------------------------------------------------------


def test_environment_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    provider = EnvironmentCredentialsProvider()
    with pytest.raises(CredentialsNotFound, match="not set"):
        provider.resolve_credentials()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENV00000001")
    with pytest.raises(CredentialSourceError, match="AWS_SECRET_ACCESS_KEY is not set"):
        provider.resolve_credentials()
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CANARY_SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", CANARY_TOKEN)
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", "2099-01-01T00:00:00Z")
    credentials = provider.resolve_credentials()
    assert (credentials.access_key_id, credentials.secret_access_key) == (
        "AKIAENV00000001",
        CANARY_SECRET,
    )
    assert credentials.session_token == CANARY_TOKEN and credentials.source == "environment"
    assert credentials.expiration is not None and credentials.expiration.year == 2099


# --- config files ----------------------------------------------------------------------------


def test_parse_profiles_sessions_comments_and_nested_blocks(isolated_home: Path) -> None:
    _config(
        isolated_home,
        "# comment\n[default]\nregion = us-west-2 # trailing comment\n"
        "s3 =\n  addressing_style = path\n\n[profile dev]\nregion=eu-west-1\n"
        "[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://x/start\n",
    )
    _credentials(isolated_home, "[dev]\naws_access_key_id = AKIADEV\n; c\n[default]\nregion = x\n")
    config = load_shared_config()
    assert config.profiles["default"]["region"] == "x"  # the credentials file wins
    assert config.profiles["default"]["s3"] == "addressing_style = path"
    assert config.profiles["dev"] == {"region": "eu-west-1", "aws_access_key_id": "AKIADEV"}
    assert config.sso_sessions["corp"]["sso_region"] == "us-east-1"


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("region = x\n", 1, "outside of any"),
        ("[default]\nregion = x\n[profile broken\n", 3, "closing"),
        ("[default]\n\nthis line has no equals\n", 3, "key = value"),
        ("[default]\n= value\n", 2, "key = value"),
    ],
)
def test_malformed_config_names_file_and_line(
    isolated_home: Path, text: str, line: int, problem: str
) -> None:
    path = _config(isolated_home, text)
    with pytest.raises(ConfigFileError, match=problem) as info:
        ProfileCredentialsProvider().resolve_credentials()
    assert info.value.path == str(path) and info.value.line == line
    assert f"{path}, line {line}" in str(info.value)


def test_config_paths_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(_write(tmp_path / "c.ini", "[profile p]\n")))
    monkeypatch.setenv(
        "AWS_SHARED_CREDENTIALS_FILE",
        str(
            _write(
                tmp_path / "k.ini",
                f"[p]\naws_access_key_id=AKIAP\naws_secret_access_key={CANARY_SECRET}\n",
            )
        ),
    )
    monkeypatch.setenv("AWS_PROFILE", "p")
    credentials = ProfileCredentialsProvider().resolve_credentials()
    assert credentials.access_key_id == "AKIAP" and credentials.source == "shared config profile p"


def test_explicit_missing_profile_is_an_error(isolated_home: Path) -> None:
    _config(isolated_home, "[default]\nregion = x\n")
    with pytest.raises(ConfigError, match="'nope' is not defined"):
        ProfileCredentialsProvider("nope").resolve_credentials()
    with pytest.raises(CredentialsNotFound, match="holds no credential settings"):
        ProfileCredentialsProvider().resolve_credentials()


def test_parse_ini_keeps_values_with_equals() -> None:
    assert parse_ini("[a]\nk = b=c\n", "f") == {"a": {"k": "b=c"}}


# --- credential_process -----------------------------------------------------------------------


def _process_profile(home: Path, script: str) -> None:
    path = _write(home / "creds.py", script)
    _config(home, f"[default]\ncredential_process = {sys.executable} {path}\n")


def test_credential_process(isolated_home: Path) -> None:
    output = {
        "Version": 1,
        "AccessKeyId": "AKIAPROC",
        "SecretAccessKey": CANARY_SECRET,
        "SessionToken": CANARY_TOKEN,
        "Expiration": "2099-01-01T00:00:00Z",
    }
    _process_profile(isolated_home, f"print({json.dumps(json.dumps(output))})")
    credentials = ProfileCredentialsProvider().resolve_credentials()
    assert credentials.access_key_id == "AKIAPROC" and credentials.session_token == CANARY_TOKEN
    assert credentials.source == "credential_process of profile default"


def test_credential_process_failures_do_not_echo_output(isolated_home: Path) -> None:
    _process_profile(isolated_home, "import sys; sys.exit(3)")
    with pytest.raises(CredentialSourceError, match="status 3"):
        ProfileCredentialsProvider().resolve_credentials()
    _process_profile(isolated_home, f"print('not json {CANARY_SECRET}')")
    with pytest.raises(CredentialSourceError, match="not JSON") as info:
        ProfileCredentialsProvider().resolve_credentials()
    assert CANARY_SECRET not in str(info.value)


# --- role assumption through STS (awsQuery) ---------------------------------------------------


def _sts(loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    loopback.set_handler(sts_handler())
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", loopback.url)


def test_assume_role_with_source_profile(
    isolated_home: Path, loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _sts(loopback, monkeypatch)
    _config(
        isolated_home,
        "[profile base]\naws_access_key_id = AKIABASE\n"
        f"aws_secret_access_key = {CANARY_SECRET}\n"
        "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\n"
        "source_profile = base\nrole_session_name = me\nexternal_id = ext-1\nregion = eu-west-1\n",
    )
    credentials = ProfileCredentialsProvider("admin").resolve_credentials()
    assert credentials.access_key_id == "ASIAADMIN"
    assert credentials.session_token == "CANARY-STS-TOKEN"
    assert credentials.account_id == "123456789012"
    assert credentials.expiration is not None and credentials.expiration.year == 2099
    (request,) = loopback.requests
    form = dict(urllib.parse.parse_qsl(request.body.decode()))
    assert form == {
        "Action": "AssumeRole",
        "Version": "2011-06-15",
        "RoleArn": "arn:aws:iam::123456789012:role/admin",
        "RoleSessionName": "me",
        "ExternalId": "ext-1",
    }
    authorization = request.header("authorization") or ""
    assert (
        "Credential=AKIABASE/" in authorization and "/eu-west-1/sts/aws4_request" in authorization
    )


def test_role_chain_and_cycle(
    isolated_home: Path, loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _sts(loopback, monkeypatch)
    _config(
        isolated_home,
        f"[profile base]\naws_access_key_id = AKIABASE\naws_secret_access_key = {CANARY_SECRET}\n"
        "[profile first]\nrole_arn = arn:aws:iam::1:role/first\nsource_profile = base\n"
        "[profile second]\nrole_arn = arn:aws:iam::1:role/second\nsource_profile = first\n"
        "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
        "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n",
    )
    assert ProfileCredentialsProvider("second").resolve_credentials().access_key_id == "ASIASECOND"
    assert "Credential=ASIAFIRST/" in (loopback.requests[-1].header("authorization") or "")
    with pytest.raises(ConfigError, match="cycle: a -> b -> a"):
        ProfileCredentialsProvider("a").resolve_credentials()


def test_assume_role_from_credential_source_and_denied(
    isolated_home: Path, loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _sts(loopback, monkeypatch)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFROMENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CANARY_SECRET)
    _config(
        isolated_home,
        "[profile r]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Environment\n"
        "[profile d]\nrole_arn = arn:aws:iam::1:role/denied\ncredential_source = Environment\n"
        "[profile bad]\nrole_arn = arn:aws:iam::1:role/x\ncredential_source = Nowhere\n",
    )
    assert ProfileCredentialsProvider("r").resolve_credentials().access_key_id == "ASIAR"
    with pytest.raises(CredentialSourceError, match="HTTP 403 AccessDenied"):
        ProfileCredentialsProvider("d").resolve_credentials()
    with pytest.raises(ConfigError, match="'Nowhere' is not one of"):
        ProfileCredentialsProvider("bad").resolve_credentials()


# --- web identity -----------------------------------------------------------------------------


def test_web_identity_from_environment_and_profile(
    isolated_home: Path, loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _sts(loopback, monkeypatch)
    token_file = _write(isolated_home / "jwt", "jwt-ok\n")
    monkeypatch.setenv("AWS_WEB_IDENTITY_TOKEN_FILE", str(token_file))
    monkeypatch.setenv("AWS_ROLE_ARN", "arn:aws:iam::1:role/web")
    monkeypatch.setenv("AWS_ROLE_SESSION_NAME", "pod-1")
    credentials = WebIdentityCredentialsProvider().resolve_credentials()
    assert credentials.access_key_id == "ASIAWEB"
    form = dict(urllib.parse.parse_qsl(loopback.requests[-1].body.decode()))
    assert form["Action"] == "AssumeRoleWithWebIdentity" and form["RoleSessionName"] == "pod-1"
    assert loopback.requests[-1].header("authorization") is None  # unsigned call
    _config(
        isolated_home,
        f"[profile w]\nrole_arn = arn:aws:iam::1:role/fromprofile\nweb_identity_token_file = {token_file}\n",
    )
    assert ProfileCredentialsProvider("w").resolve_credentials().access_key_id == "ASIAFROMPROFILE"
    token_file.write_text("jwt-bad")
    with pytest.raises(CredentialSourceError, match="InvalidIdentityToken"):
        WebIdentityCredentialsProvider().resolve_credentials()


# --- SSO ----------------------------------------------------------------------------------------


def _sso_token(key: str, access: str, expires_in: timedelta, **extra: str) -> None:
    data = {
        "accessToken": access,
        "expiresAt": format_timestamp(utc_now() + expires_in),
        "region": "us-east-1",
        **extra,
    }
    _write(sso_cache_path(key), json.dumps(data))


def test_sso_session_profile(
    isolated_home: Path, loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    loopback.set_handler(sso_portal_handler("sso-access"))
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", loopback.url)
    _config(
        isolated_home,
        "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\n"
        "sso_role_name = Dev\n[sso-session corp]\nsso_region = us-east-1\n"
        "sso_start_url = https://corp.awsapps.com/start\n",
    )
    _sso_token("corp", "sso-access", timedelta(hours=1))
    credentials = ProfileCredentialsProvider("dev").resolve_credentials()
    assert credentials.access_key_id == "ASIASSO111122223333"
    assert credentials.expiration is not None and credentials.expiration.year == 2099
    (request,) = loopback.requests
    assert request.path == "/federation/credentials"
    assert dict(request.query) == {"account_id": "111122223333", "role_name": "Dev"}


def test_sso_session_token_refreshed_through_oidc_first(
    isolated_home: Path, loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    loopback.set_handler(sso_portal_handler("renewed-access"))
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", loopback.url)
    with LoopbackServer() as oidc:
        oidc.enqueue(
            ScriptedResponse.json(200, '{"accessToken": "renewed-access", "expiresIn": 3600}')
        )
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", oidc.url)
        _config(
            isolated_home,
            "[profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = Dev\n"
            "[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://s/start\n",
        )
        _sso_token(
            "corp",
            "old-access",
            timedelta(minutes=2),
            refreshToken="r",
            clientId="c",
            clientSecret="s",
        )
        assert ProfileCredentialsProvider("dev").resolve_credentials().access_key_id == "ASIASSO1"
        assert len(oidc.requests) == 1
    saved = json.loads(sso_cache_path("corp").read_text())
    assert saved["accessToken"] == "renewed-access"


def test_legacy_sso_profile_and_expired_token(
    isolated_home: Path, loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    loopback.set_handler(sso_portal_handler("legacy-access"))
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", loopback.url)
    start = "https://legacy.awsapps.com/start"
    _config(
        isolated_home,
        f"[default]\nsso_start_url = {start}\nsso_region = eu-west-1\n"
        "sso_account_id = 2\nsso_role_name = R\n",
    )
    _sso_token(start, "legacy-access", timedelta(hours=1))
    assert ProfileCredentialsProvider().resolve_credentials().access_key_id == "ASIASSO2"
    _sso_token(start, "legacy-access", -timedelta(minutes=1))
    with pytest.raises(CredentialSourceError, match="aws sso login --profile default"):
        ProfileCredentialsProvider().resolve_credentials()
    _sso_token(start, "revoked", timedelta(hours=1))
    with pytest.raises(CredentialSourceError, match="refused the token"):
        ProfileCredentialsProvider().resolve_credentials()


# --- container and instance metadata ------------------------------------------------------------


def test_container_relative_uri(loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    loopback.set_handler(container_handler(None))
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc")
    provider = ContainerCredentialsProvider(agent_endpoint=loopback.url)
    assert provider.resolve_credentials().access_key_id == "ASIACONTAINER"
    assert loopback.requests[0].path == "/v2/credentials/abc"


def test_container_full_uri_with_token_and_token_file(
    tmp_path: Path, loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    loopback.set_handler(container_handler("Bearer pod-token"))
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", loopback.url + "/creds")
    with pytest.raises(CredentialSourceError, match="HTTP 401"):
        ContainerCredentialsProvider().resolve_credentials()
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer pod-token")
    assert ContainerCredentialsProvider().resolve_credentials().access_key_id == "ASIACONTAINER"
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong")
    monkeypatch.setenv(
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", str(_write(tmp_path / "t", "Bearer pod-token\n"))
    )
    assert ContainerCredentialsProvider().resolve_credentials().access_key_id == "ASIACONTAINER"


def test_container_full_uri_must_be_local_over_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds")
    with pytest.raises(CredentialSourceError, match="must use https"):
        ContainerCredentialsProvider().resolve_credentials()


def test_imds_v2(loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    loopback.set_handler(imds_handler())
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", loopback.url)
    credentials = InstanceMetadataCredentialsProvider().resolve_credentials()
    assert credentials.access_key_id == "ASIAIMDS" and "my-role" in credentials.source
    assert [(r.method, r.path) for r in loopback.requests] == [
        ("PUT", "/latest/api/token"),
        ("GET", "/latest/meta-data/iam/security-credentials/"),
        ("GET", "/latest/meta-data/iam/security-credentials/my-role"),
    ]
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(CredentialsNotFound, match="DISABLED"):
        InstanceMetadataCredentialsProvider().resolve_credentials()


def test_imds_refusing_a_session_token_is_not_found(
    loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    loopback.enqueue(ScriptedResponse(status=403))
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", loopback.url)
    with pytest.raises(CredentialsNotFound, match="no IMDSv2 session token"):
        InstanceMetadataCredentialsProvider().resolve_credentials()
    assert len(loopback.requests) == 1  # no fallback to IMDSv1


def test_imds_not_answering_is_not_found(monkeypatch: pytest.MonkeyPatch) -> None:
    with LoopbackServer() as closed:
        url = closed.url
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", url)
    with pytest.raises(CredentialsNotFound, match="no instance metadata service answered"):
        InstanceMetadataCredentialsProvider().resolve_credentials()


# --- the chain -------------------------------------------------------------------------------------


def test_chain_order_environment_before_profile(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, no_imds: None
) -> None:
    _credentials(
        isolated_home,
        f"[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = {CANARY_SECRET}\n",
    )
    assert default_credential_chain().resolve_credentials().access_key_id == "AKIAFILE"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CANARY_SECRET)
    assert default_credential_chain().resolve_credentials().access_key_id == "AKIAENV"
    static = AwsCredentials("AKIASTATIC", CANARY_SECRET)
    assert (
        default_credential_chain(static=static).resolve_credentials().access_key_id == "AKIASTATIC"
    )


def test_chain_profile_before_container_before_imds(
    isolated_home: Path, loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def handler(request: RecordedRequest) -> ScriptedResponse:
        if request.path.startswith("/latest"):
            return imds_handler()(request)
        return container_handler(None)(request)

    loopback.set_handler(handler)
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", loopback.url)
    assert default_credential_chain().resolve_credentials().access_key_id == "ASIAIMDS"
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", loopback.url + "/c")
    assert default_credential_chain().resolve_credentials().access_key_id == "ASIACONTAINER"
    _credentials(
        isolated_home,
        f"[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = {CANARY_SECRET}\n",
    )
    assert default_credential_chain().resolve_credentials().access_key_id == "AKIAFILE"


def test_no_credentials_lists_every_source_and_reason(no_imds: None) -> None:
    chain = default_credential_chain()
    with pytest.raises(NoCredentialsError) as info:
        chain.resolve_credentials()
    sources = [source for source, _ in info.value.attempts]
    assert sources == [
        "environment",
        "web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)",
        "shared config profile default",
        "container credentials (AWS_CONTAINER_CREDENTIALS_*)",
        "EC2 instance metadata (IMDSv2)",
    ]
    message = str(info.value)
    for source, reason in info.value.attempts:
        assert reason and f"{source}: {reason}" in message
    assert "(neither file exists)" in message and "DISABLED" in message


def test_chain_remembers_which_provider_answered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CANARY_SECRET)
    chain = CredentialChain([EnvironmentCredentialsProvider()])
    chain.resolve_credentials()
    assert chain.last_provider is chain.providers[0]


# --- caching ---------------------------------------------------------------------------------------


class _Counting:
    name = "counting"

    def __init__(self, lifetime: timedelta, fail_after: int | None = None) -> None:
        self.calls = 0
        self.lifetime = lifetime
        self.fail_after = fail_after
        self._lock = threading.Lock()

    def resolve_credentials(self) -> AwsCredentials:
        with self._lock:
            self.calls += 1
            if self.fail_after is not None and self.calls > self.fail_after:
                raise CredentialSourceError("source down")
        return AwsCredentials(
            f"ASIA{self.calls}", CANARY_SECRET, CANARY_TOKEN, expiration=utc_now() + self.lifetime
        )


def test_temporary_credentials_cached_and_renewed_before_expiry() -> None:
    long_lived = _Counting(timedelta(hours=1))
    cache = CachingCredentialsProvider(long_lived)
    assert cache.resolve_credentials().access_key_id == "ASIA1"
    assert cache.resolve_credentials().access_key_id == "ASIA1" and long_lived.calls == 1
    short = _Counting(timedelta(minutes=4))  # inside the 5-minute margin: renewed each time
    cache = CachingCredentialsProvider(short)
    cache.resolve_credentials()
    assert cache.resolve_credentials().access_key_id == "ASIA2"


def test_renewal_failure_serves_still_valid_credentials(caplog: pytest.LogCaptureFixture) -> None:
    inner = _Counting(timedelta(minutes=4), fail_after=1)
    cache = CachingCredentialsProvider(inner)
    first = cache.resolve_credentials()
    with caplog.at_level(logging.DEBUG, logger="qsmith"):
        assert cache.resolve_credentials() is first
    assert "source down" in caplog.text and "CANARY" not in caplog.text
    expired = CachingCredentialsProvider(_Counting(-timedelta(minutes=1), fail_after=1))
    expired.resolve_credentials()
    with pytest.raises(CredentialSourceError):
        expired.resolve_credentials()


def test_concurrent_renewal_calls_source_once() -> None:
    inner = _Counting(timedelta(hours=1))
    cache = CachingCredentialsProvider(inner)
    threads = [threading.Thread(target=cache.resolve_credentials) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert inner.calls == 1


# --- secrets ----------------------------------------------------------------------------------------


def test_no_secret_in_reprs_or_errors(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    credentials = AwsCredentials(
        "AKIAIOSFODNN7EXAMPLE", CANARY_SECRET, CANARY_TOKEN, expiration=utc_now()
    )
    texts = [repr(credentials), str(credentials), repr(replace(credentials, session_token=None))]
    assert "AKIA************MPLE" in texts[0]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CANARY_SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", CANARY_TOKEN)
    monkeypatch.setenv("AWS_CREDENTIAL_EXPIRATION", "garbage")
    with caplog.at_level(logging.DEBUG), pytest.raises(CredentialSourceError) as info:
        default_credential_chain().resolve_credentials()
    texts += [str(info.value), repr(info.value), caplog.text, repr(default_credential_chain())]
    assert not any(CANARY_SECRET in t or CANARY_TOKEN in t for t in texts)


def test_malformed_credentials_file_is_named(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _credentials(isolated_home, "[dev]\naws_access_key_id = AKIA\n[oops\n")
    monkeypatch.setenv("AWS_DEFAULT_PROFILE", "dev")
    with pytest.raises(ConfigFileError) as info:
        default_credential_chain().resolve_credentials()
    assert str(info.value).startswith(f"{path}, line 3:")
