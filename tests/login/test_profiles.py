"""Choosing a Q Developer profile across regions, against a fake lister."""

from __future__ import annotations

import json

import pytest

from qsmith.login.paths import LoginPaths
from qsmith.login.profile_adapter import CodeWhispererProfileLister
from qsmith.login.profiles import (
    PROFILE_REGIONS,
    Profile,
    choose_profile,
    list_profiles,
    profile_region,
    remember_profile,
)
from qsmith.login.state import IDENTITY_CENTER, LoginState
from qsmith.runtime.auth.tokens.provider import StaticTokenProvider
from qsmith.runtime.errors import ConfigError, TransportError
from qsmith.testing import LoopbackServer, ScriptedResponse

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


def test_the_generated_client_lists_profiles_of_a_region_across_pages(
    loopback: LoopbackServer,
) -> None:
    page = {"profiles": [{"arn": EU.arn, "profileName": EU.name}], "nextToken": "n"}
    last = {"profiles": [{"arn": US.arn, "profileName": US.name}]}
    loopback.enqueue(
        ScriptedResponse.json(200, json.dumps(page)), ScriptedResponse.json(200, json.dumps(last))
    )
    lister = CodeWhispererProfileLister(StaticTokenProvider("t"), endpoint_url=loopback.url)
    assert lister.list_available_profiles("eu-central-1") == [EU, US]
    targets = [r.header("X-Amz-Target") for r in loopback.requests]
    assert targets == ["AmazonCodeWhispererService.ListAvailableProfiles"] * 2
    assert [r.header("Authorization") for r in loopback.requests] == ["Bearer t"] * 2
