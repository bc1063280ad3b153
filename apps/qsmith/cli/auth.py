"""``qsmith auth status``: which identity a call would use, without showing a secret.

For AWS credentials it resolves the default chain (as a client would) and shows the
source, the masked access key id and the expiry, or every source tried and why. For the
bearer token it reads each token source in order without refreshing it and shows the
first one found: its source, expiry (or that it has expired) and region.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from qsmith.runtime.auth.credentials.chain import default_credential_chain
from qsmith.runtime.auth.errors import NoCredentialsError, NoTokenError
from qsmith.runtime.auth.identity import AwsCredentials, BearerToken, mask_access_key_id, utc_now
from qsmith.runtime.auth.tokens.chain import default_token_chain
from qsmith.runtime.auth.tokens.refreshing import RefreshingTokenProvider
from qsmith.runtime.errors import ConfigError, IdentityError


@click.group()
def auth() -> None:
    """Inspect the identities qsmith signs requests with.

    \b
    Example:
      qsmith auth status --profile work
    """


def _expiry(expiration: datetime | None) -> str:
    if expiration is None:
        return "does not expire"
    remaining = expiration - utc_now()
    stamp = expiration.strftime("%Y-%m-%d %H:%M:%S UTC")
    if remaining.total_seconds() <= 0:
        return f"{stamp} (EXPIRED)"
    minutes = int(remaining.total_seconds() // 60)
    return f"{stamp} (in {minutes // 60} h {minutes % 60} min)"


def _credentials_lines(profile: str | None) -> list[str]:
    try:
        credentials: AwsCredentials = default_credential_chain(
            profile=profile
        ).resolve_credentials()
    except NoCredentialsError as exc:
        lines = ["  none found; sources tried in order:"]
        lines += [f"    - {source}: {reason}" for source, reason in exc.attempts]
        return lines
    except (IdentityError, ConfigError) as exc:
        return [f"  error: {exc}"]
    return [
        f"  source:        {credentials.source}",
        f"  access key id: {mask_access_key_id(credentials.access_key_id)}",
        f"  session token: {'yes' if credentials.session_token else 'no'}",
        f"  expires:       {_expiry(credentials.expiration)}",
    ]


def _token_lines(
    token_file: Path | None, sso_session: str | None, profile: str | None
) -> list[str]:
    try:
        chain = default_token_chain(token_file=token_file, sso_session=sso_session, profile=profile)
    except ConfigError as exc:
        return [f"  error: {exc}"]
    tried: list[str] = []
    for provider in chain.providers:
        try:
            token: BearerToken = (
                provider.peek_token()
                if isinstance(provider, RefreshingTokenProvider)
                else provider.resolve_token()
            )
        except NoTokenError as exc:
            tried.append(f"    - {provider.source}: {exc}")
            continue
        except (IdentityError, ConfigError) as exc:
            return [f"  source:  {provider.source}", f"  error:   {exc}"]
        return [
            f"  source:  {provider.source}",
            f"  expires: {_expiry(token.expiration)}",
            f"  region:  {token.region or '(not recorded)'}",
            f"  refresh: {'possible' if token.refresh_token else 'not possible'}",
        ]
    return ["  none found; sources tried in order:", *tried]


@auth.command()
@click.option("--profile", help="Use this profile of the shared config files.")
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A token JSON file to report on (default: $QSMITH_TOKEN_FILE).",
)
@click.option("--sso-session", help="An sso-session whose cached token to report on.")
def status(profile: str | None, token_file: Path | None, sso_session: str | None) -> None:
    """Show where AWS credentials and the bearer token come from (never a secret).

    \b
    Example:
      qsmith auth status --profile work
    """
    click.echo("AWS credentials (SigV4 services: consolas, qdeveloper-streaming, telemetry)")
    for line in _credentials_lines(profile):
        click.echo(line)
    click.echo("Bearer token (codewhisperer, codewhisperer-streaming)")
    for line in _token_lines(token_file, sso_session, profile):
        click.echo(line)
