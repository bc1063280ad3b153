"""``qsmith login``, ``qsmith logout`` and ``qsmith whoami``.

``login`` runs the device-code flow (AWS Builder ID by default; IAM Identity Center with
``--start-url`` and ``--region``) or adopts another tool's login (``--import``). Paths come
from the environment (see ``qsmith.login.paths``); no command prints a token.
"""

from __future__ import annotations

import os
import sys
import webbrowser
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import click

from qsmith.login import session
from qsmith.login.device_flow import DeviceCodeLogin
from qsmith.login.errors import NotLoggedInError
from qsmith.login.oidc import DeviceAuthorization
from qsmith.login.oidc_client_adapter import OidcClientAdapter
from qsmith.login.other_tool_logins import IMPORT_SOURCES, ImportedLogin, read_import
from qsmith.login.paths import LoginPaths
from qsmith.login.profiles import (
    Profile,
    choose_profile,
    list_profiles,
    profile_region,
)
from qsmith.login.registration import RegistrationCache
from qsmith.login.state import BUILDER_ID_START_URL, IDENTITY_CENTER, LoginState, identity_kind
from qsmith.runtime.auth.identity import utc_now

BUILDER_ID_REGION = "us-east-1"


def _expiry(expiration: datetime | None) -> str:
    if expiration is None:
        return "not recorded"
    stamp = expiration.strftime("%Y-%m-%d %H:%M:%S UTC")
    minutes = int((expiration - utc_now()).total_seconds() // 60)
    return f"{stamp} (EXPIRED)" if minutes < 0 else f"{stamp} (in {minutes} min)"


def _show_prompt(authorization: DeviceAuthorization) -> None:
    click.echo("To log in, open this page in a browser:")
    click.echo(f"  {authorization.verification_uri}")
    click.echo(f"and confirm the code: {authorization.user_code}")
    if authorization.verification_uri_complete:
        click.echo(f"(or open {authorization.verification_uri_complete})")
    minutes = max(1, authorization.expires_in // 60)
    click.echo(f"Waiting for approval (the code is valid for {minutes} min)...")


def _open_browser(url: str) -> bool:
    """Open the page when a browser is likely to be there (a desktop or macOS/Windows)."""
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if not (has_display or sys.platform in ("darwin", "win32")):
        return False
    try:
        return webbrowser.open(url)
    except webbrowser.Error:
        return False


def _pick(profiles: list[Profile]) -> int:
    for number, profile in enumerate(profiles, start=1):
        click.echo(f"  {number}. {profile.name} ({profile.region})  {profile.arn}")
    choice: int = click.prompt("Profile", type=click.IntRange(1, len(profiles)))
    return choice - 1


def _choose_profile(paths: LoginPaths, state: LoginState, profile_arn: str | None) -> LoginState:
    """The profile: as given, else chosen from the listing; Builder ID needs none."""
    if profile_arn:
        profile_region(profile_arn)  # a malformed ARN fails here, before it is stored
        return replace(state, profile_arn=profile_arn)
    if state.kind != IDENTITY_CENTER:
        return state
    from qsmith.login.profile_adapter import CodeWhispererProfileLister

    listing = list_profiles(CodeWhispererProfileLister(session.login_token_provider(paths)))
    for region, why in listing.failures.items():
        click.echo(f"warning: cannot list profiles in {region}: {why}", err=True)
    profile = choose_profile(listing, _pick)
    if profile is None:
        click.echo("No Q Developer profile is available to this login.")
        return state
    return replace(state, profile_arn=profile.arn, profile_name=profile.name)


def _device_login(
    paths: LoginPaths, start_url: str, region: str, browser: bool, profile_arn: str | None
) -> None:
    from qsmith.clients.sso_oidc import Client as OidcClient

    # The generated sso-oidc client: its endpoint follows the model's rules for the region,
    # or AWS_ENDPOINT_URL_SSO_OIDC; these operations are unsigned, so no credentials.
    with OidcClient(region=region) as oidc:
        flow = DeviceCodeLogin(
            OidcClientAdapter(oidc, region),
            RegistrationCache(paths.sso_cache_dir),
            show=_show_prompt,
            open_browser=_open_browser if browser else None,
        )
        token = flow.run(start_url)
    kind = identity_kind(start_url)
    state = LoginState(owner="qsmith", kind=kind, region=region, start_url=start_url)
    session.save_own_login(paths, token, state)
    state = _choose_profile(paths, state, profile_arn)
    state.save(paths.state_file)
    click.echo(f"Logged in ({kind}, {region}); the token expires {_expiry(token.expiration)}.")


def _import_login(
    paths: LoginPaths, source: str, take: bool, profile_arn: str | None, store: Path | None
) -> None:
    imported: ImportedLogin = read_import(source, session.import_paths(paths, source, store))
    if take:
        state = session.take_over(paths, imported)
        click.echo(
            f"qsmith now owns the {source} login and refreshes it itself; {source} will need "
            "to log in again (a refresh by qsmith replaces the refresh token it holds)."
        )
    else:
        state = LoginState(
            owner=source,
            kind=imported.kind,
            region=imported.token.region,
            start_url=imported.token.start_url,
            refresher=imported.refresher,
            profile_arn=imported.profile_arn,
            profile_name=imported.profile_name,
            social_provider=imported.social_provider,
            import_path=str(store.resolve()) if store is not None else None,
        )
        click.echo(
            f"Using the {source} login ({imported.kind}); {source} keeps refreshing it and "
            "qsmith reads it again when it expires."
        )
    state.save(paths.state_file)
    state = _choose_profile(paths, state, profile_arn)
    state.save(paths.state_file)
    click.echo(f"The token expires {_expiry(imported.token.expiration)}.")


@click.command()
@click.option("--start-url", help="IAM Identity Center start URL (default: AWS Builder ID).")
@click.option("--region", help="Region of the Identity Center instance (with --start-url).")
@click.option(
    "--import", "source", type=click.Choice(IMPORT_SOURCES), help="Use another tool's login."
)
@click.option("--take-over", is_flag=True, help="With --import: copy it; qsmith refreshes it.")
@click.option(
    "--from",
    "source_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --import: the other tool's database or token file (default: its usual place).",
)
@click.option("--profile-arn", help="The Q Developer profile to use (Identity Center).")
@click.option("--no-browser", is_flag=True, help="Do not try to open a browser.")
def login(
    start_url: str | None,
    region: str | None,
    source: str | None,
    take_over: bool,
    source_path: Path | None,
    profile_arn: str | None,
    no_browser: bool,
) -> None:
    """Log in with AWS Builder ID or IAM Identity Center, or import another tool's login.

    \b
    Examples:
      qsmith login
      qsmith login --start-url https://my-org.awsapps.com/start --region eu-west-1
    """
    paths = LoginPaths.from_environment()
    if source is not None:
        if start_url or region:
            raise click.UsageError("--import cannot be combined with --start-url/--region")
        _import_login(paths, source, take_over, profile_arn, source_path)
        return
    if take_over or source_path is not None:
        raise click.UsageError("--take-over and --from go with --import")
    if start_url and not region:
        raise click.UsageError("IAM Identity Center needs --region with --start-url")
    if region and not start_url:
        raise click.UsageError("--region goes with --start-url (AWS Builder ID is in us-east-1)")
    _device_login(
        paths,
        start_url or BUILDER_ID_START_URL,
        region or BUILDER_ID_REGION,
        not no_browser,
        profile_arn,
    )


@click.command()
def logout() -> None:
    """Forget the current login (qsmith's own token file is deleted).

    \b
    Example:
      qsmith logout
    """
    try:
        click.echo(session.logout(LoginPaths.from_environment()))
    except NotLoggedInError:
        click.echo("Not logged in; nothing to do.")


@click.command()
def whoami() -> None:
    """Show the current login: identity kind, owner, region, expiry and profile.

    \b
    Example:
      qsmith whoami
    """
    info = session.whoami(LoginPaths.from_environment())
    owner = (
        "qsmith (refreshed by qsmith)"
        if info.owner == "qsmith"
        else f"imported from {info.owner} ({info.owner} refreshes it)"
    )
    profile = (
        f"{info.profile_name or '(unnamed)'} {info.profile_arn}" if info.profile_arn else "none"
    )
    click.echo(f"identity: {info.kind}")
    click.echo(f"login:    {owner}")
    click.echo(f"region:   {info.region or 'not recorded'}")
    click.echo(f"expires:  {_expiry(info.expiration)}")
    click.echo(f"profile:  {profile}")
