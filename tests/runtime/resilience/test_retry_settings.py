"""AWS_MAX_ATTEMPTS / AWS_RETRY_MODE and the config file's max_attempts / retry_mode."""

from __future__ import annotations

import pytest

from qsmith.runtime.errors import ConfigError
from qsmith.runtime.retry import (
    AdaptiveRetryStrategy,
    RetrySettings,
    StandardRetryStrategy,
    create_retry_strategy,
    resolve_retry_settings,
)


def test_defaults_are_standard_and_three_attempts() -> None:
    assert resolve_retry_settings(environ={}) == RetrySettings("standard", 3)


def test_config_file_values_apply() -> None:
    settings = resolve_retry_settings(
        environ={}, config={"retry_mode": "adaptive", "max_attempts": "7"}
    )
    assert settings == RetrySettings("adaptive", 7)


def test_environment_beats_config_file_and_arguments_beat_both() -> None:
    env = {"AWS_RETRY_MODE": "standard", "AWS_MAX_ATTEMPTS": "5"}
    config = {"retry_mode": "adaptive", "max_attempts": "7"}
    assert resolve_retry_settings(environ=env, config=config) == RetrySettings("standard", 5)
    assert resolve_retry_settings(
        mode="adaptive", max_attempts=2, environ=env, config=config
    ) == RetrySettings("adaptive", 2)


def test_empty_values_fall_through() -> None:
    env = {"AWS_RETRY_MODE": "", "AWS_MAX_ATTEMPTS": " "}
    assert resolve_retry_settings(environ=env, config={"max_attempts": "4"}).max_attempts == 4


def test_legacy_is_read_as_standard_and_case_is_ignored() -> None:
    assert resolve_retry_settings(environ={"AWS_RETRY_MODE": "LEGACY"}).mode == "standard"
    assert resolve_retry_settings(environ={"AWS_RETRY_MODE": "Adaptive"}).mode == "adaptive"


@pytest.mark.parametrize(
    ("env", "config", "message"),
    [
        ({"AWS_RETRY_MODE": "aggressive"}, {}, "AWS_RETRY_MODE is 'aggressive'"),
        ({}, {"retry_mode": "x"}, "retry_mode in the config file is 'x'"),
        ({"AWS_MAX_ATTEMPTS": "zero"}, {}, "AWS_MAX_ATTEMPTS is 'zero'"),
        ({"AWS_MAX_ATTEMPTS": "0"}, {}, "AWS_MAX_ATTEMPTS is '0'"),
        ({}, {"max_attempts": "-1"}, "max_attempts in the config file is '-1'"),
    ],
)
def test_bad_values_name_their_source(
    env: dict[str, str], config: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve_retry_settings(environ=env, config=config)


def test_the_process_environment_is_read_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "9")
    monkeypatch.delenv("AWS_RETRY_MODE", raising=False)
    assert resolve_retry_settings().max_attempts == 9


def test_create_retry_strategy_builds_the_mode() -> None:
    standard = create_retry_strategy(RetrySettings("standard", 4))
    adaptive = create_retry_strategy(RetrySettings("adaptive", 6))
    assert type(standard) is StandardRetryStrategy and standard.max_attempts == 4
    assert isinstance(adaptive, AdaptiveRetryStrategy) and adaptive.max_attempts == 6
