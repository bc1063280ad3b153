"""``qsmith accounts``: the logins of a gateway pool, their health and usage, and its keys.

The pool's logins live in the accounts file (``--accounts``, default ``accounts.toml`` in
qsmith's config folder); their health, usage and the gateway keys live in the state store
(``--state``, as for ``qsmith serve``). ``add`` and ``remove`` edit the file as text, so
comments and the other entries stay as they were.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from qsmith.runtime.errors import QsmithError

F = TypeVar("F", bound=Callable[..., Any])
SOURCE_CHOICES = ("qsmith", "token-file", "sigv4", "q-cli", "kiro-cli", "kiro", "copilot")


def default_accounts_path() -> Path:
    from qsmith.login.paths import LoginPaths

    return LoginPaths.from_environment().config_dir / "accounts.toml"


def accounts_option(command: F) -> F:
    return click.option(
        "--accounts",
        "accounts_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="The accounts file (default: accounts.toml in qsmith's config folder).",
    )(command)


def state_option(command: F) -> F:
    return click.option(
        "--state", default=None, help="The state store: a SQLite file or redis://HOST:PORT/DB."
    )(command)


def with_files(command: F) -> F:
    return accounts_option(state_option(command))


@click.group()
def accounts() -> None:
    """The logins of a `qsmith serve --accounts` pool, their usage, and the gateway's keys.

    \b
    Examples:
      qsmith accounts list
      qsmith accounts keys add --name ci --requests-per-minute 10
    """


@accounts.command("list")
@with_files
def list_logins(accounts_path: Path | None, state: str | None) -> None:
    """Each login with its source, health and today's usage.

    \b
    Examples:
      qsmith accounts list --accounts team.toml
    """
    from qsmith.pool.accounts import read_accounts
    from qsmith.pool.state import open_state_store
    from qsmith.pool.usage import utc_day

    path = accounts_path or default_accounts_path()
    store = open_state_store(state)
    now = time.time()
    try:
        for spec in read_accounts(path).logins:
            health = store.health(spec.name)
            status = "disabled" if health.disabled else "ready"
            if status == "ready" and not health.available(now):
                status = f"cooling down {health.cooldown_until - now:.0f} s"
            usage = store.usage(f"login:{spec.name}", utc_day(now))
            click.echo(f"{spec.name}\t{spec.source}\t{status}\ttoday: {_counts(usage)}")
            if health.reason:
                click.echo(f"\t{health.reason}")
    finally:
        store.close()


@accounts.command("add")
@click.argument("name")
@click.option("--source", type=click.Choice(SOURCE_CHOICES), required=True)
@click.option("--path", "login_path", help="Token file, the other tool's store, or token folder.")
@click.option("--config-dir", help="source qsmith: the folder of another saved login.")
@click.option("--region")
@click.option("--profile-arn")
@click.option("--priority", type=int)
@click.option("--model", "models", multiple=True, help="Models this login serves (repeatable).")
@click.option("--aws-profile", help="source sigv4: the AWS profile to sign with.")
@accounts_option
def add(accounts_path: Path | None, name: str, **fields: Any) -> None:
    """Add a login to the accounts file (checked before it is written).

    \b
    Examples:
      qsmith accounts add work --source token-file --path ~/work-token.json --priority 1
    """
    path = accounts_path or default_accounts_path()
    entry = {"name": name, **{k: v for k, v in fields.items() if v not in (None, ())}}
    entry["path"] = entry.pop("login_path", None)
    lines = ["[[login]]"] + [
        f"{key} = {_toml_value(value)}" for key, value in entry.items() if value is not None
    ]
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    text = (before.rstrip() + "\n\n" if before.strip() else "") + "\n".join(lines) + "\n"
    _check(path, text)
    _write(path, text)
    click.echo(f"added {name} to {path}")


@accounts.command("remove")
@click.argument("name")
@accounts_option
def remove(accounts_path: Path | None, name: str) -> None:
    """Remove a login from the accounts file.

    \b
    Examples:
      qsmith accounts remove work
    """
    import tomllib

    path = accounts_path or default_accounts_path()
    blocks = _blocks(path.read_text(encoding="utf-8"))
    kept = [
        b
        for b in blocks
        if not b.startswith("[[login]]") or tomllib.loads(b)["login"][0].get("name") != name
    ]
    if len(kept) == len(blocks):
        raise click.ClickException(f"{path}: no login named {name!r}")
    _write(path, "".join(kept))
    click.echo(f"removed {name} from {path}")


@accounts.command("test")
@click.argument("names", nargs=-1)
@click.option("--endpoint-url", default=None, help="Send Amazon Q calls to this URL instead.")
@with_files
def test(
    accounts_path: Path | None, state: str | None, names: tuple[str, ...], endpoint_url: str | None
) -> None:
    """One cheap call per login (list its models); exit 1 if any fails.

    \b
    Examples:
      qsmith accounts test
      qsmith accounts test work
    """
    from qsmith.pool.accounts import read_accounts
    from qsmith.pool.logins import BackendOptions, build_login
    from qsmith.pool.state import open_state_store

    path = accounts_path or default_accounts_path()
    store = open_state_store(state)
    failed = 0
    try:
        for spec in read_accounts(path).logins:
            if names and spec.name not in names:
                continue
            try:
                login = build_login(spec, store, BackendOptions(endpoint_url, max_attempts=1))
                count = len(asyncio.run(_models(login.backend)))
                click.echo(f"{spec.name}\tok\t{count} model(s)")
            except QsmithError as error:
                failed += 1
                click.echo(f"{spec.name}\tfailed\t{type(error).__name__}: {error}")
    finally:
        store.close()
    if failed:
        raise click.exceptions.Exit(1)


@accounts.command("github-login")
@click.argument("token_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--client-id", required=True, help="Your GitHub OAuth app's client id.")
@click.option("--github", default="https://github.com", show_default=True)
def github_login(token_file: Path, client_id: str, github: str) -> None:
    """Sign in to GitHub (device flow) and save the token for a `copilot` login.

    GitHub Copilot's terms of service govern its use through the gateway.

    \b
    Examples:
      qsmith accounts github-login gh.json --client-id YOUR_OAUTH_APP_ID
    """
    from qsmith.pool.github_login import GitHubDeviceFlow, save_github_token

    flow = GitHubDeviceFlow(client_id, github=github)
    code = flow.start()
    click.echo(f"Open {code.verification_uri} and enter the code {code.user_code}", err=True)
    save_github_token(token_file, flow.wait_for_token(code))
    click.echo(f"saved the GitHub token to {token_file} (mode 0600)")


@accounts.command("enable")
@click.argument("name")
@with_files
def enable(accounts_path: Path | None, state: str | None, name: str) -> None:
    """Use a disabled login again (after logging it in again).

    \b
    Examples:
      qsmith accounts enable work
    """
    from qsmith.pool.state import open_state_store

    store = open_state_store(state)
    try:
        store.set_disabled(name, None)
        store.note_recovered(name)
    finally:
        store.close()
    click.echo(f"{name} is enabled")


@accounts.command("usage")
@click.option("--day", default=None, help="A UTC day (YYYY-MM-DD); default: all time.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_files
def usage(accounts_path: Path | None, state: str | None, day: str | None, as_json: bool) -> None:
    """Requests, tokens, credits and errors per login and per key.

    \b
    Examples:
      qsmith accounts usage --day 2026-12-07 --json
    """
    from qsmith.pool.state import TOTAL, open_state_store

    store = open_state_store(state)
    try:
        table = {scope: store.usage(scope, day or TOTAL) for scope in store.usage_scopes()}
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(table, indent=2, sort_keys=True))
        return
    for scope, counts in table.items():
        click.echo(f"{scope}\t{_counts(counts)}")


@accounts.group()
def keys() -> None:
    """The gateway's API keys (stored as digests; a secret is shown once).

    \b
    Examples:
      qsmith accounts keys list
    """


@keys.command("add")
@click.option("--name", default=None)
@click.option("--model", "models", multiple=True, help="Allowed model (repeatable; default all).")
@click.option("--requests-per-minute", type=click.IntRange(min=1), default=None)
@click.option("--credits-per-day", type=click.FloatRange(min=0), default=None)
@state_option
def add_key(
    name: str | None,
    models: tuple[str, ...],
    requests_per_minute: int | None,
    credits_per_day: float | None,
    state: str | None,
) -> None:
    """Make a key; its secret is printed once, on stdout, and never stored.

    \b
    Examples:
      qsmith accounts keys add --name ci --model claude-sonnet-4 --credits-per-day 50
    """
    from qsmith.pool.keys import new_key
    from qsmith.pool.state import open_state_store

    secret, key = new_key(
        name,
        models=models,
        requests_per_minute=requests_per_minute,
        credits_per_day=credits_per_day,
    )
    store = open_state_store(state)
    try:
        store.save_key(key)
    finally:
        store.close()
    click.echo(f"created {key.id}; its secret (shown once):", err=True)
    click.echo(secret)


@keys.command("list")
@state_option
def list_keys(state: str | None) -> None:
    """Each key's id, name, models and limits (never its secret).

    \b
    Examples:
      qsmith accounts keys list --state redis://127.0.0.1:6379/0
    """
    from qsmith.pool.state import open_state_store

    store = open_state_store(state)
    try:
        for key in store.keys():  # noqa: SIM118 - a store, not a dict
            limits = (
                f"rpm {key.requests_per_minute or '-'}, credits/day {key.credits_per_day or '-'}"
            )
            models = ",".join(key.models) or "all models"
            click.echo(f"{key.id}\t{key.name or ''}\t{models}\t{limits}")
    finally:
        store.close()


@keys.command("remove")
@click.argument("key_id")
@state_option
def remove_key(key_id: str, state: str | None) -> None:
    """Delete a key: requests that send it are refused from then on.

    \b
    Examples:
      qsmith accounts keys remove KEY_ID
    """
    from qsmith.pool.state import open_state_store

    store = open_state_store(state)
    try:
        if not store.delete_key(key_id):
            raise click.ClickException(f"no key {key_id!r}")
    finally:
        store.close()
    click.echo(f"removed {key_id}")


async def _models(backend: Any) -> list[Any]:
    try:
        return list(await backend.list_models())
    finally:
        await backend.aclose()


def _counts(counts: dict[str, float]) -> str:
    return ", ".join(f"{name} {value:g}" for name, value in sorted(counts.items())) or "-"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value))  # a JSON string is a valid TOML basic string


def _blocks(text: str) -> list[str]:
    """The file cut before each ``[[login]]`` line (the first block: the settings)."""
    blocks = [""]
    for line in text.splitlines(keepends=True):
        if line.strip() == "[[login]]":
            blocks.append("")
        blocks[-1] += line
    return blocks


def _check(path: Path, text: str) -> None:
    """Refuse to write a file ``qsmith serve --accounts`` would refuse to read."""
    import tomllib

    from qsmith.pool.accounts import AccountsFileError, parse_accounts

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise AccountsFileError(f"{path}: not valid TOML ({error})") from None
    parse_accounts(data, where=str(path), base=path.parent)


def _write(path: Path, text: str) -> None:
    """Replace ``path`` whole (a temporary file renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
