"""``kb gaps``: what agents search for most, and what finds nothing."""

from __future__ import annotations

from datetime import date

import click
from rich.table import Table

from kbtools.cli.app import EXIT_OK, emit_json, main, out_console, pass_state
from kbtools.errors import UsageError
from kbtools.search import gaps


@main.command("gaps")
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="Only queries since this day.")
@click.option("--top", default=20, show_default=True, type=click.IntRange(1, 1000),
              help="How many queries per list.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_state
def gaps_command(state, since: str | None, top: int, as_json: bool) -> None:
    """Report the most frequent search queries and those that found nothing.

    Reads the query log that `kb serve` and `kb search` write under .kb/; the zero-result
    queries are the articles to write next.
    """
    day = None
    if since:
        try:
            day = date.fromisoformat(since)
        except ValueError:
            raise UsageError(f"--since: invalid date {since!r}, expected YYYY-MM-DD") from None
    report = gaps(state.kb(), since=day, top=top)
    if as_json:
        emit_json(report.to_dict())
        raise SystemExit(EXIT_OK)
    console = out_console()
    console.print(f"{report.total} queries logged" + (f" since {report.since}" if since else ""))
    for title, rows in (("Most frequent", report.frequent),
                        ("Found nothing (content gaps)", report.zero_results)):
        table = Table(title=title, title_justify="left")
        table.add_column("query")
        table.add_column("count", justify="right")
        table.add_column("last results", justify="right")
        table.add_column("last seen")
        for row in rows:
            table.add_row(row.query, str(row.count), str(row.last_results), row.last_seen)
        console.print(table)
    raise SystemExit(EXIT_OK)
