"""Which retry strategy a client uses: explicit settings, then environment, then config file.

The shared config file is parsed elsewhere; this module receives the active profile's
settings as a mapping (``max_attempts``, ``retry_mode``) and names the source of any
bad value in the ConfigError it raises.
"""

from __future__ import annotations

import os
import random as _random
import time
from collections.abc import Mapping
from dataclasses import dataclass

from qsmith.runtime.errors import ConfigError
from qsmith.runtime.retry.adaptive import AdaptiveRetryStrategy
from qsmith.runtime.retry.standard import (
    DEFAULT_MAX_ATTEMPTS,
    Clock,
    RandomSource,
    RetryQuota,
    StandardRetryStrategy,
)

__all__ = ["RETRY_MODES", "RetrySettings", "create_retry_strategy", "resolve_retry_settings"]

RETRY_MODES = ("standard", "adaptive", "legacy")


@dataclass(frozen=True, slots=True)
class RetrySettings:
    mode: str  # "standard" or "adaptive" ("legacy" is read as "standard")
    max_attempts: int


def resolve_retry_settings(
    *,
    mode: str | None = None,
    max_attempts: int | None = None,
    environ: Mapping[str, str] | None = None,
    config: Mapping[str, str] | None = None,
) -> RetrySettings:
    """Each setting from the first source that has it: argument, environment, config file."""
    env = os.environ if environ is None else environ
    cfg = config or {}
    raw_mode, mode_source = _first(
        (mode, "the retry_mode argument"),
        (env.get("AWS_RETRY_MODE"), "AWS_RETRY_MODE"),
        (cfg.get("retry_mode"), "retry_mode in the config file"),
    )
    chosen = (raw_mode or "standard").strip().lower()
    if chosen not in RETRY_MODES:
        raise ConfigError(
            f"{mode_source} is {raw_mode!r}; expected one of {', '.join(RETRY_MODES)}"
        )
    raw_attempts, attempts_source = _first(
        (None if max_attempts is None else str(max_attempts), "the max_attempts argument"),
        (env.get("AWS_MAX_ATTEMPTS"), "AWS_MAX_ATTEMPTS"),
        (cfg.get("max_attempts"), "max_attempts in the config file"),
    )
    attempts = DEFAULT_MAX_ATTEMPTS
    if raw_attempts is not None:
        try:
            attempts = int(raw_attempts.strip())
        except ValueError:
            attempts = 0
        if attempts < 1:
            raise ConfigError(f"{attempts_source} is {raw_attempts!r}; expected an integer >= 1")
    # Legacy mode differs per SDK; qsmith has one behaviour and reads it as standard.
    return RetrySettings(
        mode="adaptive" if chosen == "adaptive" else "standard", max_attempts=attempts
    )


def create_retry_strategy(
    settings: RetrySettings,
    *,
    quota: RetryQuota | None = None,
    clock: Clock = time.monotonic,
    random: RandomSource = _random.random,
) -> StandardRetryStrategy:
    """The strategy for these settings; share one per client so its quota is shared."""
    if settings.mode == "adaptive":
        return AdaptiveRetryStrategy(
            max_attempts=settings.max_attempts, quota=quota, clock=clock, random=random
        )
    return StandardRetryStrategy(
        max_attempts=settings.max_attempts, quota=quota, clock=clock, random=random
    )


def _first(*candidates: tuple[str | None, str]) -> tuple[str | None, str]:
    for value, source in candidates:
        if value is not None and value.strip() != "":
            return value, source
    return None, candidates[-1][1]
