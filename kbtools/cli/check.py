"""``kb check``."""

from __future__ import annotations

from kbtools.cli.app import EXIT_OK, EXIT_PROBLEMS, emit, main, output_format, pass_state
from kbtools.content.check import check


@main.command("check")
@output_format()
@pass_state
def check_command(state, fmt: str) -> None:
    """Validate every article, playbook, path and settings file.

    Prints each problem as PATH:LINE: SEVERITY: MESSAGE [CODE] (or as JSON, or as GitHub
    Actions annotations with --format github); exits 1 if any is an error.
    """
    report = check(state.kb())
    emit(report.findings, fmt, report=report.to_dict(), scope=f"{report.articles} articles")
    raise SystemExit(EXIT_PROBLEMS if report.errors else EXIT_OK)
