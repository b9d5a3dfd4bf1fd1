"""``kb export macros``: answer scripts for a helpdesk (Zendesk macro JSON or CSV)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kbtools.cli.app import EXIT_OK, err_console, main, pass_state
from kbtools.scripts.export import FORMATS, export_macros, write_exports


@main.group("export")
def export_group() -> None:
    """Export content for other tools."""


@export_group.command("macros")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="zendesk", show_default=True,
              help="zendesk: macro JSON as Zendesk's macros API takes it; csv: a plain table.")
@click.option("--lang", "langs", multiple=True, metavar="LANG",
              help="Export only this language (repeatable). Default: every language with scripts.")
@click.option("--out", type=click.Path(path_type=Path),
              help="Folder for one file per language (macros.LANG.json|csv), or a .json/.csv "
                   "file for a single language. Without it, one language goes to stdout.")
@pass_state
def export_macros_command(state, fmt: str, langs: tuple[str, ...], out: Path | None) -> None:
    """Write the answer scripts as helpdesk macros, one file per language.

    Placeholders Zendesk knows (customer_name, ticket_id, ...) become Zendesk placeholders;
    others become their fallback, or [name] for the agent to replace.
    """
    kb = state.kb()
    if out is None:
        files = export_macros(kb, fmt, langs or (kb.config.default_language,))
        if len(files) > 1:
            raise click.UsageError("several languages need --out FOLDER")
        sys.stdout.write(files[0].content)
        raise SystemExit(EXIT_OK)
    files = export_macros(kb, fmt, langs)
    for file, path in zip(files, write_exports(files, out), strict=True):
        err_console().print(f"{path}: {file.count} macro(s) in {file.lang}", highlight=False)
    raise SystemExit(EXIT_OK)
