"""``ProfileLister`` over the generated codewhisperer client: ListAvailableProfiles, all pages.

Each region is asked at its own endpoint (the client's rules resolve it from the region,
or ``AWS_ENDPOINT_URL_CODEWHISPERERRUNTIME`` overrides it), with the login's token.
"""

from __future__ import annotations

from qsmith.clients.codewhisperer import Client
from qsmith.login.profiles import Profile
from qsmith.runtime.auth.tokens.provider import TokenProvider
from qsmith.runtime.client import ClientConfig

__all__ = ["CodeWhispererProfileLister"]


class CodeWhispererProfileLister:
    """Lists the Q Developer profiles a bearer login can use, one region at a time."""

    def __init__(self, token_provider: TokenProvider, endpoint_url: str | None = None) -> None:
        self._tokens = token_provider
        self._endpoint_url = endpoint_url

    def list_available_profiles(self, region: str) -> list[Profile]:
        config = ClientConfig(region=region, token=self._tokens, endpoint_url=self._endpoint_url)
        with Client(config=config) as client:
            return [
                Profile(arn=profile.arn, name=profile.profile_name)
                for page in client.paginate_list_available_profiles()
                for profile in page.profiles
            ]
