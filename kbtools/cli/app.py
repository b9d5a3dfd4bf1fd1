"""The ``kb`` command group and what every command shares: --root, output, exit codes.

Exit codes: 0 success, 1 the job ran and found problems (errors, or a --fail-on match),
2 the job could not run (bad settings, bad options, missing files, a busy index).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from pathlib import Path

import click
from rich.console import Console

from kbtools.content.knowledge_base import KnowledgeBase
from kbtools.errors import BusyError, ConfigError, KBError, NotFoundError, UsageError
from kbtools.registry import open_kb

EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE = 0, 1, 2
_CLI_DIR = Path(__file__).parent


def _command_modules() -> list[str]:
    return [m.name for m in pkgutil.iter_modules([str(_CLI_DIR)]) if m.name != "app"]


class KBGroup(click.Group):
    """A group that turns kbtools errors into one clear line and an exit code.

    Commands load on demand: ``kb NAME`` imports only ``kbtools.cli.NAME`` (each command
    module is named after its command), so ``kb search`` does not pay for MkDocs' imports.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(_command_modules()))

    def get_command(self, ctx: click.Context, name: str):
        if name not in self.commands and name in _command_modules():
            importlib.import_module(f"kbtools.cli.{name}")
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (ConfigError, UsageError, NotFoundError, BusyError) as exc:
            err_console().print(f"kb: error: {exc}", markup=False, highlight=False)
            ctx.exit(EXIT_UNUSABLE)
        except KBError as exc:
            err_console().print(f"kb: error: {exc}", markup=False, highlight=False)
            ctx.exit(EXIT_PROBLEMS)


@click.group(cls=KBGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Root of the knowledge base (the folder with docs/).")
@click.version_option(package_name="kbtools")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Tools for a markdown-first support knowledge base that lives in git."""
    ctx.obj = State(root)


class State:
    """Per-run state: the root, and the knowledge base once a command opens it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._kb: KnowledgeBase | None = None

    def kb(self) -> KnowledgeBase:
        if self._kb is None:
            self._kb = open_kb(self.root)
        return self._kb


pass_state = click.make_pass_decorator(State)


def out_console() -> Console:
    return Console(soft_wrap=True)


def err_console() -> Console:
    return Console(stderr=True, soft_wrap=True)


def emit_json(data: object) -> None:
    """Write ``data`` as JSON on stdout (and nothing else)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def parse_list(value: str | None, allowed: tuple[str, ...], option: str) -> tuple[str, ...]:
    """Split ``a,b`` and check each against ``allowed``; raises :class:`UsageError`."""
    if not value:
        return ()
    items = tuple(v.strip() for v in value.split(",") if v.strip())
    unknown = [v for v in items if v not in allowed]
    if unknown:
        raise UsageError(f"{option}: unknown value {', '.join(unknown)} "
                         f"(expected {', '.join(allowed)})")
    return items
