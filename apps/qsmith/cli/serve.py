"""``qsmith serve``: the OpenAI- and Anthropic-compatible gateway in front of Amazon Q.

The ASGI stack (starlette, uvicorn) is the optional ``qsmith[gateway]`` extra; it is
imported only when the command runs, and its absence is reported with the install line.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import os
import tomllib
from pathlib import Path
from typing import Any

import click

from qsmith.cli.login_check import NO_LOGIN, has_bearer_login, needs_bearer

GATEWAY_MODULES = ("starlette", "uvicorn", "anyio")
INSTALL_HINT = "qsmith serve needs the optional extra: pip install 'qsmith[gateway]'"
API_KEYS_ENV = "QSMITH_GATEWAY_API_KEYS"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
DEFAULT_MAX_BODY = 32 * 1024 * 1024
# Longer than any common client pool keeps an idle connection (httpx 5 s, undici 4 s,
# aiohttp 15 s, Go 90 s), so the server never closes one the client is about to reuse.
DEFAULT_IDLE_TIMEOUT = 120.0
MAX_HEADER_BYTES = 64 * 1024


def require_gateway_extra() -> None:
    missing = [name for name in GATEWAY_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise click.ClickException(f"{INSTALL_HINT} (missing: {', '.join(missing)})")


def api_keys(given: tuple[str, ...], environ: dict[str, str] | None = None) -> frozenset[str]:
    """Keys from ``--api-key`` and from the comma-separated ``QSMITH_GATEWAY_API_KEYS``."""
    environ = dict(os.environ) if environ is None else environ
    from_env = [k.strip() for k in environ.get(API_KEYS_ENV, "").split(",")]
    return frozenset(k for k in (*given, *from_env) if k)


def model_aliases(given: tuple[str, ...], config_path: str | None) -> dict[str, str]:
    """Aliases from the config file's ``[model_aliases]`` table, then ``--model-alias NAME=ID``
    (which win)."""
    aliases: dict[str, str] = {}
    path = Path(config_path) if config_path else default_config_path()
    if config_path or path.is_file():
        aliases.update(_file_aliases(path))
    for item in given:
        name, sep, model_id = item.partition("=")
        if not sep or not name.strip() or not model_id.strip():
            raise click.BadParameter(f"expected NAME=ID, got {item!r}", param_hint="--model-alias")
        aliases[name.strip()] = model_id.strip()
    return aliases


def reasoning_models(given: tuple[str, ...], config_path: str | None) -> dict[str, bool]:
    """Which service models are asked for reasoning, beyond the built-in family table: the
    config file's ``[reasoning_models]`` table (``"ID" = true``), then
    ``--reasoning-model ID=on|off`` (which win)."""
    chosen: dict[str, bool] = {}
    path = Path(config_path) if config_path else default_config_path()
    if config_path or path.is_file():
        table = _file_table(path, "reasoning_models")
        if not all(isinstance(v, bool) for v in table.values()):
            raise click.ClickException(
                f"{path}: [reasoning_models] must map model ids to true/false"
            )
        chosen.update(table)
    for item in given:
        model_id, _, switch = item.rpartition("=")
        if not model_id.strip() or switch.strip().lower() not in ("on", "off"):
            raise click.BadParameter(
                f"expected ID=on or ID=off, got {item!r}", param_hint="--reasoning-model"
            )
        chosen[model_id.strip()] = switch.strip().lower() == "on"
    return chosen


def default_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "qsmith" / "gateway.toml"


def _file_aliases(path: Path) -> dict[str, str]:
    table = _file_table(path, "model_aliases")
    if not all(isinstance(v, str) for v in table.values()):
        raise click.ClickException(f"{path}: [model_aliases] must map names to model id strings")
    return {str(k): str(v) for k, v in table.items()}


def _file_table(path: Path, name: str) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            table = tomllib.load(file).get(name, {})
    except OSError as error:
        raise click.ClickException(f"cannot read {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise click.ClickException(f"{path} is not valid TOML: {error}") from None
    if not isinstance(table, dict):
        raise click.ClickException(f"{path}: [{name}] must be a table")
    return dict(table)


def _log_config(base: dict[str, Any], level: str) -> dict[str, Any]:
    """uvicorn's logging setup, plus the gateway's own loggers on its default handler."""
    config = copy.deepcopy(base)
    config["loggers"]["qsmith.gateway"] = {
        "handlers": ["default"],
        "level": level.upper(),
        "propagate": False,
    }
    return config


def server_config(
    *,
    host: str,
    port: int,
    keys: frozenset[str],
    region: str,
    models: tuple[str, ...],
    profile_arn: str | None,
    endpoint_url: str | None,
    keepalive: float,
    log_level: str,
    max_streams: int = 100,
    token: str | None = None,
    aliases: dict[str, str] | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
    reasoning: dict[str, bool] | None = None,
) -> Any:
    """The uvicorn configuration of the gateway (a ``uvicorn.Config``)."""
    require_gateway_extra()
    import uvicorn

    from qsmith.gateway.app import GatewayConfig, create_app
    from qsmith.gateway.chat_backend import ChatBackend

    backend = ChatBackend(
        region=region,
        token=token,
        profile_arn=profile_arn,
        models=models,
        endpoint_url=endpoint_url,
        max_streams=max_streams,
    )
    config = GatewayConfig(
        api_keys=keys,
        keepalive_interval=keepalive,
        model_aliases=dict(aliases or {}),
        max_body=max_body,
        reasoning_models=dict(reasoning or {}),
    )
    app = create_app(backend, config)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        timeout_keep_alive=max(1, round(idle_timeout)),
        # uvicorn writes its access line when headers go out; the gateway logs each
        # request when it ends, with its real outcome (qsmith.gateway.access).
        access_log=False,
        log_config=_log_config(uvicorn.config.LOGGING_CONFIG, log_level),
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
    )


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--api-key",
    "given_keys",
    multiple=True,
    help=f"A key clients must send (repeatable); prefer ${API_KEYS_ENV} (comma-separated), "
    "which stays out of process listings.",
)
@click.option("--region", default="us-east-1", show_default=True, help="Amazon Q region.")
@click.option(
    "--model",
    "models",
    multiple=True,
    help="Serve these model ids instead of asking the service for its list (repeatable).",
)
@click.option(
    "--model-alias",
    "given_aliases",
    multiple=True,
    metavar="NAME=ID",
    help="Serve requests for model NAME with service model ID (repeatable).",
)
@click.option(
    "--reasoning-model",
    "given_reasoning",
    multiple=True,
    metavar="ID=on|off",
    help="Ask service model ID for extended thinking, or never (repeatable; overrides the "
    "built-in table of Claude models with extended thinking).",
)
@click.option(
    "--config",
    "config_path",
    default=None,
    type=click.Path(dir_okay=False),
    help="A TOML file with [model_aliases] and [reasoning_models] tables "
    "(default: $XDG_CONFIG_HOME/qsmith/gateway.toml when it exists).",
)
@click.option("--profile-arn", default=None, help="The Amazon Q profile ARN, if any.")
@click.option("--endpoint-url", default=None, help="Send Amazon Q calls to this URL instead.")
@click.option(
    "--keepalive", default=15.0, show_default=True, help="Seconds of silence before a keep-alive."
)
@click.option(
    "--max-streams", default=100, show_default=True, help="Concurrent upstream calls at most."
)
@click.option(
    "--max-body",
    default=DEFAULT_MAX_BODY,
    show_default=True,
    type=click.IntRange(min=1024),
    help="Request bodies over this many bytes are refused (413) before they are read.",
)
@click.option(
    "--idle-timeout",
    default=DEFAULT_IDLE_TIMEOUT,
    show_default=True,
    type=click.FloatRange(min=1),
    help="Seconds an idle client connection is kept open for reuse.",
)
@click.option("--log-level", default="info", show_default=True)
@click.option(
    "--accounts",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Serve a pool of logins listed in this TOML file (see docs/design/gateway-pool.md).",
)
@click.option("--state", help="With --accounts: a SQLite file or redis://HOST:PORT/DB.")
@click.option(
    "--admin-key",
    envvar="QSMITH_ADMIN_KEY",
    help="With --accounts: turn on /admin with this key (prefer $QSMITH_ADMIN_KEY).",
)
@click.option(
    "--fake",
    is_flag=True,
    help="Answer from qsmith's offline stand-in for Amazon Q (no login needed).",
)
def serve(
    host: str,
    port: int,
    given_keys: tuple[str, ...],
    region: str,
    models: tuple[str, ...],
    given_aliases: tuple[str, ...],
    given_reasoning: tuple[str, ...],
    config_path: str | None,
    profile_arn: str | None,
    endpoint_url: str | None,
    keepalive: float,
    max_streams: int,
    max_body: int,
    idle_timeout: float,
    log_level: str,
    fake: bool,
    accounts: Path | None = None,
    state: str | None = None,
    admin_key: str | None = None,
) -> None:
    """Serve the OpenAI and Anthropic APIs in front of Amazon Q (log in with `qsmith login`).

    Needs the gateway extra: pip install 'qsmith[gateway]'.

    \b
    Examples:
      qsmith serve --fake
      qsmith serve --port 8080 --api-key $KEY
    """
    keys = api_keys(given_keys)
    if host not in LOOPBACK_HOSTS and not keys:
        click.echo(
            f"warning: serving on {host} without API keys: anyone who can reach it uses your "
            f"Amazon Q login (set ${API_KEYS_ENV})",
            err=True,
        )
    if accounts is not None:
        if models or profile_arn:
            raise click.UsageError("with --accounts, set models and profile ARNs per login")
        require_gateway_extra()
        from qsmith.pool.serving import serve_team

        where = (host, port, endpoint_url, keepalive, log_level, max_streams)
        serve_team(accounts, state, admin_key, keys, *where)
        return
    require_gateway_extra()
    if not fake and needs_bearer() and not has_bearer_login():
        click.echo(
            f"warning: {NO_LOGIN}: calls will fail until you log in; "
            "`qsmith serve --fake` serves the offline stand-in instead",
            err=True,
        )
    reasoning = reasoning_models(given_reasoning, config_path)
    with contextlib.ExitStack() as stack:
        token = None
        if fake:
            from qsmith.standin import STANDIN_REASONING

            endpoint_url, token = _start_standin(stack)
            reasoning = {**STANDIN_REASONING, **reasoning}
        config = server_config(
            host=host,
            port=port,
            keys=keys,
            region=region,
            models=models,
            profile_arn=profile_arn,
            endpoint_url=endpoint_url,
            keepalive=keepalive,
            log_level=log_level,
            max_streams=max_streams,
            token=token,
            aliases=model_aliases(given_aliases, config_path),
            max_body=max_body,
            idle_timeout=idle_timeout,
            reasoning=reasoning,
        )
        import uvicorn

        uvicorn.Server(config).run()


def _start_standin(stack: contextlib.ExitStack) -> tuple[str, str]:
    """Start the offline stand-in for Amazon Q; its URL and the token it accepts."""
    from qsmith.standin import STANDIN_TOKEN, StandIn

    standin = stack.enter_context(StandIn())
    click.echo(f"serving qsmith's offline stand-in for Amazon Q (at {standin.url})", err=True)
    return standin.url, STANDIN_TOKEN
