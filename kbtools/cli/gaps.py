"""``kb gaps``: what people search for most, what finds nothing, what nobody opens, and which
articles readers voted unhelpful."""

from __future__ import annotations

import csv
import sys
from datetime import date

import click
from rich.table import Table
from rich.text import Text

from kbtools.cli.app import EXIT_OK, emit_json, main, out_console, pass_state
from kbtools.errors import UsageError
from kbtools.feedback import MIN_VOTES
from kbtools.search import gaps
from kbtools.search.gaps import CSV_FIELDS

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""How a spreadsheet cell formula starts: such a query gets a leading ``'`` in CSV, so that
a query typed into the public search box cannot become a formula in someone's spreadsheet."""
TITLES = {"frequent": "Most frequent",
          "zero_results": "Found nothing (content gaps)",
          "unopened": "Results nobody opened (from the site's search box)"}


@main.command("gaps")
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="Only queries since this day.")
@click.option("--top", default=20, show_default=True, type=click.IntRange(1, 1000),
              help="How many queries (and articles) per list.")
@click.option("--min-votes", default=MIN_VOTES, show_default=True, type=click.IntRange(1, 10_000),
              help="Votes an article needs in a language before it is listed as unhelpful.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--csv", "as_csv", is_flag=True,
              help="Print every list as CSV rows, with a header row (column `list` names the "
                   "list).")
@pass_state
def gaps_command(state, since: str | None, top: int, min_votes: int, as_json: bool,
                 as_csv: bool) -> None:
    """Report the most frequent search queries, those that found nothing, and those whose
    results nobody opened, each with its scope (public or internal) and language; and the
    articles readers of the public site voted unhelpful ("Was this helpful?"), worst first.

    Reads the query log that `kb serve` and `kb search` write under .kb/, and the vote log
    that `kb serve --public` writes there; the zero-result queries are the articles to write
    next, the unhelpful ones the articles to fix.
    """
    if as_json and as_csv:
        raise UsageError("--json and --csv cannot be combined: pick one output format")
    day = None
    if since:
        try:
            day = date.fromisoformat(since)
        except ValueError:
            raise UsageError(f"--since: invalid date {since!r}, expected YYYY-MM-DD") from None
    report = gaps(state.kb(), since=day, top=top, min_votes=min_votes)
    if as_json:
        emit_json(report.to_dict())
    elif as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, "query": _cell(row["query"])} for row in report.rows())
    else:
        render(report)
    raise SystemExit(EXIT_OK)


def render(report) -> None:
    console = out_console()
    console.print(f"{report.total} queries logged"
                  + (f" since {report.since}" if report.since else ""))
    for name, title in TITLES.items():
        table = Table(title=title, title_justify="left")
        for column in ("query", "scope", "lang"):
            table.add_column(column)
        for column in ("count", "opened", "results"):
            table.add_column(column, justify="right")
        table.add_column("last seen")
        for row in getattr(report, name):
            table.add_row(Text(row.query), row.scope, row.lang or "-", str(row.count),
                          str(row.opened), str(row.last_results), row.last_seen[:10])
        console.print(table)
    table = Table(title=f"Unhelpful articles (public site votes; at least {report.min_votes} "
                        "per language)", title_justify="left")
    table.add_column("article")
    table.add_column("lang")
    for column in ("votes", "no", "helpful"):
        table.add_column(column, justify="right")
    table.add_column("last vote")
    for row in report.unhelpful:
        table.add_row(Text(row.path), row.lang, str(row.votes), str(row.no_votes),
                      f"{row.helpful_share:.0%}", row.last_vote[:10])
    console.print(table)


def _cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text
