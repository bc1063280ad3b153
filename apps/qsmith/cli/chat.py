"""``qsmith chat [PROMPT]``: talk to Amazon Q Developer from the terminal.

One-shot with ``--non-interactive`` (the answer streams to stdout, exit 0), otherwise a
prompt loop: answers stream as they arrive, Ctrl-C cancels the current answer and keeps
the session, ``/quit`` or end of input leaves. ``--json`` prints one JSON object per
event. Conversations are saved in the store (``--no-save`` to skip) and reopened with
``--resume ID``; ``--list``, ``--show ID`` and ``--export ID`` read the store.
"""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any

import click

from qsmith.chat import (
    Conversation,
    ConversationStore,
    ReasoningDelta,
    TextDelta,
    TurnComplete,
    event_to_dict,
)
from qsmith.chat.store import ConversationRecord
from qsmith.cli.login_check import NO_LOGIN, has_bearer_login, needs_bearer

QUIT_COMMANDS = frozenset({"/quit", "/exit", "/q"})
HELP_COMMANDS = frozenset({"/help", "/?"})
INTERACTIVE_HELP = """\
/help        this list
/quit        leave (also /exit, /q, or Ctrl-D)
Ctrl-C       cancel the answer being written; the conversation goes on
Anything else is sent to Amazon Q."""


@click.command()
@click.argument("prompt", required=False)
@click.option("--non-interactive", is_flag=True, help="Answer PROMPT (or stdin) and exit.")
@click.option("--model", help="Model id, or custom:<region>:<model-id> (SigV4).")
@click.option("--region", help="AWS region of the service.")
@click.option("--profile", help="AWS profile for credentials or the SSO token.")
@click.option("--profile-arn", envvar="QSMITH_PROFILE_ARN", help="Q Developer profile ARN.")
@click.option("--resume", "resume_id", metavar="ID", help="Continue a stored conversation.")
@click.option("--json", "as_json", is_flag=True, help="Print events as JSON lines.")
@click.option("--endpoint-url", help="Send requests to this URL (tests, proxies).")
@click.option("--no-save", is_flag=True, help="Do not save this conversation.")
@click.option("--list-models", is_flag=True, help="List the models this login may use.")
@click.option("--list", "list_stored", is_flag=True, help="List stored conversations.")
@click.option("--show", "show_id", metavar="ID", help="Print a stored conversation.")
@click.option("--export", "export_id", metavar="ID", help="Export a stored conversation.")
@click.option("--format", "export_format", type=click.Choice(["json", "markdown"]), default="json")
@click.option(
    "--fake",
    is_flag=True,
    help="Talk to qsmith's offline stand-in for Amazon Q (no login, nothing saved).",
)
def chat(
    prompt: str | None,
    non_interactive: bool,
    model: str | None,
    region: str | None,
    profile: str | None,
    profile_arn: str | None,
    resume_id: str | None,
    as_json: bool,
    endpoint_url: str | None,
    no_save: bool,
    list_models: bool,
    list_stored: bool,
    show_id: str | None,
    export_id: str | None,
    export_format: str,
    fake: bool,
) -> None:
    """Chat with Amazon Q Developer; PROMPT starts the conversation.

    \b
    Examples:
      qsmith chat --fake --non-interactive "hello"
      qsmith chat "How do I read a file in Rust?"
    """
    store = ConversationStore()
    if list_stored or show_id or export_id:
        _store_command(store, list_stored, show_id, export_id, export_format)
        return
    interactive = not (non_interactive or list_models)
    if interactive and not fake and needs_bearer(model, region) and not has_bearer_login():
        _offer_login()
    with contextlib.ExitStack() as stack:
        token: str | None = None
        if fake:
            endpoint_url, token = _start_standin(stack)
        conversation = Conversation(
            model=model,
            region=region,
            profile=profile,
            profile_arn=profile_arn,
            token=token,
            endpoint_url=endpoint_url,
            store=None if no_save or fake else store,
            resume=resume_id,
        )
        stack.enter_context(conversation)
        if list_models:
            for info in conversation.list_models():
                mark = " (default)" if info.is_default else ""
                click.echo(f"{info.model_id}{mark}\t{info.name or ''}")
            return
        if non_interactive:
            text = prompt if prompt is not None else sys.stdin.read()
            _answer(conversation, text, as_json)
            return
        _interactive(conversation, prompt, as_json)


def _offer_login() -> None:
    """Without a login, offer `qsmith login` before the first message rather than fail on it."""
    click.echo(f"qsmith chat: {NO_LOGIN}.", err=True)
    if not click.confirm("Log in now with `qsmith login`?", default=True, err=True):
        click.echo("Continuing without a login; `qsmith chat --fake` needs none.", err=True)
        return
    from qsmith.cli.login import login

    click.get_current_context().invoke(login)


def _start_standin(stack: contextlib.ExitStack) -> tuple[str, str]:
    """Start the offline stand-in for Amazon Q; its URL and the token it accepts."""
    from qsmith.standin import ERROR_WORD, STANDIN_TOKEN, StandIn

    standin = stack.enter_context(StandIn())
    click.echo(
        f"(offline stand-in for Amazon Q at {standin.url}; "
        f"say {ERROR_WORD!r} to see an error, or offer tools to see a tool call)",
        err=True,
    )
    return standin.url, STANDIN_TOKEN


def _answer(conversation: Conversation, prompt: str, as_json: bool) -> None:
    """Stream one answer to stdout; closing the generator early keeps a cancelled turn."""
    with contextlib.closing(conversation.send(prompt)) as events:
        for event in events:
            if as_json:
                click.echo(json.dumps(event_to_dict(event)))
            elif isinstance(event, TextDelta):
                click.echo(event.text, nl=False)
            elif isinstance(event, ReasoningDelta) and event.text:
                click.secho(event.text, nl=False, dim=True, err=True)
            elif isinstance(event, TurnComplete):
                click.echo()


def _interactive(conversation: Conversation, first: str | None, as_json: bool) -> None:
    click.echo(
        f"qsmith chat — conversation {conversation.id}. "
        "Ctrl-C cancels an answer; /help lists commands; /quit leaves.",
        err=True,
    )
    pending = first
    while True:
        if pending is None:
            try:
                pending = input("> ")
            except EOFError:
                click.echo(err=True)
                return
            except KeyboardInterrupt:
                click.echo(err=True)
                pending = None
                continue
        line, pending = pending.strip(), None
        if line in QUIT_COMMANDS:
            return
        if line in HELP_COMMANDS:
            click.echo(INTERACTIVE_HELP, err=True)
            continue
        if not line:
            continue
        try:
            _answer(conversation, line, as_json)
        except KeyboardInterrupt:
            click.echo("\n[answer cancelled]", err=True)


def _store_command(
    store: ConversationStore,
    list_stored: bool,
    show_id: str | None,
    export_id: str | None,
    export_format: str,
) -> None:
    if list_stored:
        listing = store.list()
        if not listing.conversations:
            click.echo(f"No stored conversations in {store.directory}.", err=True)
        for record in listing.conversations:
            click.echo(_summary(record))
        for problem in listing.corrupt:
            click.echo(f"warning: {problem}", err=True)
        return
    if show_id:
        click.echo(store.export(show_id, fmt="markdown"), nl=False)
        return
    assert export_id is not None
    click.echo(store.export(export_id, fmt=export_format))


def _summary(record: ConversationRecord) -> str:
    first = next((m.content for m in record.messages if m.role == "user"), "")
    title = first.splitlines()[0][:60] if first else "(empty)"
    model: Any = record.model.get("model") or "default model"
    return f"{record.id}  {record.updated_at:%Y-%m-%d %H:%M}  {model}  {title}"
