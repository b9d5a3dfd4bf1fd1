"""``kb lint``: answer scripts and FAQ entries against the tone guidelines' rules."""

from __future__ import annotations

from pathlib import Path

import click

from kbtools.cli.app import EXIT_OK, EXIT_PROBLEMS, emit, main, output_format, pass_state
from kbtools.scripts.lint import lint


@main.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@output_format()
@pass_state
def lint_command(state, paths: tuple[Path, ...], fmt: str) -> None:
    """Check answer scripts and FAQ entries (all, or those under PATHS) against the rules
    in the tone guidelines (docs/tone/).

    Prints PATH:LINE:COL: SEVERITY: MESSAGE (DETAIL; rule from GUIDELINE) [lint.RULE-ID]
    (or JSON, or GitHub Actions annotations); exits 1 when any finding is an error.
    """
    report = lint(state.kb(), [p.resolve() if p.exists() else p for p in paths])
    emit(report.findings, fmt, report=report.to_dict(),
         scope=f"{report.checked} article(s), {report.rules} rule(s)")
    raise SystemExit(EXIT_PROBLEMS if report.errors else EXIT_OK)
