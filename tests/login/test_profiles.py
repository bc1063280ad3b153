"""Choosing a Q Developer profile across regions, against a fake lister."""

from __future__ import annotations

import pytest

from qsmith.login.paths import LoginPaths
from qsmith.login.profiles import (
    PROFILE_REGIONS,
    Profile,
    choose_profile,
    default_profile_lister,
    list_profiles,
    profile_region,
    remember_profile,
)
from qsmith.login.state import IDENTITY_CENTER, LoginState
from qsmith.runtime.auth.tokens.provider import StaticTokenProvider
from qsmith.runtime.errors import ConfigError, TransportError

US = Profile("arn:aws:codewhisperer:us-east-1:111122223333:profile/US", "us-team")
EU = Profile("arn:aws:codewhisperer:eu-central-1:111122223333:profile/EU", "eu-team")


class FakeLister:
    def __init__(self, by_region: dict[str, list[Profile]], failing: frozenset[str] = frozenset()):
        self.by_region = by_region
        self.failing = failing
        self.asked: list[str] = []

    def list_available_profiles(self, region: str) -> list[Profile]:
        self.asked.append(region)
        if region in self.failing:
            raise TransportError(f"cannot reach {region}")
        return self.by_region.get(region, [])


def test_every_region_is_asked_and_a_failure_is_reported() -> None:
    lister = FakeLister({"us-east-1": [US], "eu-central-1": [EU]})
    listing = list_profiles(lister)
    assert lister.asked == list(PROFILE_REGIONS) == ["us-east-1", "eu-central-1"]
    assert listing.profiles == [US, EU] and listing.failures == {}
    listing = list_profiles(FakeLister({"us-east-1": [US]}, failing=frozenset({"eu-central-1"})))
    assert listing.profiles == [US]
    assert listing.failures == {"eu-central-1": "cannot reach eu-central-1"}


def test_choosing() -> None:
    both = list_profiles(FakeLister({"us-east-1": [US], "eu-central-1": [EU]}))
    asked: list[list[Profile]] = []

    def ask(profiles: list[Profile]) -> int:
        asked.append(profiles)
        return 1

    assert choose_profile(both, ask) == EU and asked == [[US, EU]]
    only = list_profiles(FakeLister({"us-east-1": [US]}))
    assert choose_profile(only, lambda _: pytest.fail("not asked for one profile")) == US
    assert choose_profile(list_profiles(FakeLister({})), ask) is None
    with pytest.raises(ConfigError, match="between 1 and 2"):
        choose_profile(both, lambda _: 5)


def test_the_profile_region_routes_calls() -> None:
    assert EU.region == "eu-central-1" and profile_region(US.arn) == "us-east-1"
    with pytest.raises(ConfigError, match="not a profile ARN"):
        profile_region("profile/EU")


def test_the_choice_is_remembered(paths: LoginPaths) -> None:
    LoginState(owner="qsmith", kind=IDENTITY_CENTER, region="eu-west-1").save(paths.state_file)
    remember_profile(paths, EU)
    state = LoginState.load(paths.state_file)
    assert (state.profile_arn, state.profile_name, state.kind) == (
        EU.arn,
        "eu-team",
        IDENTITY_CENTER,
    )


def test_no_adapter_yet_means_no_lister() -> None:
    # The adapter over the generated codewhisperer client is not there yet.
    assert default_profile_lister(StaticTokenProvider("t")) is None
