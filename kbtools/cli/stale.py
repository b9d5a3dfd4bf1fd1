"""``kb stale``: what each owner must review or fix, most urgent first."""

from __future__ import annotations

import sys

import click
from rich.markup import escape
from rich.table import Table

from kbtools.cli.app import (
    EXIT_OK,
    EXIT_PROBLEMS,
    emit_json,
    err_console,
    main,
    out_console,
    output_format,
    parse_list,
    pass_state,
)
from kbtools.content.owners import Owners
from kbtools.diagnostics import render
from kbtools.review.linkcheck import ExternalSettings
from kbtools.review.stale import REASONS, Entry, StaleReport, stale_report


@main.command("stale")
@click.option("--as-of", metavar="DATE", help="Report as if today were DATE (YYYY-MM-DD).")
@click.option("--owner", metavar="HANDLE", help="Only articles this person or team answers for.")
@click.option("--kind", metavar="KIND", help="Only this kind (faq, script, playbook, ...).")
@click.option("--lang", metavar="LANG", help="Only articles in this language.")
@output_format(what="the report (github: one annotation per article and reason)")
@click.option("--fail-on", metavar="CODES",
              help=f"Exit 1 if an article has one of these reasons ({', '.join(REASONS)}).")
@click.option("--external", is_flag=True,
              help="Also check http(s) links over the network (cached under the state folder).")
@pass_state
def stale_command(state, as_of, owner, kind, lang, fmt, fail_on, external) -> None:
    """List overdue, unowned and broken content, grouped by owner.

    Each article is listed with stable reason codes: overdue, source-overdue, broken-link,
    unknown-macro, never-reviewed, no-owner, unknown-owner, due-soon, orphaned-asset.
    With --format github, each reason is an annotation: an error for the --fail-on codes, a
    notice for due-soon, a warning otherwise.
    """
    codes = parse_list(fail_on, REASONS, "--fail-on")
    kb = state.kb()
    report = stale_report(kb, as_of=as_of, owner=owner, kind=kind, lang=lang,
                          external=ExternalSettings() if external else None)
    if fmt == "json":
        emit_json(report.to_dict())
    elif fmt == "github":
        sys.stdout.write(render(report.findings(codes), "github"))
        _print_summary(report)
    else:
        _print_table(report, kb.owners)
        _print_summary(report)
    raise SystemExit(EXIT_PROBLEMS if report.failing(codes) else EXIT_OK)


def _print_table(report: StaleReport, owners: Owners) -> None:
    console = out_console()
    for owner, entries in report.by_owner():
        name = f"{owner} ({owners.display(owner)})" if owner else "nobody (no valid owner)"
        table = Table(title=f"{name}: {len(entries)}", title_justify="left", expand=False)
        table.add_column("Path", overflow="fold")
        table.add_column("Due")
        table.add_column("Reasons", overflow="fold")
        for entry in entries:
            table.add_row(_path(entry), str(entry.due or "-"), _reasons(entry))
        console.print(table)


def _print_summary(report: StaleReport) -> None:
    flagged = report.flagged
    counts = {code: sum(code in e.codes for e in flagged) for code in REASONS}
    summary = ", ".join(f"{n} {code}" for code, n in counts.items() if n)
    err = err_console()
    err.print(f"{len(flagged)} of {len(report.entries)} need attention on {report.as_of}"
              + (f": {summary}" if summary else ""), highlight=False)
    if report.unreadable:
        err.print(f"note: {report.unreadable} file(s) could not be loaded and are not in this "
                  "report; run kb check", highlight=False)


def _path(entry: Entry) -> str:
    if entry.declared_owner and entry.declared_owner != entry.owner and entry.owner:
        return f"{entry.path}\n[dim](for {entry.declared_owner})[/dim]"
    return entry.path


def _reasons(entry: Entry) -> str:
    lines = []
    for reason in entry.reasons:
        where = f":{reason.line}" if reason.code in ("broken-link", "unknown-macro") else ""
        lines.append(f"[bold]{reason.code}[/bold]{where} [dim]{escape(reason.message)}[/dim]")
    return "\n".join(lines)
