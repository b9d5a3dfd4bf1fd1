"""``kb lint``: answer scripts and FAQ entries against the tone guidelines' rules."""

from __future__ import annotations

from pathlib import Path

import click

from kbtools.cli.app import EXIT_OK, EXIT_PROBLEMS, emit_json, err_console, main, pass_state
from kbtools.scripts.lint import format_finding, lint


@main.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@pass_state
def lint_command(state, paths: tuple[Path, ...], as_json: bool) -> None:
    """Check answer scripts and FAQ entries (all, or those under PATHS) against the rules
    in the tone guidelines (docs/tone/).

    Prints PATH:LINE:COL: RULE-ID: MESSAGE (SUGGESTION) [LEVEL, rule from GUIDELINE];
    exits 1 when any finding is an error.
    """
    report = lint(state.kb(), [p.resolve() if p.exists() else p for p in paths])
    if as_json:
        emit_json(report.to_dict())
    else:
        for finding in report.findings:
            click.echo(format_finding(finding))
        err_console().print(f"{report.errors} error(s), {report.warnings} warning(s) in "
                            f"{report.checked} article(s), {report.rules} rule(s)",
                            highlight=False)
    raise SystemExit(EXIT_PROBLEMS if report.errors else EXIT_OK)
