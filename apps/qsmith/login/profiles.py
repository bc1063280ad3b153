"""Q Developer profiles: list them in every region, let the user choose, remember the choice.

Identity Center users must send a profile ARN with each call, and each call must go to the
endpoint of the profile's region. ``ProfileLister`` is our interface to
ListAvailableProfiles (one region per call); ``qsmith.login.profile_adapter`` implements it
with the generated codewhisperer client and imports this module, never the other way round.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from qsmith.login.paths import LoginPaths
from qsmith.login.state import LoginState
from qsmith.runtime.errors import ConfigError, QsmithError

__all__ = [
    "PROFILE_REGIONS",
    "Profile",
    "ProfileLister",
    "ProfileListing",
    "choose_profile",
    "list_profiles",
    "profile_region",
    "remember_profile",
]

# The regions that serve Q Developer profiles today.
PROFILE_REGIONS = ("us-east-1", "eu-central-1")
_log = logging.getLogger("qsmith.login")


@dataclass(frozen=True, slots=True)
class Profile:
    arn: str
    name: str

    @property
    def region(self) -> str:
        return profile_region(self.arn)


class ProfileLister(Protocol):
    """ListAvailableProfiles against one region's endpoint, all pages."""

    def list_available_profiles(self, region: str) -> list[Profile]: ...


@dataclass(frozen=True, slots=True)
class ProfileListing:
    profiles: list[Profile]
    failures: dict[str, str]  # region -> why listing failed there


def profile_region(arn: str) -> str:
    """``arn:aws:codewhisperer:eu-central-1:123456789012:profile/ABC`` -> ``eu-central-1``."""
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn" or not parts[3]:
        raise ConfigError(f"not a profile ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:...): {arn!r}")
    return parts[3]


def list_profiles(
    lister: ProfileLister, regions: Sequence[str] = PROFILE_REGIONS
) -> ProfileListing:
    """Every region's profiles; a region that fails is reported, the others still count."""
    profiles: list[Profile] = []
    failures: dict[str, str] = {}
    for region in regions:
        try:
            profiles.extend(lister.list_available_profiles(region))
        except QsmithError as exc:
            _log.warning("listing profiles in %s failed: %s", region, exc)
            failures[region] = str(exc)
    return ProfileListing(profiles, failures)


def choose_profile(listing: ProfileListing, ask: Callable[[list[Profile]], int]) -> Profile | None:
    """One profile: the only one, or the one ``ask`` picks (an index into the list)."""
    if not listing.profiles:
        return None
    if len(listing.profiles) == 1:
        return listing.profiles[0]
    index = ask(listing.profiles)
    if not 0 <= index < len(listing.profiles):
        raise ConfigError(
            f"profile choice {index + 1} is not between 1 and " f"{len(listing.profiles)}"
        )
    return listing.profiles[index]


def remember_profile(paths: LoginPaths, profile: Profile) -> LoginState:
    state = replace(
        LoginState.load(paths.state_file), profile_arn=profile.arn, profile_name=profile.name
    )
    state.save(paths.state_file)
    return state
