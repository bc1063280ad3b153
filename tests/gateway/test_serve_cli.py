"""``qsmith serve``: options, API keys, and a clear message when the extra is missing."""

from __future__ import annotations

import importlib.util

import pytest
from click.testing import CliRunner

from qsmith.cli import serve as serve_module
from qsmith.cli.main import cli


def test_missing_extra_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec

    def find_spec(name: str, *args: object) -> object:
        return None if name == "uvicorn" else real_find_spec(name)

    monkeypatch.setattr(serve_module.importlib.util, "find_spec", find_spec)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 1
    assert "pip install 'qsmith[gateway]'" in result.output
    assert "missing: uvicorn" in result.output


def test_serve_is_listed_with_its_options() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--api-key", "--model", "--keepalive"):
        assert option in result.output
    assert "127.0.0.1" in result.output


def test_api_keys_from_options_and_environment() -> None:
    keys = serve_module.api_keys(("a",), {serve_module.API_KEYS_ENV: "b, c,,"})
    assert keys == frozenset({"a", "b", "c"})
    assert serve_module.api_keys((), {}) == frozenset()


def test_server_config_binds_loopback_and_serves_configured_models() -> None:
    pytest.importorskip("uvicorn", reason="the gateway extra is not installed")
    from starlette.testclient import TestClient

    config = serve_module.server_config(
        host="127.0.0.1",
        port=0,
        keys=frozenset({"k"}),
        region="us-east-1",
        models=("claude-sonnet-4",),
        profile_arn=None,
        endpoint_url="http://127.0.0.1:9",
        keepalive=15.0,
        log_level="warning",
    )
    assert config.host == "127.0.0.1"
    with TestClient(config.app) as http:
        assert http.get("/v1/models").status_code == 401
        listed = http.get("/v1/models", headers={"Authorization": "Bearer k"})
    assert [m["id"] for m in listed.json()["data"]] == ["claude-sonnet-4"]


def test_model_aliases_from_the_config_file_and_options(tmp_path: object) -> None:
    from pathlib import Path

    config = Path(str(tmp_path)) / "gateway.toml"
    config.write_text('[model_aliases]\n"claude-opus-4-8" = "claude-sonnet-4"\nfast = "a"\n')
    aliases = serve_module.model_aliases(("fast=claude-haiku-4.5",), str(config))
    assert aliases == {"claude-opus-4-8": "claude-sonnet-4", "fast": "claude-haiku-4.5"}


@pytest.mark.parametrize("given", ["fast", "=x", "fast="])
def test_a_malformed_model_alias_is_refused(
    given: str, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import click

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no config file there
    with pytest.raises(click.BadParameter, match="expected NAME=ID"):
        serve_module.model_aliases((given,), None)


def test_an_invalid_config_file_is_named(tmp_path: object) -> None:
    import click

    config = f"{tmp_path}/gateway.toml"
    with open(config, "w") as file:
        file.write("[model_aliases\n")
    with pytest.raises(click.ClickException, match="not valid TOML"):
        serve_module.model_aliases((), config)


def test_the_cli_and_the_app_share_one_body_limit() -> None:
    pytest.importorskip("starlette", reason="the gateway extra is not installed")
    from qsmith.gateway.app import DEFAULT_MAX_BODY, GatewayConfig

    assert serve_module.DEFAULT_MAX_BODY == DEFAULT_MAX_BODY == GatewayConfig().max_body
    assert serve_module.DEFAULT_IDLE_TIMEOUT >= 60  # above common client pool idle times


def test_reasoning_models_from_the_config_file_and_options(tmp_path: object) -> None:
    from pathlib import Path

    config = Path(str(tmp_path)) / "gateway.toml"
    config.write_text('[reasoning_models]\nauto = true\n"claude-sonnet-4" = false\n')
    chosen = serve_module.reasoning_models(("claude-sonnet-4=on", "qwen3-coder=OFF"), str(config))
    assert chosen == {"auto": True, "claude-sonnet-4": True, "qwen3-coder": False}


@pytest.mark.parametrize("given", ["auto", "auto=yes", "=on"])
def test_a_malformed_reasoning_model_is_refused(
    given: str, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import click

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    with pytest.raises(click.BadParameter, match="expected ID=on or ID=off"):
        serve_module.reasoning_models((given,), None)


def test_a_reasoning_models_table_must_hold_booleans(tmp_path: object) -> None:
    import click

    config = f"{tmp_path}/gateway.toml"
    with open(config, "w") as file:
        file.write('[reasoning_models]\nauto = "on"\n')
    with pytest.raises(click.ClickException, match=r"\[reasoning_models\] must map model ids"):
        serve_module.reasoning_models((), config)
