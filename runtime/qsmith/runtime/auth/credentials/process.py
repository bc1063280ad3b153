"""``credential_process``: run a command that prints credentials as JSON (Version 1).

The command line is split like a shell would (no shell is started). Its stderr goes to the
user's terminal untouched; its stdout is parsed and never echoed in errors.
"""

from __future__ import annotations

import json
import shlex
import subprocess
from typing import Any

from qsmith.runtime.auth.errors import CredentialSourceError
from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.auth.timestamps import parse_timestamp

__all__ = ["ProcessCredentialsProvider"]


class ProcessCredentialsProvider:
    def __init__(self, command: str, *, profile: str, timeout: float = 60.0) -> None:
        self._command = command
        self._profile = profile
        self._timeout = timeout

    @property
    def name(self) -> str:
        return f"credential_process of profile {self._profile}"

    def __repr__(self) -> str:
        return f"ProcessCredentialsProvider(profile={self._profile!r})"

    def resolve_credentials(self) -> AwsCredentials:
        try:
            argv = shlex.split(self._command)
        except ValueError as exc:
            raise CredentialSourceError(f"{self.name}: cannot split the command: {exc}") from None
        try:
            done = subprocess.run(argv, stdout=subprocess.PIPE, timeout=self._timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise CredentialSourceError(
                f"{self.name}: {argv[0] if argv else '(empty command)'} did not run: "
                f"{type(exc).__name__}"
            ) from None
        if done.returncode != 0:
            raise CredentialSourceError(f"{self.name}: exited with status {done.returncode}")
        return self._parse(done.stdout)

    def _parse(self, output: bytes) -> AwsCredentials:
        try:
            data: Any = json.loads(output)
        except ValueError:
            raise CredentialSourceError(f"{self.name}: the output is not JSON") from None
        if not isinstance(data, dict) or data.get("Version") != 1:
            raise CredentialSourceError(
                f"{self.name}: the output must be a JSON object with Version 1"
            )
        key, secret = data.get("AccessKeyId"), data.get("SecretAccessKey")
        if not isinstance(key, str) or not isinstance(secret, str) or not key or not secret:
            raise CredentialSourceError(f"{self.name}: AccessKeyId or SecretAccessKey is missing")
        token = data.get("SessionToken")
        expiry = data.get("Expiration")
        try:
            expiration = parse_timestamp(expiry) if isinstance(expiry, str) else None
        except ValueError as exc:
            raise CredentialSourceError(f"{self.name}: Expiration: {exc}") from None
        return AwsCredentials(
            key,
            secret,
            token if isinstance(token, str) and token else None,
            expiration=expiration,
            source=self.name,
            account_id=data.get("AccountId") if isinstance(data.get("AccountId"), str) else None,
        )
