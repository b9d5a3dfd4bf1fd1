"""``kb review``: record that a person checked an article today."""

from __future__ import annotations

import click

from kbtools.cli.app import EXIT_OK, main, pass_state
from kbtools.review.record import review


@main.command("review")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--by", metavar="HANDLE",
              help="Who reviewed it (a person in owners.yml); default: the article's owner.")
@click.option("--as-of", metavar="DATE", help="Record DATE (YYYY-MM-DD) instead of today.")
@pass_state
def review_command(state, paths, by, as_of) -> None:
    """Set reviewed (and reviewed_by) in each article's front matter.

    Only those two fields change; comments, key order, quoting and the body stay exactly as they
    were, so translations of a reviewed source keep their verdicts.
    """
    for result in review(state.kb(), paths, by=by, as_of=as_of):
        was = f" (was {result.previous or 'never'})" if result.changed else " (unchanged)"
        click.echo(f"{result.path}: reviewed {result.reviewed} by {result.reviewed_by}{was}")
    raise SystemExit(EXIT_OK)
