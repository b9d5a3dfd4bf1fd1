"""``kb check``."""

from __future__ import annotations

import click

from kbtools.cli.app import EXIT_OK, EXIT_PROBLEMS, emit_json, err_console, main, pass_state
from kbtools.content.check import check


@main.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@pass_state
def check_command(state, as_json: bool) -> None:
    """Validate every article, playbook, path and settings file.

    Prints each problem as PATH:LINE: SEVERITY: MESSAGE [CODE]; exits 1 if any is an error.
    """
    report = check(state.kb())
    if as_json:
        emit_json(report.to_dict())
    else:
        for finding in report.findings:
            click.echo(finding.format())
        err_console().print(
            f"{report.errors} error(s), {report.warnings} warning(s) in {report.articles} articles",
            highlight=False)
    raise SystemExit(EXIT_PROBLEMS if report.errors else EXIT_OK)
