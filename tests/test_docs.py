"""Every kb command has --help and is documented in the README (sqlite-utils' test_docs)."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from kbtools.cli import main
from tests.support import REPO


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


COMMANDS = list(all_commands(main))


def test_commands_exist():
    assert ("check",) in COMMANDS


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_command_has_help(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output
    helptext = result.output.split("\n\n", 2)[1].strip()
    assert helptext, f"kb {' '.join(command)} has no help text"


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_command_is_documented_in_readme(command):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"kb {' '.join(command)}" in readme, f"README.md does not document `kb {' '.join(command)}`"
