"""Every kb command has --help and is documented in the README, with its --format option
(sqlite-utils' test_docs)."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from kbtools.cli import main
from kbtools.diagnostics import FORMATS
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


def command_object(command: tuple[str, ...]) -> click.Command:
    found: click.Command = main
    for name in command:
        found = found.get_command(click.Context(found), name)
    return found


def format_option(command: tuple[str, ...]) -> click.Option | None:
    return next((p for p in command_object(command).params
                 if isinstance(p, click.Option) and "--format" in p.opts), None)


FORMAT_COMMANDS = [c for c in COMMANDS if format_option(c) is not None]
FINDINGS_COMMANDS = [("check",), ("lint",), ("build",), ("path",), ("stale",)]


@pytest.mark.parametrize("command", FINDINGS_COMMANDS, ids=" ".join)
def test_commands_that_report_findings_take_the_one_format_option(command):
    option = format_option(command)
    assert option is not None, f"kb {' '.join(command)} has no --format"
    assert tuple(option.type.choices) == FORMATS
    result = CliRunner().invoke(main, [*command, "--help"])
    assert "--format [text|json|github]" in result.output


@pytest.mark.parametrize("command", FORMAT_COMMANDS, ids=" ".join)
def test_format_option_is_documented_in_readme(command):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    name = f"kb {' '.join(command)}"
    assert any(name in line and "--format" in line for line in readme.splitlines()), (
        f"README.md shows no `{name} ... --format` example")
    choices = tuple(format_option(command).type.choices)
    if choices == FORMATS:
        assert "--format text|json|github" in readme
    else:
        for choice in choices:
            assert f"--format {choice}" in readme, f"README.md does not show {name} --format {choice}"


def test_the_lazy_command_table_matches_every_command():
    """``kb --help`` lists the commands from :data:`kbtools.cli.app.COMMANDS` without
    importing them: the table names every command module with its docstring's short help."""
    from kbtools.cli.app import COMMANDS as TABLE

    modules = {p.stem for p in (REPO / "kbtools" / "cli").glob("*.py")} - {"__init__", "app"}
    assert set(TABLE) == modules
    for name, short in TABLE.items():
        command = command_object((name,))
        assert command.get_short_help_str(limit=10_000) == short, name


def test_help_imports_no_command_and_no_knowledge_base():
    script = ("import sys\nfrom kbtools.cli import main\n"
              "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
              "print(sorted(m for m in sys.modules if m.startswith(('kbtools.cli.', "
              "'kbtools.registry', 'kbtools.content.knowledge_base', 'mkdocs'))))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True, cwd=REPO)
    assert "Validate every article, playbook, path and settings file." in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "['kbtools.cli.app']"
