"""Every command has help, every option says what it does and shows its default; --version."""
from __future__ import annotations

import re

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from extractor import __version__
from extractor.cli import app

runner = CliRunner()
ROOT = typer.main.get_command(app)


def commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every command under group, by its path of names (Typer's own click classes: duck-typed)."""
    out = []
    for name, command in sorted(group.commands.items()):
        out.append(((*prefix, name), command))
        if hasattr(command, "commands"):
            out.extend(commands(command, (*prefix, name)))
    return out


COMMANDS = commands(ROOT)


def help_text(path: tuple[str, ...]) -> str:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "250", "TERMINAL_WIDTH": "250"})
    assert result.exit_code == 0, result.output
    # The text without rich's box drawing, one space between words: what a reader sees.
    return re.sub(r"\s+", " ", re.sub(r"[│╭╮╰╯─]", " ", result.output))


def test_every_command_is_covered() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"ingest", "export", "reextract", "serve", "plot", "db", "db upgrade"} <= names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_help_shows_what_and_defaults(path: tuple[str, ...], command: Any) -> None:
    text = help_text(path)
    assert command.help and command.help.split("\n")[0] in text
    for param in command.params:
        if param.param_type_name != "option" or param.name == "help":
            continue
        assert param.help and param.help in text, f"{param.name}: no help or help not shown"
        if isinstance(param.show_default, str):
            assert f"[default: ({param.show_default})]" in text, f"{param.name}: default not shown"
        elif param.default not in (None, False) and param.show_default is not False:
            assert f"[default: {param.default.value if hasattr(param.default, 'value') else param.default}]" in text, \
                f"{param.name}: default not shown"


@pytest.mark.parametrize(("path", "shown"), [
    (("ingest",), ["[default: ($EXTRACTOR_DB, else sqlite:///extractor.db)]", "[default: (the machine's cores)]"]),
    (("reextract",), ["[default: (the machine's cores)]"]),
    (("serve",), ["[default: 8001]"]),
    (("plot",), ["[default: year]", "[default: chart.png]", "[default: (everywhere)]"]),
])
def test_defaults_that_markup_used_to_swallow(path: tuple[str, ...], shown: list[str]) -> None:
    text = help_text(path)
    for s in shown:
        assert s in text


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output == f"extractor {__version__}\n"
