"""The command line as a newcomer meets it: help with examples, one spelling of the output
option, one way errors begin, hints that name the next step."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from qsmith.cli import serve as serve_module
from qsmith.cli.main import ERROR_PREFIX, cli, main
from tests.codegen.test_own_models import WEATHER

OUTPUT_COMMANDS = [
    ["codegen"],
    ["codegen", "telemetry"],
    ["vendor"],
    ["model", "convert"],
    ["model", "import-c2j"],
    ["eventstream", "encode"],
]


def every_command() -> Iterator[list[str]]:
    """The words of every command and group, walked through the lazy groups."""
    pending: list[tuple[list[str], click.Command]] = [([], cli)]
    while pending:
        words, command = pending.pop()
        yield words
        if isinstance(command, click.Group):
            context = click.Context(command, info_name=" ".join(["qsmith", *words]))
            for name in command.list_commands(context):
                sub = command.get_command(context, name)
                assert sub is not None
                pending.append(([*words, name], sub))


def help_text(words: list[str]) -> str:
    result = CliRunner().invoke(cli, [*words, "--help"], terminal_width=100)
    assert result.exit_code == 0, (words, result.output)
    return result.output


@pytest.fixture
def clean_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No login and no AWS settings: a newcomer's machine."""
    for name in list(__import__("os").environ):
        if name.startswith(("AWS_", "QSMITH_", "AMAZON_Q_", "XDG_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("QSMITH_CONVERSATIONS_DIR", str(tmp_path / "conversations"))
    return tmp_path


def test_every_help_has_an_example() -> None:
    commands = list(every_command())
    assert len(commands) > 15
    missing = [" ".join(w) for w in commands if "Example" not in help_text(w)]
    assert missing == []


@pytest.mark.parametrize("words", OUTPUT_COMMANDS, ids=" ".join)
def test_output_is_spelled_o_out_everywhere(words: list[str]) -> None:
    text = help_text(words)
    assert "-o, --out" in text and "--output" not in text


def test_codegen_help_shows_package_service_and_what_is_required() -> None:
    text = help_text(["codegen"])
    for option in ("--package NAME", "--service ID", "MODEL..."):
        assert option in text
    assert text.count("[required") >= 3


def test_model_help_says_idl_is_accepted() -> None:
    assert ".smithy" in help_text(["model"])


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exited:
        main(args)
    code = exited.value.code
    return code if isinstance(code, int) else 1, capsys.readouterr().err


def test_errors_begin_the_same_way(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "weather.json"
    model.write_text(json.dumps(WEATHER))
    failures = [
        ["codegen"],  # a usage error
        ["model", "show", "Nope", "--model", str(model)],  # a ClickException
        ["conformance", "--shared", str(tmp_path / "none")],
        ["eventstream", "decode", "--bogus"],
    ]
    for args in failures:
        code, err = run_main(args, capsys)
        assert code != 0, args
        assert err.splitlines()[-1].startswith(ERROR_PREFIX), (args, err)


def test_model_show_suggests_the_full_shape_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "weather.json"
    model.write_text(json.dumps(WEATHER))
    _, err = run_main(["model", "show", "Weather", "--model", str(model)], capsys)
    assert "did you mean example.weather#Weather?" in err
    _, err = run_main(["model", "show", "GetCityInputt", "--model", str(model)], capsys)
    assert "example.weather#GetCityInput" in err


def test_conformance_without_shared_data_names_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QSMITH_SHARED", raising=False)
    monkeypatch.chdir(tmp_path)  # outside the repository: ../shared is not there
    code, err = run_main(["conformance"], capsys)
    assert code == 1 and "--shared DIR" in err and "$QSMITH_SHARED" in err


def test_chat_list_with_no_conversations_says_so(clean_home: Path) -> None:
    result = CliRunner().invoke(cli, ["chat", "--list"])
    assert result.exit_code == 0
    assert f"No stored conversations in {clean_home / 'conversations'}" in result.output


def test_interactive_chat_has_help(clean_home: Path) -> None:
    result = CliRunner().invoke(cli, ["chat", "--fake"], input="/help\nhi\n/quit\n")
    assert result.exit_code == 0, result.output
    assert "/help lists commands" in result.output
    assert "Ctrl-C       cancel the answer" in result.output
    assert "You said: hi" in result.output


def test_interactive_chat_without_a_login_offers_one_first(clean_home: Path) -> None:
    result = CliRunner().invoke(cli, ["chat"], input="n\n/quit\n")
    assert result.exit_code == 0, result.output
    assert "no login found" in result.output
    assert "Log in now with `qsmith login`? [Y/n]" in result.output
    assert "`qsmith chat --fake` needs none" in result.output


def test_serve_warns_at_start_without_a_login(
    clean_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uvicorn = pytest.importorskip("uvicorn", reason="qsmith serve needs uvicorn")
    started: list[object] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda server: started.append(server))
    monkeypatch.setattr(serve_module, "server_config", lambda **options: options)
    result = CliRunner().invoke(cli, ["serve", "--port", "0"])
    assert result.exit_code == 0, result.output
    assert "warning: no login found" in result.output and "--fake" in result.output
    assert len(started) == 1
    monkeypatch.setenv("QSMITH_BEARER_TOKEN", "t")
    assert "no login" not in CliRunner().invoke(cli, ["serve", "--port", "0"]).output
